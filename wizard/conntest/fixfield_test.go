package conntest

import (
	"context"
	"crypto/x509"
	"net"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// checkOf names a finding the way Run does.
func checkOf(name string, f finding) Check {
	return Check{Name: name, Status: f.status, Diagnosis: f.diag, Fix: f.fix}
}

func fieldConnectors() (cloudRepo, cloudAcct, cloudSame, cloudSep, cloudAPLegacy, sshAPI, dcHTTPc wizard.Connector) {
	cloudRepo = wizard.NewConnector()
	cloudRepo.ID, cloudRepo.URLType, cloudRepo.URL = "c", wizard.Repository, "https://bitbucket.org/acme/widgets.git"
	cloudRepo.Username = "jdoe"
	cloudAcct = cloudRepo
	cloudAcct.URLType, cloudAcct.URL, cloudAcct.TestRepo = wizard.Account, "https://bitbucket.org/acme", "widgets.git"
	cloudSame = cloudRepo
	cloudSame.APIAccess, cloudSame.APIEmail, cloudSame.APITokenSameAsPassword = wizard.APIEmailAPIToken, "jdoe@example.com", true
	cloudSep = cloudSame
	cloudSep.APITokenSameAsPassword = false
	cloudAPLegacy = cloudRepo
	cloudAPLegacy.APIAccess, cloudAPLegacy.APIUsername = wizard.APIUsernameAppPassword, "jdoe"
	sshAPI = cloudRepo
	sshAPI.Connection, sshAPI.URL, sshAPI.SSHKeyPath = wizard.SSH, "git@bitbucket.org:acme/widgets.git", "/k/id_rsa"
	sshAPI.APIAccess, sshAPI.APIEmail = wizard.APIEmailAPIToken, "jdoe@example.com"
	dcHTTPc = wizard.NewConnector()
	dcHTTPc.ID, dcHTTPc.Edition, dcHTTPc.URLType = "d", wizard.DataCenter, wizard.Repository
	dcHTTPc.URL, dcHTTPc.PasswordKind, dcHTTPc.Username = "https://bb.example.com/scm/p/r.git", wizard.HTTPAccessToken, "jdoe"
	return cloudRepo, cloudAcct, cloudSame, cloudSep, cloudAPLegacy, sshAPI, dcHTTPc
}

// TestFixField routes the findings the checks make (built by the same
// functions the checks call) to the setting that fixes them.
func TestFixField(t *testing.T) {
	t.Parallel()
	cloudRepo, cloudAcct, cloudSame, cloudSep, cloudAPLegacy, sshAPI, dcHTTPc := fieldConnectors()
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	dnsErr := &net.DNSError{Err: "no such host", Name: "bitbucket.example", IsNotFound: true}
	tests := []struct {
		name string
		c    wizard.Connector
		ch   Check
		want wizard.Field
	}{
		{"pass routes nowhere", cloudRepo, Check{Name: CheckGit, Status: Pass, Diagnosis: "read it"}, ""},
		{"skipped routes nowhere", cloudRepo, checkOf(CheckAPI, skip("api access is off")), ""},
		{"reach: host not found", cloudRepo, checkOf(CheckReachGit, netFinding(dnsErr, "bitbucket.example:443", time.Second)), "url"},
		{"reach: refused", cloudRepo, checkOf(CheckReachGit, netFinding(syscall.ECONNREFUSED, "h:443", time.Second)), "url"},
		{"reach: untrusted certificate", dcHTTPc, checkOf(CheckReachGit, netFinding(x509.UnknownAuthorityError{}, "h:443", time.Second)), "ca-file"},
		{"reach: hostname mismatch", dcHTTPc, checkOf(CheckReachGit, netFinding(x509.HostnameError{Certificate: &x509.Certificate{DNSNames: []string{"x"}}, Host: "h"}, "h:443", time.Second)), "url"},
		{"reach: timeout is no setting", cloudRepo, checkOf(CheckReachAPI, netFinding(context.DeadlineExceeded, "h:443", time.Second)), ""},
		{"reach: unreadable ca file", dcHTTPc, checkOf(CheckReachGit, caFileFinding(t)), "ca-file"},
		{"reach: plain http", dcHTTPc, checkOf(CheckReachGit, warnf("use an https url", "reached h in 1ms over plain http: the token travels unencrypted")), "url"},
		{"reach: certificate expiring", dcHTTPc, checkOf(CheckReachGit, warnf("have the server's certificate renewed soon", "reached h; the certificate of h expires on 2026-12-01")), ""},
		{"git: empty password", cloudRepo, checkOf(CheckGit, failf("enter the password (token) in the credentials step", "the password is empty")), "password"},
		{"git: no ssh key", sshAPI, checkOf(CheckGit, failf("give the path of a pem rsa private key in the credentials step", "no ssh key given")), "ssh-key"},
		{"git: app password removed", cloudRepo, checkOf(CheckGit, appPasswordRefused(now, rotateHint(cloudRepo))), "password"},
		{"git: lacks scopes", cloudRepo, checkOf(CheckGit, scopeFailure(nil, "git")), "password"},
		{"git: repository of an account url", cloudAcct, checkOf(CheckGit, failf("check the test repository name (spelling, case, .git) and that jdoe can open it in bitbucket", "repository not found or not visible: x")), "test-repo"},
		{"git: repository of a repository url", cloudRepo, checkOf(CheckGit, failf("check the test repository name (spelling, case, .git) and that jdoe can open it in bitbucket", "repository not found or not visible: x")), "url"},
		{"git: ssh host key unknown", sshAPI, checkOf(CheckGit, failf("compare SHA256:x with the fingerprint your bitbucket admin publishes, then accept it", "ssh host key unknown: h:22 presented SHA256:x, which is not in known_hosts")), "url"},
		{"git: broken known_hosts", sshAPI, checkOf(CheckGit, failf("fix or remove the broken line of known_hosts", "known_hosts line 3 is not valid")), ""},
		{"api: empty separate token", cloudSep, checkOf(CheckAPI, failf("enter the api token in the api access step", "the api token is empty")), "api-token"},
		{"api: empty shared token", cloudSame, checkOf(CheckAPI, failf("enter the api token in the api access step", "the api token is empty")), "password"},
		{"api: username where the email belongs", cloudSep, checkOf(CheckAPI, failf("give the email of your atlassian account in api email, not your bitbucket username", "bitbucket username used where the atlassian email belongs: the api needs email:token, got jdoe")), "api-email"},
		{"api: app password api access", cloudAPLegacy, checkOf(CheckAPI, warnf("create an api token with the required scopes, then "+rotateHint(cloudAPLegacy), "authenticated as jdoe with an app password; %s", wizard.AppPasswordStatus(now))), "api-access"},
		{"scopes: separate token", cloudSep, checkOf(CheckScopes, scopeFailure([]string{"read:me"}, "/2.0/user")), "api-token"},
		{"scopes: shared token", cloudSame, checkOf(CheckScopes, scopeFailure([]string{"read:me"}, "/2.0/user")), "password"},
		{"scopes: ssh with api token", sshAPI, checkOf(CheckScopes, scopeFailure(nil, "/2.0/user")), "api-token"},
		{"visibility: sees nothing", cloudAcct, checkOf(CheckVisibility, warnf("give the credential access to the repositories harness should build", "the credential sees no repositories in acme")), "test-repo"},
		{"visibility: token kind", cloudSame, checkOf(CheckVisibility, failf("use a workspace access token, or an api token with read:workspace:bitbucket", "repository access token cannot list workspace acme")), "password"},
		{"visibility: rate limited", cloudSame, checkOf(CheckVisibility, failf(fixRateLimit, "rate limited: h answered 429 to 4 tries over 2s")), ""},
		{"age: http token", cloudSep, checkOf(CheckAge, failf("create a new token, then x", "api token expired on 2026-11-01")), "password"},
		{"age: api token", cloudSep, checkOf(CheckAge, failf("create a new token, then x", "api access token expired on 2026-11-01")), "api-token"},
		{"age: app password api access", cloudAPLegacy, checkOf(CheckAge, failf("x", "app password removed: %s", wizard.AppPasswordStatus(now))), "api-access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FixField(tt.c, tt.ch); got != tt.want {
				t.Fatalf("FixField = %q, want %q for %q | %q", got, tt.want, tt.ch.Diagnosis, tt.ch.Fix)
			}
			if tt.want != "" && wizard.StepOf(tt.want) == wizard.StepReview {
				t.Fatalf("%q is not a field of any step", tt.want)
			}
		})
	}
}

func caFileFinding(t *testing.T) finding {
	t.Helper()
	_, f := loadPool(filepath.Join(t.TempDir(), "missing.pem"))
	if f == nil {
		t.Fatal("a missing ca file was accepted")
	}
	return *f
}

// TestFixFieldEmulator routes real reports of the emulator.
func TestFixFieldEmulator(t *testing.T) {
	s := server(t)
	d := s.Demo
	tests := []struct {
		name  string
		c     wizard.Connector
		sec   Secrets
		check string
		want  wizard.Field
	}{
		{"wrong password on git", cloudHTTP(s, wizard.APIToken, d.Username), Secrets{Password: "ATATT3xWRONG"}, CheckGit, "password"},
		{"email where the username belongs", cloudHTTP(s, wizard.APIToken, d.Email), Secrets{Password: d.APIToken}, CheckGit, "username"},
		{"username where the email belongs", withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Username, true), Secrets{Password: d.APIToken}, CheckAPI, "api-email"},
		{"missing scopes", withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), Secrets{Password: d.APITokenMissingScopes}, CheckScopes, "password"},
		{"test repository not found", cloudAccount(s, "no-such-repo.git"), Secrets{Password: d.APIToken}, CheckGit, "test-repo"},
		{"wrong data center api token", withAccessTokenAPI(dcHTTP(s, d.DCUser), false), Secrets{Password: d.DCToken, APIToken: "BBDC-nope"}, CheckAPI, "api-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.c, tt.sec, cfgFor(s))
			ch, ok := r.Check(tt.check)
			if !ok || ch.Status != Fail {
				t.Fatalf("%s did not fail:\n%s", tt.check, dump(r))
			}
			if got := FixField(tt.c, ch); got != tt.want {
				t.Fatalf("FixField = %q, want %q for %q | %q", got, tt.want, ch.Diagnosis, ch.Fix)
			}
		})
	}
}

// FuzzFixField: no panic, and whatever the texts say the answer is "" or a
// field of a settings step; a check that did not fail or warn routes nowhere.
func FuzzFixField(f *testing.F) {
	for _, s := range []struct{ name, status, diag, fix string }{
		{CheckGit, "fail", "wrong password: bitbucket refused jdoe with this api token", "copy the api token again"},
		{CheckReachGit, "fail", "certificate of h is not trusted", fixCAFile},
		{CheckAPI, "warn", "authenticated as jdoe with an app password", "create an api token"},
		{CheckVisibility, "warn", "the credential sees no repositories", ""},
		{CheckAge, "fail", "api access token expired on 2026-01-01", "create a new token"},
		{"unknown", "pass", "", ""},
	} {
		f.Add(s.name, s.status, s.diag, s.fix, uint8(0))
		f.Add(s.name, s.status, s.diag, s.fix, uint8(5))
	}
	cloudRepo, cloudAcct, cloudSame, cloudSep, cloudAPLegacy, sshAPI, dcHTTPc := fieldConnectors()
	conns := []wizard.Connector{cloudRepo, cloudAcct, cloudSame, cloudSep, cloudAPLegacy, sshAPI, dcHTTPc}
	f.Fuzz(func(t *testing.T, name, status, diag, fix string, which uint8) {
		ch := Check{Name: name, Status: Status(status), Diagnosis: diag, Fix: fix}
		got := FixField(conns[int(which)%len(conns)], ch)
		if got != "" && wizard.StepOf(got) == wizard.StepReview {
			t.Fatalf("FixField = %q, not a field of a step", got)
		}
		if got != "" && ch.Status != Fail && ch.Status != Warn {
			t.Fatalf("a %q check routes to %q", status, got)
		}
	})
}
