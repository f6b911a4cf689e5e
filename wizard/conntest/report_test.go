package conntest

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestSecretsRedact(t *testing.T) {
	s := Secrets{Password: "hunter2-token", APIToken: "ATATT3xsecret", SSHPassphrase: ""}
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), s.String()} {
		if strings.Contains(out, "hunter2") || strings.Contains(out, "ATATT3x") {
			t.Fatalf("secret printed: %s", out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Fatalf("no redaction marker: %s", out)
		}
	}
	if got := redact(Check{Diagnosis: "token hunter2-token here", Fix: "not ATATT3xsecret"}, s); strings.Contains(got.Diagnosis+got.Fix, "hunter2") ||
		strings.Contains(got.Fix, "ATATT3x") {
		t.Fatalf("redact kept the secret: %+v", got)
	}
}

func TestReportJSON(t *testing.T) {
	r := Report{Connector: "my_conn", OK: true, Checks: []Check{{Name: CheckGit, Status: Pass, Diagnosis: "d", Fix: "", DurationMS: 12}}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"connector":"my_conn","ok":true,"checks":[{"name":"git read access","status":"pass","diagnosis":"d","fix":"","duration_ms":12}]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestPlanHasEveryCheck(t *testing.T) {
	got := Plan(wizard.NewConnector())
	want := []string{CheckReachGit, CheckReachAPI, CheckGit, CheckAPI, CheckScopes, CheckVisibility, CheckAge}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Plan = %v", got)
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(EnvCloudURL, "https://127.0.0.1:1")
	t.Setenv(EnvCloudAPIURL, "https://127.0.0.1:2")
	t.Setenv(EnvCloudSSH, "127.0.0.1:3")
	t.Setenv(EnvCAFile, "/ca.pem")
	t.Setenv(EnvKnownHosts, "/kh")
	c := ConfigFromEnv(os.Getenv)
	if c.CloudURL != "https://127.0.0.1:1" || c.CloudAPIURL != "https://127.0.0.1:2" || c.CloudSSHAddr != "127.0.0.1:3" ||
		c.CAFile != "/ca.pem" || c.KnownHostsFile != "/kh" {
		t.Fatalf("ConfigFromEnv = %+v", c)
	}
	d := Config{}.withDefaults()
	if d.CloudURL != DefaultCloudURL || d.CloudAPIURL != DefaultCloudAPIURL || d.CloudSSHAddr != DefaultCloudSSHAddr ||
		d.Retries != DefaultRetries || d.CheckTimeout != DefaultCheckTimeout || d.Now == nil {
		t.Fatalf("defaults = %+v", d)
	}
	if n := (Config{Retries: -1}).withDefaults().Retries; n != 0 {
		t.Fatalf("negative retries -> %d, want 0", n)
	}
}

func TestParseGitURL(t *testing.T) {
	tests := []struct {
		in         string
		ssh        bool
		addr, path string
		err        bool
	}{
		{in: "https://bitbucket.org/ws/repo.git", addr: "bitbucket.org:443", path: "/ws/repo.git"},
		{in: "https://user:pw@host:8443/ctx/scm/prj/repo.git", addr: "host:8443", path: "/ctx/scm/prj/repo.git"},
		{in: "http://host/scm/prj/repo.git", addr: "host:80", path: "/scm/prj/repo.git"},
		{in: "git@bitbucket.org:ws/repo.git", ssh: true, addr: "bitbucket.org:22", path: "ws/repo.git"},
		{in: "ssh://git@host:7999/prj/repo.git", ssh: true, addr: "host:7999", path: "/prj/repo.git"},
		{in: "git@host/prj/repo.git", ssh: true, addr: "host:22", path: "/prj/repo.git"},
		{in: "", err: true},
		{in: "ftp://host/x", err: true},
		{in: "https://bitbucket.org/", addr: "bitbucket.org:443", path: "/"},
		{in: "git@host:", ssh: true, addr: "host:22", path: ""},
		{in: "git@:x", err: true},
	}
	for _, tt := range tests {
		g, err := parseGitURL(tt.in)
		if tt.err {
			if err == nil {
				t.Errorf("parseGitURL(%q) = %+v, want an error", tt.in, g)
			}
			continue
		}
		if err != nil || g.ssh != tt.ssh || g.addr() != tt.addr || g.path != tt.path {
			t.Errorf("parseGitURL(%q) = %+v (%s) %v", tt.in, g, g.addr(), err)
		}
		if g.raw != nil && g.raw.User != nil {
			t.Errorf("user info kept for %q", tt.in)
		}
	}
}

func TestTestRepoField(t *testing.T) {
	if got := (Repo{Owner: "DEMO", Slug: "r"}).TestRepoField(wizard.DataCenter); got != "DEMO/r.git" {
		t.Errorf("dc field = %q", got)
	}
	if got := (Repo{Owner: "ws", Slug: "r"}).TestRepoField(wizard.Cloud); got != "r.git" {
		t.Errorf("cloud field = %q", got)
	}
}

func TestReportSummaryAndErr(t *testing.T) {
	tests := []struct {
		r    Report
		want string
		err  string
	}{
		{Report{OK: true, Checks: []Check{{Status: Pass}, {Status: Pass}, {Status: Skipped}, {Status: Warn}}}, "2 passed, 1 with a warning, 1 skipped", ""},
		{Report{Checks: []Check{{Name: "reach git host", Status: Pass}, {Name: "git read access", Status: Fail, Diagnosis: "wrong\npassword"}}}, "git read access: wrong password", "git read access: wrong\npassword"},
		{Report{Checks: []Check{{Status: Pass}, {Status: Skipped, Diagnosis: "cancelled"}}}, "the test did not finish", "the connection test did not finish"},
	}
	for _, tt := range tests {
		if got := tt.r.Summary(); got != tt.want {
			t.Errorf("Summary = %q, want %q", got, tt.want)
		}
		if err := tt.r.Err(); (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
			t.Errorf("Err = %v, want %q", err, tt.err)
		}
	}
}

// TestStatusIcon: one mark per status, shared by the test screen and the
// CLI; a status this version does not know is not shown as skipped.
func TestStatusIcon(t *testing.T) {
	for s, want := range map[Status]string{Pass: "✓", Warn: "!", Fail: "✗", Skipped: "–", "later": "?"} {
		if got := s.Icon(); got != want {
			t.Errorf("%q.Icon() = %q, want %q", s, got, want)
		}
	}
}
