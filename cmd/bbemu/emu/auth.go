package emu

import (
	"net/http"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// authFail says how a request failed to authenticate.
type authFail int

const (
	authOK      authFail = iota
	failLogin            // Cloud: 401 text/plain "Login failed…"
	failToken            // Cloud: 401 JSON "Token is invalid, expired, or not supported…"
	failDCLogin          // DC: 401 IncorrectPasswordAuthenticationException
)

// cloudRESTAuth applies Bitbucket Cloud's REST rules: API tokens are Basic
// with the Atlassian email; App Passwords are Basic with the Bitbucket
// username; access tokens are Bearer only. A nil credential with authOK
// is an anonymous request.
func (st *state) cloudRESTAuth(r *http.Request) (*credential, authFail) {
	if r.Header.Get("Authorization") == "" {
		return nil, authOK
	}
	if tok, ok := bearer(r); ok {
		c := st.creds[tok]
		if c != nil && c.isAccessToken() {
			return c, authOK
		}
		return nil, failToken
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return nil, failLogin
	}
	c := st.creds[pass]
	if c == nil {
		return nil, failLogin
	}
	now := st.now()
	switch c.kind {
	case kindAPIToken:
		if c.invalid(now) {
			return nil, failToken
		}
		if strings.EqualFold(user, st.demo.Email) {
			return c, authOK
		}
	case kindAppPassword:
		if strings.EqualFold(user, st.demo.Username) && appPasswordWorks(now) {
			return c, authOK
		}
	}
	return nil, failLogin
}

// cloudGitAuth applies Bitbucket Cloud's git-over-HTTPS rules: API tokens
// with the Bitbucket username or x-bitbucket-api-token-auth (never the
// email); access tokens with x-token-auth (or Bearer); App Passwords with
// the Bitbucket username.
func (st *state) cloudGitAuth(r *http.Request) *credential {
	if tok, ok := bearer(r); ok {
		if c := st.creds[tok]; c != nil && c.isAccessToken() {
			return c
		}
		return nil
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return nil
	}
	c := st.creds[pass]
	if c == nil {
		return nil
	}
	now := st.now()
	switch c.kind {
	case kindAPIToken:
		if !c.invalid(now) && (strings.EqualFold(user, st.demo.Username) || user == wizard.APITokenGitUsername) {
			return c
		}
	case kindWorkspaceToken, kindRepoToken:
		if user == wizard.AccessTokenUsername {
			return c
		}
	case kindAppPassword:
		if strings.EqualFold(user, st.demo.Username) && appPasswordWorks(now) {
			return c
		}
	}
	return nil
}

// dcAuth applies Data Center's rules: a personal token as Basic
// user:token or Bearer; a project token as Bearer only. Tokens count only
// on /rest and /scm paths (as since 8.9.22/8.19.12/9.3.2); elsewhere the
// request is anonymous. With FaultDCAnonymous an unknown Bearer token is
// served as anonymous instead of refused. path is relative to the context.
func (st *state) dcAuth(r *http.Request, path string) (*credential, authFail) {
	if r.Header.Get("Authorization") == "" {
		return nil, authOK
	}
	if !strings.HasPrefix(path, "/rest/") && !strings.HasPrefix(path, "/scm/") {
		return nil, authOK
	}
	if tok, ok := bearer(r); ok {
		if c := st.creds[tok]; c != nil && (c.kind == kindDCPersonal || c.kind == kindDCProject) {
			return c, authOK
		}
		if _, ok := st.faults.take(r.URL.Path, FaultDCAnonymous); ok {
			return nil, authOK
		}
		return nil, failDCLogin
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		return nil, failDCLogin
	}
	if c := st.creds[pass]; c != nil && c.kind == kindDCPersonal && strings.EqualFold(user, st.demo.DCUser) {
		return c, authOK
	}
	return nil, failDCLogin
}

// cloudCanSee reports whether c may read repository r.
func cloudCanSee(c *credential, r *repo) bool {
	if c == nil {
		return false
	}
	if c.kind == kindRepoToken {
		return strings.EqualFold(c.repo, r.owner+"/"+r.slug)
	}
	return true
}

// dcCanSee reports whether c may read DC repository r.
func dcCanSee(c *credential, r *repo) bool {
	if c == nil {
		return false
	}
	if c.kind == kindDCProject {
		return strings.EqualFold(c.project, r.owner)
	}
	return true
}
