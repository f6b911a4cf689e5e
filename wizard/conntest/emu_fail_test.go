package conntest

import (
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/wizard"
)

// Each credential failure cause gets its own diagnosis and fix.
func TestEmulatorCredentialCauses(t *testing.T) {
	s := server(t)
	d := s.Demo
	type tc struct {
		name   string
		c      wizard.Connector
		sec    Secrets
		at     time.Time // clock; zero: baseTime
		expire time.Time // Config.TokenExpires
		check  string
		status Status
		diag   []string
	}
	tests := []tc{
		{
			name: "wrong password on git", c: cloudHTTP(s, wizard.APIToken, d.Username), sec: Secrets{Password: "ATATT3xWRONG"},
			check: CheckGit, status: Fail, diag: []string{"wrong password", "copy the api token again"},
		},
		{
			name: "wrong password on the api", c: withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), sec: Secrets{Password: "ATATT3xWRONG"},
			check: CheckAPI, status: Fail, diag: []string{"wrong password", "refused " + d.Email},
		},
		{
			name: "email where the username belongs (git)", c: cloudHTTP(s, wizard.APIToken, d.Email), sec: Secrets{Password: d.APIToken},
			check: CheckGit, status: Fail, diag: []string{"email used where the bitbucket username belongs", "not your email"},
		},
		{
			name: "email where the username belongs (api compares)", c: withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Email), d.Email, true), sec: Secrets{Password: d.APIToken},
			check: CheckAPI, status: Fail, diag: []string{"email used where the bitbucket username belongs", "set username to " + d.Username},
		},
		{
			name: "username where the email belongs", c: withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Username, true), sec: Secrets{Password: d.APIToken},
			check: CheckAPI, status: Fail, diag: []string{"bitbucket username used where the atlassian email belongs", "email of your atlassian account"},
		},
		{
			name: "missing scopes", c: withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), sec: Secrets{Password: d.APITokenMissingScopes},
			check: CheckScopes, status: Fail,
			diag: []string{"missing 2 of 14 required scopes", "read:user:bitbucket (", "write:webhook:bitbucket (creating webhooks for Git-based triggers)", "Create API token with scopes"},
		},
		{
			name: "missing read:user still proves api access", c: withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), sec: Secrets{Password: d.APITokenMissingScopes},
			check: CheckAPI, status: Warn, diag: []string{"without read:user:bitbucket"},
		},
		{
			name: "token expired or not scoped (api)", c: withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), sec: Secrets{Password: d.APITokenExpired},
			check: CheckAPI, status: Fail, diag: []string{"token expired or not scoped", "Token is invalid, expired"},
		},
		{
			name: "token expired (git, by its recorded date)", c: cloudHTTP(s, wizard.APIToken, d.Username), sec: Secrets{Password: d.APITokenExpired},
			expire: baseTime.Add(-24 * time.Hour), check: CheckGit, status: Fail, diag: []string{"token expired on 2026-05-03", "bbconnect rotate demo_cloud"},
		},
		{
			name: "token expired (age)", c: cloudHTTP(s, wizard.APIToken, d.Username), sec: Secrets{Password: d.APITokenExpired},
			expire: baseTime.Add(-24 * time.Hour), check: CheckAge, status: Fail, diag: []string{"expired on 2026-05-03"},
		},
		{
			name: "token expires soon", c: cloudHTTP(s, wizard.APIToken, d.Username), sec: Secrets{Password: d.APIToken},
			expire: baseTime.Add(10 * 24 * time.Hour), check: CheckAge, status: Warn, diag: []string{"expires in 10 days"},
		},
		{
			name: "repository not found", c: cloudAccount(s, "no-such-repo.git"), sec: Secrets{Password: d.APIToken},
			check: CheckGit, status: Fail, diag: []string{"repository not found or not visible", "no-such-repo.git"},
		},
		{
			name: "repository not visible to a repository token", c: withAccessTokenAPI(func() wizard.Connector {
				c := cloudAccount(s, d.OtherRepo+".git")
				c.PasswordKind, c.Username = wizard.AccessToken, ""
				return c
			}(), true), sec: Secrets{Password: d.RepoAccessToken},
			check: CheckGit, status: Fail, diag: []string{"repository not visible"},
		},
		{
			name: "repository not found on the api", c: withAccessTokenAPI(func() wizard.Connector {
				c := cloudAccount(s, "no-such-repo.git")
				c.PasswordKind, c.Username = wizard.AccessToken, ""
				return c
			}(), true), sec: Secrets{Password: d.AccessToken},
			check: CheckAPI, status: Fail, diag: []string{"repository not found or not visible", "no-such-repo"},
		},
		{
			name: "repository access token cannot list the workspace", c: withAccessTokenAPI(cloudHTTP(s, wizard.AccessToken, ""), true), sec: Secrets{Password: d.RepoAccessToken},
			check: CheckVisibility, status: Fail, diag: []string{"repository access token cannot list workspace acme", "workspace access token"},
		},
		{
			name: "app password removed (git)", c: cloudHTTP(s, wizard.AppPassword, d.Username), sec: Secrets{Password: d.AppPassword},
			at: time.Date(2026, 8, 1, 10, 0, 0, 0, time.UTC), check: CheckGit, status: Fail, diag: []string{"app password removed", "2026-07-28", "api token"},
		},
		{
			name: "app password removed (age)", c: cloudHTTP(s, wizard.AppPassword, d.Username), sec: Secrets{Password: d.AppPassword},
			at: time.Date(2026, 8, 1, 10, 0, 0, 0, time.UTC), check: CheckAge, status: Fail, diag: []string{"app password removed"},
		},
		{
			name: "app password brownout", c: cloudHTTP(s, wizard.AppPassword, d.Username), sec: Secrets{Password: d.AppPassword},
			at: time.Date(2026, 6, 15, 6, 5, 0, 0, time.UTC), check: CheckGit, status: Fail, diag: []string{"brownout window"},
		},
		{
			name: "app password between brownouts", c: cloudHTTP(s, wizard.AppPassword, d.Username), sec: Secrets{Password: d.AppPassword},
			at: time.Date(2026, 6, 15, 7, 5, 0, 0, time.UTC), check: CheckAge, status: Warn, diag: []string{"brownouts"},
		},
		{
			name: "data center wrong token", c: dcHTTP(s, d.DCUser), sec: Secrets{Password: "BBDC-wrong"},
			check: CheckGit, status: Fail, diag: []string{"wrong password", "data center refused demo-user"},
		},
		{
			name: "data center project token sent with a username", c: dcHTTP(s, d.DCUser), sec: Secrets{Password: d.DCProjectToken},
			check: CheckGit, status: Fail, diag: []string{"project or repository token", "bearer"},
		},
		{
			name: "data center repository not found", c: func() wizard.Connector {
				c := dcHTTP(s, d.DCUser)
				c.URL = s.DCURL + "/scm/demo/nope.git"
				return c
			}(), sec: Secrets{Password: d.DCToken},
			check: CheckGit, status: Fail, diag: []string{"repository not found or not visible"},
		},
		{
			name: "data center wrong api token", c: withAccessTokenAPI(dcHTTP(s, d.DCUser), false), sec: Secrets{Password: d.DCToken, APIToken: "BBDC-nope"},
			check: CheckAPI, status: Fail, diag: []string{"data center refused the token"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := tt.at
			if at.IsZero() {
				at = baseTime
			}
			setClock(t, at)
			cfg := cfgFor(s)
			cfg.TokenExpires = tt.expire
			r := run(t, tt.c, tt.sec, cfg)
			want(t, r, tt.check, tt.status, tt.diag...)
			if tt.status == Fail && r.OK {
				t.Fatalf("report OK despite a failure")
			}
		})
	}
}

// Data Center servers that answer a bad token as anonymous are caught.
func TestEmulatorDCAnonymous(t *testing.T) {
	s := server(t)
	s.Inject(emu.Fault{Kind: emu.FaultDCAnonymous})
	c := withAccessTokenAPI(dcHTTP(s, ""), true)
	r := run(t, c, Secrets{Password: "BBDC-unknown-token"}, cfgFor(s))
	want(t, r, CheckAPI, Fail, "answered as anonymous", "X-AUSERNAME")
	want(t, r, CheckVisibility, Fail, "anonymous")
}

// Rate limits and server errors are retried, a bounded number of times.
func TestEmulatorRetries(t *testing.T) {
	s := server(t)
	d := s.Demo
	c := withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true)
	sec := Secrets{Password: d.APIToken}
	tests := []struct {
		name   string
		fault  emu.Fault
		status Status
		diag   []string
	}{
		{"rate limited for good", emu.Fault{Kind: emu.FaultRateLimit, Path: "/2.0/user"}, Fail, []string{"rate limited", "429 to 4 tries", "no retry-after", "wait a few minutes"}},

		{"server error for good", emu.Fault{Kind: emu.FaultServerError, Path: "/2.0/user"}, Fail, []string{"server error 500", "after 4 tries", "bitbucket.status.atlassian.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.ClearFaults()
			s.Inject(tt.fault)
			cfg := cfgFor(s)
			cfg.Retries = 3
			r := run(t, c, sec, cfg)
			s.ClearFaults()
			want(t, r, CheckAPI, tt.status, tt.diag...)
		})
	}
	// Only the git check asks for info/refs: a bounded fault is retried away.
	gitPath := "/" + d.Workspace + "/" + d.Repo + ".git/info/refs"
	for _, f := range []struct {
		fault emu.Fault
		diag  string
	}{
		{emu.Fault{Kind: emu.FaultRateLimit, Path: gitPath, Times: 2}, "after 2 retries: rate limited"},
		{emu.Fault{Kind: emu.FaultServerError, Path: gitPath, Times: 1, Status: 502}, "after 1 retries: server error"},
	} {
		s.ClearFaults()
		s.Inject(f.fault)
		r := run(t, c, sec, cfgFor(s))
		want(t, r, CheckGit, Pass, f.diag)
	}
	s.ClearFaults()
	// Retries back off exponentially: 3 retries from 40ms wait 40+80+160ms.
	s.Inject(emu.Fault{Kind: emu.FaultRateLimit, Path: "/2.0/user"})
	cfg := cfgFor(s)
	cfg.Backoff = 40 * time.Millisecond
	r := run(t, c, sec, cfg)
	ch := want(t, r, CheckAPI, Fail, "rate limited")
	if ch.DurationMS < 280 {
		t.Fatalf("backoff too short: %dms", ch.DurationMS)
	}
}

// Secrets travel in headers only, never in a URL the server saw, and
// each credential kind authenticates the way Bitbucket wants it.
func TestEmulatorSecretsOnlyInHeaders(t *testing.T) {
	s := server(t)
	d := s.Demo
	type auth struct{ listener, scheme, user string }
	tests := []struct {
		name string
		c    wizard.Connector
		sec  Secrets
		want []auth // every request on the listener uses this scheme and user
	}{
		{
			"api token", withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true),
			Secrets{Password: d.APIToken},
			[]auth{{"cloud", "Basic", d.Username}, {"api", "Basic", d.Email}},
		},
		{
			"access token", withAccessTokenAPI(cloudHTTP(s, wizard.AccessToken, ""), true),
			Secrets{Password: d.AccessToken},
			[]auth{{"cloud", "Basic", wizard.AccessTokenUsername}, {"api", "Bearer", ""}},
		},
		{
			"dc personal token", withAccessTokenAPI(dcHTTP(s, d.DCUser), true),
			Secrets{Password: d.DCToken},
			nil, // git is Basic, the api Bearer: both on the dc listener
		},
		{
			"dc project token", withAccessTokenAPI(dcHTTP(s, ""), true),
			Secrets{Password: d.DCProjectToken},
			[]auth{{"dc", "Bearer", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.ResetRequests()
			r := run(t, tt.c, tt.sec, cfgFor(s))
			if !r.OK {
				t.Fatalf("not OK:\n%s", dump(r))
			}
			reqs := s.Requests()
			if len(reqs) < 4 {
				t.Fatalf("only %d requests logged", len(reqs))
			}
			for _, rq := range reqs {
				if strings.Contains(rq.Path+"?"+rq.Query+" "+rq.User, tt.sec.Password) {
					t.Fatalf("a secret travelled outside the headers: %+v", rq)
				}
				if rq.Auth == "" {
					t.Fatalf("a request went out without credentials: %+v", rq)
				}
				for _, w := range tt.want {
					if rq.Listener == w.listener && (rq.Auth != w.scheme || rq.User != w.user) {
						t.Fatalf("%s request %s used %s %q, want %s %q", w.listener, rq.Path, rq.Auth, rq.User, w.scheme, w.user)
					}
				}
			}
		})
	}
}
