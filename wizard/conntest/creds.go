package conntest

import (
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// gitCred is how git over HTTP authenticates: Basic with the username the
// credential kind requires, or Bearer for a Data Center project or
// repository token (no username).
func (e *env) gitCred() credential {
	c := e.c
	if c.Edition == wizard.DataCenter {
		if strings.TrimSpace(c.Username) == "" {
			return bearer(e.s.Password)
		}
		return basic(strings.TrimSpace(c.Username), e.s.Password)
	}
	user := strings.TrimSpace(c.EffectiveUsername())
	if user == "" && c.PasswordKind == wizard.APIToken {
		user = wizard.APITokenGitUsername
	}
	return basic(user, e.s.Password)
}

// apiSecret is the token API access uses: its own, or the HTTP password.
func (e *env) apiSecret() string {
	if e.c.NeedsSeparateAPIToken() {
		return e.s.APIToken
	}
	return e.s.Password
}

// restCred is the credential the REST checks (API access, scopes,
// visibility) and ListRepos use: the API access credential when API access
// is on, otherwise the HTTP password when REST accepts it. reason says why
// there is none.
func (e *env) restCred() (credential, string) {
	c := e.c
	switch c.APIAccess {
	case wizard.APIEmailAPIToken:
		return basic(strings.TrimSpace(c.APIEmail), e.apiSecret()), ""
	case wizard.APIAccessToken:
		return bearer(e.apiSecret()), ""
	case wizard.APIUsernameAppPassword:
		return basic(strings.TrimSpace(c.APIUsername), e.apiSecret()), ""
	}
	if c.Connection != wizard.HTTP {
		return credential{}, "api access is off (an ssh key cannot call the api)"
	}
	switch c.PasswordKind {
	case wizard.AccessToken:
		return bearer(e.s.Password), ""
	case wizard.AppPassword:
		return basic(strings.TrimSpace(c.Username), e.s.Password), ""
	case wizard.HTTPAccessToken:
		return e.gitCred(), ""
	}
	return credential{}, "api access is off (the api needs the atlassian email with an api token)"
}

// restKind names the REST credential for diagnoses.
func (e *env) restKind() string {
	switch e.c.APIAccess {
	case wizard.APIEmailAPIToken:
		return "email and api token"
	case wizard.APIAccessToken:
		return "access token"
	case wizard.APIUsernameAppPassword:
		return "username and app password"
	}
	return strings.ToLower(e.c.PasswordKind.Label())
}

// restIsAppPassword reports whether REST calls use an App Password.
func (e *env) restIsAppPassword() bool {
	return e.c.APIAccess == wizard.APIUsernameAppPassword ||
		((e.c.APIAccess == wizard.APINone || e.c.APIAccess == "") && e.c.PasswordKind == wizard.AppPassword)
}

// restIsAPIToken reports whether REST calls use an Atlassian API token.
func (e *env) restIsAPIToken() bool { return e.c.APIAccess == wizard.APIEmailAPIToken }
