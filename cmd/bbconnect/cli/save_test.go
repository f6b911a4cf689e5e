package cli

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// wrongToken is an API token the emulator does not know.
const wrongToken = "ATATT3xWrongToken0003"

// keyPassphrase protects encryptedKey, a PEM RSA key made by ssh-keygen
// in TestMain. Fake, test-only values.
const keyPassphrase = "test-only-passphrase" // #nosec G101 -- fake, test-only.

var encryptedKey string

func TestSaveNonInteractive(t *testing.T) {
	h := newHarness(t)
	args := with(cloudArgs, "--password-stdin", "--api-access", "email-api-token", "--api-email", testEmu.Demo.Email, "--api-token-stdin")
	r := h.run(tokenA+"\n"+tokenB+"\n", args...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if got := h.kc.items["Bitbucket_Cloud/password"]; got != tokenA {
		t.Errorf("password item = %q", got)
	}
	if got := h.kc.items["Bitbucket_Cloud/api-token"]; got != tokenB {
		t.Errorf("api-token item = %q", got)
	}
	p, ok := h.saved()["Bitbucket_Cloud"]
	if !ok {
		t.Fatal("no profile saved")
	}
	if p.LastTest == nil || !p.LastTest.OK {
		t.Errorf("last test = %+v", p.LastTest)
	}
	wantExp := time.Date(2027, 11, 22, 0, 0, 0, 0, time.UTC)
	if m := p.Tokens[wizard.SlotPassword]; m.Kind != "api-token" || !m.Expires.Equal(wantExp) {
		t.Errorf("password meta = %+v, want api-token expiring %s", m, wantExp)
	}
	if m := p.Tokens[wizard.SlotAPIToken]; m.Kind != "api-token" || !m.Expires.Equal(wantExp) {
		t.Errorf("api token meta = %+v", m)
	}
	exportPath := filepath.Join(h.configDir, "bbconnect", "Bitbucket_Cloud.harness.yaml")
	data, err := os.ReadFile(exportPath)
	if err != nil || !strings.Contains(string(data), "identifier: Bitbucket_Cloud") {
		t.Errorf("export %s: %v %q", exportPath, err, data)
	}
	if info, err := os.Stat(exportPath); err == nil && info.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v", info.Mode().Perm())
	}
	for _, w := range []string{
		"✓ saved connector Bitbucket_Cloud", "profile:  " + h.store.Path("Bitbucket_Cloud"),
		"keychain: Bitbucket_Cloud/password, Bitbucket_Cloud/api-token", "export:   " + exportPath,
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "✓ reach git host") {
		t.Errorf("stderr lacks the test report:\n%s", r.stderr)
	}
	for _, s := range []string{tokenA, tokenB} {
		if strings.Contains(r.stdout+r.stderr+string(data), s) {
			t.Errorf("a secret was printed or exported")
		}
	}

	// The same Id again is refused, before any secret is read.
	r = h.run(tokenA+"\n", with(cloudArgs, "--password-stdin")...)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "connector Bitbucket_Cloud is already saved") || r.stdin != tokenA+"\n" {
		t.Errorf("second save: exit %d, stdin left %q\n%s", r.code, r.stdin, r.stderr)
	}
}

func TestSaveSecretsFromEnvironment(t *testing.T) {
	h := newHarness(t)
	h.env[EnvPassword] = tokenA
	r := h.run("", with(cloudArgs, "--output", filepath.Join(t.TempDir(), "out", "c.yaml"))...)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if h.kc.items["Bitbucket_Cloud/password"] != tokenA {
		t.Errorf("password not stored from %s", EnvPassword)
	}
	if _, still := h.env[EnvPassword]; still {
		t.Errorf("%s was not unset after reading", EnvPassword)
	}
}

func TestSaveOrderAndFailures(t *testing.T) {
	noKeychain := func(h *harness) { h.kc.probeErr = unavailable{"no secret service"} }
	cases := []struct {
		name       string
		setup      func(*harness)
		args       []string
		stdin      string
		stdinTTY   bool
		wantExit   ExitCode
		wantStderr []string
		wantSaved  bool
		stdinKept  bool // the secret was not read
	}{
		{
			name: "no keychain: stop before reading the secret", setup: noKeychain, args: with(cloudArgs, "--password-stdin"),
			stdin: tokenA + "\n", wantExit: ExitFailure, stdinKept: true,
			wantStderr: []string{"no usable keychain: keychain unavailable: no secret service", "to get a working keychain:", "  - start a secret service", "nothing was saved"},
		},
		{
			name: "missing password", args: cloudArgs, wantExit: ExitUsage,
			wantStderr: []string{"--password-stdin: the http password is needed; pipe it with --password-stdin or set BBCONNECT_PASSWORD"},
		},
		{
			name: "empty stdin", args: with(cloudArgs, "--password-stdin"), stdin: "\n", wantExit: ExitUsage,
			wantStderr: []string{"--password-stdin: no http password on standard input"},
		},
		{
			name: "api token line missing", args: with(cloudArgs, "--password-stdin", "--api-access", "access-token", "--api-token-stdin"),
			stdin: tokenA + "\n", wantExit: ExitUsage, wantStderr: []string{"--api-token-stdin: no api token on standard input", "--password-stdin, --api-token-stdin"},
		},
		{
			name: "stdin is a terminal", args: with(cloudArgs, "--password-stdin"), stdinTTY: true, stdin: tokenA + "\n", wantExit: ExitUsage,
			stdinKept: true, wantStderr: []string{"--password-stdin: standard input is a terminal"},
		},
		{
			name: "api token flag with same token", args: with(cloudArgs, "--password-stdin", "--api-access", "email-api-token",
				"--api-email", "a@b.co", "--api-token-same-as-password", "--api-token-stdin"), stdin: tokenA + "\n", wantExit: ExitUsage,
			stdinKept: true, wantStderr: []string{"--api-token-stdin: --api-token-same-as-password reuses the http password"},
		},
		{
			name: "password flag on ssh", args: with(dcSSHArgs, "--password-stdin"), wantExit: ExitUsage,
			wantStderr: []string{"--password-stdin: an ssh connector has no http password"},
		},
		{
			name: "openssh key refused", args: with(dcSSHArgs, "--ssh-key", testEmu.Demo.OpenSSHKeyPath), wantExit: ExitUsage,
			wantStderr: []string{"--ssh-key: " + testEmu.Demo.OpenSSHKeyPath + " is an openssh ed25519 key", "ssh-keygen -t rsa -b 4096 -m PEM"},
		},
		{
			name: "encrypted key needs passphrase", args: with(dcSSHArgs, "--ssh-key", encryptedKey), wantExit: ExitUsage,
			wantStderr: []string{"--ssh-passphrase-stdin: the ssh key passphrase is needed"},
		},
		{
			name: "encrypted key with passphrase", args: with(dcSSHArgs, "--ssh-key", encryptedKey, "--ssh-passphrase-stdin", "--skip-test"),
			stdin: keyPassphrase + "\n", wantExit: ExitOK, wantSaved: true,
		},
		{name: "plain ssh key", args: with(dcSSHArgs, "--skip-test"), wantExit: ExitOK, wantSaved: true},
		{
			name: "failing test saves nothing", args: with(cloudArgs, "--password-stdin"), stdin: wrongToken + "\n",
			wantExit: ExitFailure, wantStderr: []string{"✗ git read access", "fix: ", "nothing was saved: the connection test failed", "--save-failing"},
		},
		{
			name: "save failing", args: with(cloudArgs, "--password-stdin", "--save-failing"), stdin: wrongToken + "\n",
			wantExit: ExitOK, wantSaved: true,
		},
		{
			name: "skip test", args: with(cloudArgs, "--password-stdin", "--skip-test"), stdin: wrongToken + "\n",
			wantExit: ExitOK, wantSaved: true, wantStderr: []string{"– connection test skipped"},
		},
		{
			name: "skip and save failing", args: with(cloudArgs, "--skip-test", "--save-failing"), wantExit: ExitUsage,
			wantStderr: []string{"--save-failing: --skip-test runs no test"},
		},
		{
			name: "keychain write fails: undone", setup: func(h *harness) { h.kc.setErr = errors.New("write refused") },
			args: with(cloudArgs, "--password-stdin"), stdin: tokenA + "\n", wantExit: ExitFailure,
			wantStderr: []string{"nothing was saved: cannot store the password in the keychain: write refused"},
		},
		{
			name: "export write fails: undone", args: with(cloudArgs, "--password-stdin", "--output", "/dev/null/x.yaml"),
			stdin: tokenA + "\n", wantExit: ExitFailure, wantStderr: []string{"nothing was saved: cannot write /dev/null/x.yaml"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if tc.setup != nil {
				tc.setup(h)
			}
			h.f.IO.SetStdinTTY(tc.stdinTTY)
			r := h.run(tc.stdin, tc.args...)
			if r.code != tc.wantExit {
				t.Errorf("exit = %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.wantExit, r.stdout, r.stderr)
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			saved := len(h.saved()) > 0
			if saved != tc.wantSaved {
				t.Errorf("saved = %v, want %v", saved, tc.wantSaved)
			}
			if !tc.wantSaved {
				if len(h.kc.items) != 0 {
					t.Errorf("keychain items left: %v", h.kc.items)
				}
				if entries, _ := os.ReadDir(filepath.Join(h.configDir, "bbconnect")); len(entries) != 0 {
					t.Errorf("files left: %v", entries)
				}
			}
			if tc.stdinKept && r.stdin != tc.stdin {
				t.Errorf("stdin was read (left %q), want it untouched", r.stdin)
			}
			if strings.Contains(r.stdout+r.stderr, tokenA) || strings.Contains(r.stdout+r.stderr, wrongToken) {
				t.Error("a secret was printed")
			}
		})
	}
}

// Ctrl+C during the live test of setup --non-interactive: status 130 and
// nothing written.
func TestSaveInterrupted(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A Bitbucket that takes the call, then the user presses Ctrl+C.
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}))
	defer srv.Close()
	h.env[conntest.EnvCloudURL], h.env[conntest.EnvCloudAPIURL] = srv.URL, srv.URL
	r := h.runCtx(ctx, tokenA+"\n", with(cloudArgs, "--password-stdin")...)
	if r.code != ExitInterrupted || !strings.Contains(r.stderr, "interrupted: nothing was written") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if len(h.saved()) != 0 || len(h.kc.items) != 0 {
		t.Errorf("written: %v %v", h.saved(), h.kc.items)
	}
}
