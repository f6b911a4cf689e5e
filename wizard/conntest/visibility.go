package conntest

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// checkVisibility counts the repositories the credential sees in the
// workspace (/2.0/repositories/{workspace}) or Data Center project: what
// Harness's own API check lists.
func (e *env) checkVisibility(ctx context.Context) finding {
	cr, reason := e.restCred()
	if reason != "" {
		return skip("needs the api: " + reason)
	}
	if e.caErr != nil {
		return *e.caErr
	}
	base, err := e.apiBase()
	if err != nil {
		return failf("fix the url", "%s", err.Error())
	}
	owner := accountOwnerOf(e.c)
	start := time.Now()
	if e.c.Edition == wizard.DataCenter {
		path, where := "/rest/api/1.0/repos", "on the server"
		if owner != "" {
			path, where = "/rest/api/1.0/projects/"+pathEsc(owner)+"/repos", "in project "+owner
		}
		r, err := e.fetch(ctx, base+path+"?limit=1", cr)
		if err != nil {
			return netFinding(err, targetOf(base), time.Since(start))
		}
		if dcAnonymous(r) {
			return failf("create a new http access token (Manage account > HTTP access tokens), then "+rotateHint(e.c),
				"token not recognised: data center answered as anonymous (no X-AUSERNAME), so only public repositories show")
		}
		if r.status != http.StatusOK {
			return e.restStatusFinding(r, time.Since(start), path)
		}
		b := &budget{lim: defaultLimits, start: start}
		repos, f := e.listDC(ctx, b, base, path, cr)
		if f != nil {
			return *f
		}
		return countFinding(len(repos), b.reason() != "", where)
	}
	if owner == "" {
		return skip("the url names no workspace to count repositories in")
	}
	path := "/2.0/repositories/" + pathEsc(owner)
	r, err := e.fetch(ctx, base+path+"?pagelen=100", cr)
	if err != nil {
		return netFinding(err, targetOf(base), time.Since(start))
	}
	if r.status != http.StatusOK {
		if r.header.Get("X-Credential-Type") == "repo_access_token" || (r.status == http.StatusForbidden && e.restKind() == "access token") {
			return failf("use a workspace access token, or an api token with read:workspace:bitbucket",
				"a repository access token cannot list workspace %s: harness's test connection fails with repository-level tokens", owner)
		}
		return e.restStatusFinding(r, time.Since(start), path)
	}
	var p cloudPage
	if jsonErr := json.Unmarshal(r.body, &p); jsonErr != nil {
		return failf("check the cloud api url points at bitbucket", "%s did not answer with bitbucket json", path)
	}
	n, more := len(p.Values), false
	switch {
	case p.Size != nil:
		n = *p.Size
	case p.Next != "":
		b := &budget{lim: defaultLimits, start: start}
		repos, f := e.listCloud(ctx, b, base, owner, cr)
		if f != nil {
			return *f
		}
		n, more = len(repos), b.reason() != ""
	}
	if r.header.Get("X-Credential-Type") == "repo_access_token" {
		return failf("use a workspace access token, or an api token with read:workspace:bitbucket",
			"a repository access token sees only its own repository in %s: harness's test connection fails with repository-level tokens", owner)
	}
	return countFinding(n, more, "in workspace "+owner)
}

// countFinding says how many repositories the credential sees; more is
// set when the listing stopped at its limits before the end.
func countFinding(n int, more bool, where string) finding {
	if n == 0 {
		return warnf("give the credential access to the repositories harness should build", "the credential sees no repositories %s", where)
	}
	noun := "repositories"
	if n == 1 {
		noun = "repository"
	}
	if more {
		return passf("the credential sees more than %s %s %s (the count stopped there)", thousands(n), noun, where)
	}
	return passf("the credential sees %d %s %s", n, noun, where)
}
