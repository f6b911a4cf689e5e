package conntest

import (
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

// Every credential kind on each edition and connection type passes.
func TestEmulatorEveryKindPasses(t *testing.T) {
	s := server(t)
	d := s.Demo
	type tc struct {
		name  string
		c     wizard.Connector
		sec   Secrets
		pass  []string // checks that must pass
		warns []string // checks that must warn
	}
	all := []string{CheckReachGit, CheckReachAPI, CheckGit, CheckAPI, CheckScopes, CheckVisibility}
	tests := []tc{
		{
			name: "cloud http api token, email and same api token",
			c:    withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true),
			sec:  Secrets{Password: d.APIToken},
			pass: append(all, CheckAge),
		},
		{
			name: "cloud http api token as x-bitbucket-api-token-auth, api off",
			c:    cloudHTTP(s, wizard.APIToken, wizard.APITokenGitUsername),
			sec:  Secrets{Password: d.APIToken},
			pass: []string{CheckReachGit, CheckGit},
		},
		{
			name: "cloud http workspace access token, access token api",
			c:    withAccessTokenAPI(cloudHTTP(s, wizard.AccessToken, ""), true),
			sec:  Secrets{Password: d.AccessToken},
			pass: all,
		},
		{
			name:  "cloud http app password before the cutoff",
			c:     cloudHTTP(s, wizard.AppPassword, d.Username),
			sec:   Secrets{Password: d.AppPassword},
			pass:  []string{CheckReachGit, CheckReachAPI, CheckGit, CheckScopes, CheckVisibility},
			warns: []string{CheckAge},
		},
		{
			name: "cloud account url with test repository",
			c:    withEmailAPI(cloudAccount(s, d.Repo+".git"), d.Email, true),
			sec:  Secrets{Password: d.APIToken},
			pass: all,
		},
		{
			name: "cloud ssh with a separate api token",
			c:    withEmailAPI(cloudSSH(s, d.SSHKeyPath), d.Email, false),
			sec:  Secrets{APIToken: d.APIToken},
			pass: all,
		},
		{
			name: "data center http personal token (basic)",
			c:    withAccessTokenAPI(dcHTTP(s, d.DCUser), true),
			sec:  Secrets{Password: d.DCToken},
			pass: []string{CheckReachGit, CheckReachAPI, CheckGit, CheckAPI, CheckVisibility},
		},
		{
			name: "data center http project token (bearer)",
			c:    withAccessTokenAPI(dcHTTP(s, ""), true),
			sec:  Secrets{Password: d.DCProjectToken},
			pass: []string{CheckReachGit, CheckReachAPI, CheckGit, CheckAPI, CheckVisibility},
		},
		{
			name: "data center ssh with access token api",
			c:    withAccessTokenAPI(dcSSH(s, d.SSHKeyPath), false),
			sec:  Secrets{APIToken: d.DCToken},
			pass: []string{CheckReachGit, CheckReachAPI, CheckGit, CheckAPI, CheckVisibility},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := cfgFor(s)
			cfg.TokenExpires = d.APITokenExpires
			r := run(t, tt.c, tt.sec, cfg)
			for _, n := range tt.pass {
				want(t, r, n, Pass)
			}
			for _, n := range tt.warns {
				want(t, r, n, Warn)
			}
			if len(r.Failed()) > 0 || !r.OK {
				t.Fatalf("report not OK:\n%s", dump(r))
			}
			if r.Connector != tt.c.ID || len(r.Checks) != len(Plan(tt.c)) {
				t.Fatalf("report %q has %d checks", r.Connector, len(r.Checks))
			}
		})
	}
}

func TestEmulatorPassDetails(t *testing.T) {
	s := server(t)
	d := s.Demo
	cfg := cfgFor(s)
	cfg.TokenExpires = d.APITokenExpires
	r := run(t, withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), Secrets{Password: d.APIToken}, cfg)
	want(t, r, CheckGit, Pass, "2 refs", "default branch main", "as "+d.Username)
	want(t, r, CheckAPI, Pass, "authenticated as "+d.Username)
	want(t, r, CheckScopes, Pass, "all 14 scopes")
	want(t, r, CheckVisibility, Pass, "sees 3 repositories in workspace "+d.Workspace)
	want(t, r, CheckAge, Pass, "expires in 335 days")
	want(t, r, CheckReachGit, Pass, "tls 1.3", "certificate for 127.0.0.1")

	r = run(t, withAccessTokenAPI(dcHTTP(s, d.DCUser), true), Secrets{Password: d.DCToken}, cfgFor(s))
	want(t, r, CheckAPI, Pass, "authenticated as "+d.DCUser)
	want(t, r, CheckScopes, Skipped, "permissions")
}

func TestEmulatorSkippedChecksSayWhy(t *testing.T) {
	s := server(t)
	r := run(t, cloudSSH(s, s.Demo.SSHKeyPath), Secrets{}, cfgFor(s))
	for _, n := range []string{CheckReachAPI, CheckAPI, CheckScopes, CheckVisibility, CheckAge} {
		c := want(t, r, n, Skipped)
		if c.Diagnosis == "" {
			t.Errorf("%s skipped without a reason", n)
		}
	}
	c := cloudAccount(s, "")
	r = run(t, c, Secrets{Password: s.Demo.APIToken}, cfgFor(s))
	want(t, r, CheckGit, Skipped, "no test repository")
	want(t, r, CheckReachGit, Pass)
}

func TestEmulatorEmptyRepositoryWarns(t *testing.T) {
	s := server(t)
	c := cloudAccount(s, s.Demo.EmptyRepo+".git")
	r := run(t, c, Secrets{Password: s.Demo.APIToken}, cfgFor(s))
	want(t, r, CheckGit, Warn, "repository is empty", "push a first commit")
	if !r.OK {
		t.Fatalf("an empty repository is a warning, not a failure:\n%s", dump(r))
	}
}
