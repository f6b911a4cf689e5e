package conntest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// fixScopes is the fix for an API token that lacks scopes.
const fixScopes = "create an api token with every scope the harness page lists (" + wizard.APITokenPlace + "), then rotate it in"

// scopeFailure names every required API-token scope missing from granted
// and what will not work without it.
func scopeFailure(granted []string, where string) finding {
	missing := wizard.MissingScopes(granted)
	if len(missing) == 0 {
		return failf(fixScopes, "bitbucket refused the %s request for lack of scopes", where)
	}
	parts := make([]string, len(missing))
	for i, m := range missing {
		parts[i] = fmt.Sprintf("%s (%s)", m.Name, m.For)
	}
	return failf(fixScopes, "missing %d of %d required scopes: %s", len(missing), len(wizard.RequiredAPITokenScopes), strings.Join(parts, "; "))
}

// legacyScopes are the access-token / App Password scopes Harness relies on,
// with what needs them. Wider scopes imply narrower ones.
var legacyScopes = []struct{ name, forWhat string }{
	{"repository", "git clone and fetch, commit status updates"},
	{"pullrequest", "reading and commenting on pull requests"},
	{"webhook", "creating webhooks for git-based triggers"},
}

// legacyHas reports whether granted covers the legacy scope want.
func legacyHas(granted []string, want string) bool {
	for _, g := range granted {
		switch {
		case g == want, strings.HasPrefix(g, want+":"):
			return true
		case want == "repository" && strings.HasPrefix(g, "pullrequest"):
			return true // pullrequest implies repository
		}
	}
	return false
}

// checkScopes reads the scopes Bitbucket reports for the REST credential
// and names every missing one the Harness settings page requires.
func (e *env) checkScopes(ctx context.Context) finding {
	cr, reason := e.restCred()
	if reason != "" {
		return skip("needs the api: " + reason)
	}
	if e.c.Edition == wizard.DataCenter {
		return skip("data center tokens carry permissions (read, write, admin), not scopes")
	}
	base, err := e.apiBase()
	if err != nil {
		return failf("fix the cloud api url", "%s", err.Error())
	}
	if e.caErr != nil {
		return *e.caErr
	}
	start := time.Now()
	if e.restIsAPIToken() {
		r, err := e.fetch(ctx, base+"/2.0/user", cr)
		if err != nil {
			return netFinding(err, targetOf(base), time.Since(start))
		}
		granted := parseScopeHeader(r.header.Get("X-Oauth-Scopes"))
		switch r.status {
		case http.StatusOK:
			if r.header.Get("X-Oauth-Scopes") == "" {
				return warnf("check the token's scopes at id.atlassian.com > Security > API tokens", "bitbucket did not report the token's scopes")
			}
		case http.StatusForbidden:
			g, _, ok := ParseScopeError(r.body)
			if !ok {
				return e.restStatusFinding(r, time.Since(start), "/2.0/user")
			}
			granted = tidyScopes(append(granted, g...))
		case http.StatusUnauthorized:
			return skip("the api refused the credential, so its scopes are unknown (see api access)")
		default:
			return e.restStatusFinding(r, time.Since(start), "/2.0/user")
		}
		if len(wizard.MissingScopes(granted)) > 0 {
			return scopeFailure(granted, "/2.0/user")
		}
		return passf("all %d scopes the harness page requires are granted%s", len(wizard.RequiredAPITokenScopes), r.retryNote())
	}
	path, err := e.repoPath()
	if err != nil {
		return skip("needs a test repository to ask bitbucket for the token's scopes")
	}
	r, err := e.fetch(ctx, base+path, cr)
	if err != nil {
		return netFinding(err, targetOf(base), time.Since(start))
	}
	switch r.status {
	case http.StatusOK, http.StatusForbidden:
	case http.StatusUnauthorized:
		return skip("the api refused the credential, so its scopes are unknown (see api access)")
	default:
		return e.restStatusFinding(r, time.Since(start), path)
	}
	h := r.header.Get("X-Oauth-Scopes")
	if h == "" {
		return warnf("check the token's scopes where it was created", "bitbucket did not report the %s's scopes", e.restKind())
	}
	granted := parseScopeHeader(h)
	var missing []string
	for _, s := range legacyScopes {
		if !legacyHas(granted, s.name) {
			missing = append(missing, fmt.Sprintf("%s (%s)", s.name, s.forWhat))
		}
	}
	if len(missing) > 0 {
		return warnf("create a token with the repository, pull requests and webhooks permissions, then rotate it in",
			"the %s lacks %s", e.restKind(), strings.Join(missing, "; "))
	}
	return passf("scopes granted to the %s: %s%s", e.restKind(), strings.Join(granted, ", "), r.retryNote())
}

// repoPath is the REST path of the test repository.
func (e *env) repoPath() (string, error) {
	owner, slug, err := e.c.RepoRef()
	if err != nil {
		return "", err
	}
	if e.c.Edition == wizard.DataCenter {
		return "/rest/api/1.0/projects/" + pathEsc(owner) + "/repos/" + pathEsc(slug), nil
	}
	return "/2.0/repositories/" + pathEsc(owner) + "/" + pathEsc(slug), nil
}
