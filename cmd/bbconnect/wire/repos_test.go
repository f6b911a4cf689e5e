package wire

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/tui"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

const extraRepos = 250 // three Cloud pages of 100, fetched concurrently

// emulator starts the local Bitbucket with extra repositories and returns
// it with a connection-test configuration pointed at it.
func emulator(t *testing.T, knownHosts string) (*emu.Server, conntest.Config) {
	t.Helper()
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	srv, err := emu.Start(emu.Options{Dir: t.TempDir(), ExtraRepos: extraRepos, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if knownHosts == "" {
		knownHosts = srv.KnownHostsFile
	}
	env := map[string]string{
		conntest.EnvCloudURL:    srv.CloudURL,
		conntest.EnvCloudAPIURL: srv.CloudAPIURL,
		conntest.EnvCloudSSH:    srv.SSHAddr,
		conntest.EnvCAFile:      srv.CAFile,
		conntest.EnvKnownHosts:  knownHosts,
	}
	return srv, conntest.ConfigFromEnv(func(k string) string { return env[k] })
}

func TestReposListsTheEmulatorsRepositories(t *testing.T) {
	srv, cfg := emulator(t, "")
	d := srv.Demo
	cloud := wizard.NewConnector()
	cloud.Name, cloud.URL, cloud.PasswordKind = "c", "https://bitbucket.org/"+d.Workspace, wizard.AccessToken
	dc := wizard.NewConnector()
	dc.Name, dc.Edition, dc.URL, dc.Username, dc.PasswordKind = "d", wizard.DataCenter, srv.DCURL+"/scm", d.DCUser, wizard.HTTPAccessToken
	tests := map[string]struct {
		c      wizard.Connector
		secret string
		want   conntest.Repo
		empty  string
		total  int
	}{
		"cloud": {
			c: cloud, secret: d.AccessToken, total: 3 + extraRepos, empty: d.EmptyRepo,
			want: conntest.Repo{Owner: d.Workspace, Slug: d.Repo},
		},
		"data center": {
			c: dc, secret: d.DCToken,
			want: conntest.Repo{Owner: d.DCProject, Slug: d.DCRepo},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			repos, err := tuiRepos{cfg: cfg}.List(context.Background(), tt.c, wizard.Secrets{Password: tt.secret})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if tt.total > 0 && len(repos) != tt.total {
				t.Errorf("listed %d repositories, want %d", len(repos), tt.total)
			}
			seen := map[string]conntest.Repo{}
			for _, r := range repos {
				if _, dup := seen[r.Owner+"/"+r.Slug]; dup {
					t.Errorf("%s/%s listed twice", r.Owner, r.Slug)
				}
				seen[r.Owner+"/"+r.Slug] = r
			}
			got, ok := seen[tt.want.Owner+"/"+tt.want.Slug]
			if !ok || got.Empty {
				t.Errorf("repository %s/%s = %+v (listed: %v)", tt.want.Owner, tt.want.Slug, got, ok)
			}
			if tt.empty != "" && !seen[tt.want.Owner+"/"+tt.empty].Empty {
				t.Errorf("%s is not marked empty", tt.empty)
			}
		})
	}
}

func TestReposErrorHasNoSecret(t *testing.T) {
	srv, cfg := emulator(t, "")
	c := wizard.NewConnector()
	c.Name, c.URL, c.PasswordKind = "c", "https://bitbucket.org/"+srv.Demo.Workspace, wizard.AccessToken
	const bad = "ATCTT3xNotARealTokenAtAll0123456789"
	_, err := tuiRepos{cfg: cfg}.List(context.Background(), c, wizard.Secrets{Password: bad})
	if err == nil {
		t.Fatal("a wrong token listed repositories")
	}
	if msg := err.Error(); strings.Contains(msg, bad) || strings.Contains(msg, "\n") || msg == "" {
		t.Fatalf("error = %q", msg)
	}
}

// TestHostKeyTrustedByFingerprint: an SSH host missing from known_hosts
// fails git read access with its fingerprint; the test run again with that
// fingerprint trusted passes.
func TestHostKeyTrustedByFingerprint(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	srv, cfg := emulator(t, empty)
	d := srv.Demo
	c := wizard.NewConnector()
	c.Name, c.ID, c.Edition, c.Connection = "s", "s", wizard.DataCenter, wizard.SSH
	c.URL, c.TestRepo, c.SSHKeyPath, c.PasswordKind = "ssh://git@"+srv.SSHAddr+"/", d.DCProject+"/"+d.DCRepo+".git", d.SSHKeyPath, ""
	tester := tuiTester{store: profile.Store{Dir: t.TempDir(), Now: time.Now}, cfg: cfg}
	var ht tui.HostKeyTester = tester
	find := func(r conntest.Report) conntest.Check {
		for _, ch := range r.Checks {
			if ch.Name == conntest.CheckGit {
				return ch
			}
		}
		t.Fatalf("no %q check in %+v", conntest.CheckGit, r)
		return conntest.Check{}
	}
	first := find(tester.Run(context.Background(), c, wizard.Secrets{}, nil))
	if first.Status != conntest.Fail || !strings.HasPrefix(first.HostKeyFingerprint, "SHA256:") {
		t.Fatalf("unknown host key: %+v", first)
	}
	again := find(ht.RunWithHostKey(context.Background(), c, wizard.Secrets{}, first.HostKeyFingerprint, nil))
	if again.Status != conntest.Pass {
		t.Fatalf("with the key trusted: %+v", again)
	}
	wrong := find(ht.RunWithHostKey(context.Background(), c, wizard.Secrets{}, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil))
	if wrong.Status != conntest.Fail || wrong.HostKeyFingerprint != first.HostKeyFingerprint {
		t.Fatalf("with another key trusted: %+v", wrong)
	}
}
