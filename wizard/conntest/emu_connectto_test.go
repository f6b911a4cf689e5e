package conntest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/wizard"
)

// connectToServer starts an emulator whose certificate also names the real
// hosts, and the ConnectTo map that sends those hosts' traffic to it.
func connectToServer(t *testing.T) (*emu.Server, Config) {
	t.Helper()
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	s, err := emu.Start(emu.Options{
		Dir: t.TempDir(), Now: func() time.Time { return at },
		Hosts:        []string{"bitbucket.org", "api.bitbucket.org", "bitbucket.example.com"},
		CertsAtClock: true,
	})
	if err != nil {
		t.Skipf("the emulator cannot start here (needs git, git-upload-pack, git http-backend): %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	hostOf := func(u string) string { return strings.TrimPrefix(u, "https://") }
	m, err := ParseConnectTo(strings.Join([]string{
		"bitbucket.org:443=" + hostOf(s.CloudURL),
		"api.bitbucket.org:443=" + hostOf(s.CloudAPIURL),
		"bitbucket.org:22=" + s.SSHAddr,
		"bitbucket.example.com:443=" + hostOf(s.DCURL),
		"bitbucket.example.com:7999=" + s.SSHAddr,
	}, ","))
	if err != nil {
		t.Fatal(err)
	}
	kh := filepath.Join(t.TempDir(), "known_hosts")
	key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.HostKey)))
	if err := os.WriteFile(kh, []byte("bitbucket.org "+key+"\n[bitbucket.example.com]:7999 "+key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return s, Config{
		CAFile: s.CAFile, KnownHostsFile: kh, ConnectTo: m, Elapsed: 12 * time.Millisecond,
		Now: func() time.Time { return at }, CheckTimeout: 5 * time.Second, Deadline: 10 * time.Second,
	}
}

// With BBCONNECT_CONNECT_TO the texts name the hosts a real user typed,
// TLS is checked against those names, and every duration reads as
// BBCONNECT_ELAPSED: two runs print the same report.
func TestConnectToShowsRealHostNames(t *testing.T) {
	s, cfg := connectToServer(t)
	d := s.Demo
	dc := dcHTTP(s, d.DCUser)
	dc.URL = "https://bitbucket.example.com/scm/" + strings.ToLower(d.DCProject) + "/" + d.DCRepo + ".git"
	dcssh := dcSSH(s, d.SSHKeyPath)
	dcssh.URL = "ssh://git@bitbucket.example.com:7999/" + strings.ToLower(d.DCProject) + "/" + d.DCRepo + ".git"
	cases := []struct {
		name string
		c    wizard.Connector
		sec  Secrets
		host string
	}{
		{"cloud http", withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true), Secrets{Password: d.APIToken}, "bitbucket.org:443"},
		{"cloud ssh", withEmailAPI(cloudSSH(s, d.SSHKeyPath), d.Email, false), Secrets{APIToken: d.APIToken}, "bitbucket.org:22"},
		{"dc http", dc, Secrets{Password: d.DCToken}, "bitbucket.example.com:443"},
		{"dc ssh", dcssh, Secrets{}, "bitbucket.example.com:7999"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.c, tc.sec, cfg)
			if !r.OK {
				t.Fatalf("not ok:\n%s", dump(r))
			}
			want(t, r, CheckReachGit, Pass, "reached "+tc.host+" in 12ms")
			if strings.Contains(dump(r), "127.0.0.1") {
				t.Errorf("the loopback address shows:\n%s", dump(r))
			}
			for _, ch := range r.Checks {
				if ch.Status != Skipped && ch.DurationMS != 12 {
					t.Errorf("%s took %d ms, want the pinned 12", ch.Name, ch.DurationMS)
				}
			}
			if again := run(t, tc.c, tc.sec, cfg); dump(again) != dump(r) {
				t.Errorf("two runs differ:\n%s\n%s", dump(r), dump(again))
			}
		})
	}
}

// A port of a mapped host that the map does not name is refused, never
// dialed on the real host.
func TestConnectToRefusesUnmappedPort(t *testing.T) {
	s, cfg := connectToServer(t)
	delete(cfg.ConnectTo, "bitbucket.org:22")
	r := run(t, cloudSSH(s, s.Demo.SSHKeyPath), Secrets{}, cfg)
	c := want(t, r, CheckReachGit, Fail)
	if !strings.Contains(c.Diagnosis, "bitbucket.org:22") {
		t.Errorf("diagnosis %q does not name the port", c.Diagnosis)
	}
}

func TestParseConnectTo(t *testing.T) {
	m, err := ParseConnectTo("bitbucket.org:443=127.0.0.1:4431, Bitbucket.example.com:7999=[::1]:22")
	if err != nil {
		t.Fatal(err)
	}
	if m["bitbucket.org:443"] != "127.0.0.1:4431" || m["bitbucket.example.com:7999"] != "[::1]:22" {
		t.Errorf("map = %v", m)
	}
	if got := FormatConnectTo(m); got != "bitbucket.example.com:7999=[::1]:22,bitbucket.org:443=127.0.0.1:4431" {
		t.Errorf("format = %q", got)
	}
	for _, bad := range []string{"bitbucket.org=127.0.0.1:1", "bitbucket.org:443=10.0.0.1:443", "bitbucket.org:443", "bitbucket.org:443=example.com:1"} {
		if _, err := ParseConnectTo(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
