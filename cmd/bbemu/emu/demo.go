package emu

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// The demo identities. Names are fixed so screenshots and docs stay
// stable; secrets are random on every start.
const (
	demoWorkspace = "acme"
	demoRepo      = "harness-demo"
	demoEmptyRepo = "empty-repo"
	demoOtherRepo = "internal-tools"
	demoUsername  = "demo-user"
	demoEmail     = "demo.user@example.com"
	demoDisplay   = "Demo User"
	demoDCProject = "DEMO"
	demoDCRepo    = "harness-demo"
	demoDCUser    = "demo-user"
	// demoDCOtherProject is a second DC project the project token cannot see.
	demoDCOtherProject = "OPS"
	demoDCOtherRepo    = "deploy-scripts"
)

// credKind is what a credential is.
type credKind int

const (
	kindAPIToken credKind = iota + 1
	kindWorkspaceToken
	kindRepoToken
	kindAppPassword
	kindDCPersonal
	kindDCProject
)

// credential is one secret the emulator accepts, with what it grants.
type credential struct {
	kind    credKind
	scopes  []string  // fine-grained for API tokens, legacy otherwise
	expires time.Time // zero: never
	repo    string    // repo token: "ws/slug"
	project string    // DC project token: project key
}

// credType is the x-credential-type value Bitbucket Cloud sends.
func (c *credential) credType() string {
	switch c.kind {
	case kindAPIToken:
		return "api_token"
	case kindWorkspaceToken:
		return "workspace_access_token"
	case kindRepoToken:
		return "repo_access_token"
	case kindAppPassword:
		return "app_password"
	case kindDCPersonal:
		return "personal_access_token"
	case kindDCProject:
		return "project_access_token"
	}
	return ""
}

// invalid reports whether Bitbucket refuses the token outright: expired,
// or an API token without scopes.
func (c *credential) invalid(now time.Time) bool {
	if c.kind == kindAPIToken && len(c.scopes) == 0 {
		return true
	}
	return !c.expires.IsZero() && !now.Before(c.expires)
}

func (c *credential) isAccessToken() bool {
	return c.kind == kindWorkspaceToken || c.kind == kindRepoToken
}

// hasScope reports whether the credential grants fine (API tokens) or
// legacy (access tokens, App Passwords). Legacy "x:write" and "x:admin"
// include "x".
func (c *credential) hasScope(fine, legacy string) bool {
	if c.kind == kindAPIToken {
		return slices.Contains(c.scopes, fine)
	}
	for _, s := range c.scopes {
		base, _, _ := strings.Cut(s, ":")
		if s == legacy || base == legacy {
			return true
		}
	}
	return false
}

// grantedHeader is the x-oauth-scopes value.
func (c *credential) grantedHeader() string { return strings.Join(c.scopes, ", ") }

// legacyAppPasswordScopes and legacyAccessTokenScopes are what the demo
// App Password and access tokens grant, in Bitbucket's legacy names.
var (
	legacyAppPasswordScopes = []string{"account", "issue:write", "pullrequest:write", "repository:write", "webhook"}
	legacyAccessTokenScopes = []string{"pullrequest:write", "repository:write", "webhook"}
)

// newDemo makes the demo identities and fresh random secrets.
func newDemo(now time.Time, keys *sshKeys) Demo {
	return Demo{
		Workspace:              demoWorkspace,
		Repo:                   demoRepo,
		EmptyRepo:              demoEmptyRepo,
		OtherRepo:              demoOtherRepo,
		Username:               demoUsername,
		Email:                  demoEmail,
		APIToken:               atlassianToken("ATATT3xFfGF0"),
		APITokenNext:           atlassianToken("ATATT3xFfGF0"),
		APITokenMissingScopes:  atlassianToken("ATATT3xFfGF0"),
		APITokenExpired:        atlassianToken("ATATT3xFfGF0"),
		APITokenNoScopes:       atlassianToken("ATATT3xFfGF0"),
		APITokenExpires:        now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 335),
		AccessToken:            atlassianToken("ATCTT3xFfGN0"),
		RepoAccessToken:        atlassianToken("ATCTT3xFfGN0"),
		AppPassword:            "ATBB" + randString(32),
		DCProject:              demoDCProject,
		DCRepo:                 demoDCRepo,
		DCUser:                 demoDCUser,
		DCToken:                "BBDC-" + randString(44),
		DCProjectToken:         "BBDC-" + randString(44),
		SSHKeyPath:             keys.demoPath,
		UnregisteredSSHKeyPath: keys.unregPath,
		OpenSSHKeyPath:         keys.opensshPath,
	}
}

// credentials maps each demo secret to what it is.
func (d Demo) credentials(now time.Time) map[string]*credential {
	all := wizard.RequiredScopeNames()
	missing := slices.DeleteFunc(slices.Clone(all), func(s string) bool {
		return s == "read:user:bitbucket" || s == "write:webhook:bitbucket"
	})
	return map[string]*credential{
		d.APIToken:              {kind: kindAPIToken, scopes: append(slices.Clone(all), "write:ssh-key:bitbucket"), expires: d.APITokenExpires},
		d.APITokenNext:          {kind: kindAPIToken, scopes: append(slices.Clone(all), "write:ssh-key:bitbucket"), expires: d.APITokenExpires},
		d.APITokenMissingScopes: {kind: kindAPIToken, scopes: missing, expires: d.APITokenExpires},
		d.APITokenExpired:       {kind: kindAPIToken, scopes: all, expires: now.Add(-24 * time.Hour)},
		d.APITokenNoScopes:      {kind: kindAPIToken, expires: d.APITokenExpires},
		d.AccessToken:           {kind: kindWorkspaceToken, scopes: legacyAccessTokenScopes},
		d.RepoAccessToken:       {kind: kindRepoToken, scopes: legacyAccessTokenScopes, repo: d.Workspace + "/" + d.Repo},
		d.AppPassword:           {kind: kindAppPassword, scopes: legacyAppPasswordScopes},
		d.DCToken:               {kind: kindDCPersonal},
		d.DCProjectToken:        {kind: kindDCProject, project: d.DCProject},
	}
}

// appPasswordWorks applies the App Password timeline at now: working
// before the cutoff, failing in 15-minute brownouts at 00/06/12/18 UTC
// until the removal date, gone after it.
func appPasswordWorks(now time.Time) bool {
	now = now.UTC()
	switch wizard.AppPasswordPhaseAt(now) {
	case wizard.AppPasswordsGone:
		return false
	case wizard.AppPasswordsBrownout:
		return now.Hour()%6 != 0 || now.Minute() >= 15
	}
	return true
}

// atlassianToken looks like an Atlassian token: prefix, body, "=" and an
// 8-digit hex checksum.
func atlassianToken(prefix string) string {
	sum := make([]byte, 4)
	_, _ = rand.Read(sum)
	return prefix + randString(150) + "=" + strings.ToUpper(hex.EncodeToString(sum))
}

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// randString is n random characters of tokenAlphabet (64 symbols, so a
// byte maps without bias).
func randString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = tokenAlphabet[int(b[i])%len(tokenAlphabet)]
	}
	return string(b)
}
