package conntest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// checkAPI proves API access works with the credential Harness will use.
func (e *env) checkAPI(ctx context.Context) finding {
	c := e.c
	if c.APIAccess == "" || c.APIAccess == wizard.APINone {
		return skip("api access is off (harness needs it for git-based triggers, webhooks and status updates)")
	}
	if e.apiSecret() == "" {
		return failf("enter the api token in the api access step", "the api token is empty")
	}
	base, err := e.apiBase()
	if err != nil {
		return failf("fix the url", "%s", err.Error())
	}
	if e.caErr != nil {
		return *e.caErr
	}
	cr, _ := e.restCred()
	start := time.Now()
	switch {
	case c.Edition == wizard.DataCenter:
		return e.checkAPIDataCenter(ctx, base, cr, start)
	case c.APIAccess == wizard.APIAccessToken:
		path, err := e.ownerOrRepoPath()
		if err != nil {
			return skip("no workspace or repository known to test the access token against")
		}
		r, err := e.fetch(ctx, base+path, cr)
		if err != nil {
			return netFinding(err, targetOf(base), time.Since(start))
		}
		if r.status != http.StatusOK {
			return e.restStatusFinding(r, time.Since(start), path)
		}
		kind := r.header.Get("X-Credential-Type")
		if kind == "" {
			kind = "access token"
		}
		return passf("the access token (%s) reads %s%s", strings.ReplaceAll(kind, "_", " "), strings.TrimPrefix(path, "/2.0/repositories/"), r.retryNote())
	}
	r, err := e.fetch(ctx, base+"/2.0/user", cr)
	if err != nil {
		return netFinding(err, targetOf(base), time.Since(start))
	}
	if r.status == http.StatusForbidden {
		if _, _, ok := ParseScopeError(r.body); ok {
			return e.apiWithoutUserScope(ctx, base, cr, start)
		}
	}
	if r.status != http.StatusOK {
		return e.restStatusFinding(r, time.Since(start), "/2.0/user")
	}
	var u struct {
		Username    string `json:"username"`
		DisplayName string `json:"display_name"`
		Nickname    string `json:"nickname"`
	}
	_ = json.Unmarshal(r.body, &u)
	who := firstNonEmpty(u.Username, u.Nickname, u.DisplayName, "an unnamed user")
	if e.restIsAppPassword() {
		return warnf("create an api token with the required scopes, then "+rotateHint(c),
			"authenticated as %s with an app password; %s", who, wizard.AppPasswordStatus(e.cfg.Now()))
	}
	if f, bad := e.compareUsername(u.Username); bad {
		return f
	}
	return passf("authenticated as %s (%s) with email and api token%s", who, wizard.OneLine(u.DisplayName, 60), r.retryNote())
}

// compareUsername catches the email/username mix-up: the HTTP username must
// be the token owner's Bitbucket username (or the static API-token name).
func (e *env) compareUsername(owner string) (finding, bool) {
	c := e.c
	if owner == "" || c.Connection != wizard.HTTP || c.PasswordKind != wizard.APIToken {
		return finding{}, false
	}
	user := strings.TrimSpace(c.Username)
	switch {
	case user == "" || user == wizard.APITokenGitUsername || strings.EqualFold(user, owner):
		return finding{}, false
	case wizard.LooksLikeEmail(user):
		return failf("set username to "+owner+" (your bitbucket username, Personal settings > Account settings), not your email",
			"email used where the bitbucket username belongs: username is %s, but the token belongs to %s", user, owner), true
	}
	return warnf("set username to "+owner+" (or "+wizard.APITokenGitUsername+")",
		"username %s is not the token owner's bitbucket username %s", user, owner), true
}

// apiWithoutUserScope: /2.0/user needs read:user:bitbucket; prove API
// access on the repository instead and warn.
func (e *env) apiWithoutUserScope(ctx context.Context, base string, cr credential, start time.Time) finding {
	path, err := e.ownerOrRepoPath()
	if err != nil {
		return scopeFailure(nil, "/2.0/user")
	}
	r, err := e.fetch(ctx, base+path, cr)
	if err != nil {
		return netFinding(err, targetOf(base), time.Since(start))
	}
	if r.status != http.StatusOK {
		return e.restStatusFinding(r, time.Since(start), path)
	}
	return warnf(fixScopes, "the token reads %s, but without read:user:bitbucket it cannot say whose it is (/2.0/user)",
		strings.TrimPrefix(path, "/2.0/repositories/"))
}

// checkAPIDataCenter calls the repository endpoint and proves the call was
// authenticated: some servers answer an unknown token as anonymous.
func (e *env) checkAPIDataCenter(ctx context.Context, base string, cr credential, start time.Time) finding {
	path, err := e.repoPath()
	if err != nil {
		path = "/rest/api/1.0/projects?limit=1"
	}
	r, err := e.fetch(ctx, base+path, cr)
	if err != nil {
		return netFinding(err, targetOf(base), time.Since(start))
	}
	user := r.header.Get("X-Ausername")
	if dcAnonymous(r) {
		return failf("create a new http access token (Manage account > HTTP access tokens), then "+rotateHint(e.c),
			"token not recognised: data center answered as anonymous (no X-AUSERNAME), so the token is revoked, expired or mistyped")
	}
	if r.status != http.StatusOK {
		return e.restStatusFinding(r, time.Since(start), path)
	}
	return passf("authenticated as %s; the token reads %s%s", wizard.OneLine(user, 60), strings.TrimPrefix(stripQuery(path), "/rest/api/1.0/"), r.retryNote())
}

// ownerOrRepoPath is the repository's REST path, or the workspace listing
// when only the workspace is known.
func (e *env) ownerOrRepoPath() (string, error) {
	if p, err := e.repoPath(); err == nil {
		return p, nil
	}
	owner := accountOwnerOf(e.c)
	if owner == "" {
		return "", errNoOwner
	}
	if e.c.Edition == wizard.DataCenter {
		return "/rest/api/1.0/projects/" + pathEsc(owner) + "/repos?limit=1", nil
	}
	return "/2.0/repositories/" + pathEsc(owner) + "?pagelen=1", nil
}

func pathEsc(s string) string { return url.PathEscape(s) }

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return wizard.OneLine(v, 60)
		}
	}
	return ""
}

// dcAnonymous reports whether Data Center served the request as anonymous:
// no X-AUSERNAME, and not the 401 of a refused token.
func dcAnonymous(r *response) bool {
	user := r.header.Get("X-Ausername")
	if user != "" && !strings.EqualFold(user, "anonymous") {
		return false
	}
	switch r.status {
	case http.StatusOK, http.StatusNotFound, http.StatusForbidden:
		return true
	case http.StatusUnauthorized:
		ae := parseAPIError(r.body)
		return strings.Contains(ae.Exception, "AuthorisationException") || strings.Contains(ae.Message, "not permitted")
	}
	return false
}
