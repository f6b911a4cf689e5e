package conntest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/wizard"
)

// Reach failures: each network and TLS cause is named.
func TestEmulatorNetworkCauses(t *testing.T) {
	s := server(t)
	d := s.Demo
	c := withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true)
	sec := Secrets{Password: d.APIToken}
	notFound := func(_ context.Context, host string) ([]string, error) {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	tests := []struct {
		name  string
		edit  func(*Config)
		check string
		diag  []string
	}{
		{"certificate untrusted", func(c *Config) { c.CAFile = "" }, CheckReachAPI, []string{"is not trusted", "bbemu", "--ca-file"}},
		{"certificate untrusted on git", func(c *Config) { c.CAFile = "" }, CheckGit, []string{"is not trusted"}},
		{"hostname mismatch", func(c *Config) { c.CloudAPIURL = s.MismatchURL }, CheckReachAPI, []string{"hostname mismatch", "wrong-host.example"}},
		{"hostname mismatch on the api", func(c *Config) { c.CloudAPIURL = s.MismatchURL }, CheckAPI, []string{"hostname mismatch"}},
		{"host not found", func(c *Config) {
			c.CloudAPIURL, c.LookupHost = "https://api.bitbucket.invalid", notFound
		}, CheckReachAPI, []string{"host not found", "api.bitbucket.invalid", "typos"}},
		{"host not found on the api", func(c *Config) {
			c.CloudAPIURL, c.LookupHost = "https://api.bitbucket.invalid", notFound
		}, CheckAPI, []string{"host not found"}},
		{"connection refused", func(c *Config) { c.CloudAPIURL = "https://" + s.RefusedAddr }, CheckReachAPI, []string{"connection refused by " + s.RefusedAddr}},
		{"connection refused on git", func(c *Config) { c.CloudURL = "https://" + s.RefusedAddr }, CheckGit, []string{"connection refused"}},
		{"missing ca file", func(c *Config) { c.CAFile = filepath.Join(t.TempDir(), "nope.pem") }, CheckReachGit, []string{"cannot be read"}},
		{"ca file that is not pem", func(c *Config) {
			p := filepath.Join(t.TempDir(), "bad.pem")
			if err := os.WriteFile(p, []byte("hello"), 0o600); err != nil {
				t.Fatal(err)
			}
			c.CAFile = p
		}, CheckAPI, []string{"holds no pem certificate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := cfgFor(s)
			tt.edit(&cfg)
			r := run(t, c, sec, cfg)
			want(t, r, tt.check, Fail, tt.diag...)
		})
	}
}

// A server that never answers times out after the check's timeout, and the
// diagnosis says how long it waited.
func TestEmulatorTimeout(t *testing.T) {
	s := server(t)
	d := s.Demo
	s.Inject(emu.Fault{Kind: emu.FaultHang, Path: "/2.0/user"})
	cfg := cfgFor(s)
	cfg.CheckTimeout = 600 * time.Millisecond
	start := time.Now()
	r := run(t, withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), Secrets{Password: d.APIToken}, cfg)
	ch := want(t, r, CheckAPI, Fail, "timed out after", "firewall") // the real elapsed time: 600ms, more on a loaded machine
	if ch.DurationMS < 590 || time.Since(start) > 3*time.Second {
		t.Fatalf("timeout not honoured: check %dms, run %s", ch.DurationMS, time.Since(start))
	}
	want(t, r, CheckReachAPI, Pass) // the other checks are independent

	// The overall deadline bounds everything.
	cfg.CheckTimeout, cfg.Deadline = 5*time.Second, 250*time.Millisecond
	r = run(t, withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), Secrets{Password: d.APIToken}, cfg)
	want(t, r, CheckAPI, Fail, "timed out after")
}

// Ctrl+C cancels every check promptly; nothing that had not finished
// passes and the report is not OK.
func TestEmulatorCancel(t *testing.T) {
	s := server(t)
	d := s.Demo
	s.Inject(emu.Fault{Kind: emu.FaultHang})
	ctx, cancel := context.WithCancel(context.Background())
	var (
		mu      sync.Mutex
		started int
		done    int
	)
	progress := func(ev Event) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Done {
			done++
			return
		}
		started++
		if started == 7 {
			time.AfterFunc(100*time.Millisecond, cancel)
		}
	}
	begin := time.Now()
	sec := Secrets{Password: d.APIToken}
	r := Run(ctx, withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), sec, cfgFor(s), progress)
	assertNoSecret(t, r, sec)
	if time.Since(begin) > 2*time.Second {
		t.Fatalf("cancel took %s", time.Since(begin))
	}
	if !r.Cancelled || r.OK {
		t.Fatalf("report after cancel: ok=%v cancelled=%v", r.OK, r.Cancelled)
	}
	want(t, r, CheckAPI, Skipped, "cancelled")
	want(t, r, CheckGit, Skipped, "cancelled")
	if started != 7 || done != 7 {
		t.Fatalf("events: %d started, %d done", started, done)
	}
}

// Checks run in parallel: with latency on every request, the whole test
// takes about as long as its slowest check, not the sum.
func TestEmulatorChecksRunInParallel(t *testing.T) {
	s := server(t)
	d := s.Demo
	s.SetLatency(150 * time.Millisecond)
	begin := time.Now()
	r := run(t, withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), Secrets{Password: d.APIToken}, cfgFor(s))
	whole := time.Since(begin)
	var sum, slowest int64
	for _, c := range r.Checks {
		sum += c.DurationMS
		slowest = max(slowest, c.DurationMS)
	}
	if !r.OK || whole.Milliseconds() >= sum {
		t.Fatalf("whole %s, sum of checks %dms, slowest %dms:\n%s", whole, sum, slowest, dump(r))
	}
}

// SSH causes: host key unknown (then confirmed), changed, key not
// accepted, OpenSSH-format key.
func TestEmulatorSSHCauses(t *testing.T) {
	s := server(t)
	d := s.Demo
	emptyKnown := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(emptyKnown, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := cfgFor(s)
	cfg.KnownHostsFile = emptyKnown
	for _, c := range []wizard.Connector{cloudSSH(s, d.SSHKeyPath), dcSSH(s, d.SSHKeyPath)} {
		r := run(t, c, Secrets{}, cfg)
		ch := want(t, r, CheckGit, Fail, "ssh host key unknown", "SHA256:", "ssh-keyscan")
		if ch.HostKeyFingerprint == "" || !strings.Contains(ch.Diagnosis, ch.HostKeyFingerprint) {
			t.Fatalf("fingerprint to confirm missing: %+v", ch)
		}
		confirmed := cfg
		confirmed.ConfirmedHostKey = ch.HostKeyFingerprint
		want(t, run(t, c, Secrets{}, confirmed), CheckGit, Pass)
	}

	missing := cfgFor(s)
	missing.KnownHostsFile = filepath.Join(t.TempDir(), "absent")
	want(t, run(t, cloudSSH(s, d.SSHKeyPath), Secrets{}, missing), CheckGit, Fail, "ssh host key unknown")

	s.Inject(emu.Fault{Kind: emu.FaultSSHHostKeyChanged})
	want(t, run(t, dcSSH(s, d.SSHKeyPath), Secrets{}, cfgFor(s)), CheckGit, Fail, "ssh host key changed", "known_hosts has", "ssh-keygen -R")
	s.ClearFaults()

	want(t, run(t, cloudSSH(s, d.UnregisteredSSHKeyPath), Secrets{}, cfgFor(s)), CheckGit, Fail,
		"ssh key not accepted", "bitbucket.org/account/settings/ssh-keys")
	want(t, run(t, dcSSH(s, d.UnregisteredSSHKeyPath), Secrets{}, cfgFor(s)), CheckGit, Fail,
		"ssh key not accepted", "plugins/servlet/ssh/account/keys")
	want(t, run(t, cloudSSH(s, d.OpenSSHKeyPath), Secrets{}, cfgFor(s)), CheckGit, Fail, "openssh-format key", "-m PEM")

	c := cloudSSH(s, d.SSHKeyPath)
	c.URL = "git@bitbucket.org:" + d.Workspace + "/no-such-repo.git"
	want(t, run(t, c, Secrets{}, cfgFor(s)), CheckGit, Fail, "repository not found or not visible over ssh", "no-such-repo.git")

	c = cloudSSH(s, d.SSHKeyPath)
	c.URL = "git@bitbucket.org:" + d.Workspace + "/" + d.EmptyRepo + ".git"
	want(t, run(t, c, Secrets{}, cfgFor(s)), CheckGit, Warn, "repository is empty")
}

// bitbucket.org's host key is checked against Atlassian's published keys,
// not known_hosts: the emulator's key is not one of them.
func TestEmulatorBitbucketOrgHostKeys(t *testing.T) {
	s := server(t)
	cfg := cfgFor(s)
	cfg.CloudSSHAddr = "bitbucket.org:22"
	cfg.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, network, s.SSHAddr)
	}
	cfg.LookupHost = func(context.Context, string) ([]string, error) { return []string{"127.0.0.1"}, nil }
	r := run(t, cloudSSH(s, s.Demo.SSHKeyPath), Secrets{}, cfg)
	want(t, r, CheckGit, Fail, "not one of atlassian's published keys", "bitbucket.org/site/ssh")
}
