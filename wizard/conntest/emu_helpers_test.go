package conntest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/wizard"
)

// The shared emulator: started once per test binary, on first use. Tests
// that use it run one after another (no t.Parallel): faults and the clock
// are shared.
var (
	emuOnce  sync.Once
	emuSrv   *emu.Server
	emuErr   error
	emuClock atomic.Int64 // unix nanoseconds; the emulator's and the tests' clock
	cleanups []func()     // run by TestMain after the tests
)

// baseTime is before the App Password cutoff: App Passwords still work.
var baseTime = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

func clockNow() time.Time { return time.Unix(0, emuClock.Load()).UTC() }

func TestMain(m *testing.M) {
	emuClock.Store(baseTime.UnixNano())
	code := m.Run()
	if emuSrv != nil {
		_ = emuSrv.Close()
	}
	for _, f := range cleanups {
		f()
	}
	os.Exit(code)
}

// server returns the shared emulator, reset to no faults, no latency and
// baseTime.
func server(t testing.TB) *emu.Server {
	t.Helper()
	emuOnce.Do(func() {
		emuSrv, emuErr = emu.Start(emu.Options{Now: clockNow})
	})
	if emuErr != nil {
		t.Skipf("the emulator cannot start here (needs git, git-upload-pack, git http-backend): %v", emuErr)
	}
	emuSrv.ClearFaults()
	emuSrv.SetLatency(0)
	setClock(t, baseTime)
	t.Cleanup(func() {
		emuSrv.ClearFaults()
		emuSrv.SetLatency(0)
		emuClock.Store(baseTime.UnixNano())
	})
	return emuSrv
}

func setClock(t testing.TB, at time.Time) {
	t.Helper()
	emuClock.Store(at.UnixNano())
}

// cfgFor points a Config at the emulator.
func cfgFor(s *emu.Server) Config {
	return Config{
		CloudURL:       s.CloudURL,
		CloudAPIURL:    s.CloudAPIURL,
		CloudSSHAddr:   s.SSHAddr,
		DCAPIURL:       s.DCURL,
		CAFile:         s.CAFile,
		KnownHostsFile: s.KnownHostsFile,
		Now:            clockNow,
		CheckTimeout:   5 * time.Second,
		Deadline:       10 * time.Second,
		Backoff:        time.Millisecond,
	}
}

// Connectors for every edition, connection and credential kind.

func cloudHTTP(s *emu.Server, kind wizard.PasswordKind, user string) wizard.Connector {
	c := wizard.NewConnector()
	c.ID, c.Name = "demo_cloud", "demo cloud"
	c.URLType, c.URL = wizard.Repository, "https://bitbucket.org/"+s.Demo.Workspace+"/"+s.Demo.Repo+".git"
	c.Connection, c.PasswordKind, c.Username = wizard.HTTP, kind, user
	return c
}

func cloudAccount(s *emu.Server, testRepo string) wizard.Connector {
	c := cloudHTTP(s, wizard.APIToken, s.Demo.Username)
	c.URLType, c.URL, c.TestRepo = wizard.Account, "https://bitbucket.org/"+s.Demo.Workspace, testRepo
	return c
}

func cloudSSH(s *emu.Server, key string) wizard.Connector {
	c := wizard.NewConnector()
	c.ID, c.Name = "demo_cloud_ssh", "demo cloud ssh"
	c.URLType, c.URL = wizard.Repository, "git@bitbucket.org:"+s.Demo.Workspace+"/"+s.Demo.Repo+".git"
	c.Connection, c.SSHKeyPath, c.PasswordKind = wizard.SSH, key, ""
	return c
}

func withEmailAPI(c wizard.Connector, email string, same bool) wizard.Connector {
	c.APIAccess, c.APIEmail, c.APITokenSameAsPassword = wizard.APIEmailAPIToken, email, same
	return c
}

func withAccessTokenAPI(c wizard.Connector, same bool) wizard.Connector {
	c.APIAccess, c.APITokenSameAsPassword = wizard.APIAccessToken, same
	return c
}

func dcHTTP(s *emu.Server, user string) wizard.Connector {
	c := wizard.NewConnector()
	c.ID, c.Name = "demo_dc", "demo dc"
	c.Edition, c.URLType = wizard.DataCenter, wizard.Repository
	c.URL = s.DCURL + "/scm/" + strings.ToLower(s.Demo.DCProject) + "/" + s.Demo.DCRepo + ".git"
	c.Connection, c.PasswordKind, c.Username = wizard.HTTP, wizard.HTTPAccessToken, user
	return c
}

func dcSSH(s *emu.Server, key string) wizard.Connector {
	c := wizard.NewConnector()
	c.ID, c.Name = "demo_dc_ssh", "demo dc ssh"
	c.Edition, c.URLType = wizard.DataCenter, wizard.Repository
	c.URL = "ssh://git@" + s.SSHAddr + "/" + strings.ToLower(s.Demo.DCProject) + "/" + s.Demo.DCRepo + ".git"
	c.Connection, c.SSHKeyPath, c.PasswordKind = wizard.SSH, key, ""
	return c
}

// run runs a test and fails t on any secret leaking into the report.
func run(t *testing.T, c wizard.Connector, sec Secrets, cfg Config) Report {
	t.Helper()
	r := Run(context.Background(), c, sec, cfg, nil)
	assertNoSecret(t, r, sec)
	return r
}

func assertNoSecret(t *testing.T, r Report, sec Secrets) {
	t.Helper()
	text := fmt.Sprintf("%+v", r)
	for _, v := range []string{sec.Password, sec.APIToken, sec.SSHPassphrase} {
		if v != "" && strings.Contains(text, v) {
			t.Fatalf("a secret leaked into the report: %s", text)
		}
	}
}

// want asserts a check's status and that its diagnosis (and fix) contain
// the given texts.
func want(t *testing.T, r Report, name string, st Status, diag ...string) Check {
	t.Helper()
	c, ok := r.Check(name)
	if !ok {
		t.Fatalf("no check %q in %+v", name, r)
	}
	if c.Status != st {
		t.Fatalf("%s: status %s, want %s\n%s", name, c.Status, st, dump(r))
	}
	for _, d := range diag {
		if !strings.Contains(c.Diagnosis+" | "+c.Fix, d) {
			t.Fatalf("%s: %q / fix %q does not contain %q", name, c.Diagnosis, c.Fix, d)
		}
	}
	if c.Status == Fail && c.Fix == "" {
		t.Fatalf("%s failed without a fix: %q", name, c.Diagnosis)
	}
	if strings.Contains(c.Diagnosis, "\n") {
		t.Fatalf("%s: diagnosis is not one line: %q", name, c.Diagnosis)
	}
	return c
}

func dump(r Report) string {
	var b strings.Builder
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "  %-16s %-7s %5dms %s | %s\n", c.Name, c.Status, c.DurationMS, c.Diagnosis, c.Fix)
	}
	return b.String()
}
