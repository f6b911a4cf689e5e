package cli_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/cmd/bbconnect/wire"
	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// wired is bbconnect with the real services, the in-memory keychain
// (BBCONNECT_KEYRING=mock), a fixed clock and a temporary config dir.
type wired struct {
	t   *testing.T
	env map[string]string
	dir string
}

func newWired(t *testing.T) *wired {
	t.Helper()
	dir := t.TempDir()
	return &wired{t: t, dir: dir, env: map[string]string{
		cli.EnvNow:       "2026-11-22T00:00:00Z",
		cli.EnvConfigDir: dir,
		cli.EnvKeyring:   "mock",
	}}
}

func (w *wired) run(stdin string, args ...string) (cli.ExitCode, string, string) {
	w.t.Helper()
	ios, in, out, errOut := cli.BufferStreams()
	in.WriteString(stdin)
	f := &cli.Factory{IO: ios, Version: "test", Getenv: func(k string) string { return w.env[k] }}
	wire.Wire(f)
	code := cli.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestDryRunGolden(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"dryrun_cloud_http", []string{
			"setup", "--non-interactive", "--dry-run",
			"--name", "Bitbucket Cloud", "--description", "acme workspace", "--tag", "team:platform", "--tag", "prod",
			"--url", "https://bitbucket.org/acme/", "--test-repo", "app", "--username", "jdoe", "--password-kind", "api-token",
			"--api-access", "email-api-token", "--api-email", "jdoe@acme.com", "--api-token-same-as-password",
		}},
		{"dryrun_datacenter_ssh", []string{
			"setup", "--non-interactive", "--dry-run",
			"--name", "dc ssh", "--edition", "datacenter", "--connection", "ssh",
			"--url", "ssh://git@bitbucket.acme.com:7999/", "--test-repo", "PRJ/app.git", "--ssh-key", "/keys/id_rsa",
			"--connectivity", "delegate", "--delegate-selector", "build", "--scope", "project", "--org", "default", "--project", "app",
		}},
		{"dryrun_datacenter_http_terraform", []string{
			"setup", "--non-interactive", "--dry-run", "--format", "terraform",
			"--name", "dc http", "--edition", "datacenter", "--url-type", "repository",
			"--url", "https://git.acme.com/scm/PRJ/app.git", "--username", "jdoe",
			"--api-access", "access-token", "--api-token-same-as-password", "--scope", "org", "--org", "default",
		}},
	}
	pemKey, _, _, _ := keyFiles(t) // a dry run inspects the key
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWired(t)
			args := append([]string{}, tc.args...)
			for i, a := range args {
				if a == "/keys/id_rsa" {
					args[i] = pemKey
				}
			}
			code, out, errOut := w.run("", args...)
			if code != cli.ExitOK {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			golden(t, tc.name, []byte(out))
			if entries, _ := os.ReadDir(w.dir); len(entries) != 0 {
				t.Errorf("--dry-run wrote %v", entries)
			}
		})
	}
}

// TestSaveWithMockKeychain saves through the real profile store, export and
// keychain wrapper (go-keyring's mock), then lists, exports and deletes.
func TestSaveWithMockKeychain(t *testing.T) {
	const token = "ATATT3xWiredToken0042"
	w := newWired(t)
	code, out, errOut := w.run(token+"\n",
		"setup", "--non-interactive", "--password-stdin", "--skip-test",
		"--name", "wired", "--url", "https://bitbucket.org/acme", "--test-repo", "app.git", "--username", "jdoe")
	if code != cli.ExitOK {
		t.Fatalf("setup: exit %d\n%s", code, errOut)
	}
	profileDir := filepath.Join(w.dir, "bbconnect")
	for _, want := range []string{
		"✓ saved connector wired", filepath.Join(profileDir, "wired.json"),
		"keychain: wired/password", filepath.Join(profileDir, "wired.harness.yaml"), "account.wired_password",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("setup output lacks %q:\n%s", want, out)
		}
	}
	// The token is nowhere on disk.
	_ = filepath.Walk(w.dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if data, _ := os.ReadFile(path); strings.Contains(string(data), token) {
				t.Errorf("%s holds the token", path)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v", path, info.Mode().Perm())
			}
		}
		return nil
	})
	if info, err := os.Stat(profileDir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("profile dir: %v %v", err, info)
	}

	code, out, _ = w.run("", "list")
	if code != cli.ExitOK || !strings.Contains(out, "wired") || !strings.Contains(out, "in 365 days (2027-11-22)") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	code, out, _ = w.run("", "export", "wired")
	if code != cli.ExitOK || !strings.Contains(out, "passwordRef: account.wired_password") {
		t.Errorf("export: exit %d\n%s", code, out)
	}
	code, out, errOut = w.run("", "delete", "wired", "--yes")
	if code != cli.ExitOK || !strings.Contains(out, "removed keychain item wired/password") {
		t.Errorf("delete: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(profileDir, "wired.json")); !os.IsNotExist(err) {
		t.Errorf("profile still there: %v", err)
	}
}

// TestRotateWithMockKeychain rotates through keychain/rotate for real: the
// keychain item holds the new token afterwards, and the profile says so.
func TestRotateWithMockKeychain(t *testing.T) {
	const oldToken, newToken = "ATATT3xOldToken000001", "ATATT3xNewToken000002"
	w := newWired(t)
	code, _, errOut := w.run(oldToken+"\n",
		"setup", "--non-interactive", "--password-stdin", "--skip-test",
		"--name", "rot", "--url", "https://bitbucket.org/acme", "--test-repo", "app.git", "--username", "jdoe")
	if code != cli.ExitOK {
		t.Fatalf("setup: exit %d\n%s", code, errOut)
	}
	code, out, errOut := w.run(newToken+"\n", "rotate", "rot", "--token-stdin", "--skip-test", "--token-expires", "2027-03-01")
	if code != cli.ExitOK || !strings.Contains(out, "✓ rotated the password of rot") {
		t.Fatalf("rotate: exit %d\n%s%s", code, out, errOut)
	}
	if got, err := gokeyring.Get(keychain.Service, keychain.ItemName("rot", wizard.SlotPassword)); err != nil || got != newToken {
		t.Errorf("keychain item after rotation: %v (new token: %v)", err, got == newToken)
	}
	if _, err := gokeyring.Get(keychain.Service, keychain.ItemName("rot", keychain.StagingSlot(wizard.SlotPassword))); err == nil {
		t.Error("the staging item was left behind")
	}
	code, out, _ = w.run("", "list", "--json")
	if code != cli.ExitOK || !strings.Contains(out, `"expires": "2027-03-01T00:00:00Z"`) {
		t.Errorf("list after rotation: exit %d\n%s", code, out)
	}
	if strings.Contains(out+errOut, newToken) {
		t.Error("the token was printed")
	}
}

// TestLiveAgainstEmulator saves a connector after a live test against the
// local Bitbucket emulator, then tests it again with --json, and shows a
// failing test (a wrong token) saves nothing.
func TestLiveAgainstEmulator(t *testing.T) {
	srv, err := emu.Start(emu.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	defer srv.Close()
	d := srv.Demo
	w := newWired(t)
	w.env[conntest.EnvCloudURL], w.env[conntest.EnvCloudAPIURL], w.env[conntest.EnvCAFile] = srv.CloudURL, srv.CloudAPIURL, srv.CAFile
	args := []string{
		"setup", "--non-interactive", "--password-stdin",
		"--name", "live", "--url", "https://bitbucket.org/" + d.Workspace, "--test-repo", d.Repo, "--username", d.Username,
		"--api-access", "email-api-token", "--api-email", d.Email, "--api-token-same-as-password",
	}
	code, out, errOut := w.run("ATATT3xWrongToken\n", args...)
	if code != cli.ExitFailure || !strings.Contains(errOut, "✗ ") || !strings.Contains(errOut, "nothing was saved") {
		t.Errorf("wrong token: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = w.run(d.APIToken+"\n", args...)
	if code != cli.ExitOK || !strings.Contains(errOut, "✓ git read access") {
		t.Fatalf("setup: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = w.run("", "test", "live", "--json")
	var r conntest.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != cli.ExitOK || !r.OK || r.Connector != "live" || len(r.Checks) == 0 {
		t.Errorf("test --json: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if strings.Contains(out+errOut, d.APIToken) {
		t.Error("the token was printed")
	}
}
