package conntest

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

var errNoOwner = errors.New("the url names no workspace or project")

// restStatusFinding names the cause of a REST answer other than 200.
func (e *env) restStatusFinding(r *response, elapsed time.Duration, what string) finding {
	ae := parseAPIError(r.body)
	what = stripQuery(what)
	dc := e.c.Edition == wizard.DataCenter
	switch r.status {
	case http.StatusUnauthorized:
		return e.restAuthFinding(ae)
	case http.StatusForbidden:
		switch {
		case strings.Contains(ae.Message, msgNotAccessible):
			return failf("use a workspace access token or an api token with read:workspace:bitbucket (and read:user:bitbucket)",
				"this api is not accessible with this %s (%s): bitbucket allows it to api tokens only", e.restKind(), what)
		case strings.Contains(ae.Message, msgLackScopes):
			g, _, _ := ParseScopeError(r.body)
			return scopeFailure(g, what)
		}
		return failf("give the account (or token) read access in bitbucket", "access denied to %s: %s", what, firstNonEmpty(ae.Message, "forbidden"))
	case http.StatusNotFound:
		if f, ok := e.wrongAPIURL(r, what); ok {
			return f
		}
		fix := "check the workspace and repository names, and that the credential can open the repository in bitbucket"
		if dc {
			fix = "check the project key and repository slug, and that the token's user can open the repository"
		}
		return failf(fix, "repository not found or not visible: %s (%s)", what, firstNonEmpty(ae.Message, "not found"))
	case http.StatusGone:
		return failf("update bbconnect: the endpoint was removed", "bitbucket removed %s (%s)", what, firstNonEmpty(ae.Message, msgDeprecated))
	}
	return statusFinding(r, elapsed, dc)
}

// restAuthFinding names why the REST API answered 401.
func (e *env) restAuthFinding(ae apiError) finding {
	c, now := e.c, e.cfg.Now()
	rotate := rotateHint(c)
	expires := e.cfg.TokenExpires
	if c.NeedsSeparateAPIToken() {
		expires = e.cfg.APITokenExpires
	}
	switch {
	case e.restIsAppPassword():
		return appPasswordRefused(now, rotate)
	case !expires.IsZero() && !now.Before(expires):
		return failf("create a new token, then "+rotate, "token expired on %s", expires.Format("2006-01-02"))
	case c.Edition == wizard.DataCenter:
		return failf("check the http access token (Manage account > HTTP access tokens); create a new one if it was revoked or expired",
			"wrong password: data center refused the token (%s)", firstNonEmpty(ae.Message, "401"))
	case strings.Contains(ae.Message, msgTokenInvalid):
		if e.restIsAPIToken() {
			return failf("create an api token with scopes and a future expiry ("+wizard.APITokenPlace+"), then "+rotate,
				"token expired or not scoped: bitbucket says %q", ae.Message)
		}
		return failf("create a new access token (repository, project or workspace settings > access tokens), then "+rotate,
			"token expired or revoked: bitbucket says %q", ae.Message)
	case e.restIsAPIToken() && !wizard.LooksLikeEmail(c.APIEmail):
		return failf("give the email of your atlassian account in api email, not your bitbucket username",
			"bitbucket username used where the atlassian email belongs: the api needs email:token, got %s", c.APIEmail)
	case e.restIsAPIToken():
		return failf("check api email is your atlassian account email, and copy the api token again (or create a new one)",
			"wrong password: bitbucket refused %s with this api token", c.APIEmail)
	}
	return failf("copy the token again, or create a new one, then "+rotate, "wrong password: bitbucket refused the %s", e.restKind())
}

// wrongAPIURL diagnoses a 404 on an endpoint every Bitbucket has (Cloud's
// /2.0/user and workspace listings, Data Center's server-wide listings):
// the API URL is wrong, not the repository.
func (e *env) wrongAPIURL(r *response, what string) (finding, bool) {
	if e.c.Edition == wizard.DataCenter {
		if !strings.HasSuffix(what, "/rest/api/1.0/projects") && !strings.HasSuffix(what, "/rest/api/1.0/repos") {
			return finding{}, false
		}
		return failf("check the server url, including any context path (https://host/bitbucket)",
			"the data center api was not found at %s (404): the server url looks wrong", wizard.OneLine(r.url, 100)), true
	}
	if !strings.HasSuffix(what, "/2.0/user") && !strings.Contains(what, "/2.0/user/") && !strings.Contains(what, "/2.0/workspaces") {
		return finding{}, false
	}
	return failf("use "+DefaultCloudAPIURL+" (with or without /2.0), or unset --cloud-api-url and "+EnvCloudAPIURL,
		"the cloud api url looks wrong: %s answered 404, and every bitbucket cloud api has it", wizard.OneLine(r.url, 100)), true
}
