package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

func TestRotate(t *testing.T) {
	newToken := tokenB
	ssh := func() wizard.Connector {
		c := cloudConnector("ssh")
		c.Connection, c.SSHKeyPath = wizard.SSH, "/k"
		return c
	}
	legacy := func() wizard.Connector {
		c := cloudConnector("legacy")
		c.PasswordKind = wizard.AppPassword
		c.APIAccess, c.APIUsername = wizard.APIUsernameAppPassword, "jdoe"
		return c
	}
	cases := []struct {
		name       string
		args       []string
		stdin      string
		env        env
		tty        bool
		setup      func(*harness)
		wantExit   ExitCode
		wantStdout []string
		wantStderr []string
		check      func(*testing.T, *harness)
	}{
		{
			name: "token from stdin", args: []string{"rotate", "cloud", "--token-stdin", "--skip-test"}, stdin: newToken + "\n",
			wantExit: ExitOK, wantStdout: []string{"✓ rotated the password of cloud", "replaced the old one", "was not tested"},
			check: func(t *testing.T, h *harness) {
				p := h.saved()["cloud"]
				if h.kc.items["cloud/password"] != newToken || !reflect.DeepEqual(p.Connector, cloudConnector("cloud").WithDefaults()) || p.LastTest != nil {
					t.Errorf("after: item %v, profile %+v", h.kc.items["cloud/password"] == newToken, p)
				}
				if want := day("2027-11-22"); !p.Tokens[wizard.SlotPassword].Expires.Equal(want) {
					t.Errorf("expiry = %v, want %v", p.Tokens, want)
				}
			},
		},
		{
			name: "token from environment", args: []string{"rotate", "cloud", "--skip-test", "--token-expires", "2027-01-31"},
			env: env{EnvPassword: newToken}, wantExit: ExitOK,
			check: func(t *testing.T, h *harness) {
				if h.kc.items["cloud/password"] != newToken || !h.saved()["cloud"].Tokens[wizard.SlotPassword].Expires.Equal(day("2027-01-31")) {
					t.Errorf("after: %+v", h.saved()["cloud"].Tokens)
				}
			},
		},
		{
			name: "prompt on a terminal", args: []string{"rotate", "cloud", "--skip-test"}, tty: true, stdin: newToken + "\n",
			wantExit: ExitOK, wantStderr: []string{"new password for cloud (not shown): "},
		},
		{
			name: "no token off a terminal", args: []string{"rotate", "cloud"}, wantExit: ExitUsage,
			wantStderr: []string{"--token-stdin: the new token is needed; pipe it with --token-stdin or set BBCONNECT_PASSWORD"},
		},
		{
			name: "token flag refused", args: []string{"rotate", "cloud", "--token", newToken}, wantExit: ExitUsage,
			wantStderr: []string{"--token: secrets are never taken as flag values"},
		},
		{
			name: "stdin is a terminal", args: []string{"rotate", "cloud", "--token-stdin"}, tty: true, stdin: newToken + "\n",
			wantExit: ExitUsage, wantStderr: []string{"--token-stdin: standard input is a terminal"},
		},
		{
			name: "expiry too far", args: []string{"rotate", "cloud", "--token-stdin", "--token-expires", "2028-06-01"}, stdin: newToken + "\n",
			wantExit: ExitUsage, wantStderr: []string{"--token-expires: api tokens expire within a year"},
		},
		{
			name: "unknown slot", args: []string{"rotate", "cloud", "--slot", "api-token"}, wantExit: ExitUsage,
			wantStderr: []string{`--slot: the value given is not a token of this connector; choose one of password`},
		},
		{
			name: "ssh has no token", args: []string{"rotate", "ssh"}, wantExit: ExitUsage,
			wantStderr: []string{"--slot: this connector has no token"},
		},
		{
			name: "email without app password", args: []string{"rotate", "cloud", "--email", "a@b.co"}, wantExit: ExitUsage,
			wantStderr: []string{"--email: only used to move api access off an app password"},
		},
		{
			name: "migration needs the email", args: []string{"rotate", "legacy", "--token-stdin"}, stdin: newToken + "\n", wantExit: ExitUsage,
			wantStderr: []string{"--email: email is empty"},
		},
		{
			name: "migration", args: []string{"rotate", "legacy", "--token-stdin", "--email", testEmu.Demo.Email}, stdin: newToken + "\n",
			wantExit:   ExitOK,
			wantStderr: []string{"! legacy uses an app password; moving it to an api token:", "1. App Passwords were removed", "✓ reach git host"},
			check: func(t *testing.T, h *harness) {
				c := h.saved()["legacy"].Connector
				if c.PasswordKind != wizard.APIToken || c.APIAccess != wizard.APIEmailAPIToken || c.APIEmail != testEmu.Demo.Email || !c.APITokenSameAsPassword {
					t.Errorf("migrated connector = %+v", c)
				}
			},
		},
		{
			name: "failing test", args: []string{"rotate", "cloud", "--token-stdin"}, stdin: wrongToken + "\n", wantExit: ExitFailure,
			wantStderr: []string{"✗ git read access", "the new token failed the connection test: "},
			check: func(t *testing.T, h *harness) {
				if h.kc.items["cloud/password"] != tokenA {
					t.Error("the old token was replaced")
				}
			},
		},
		{
			name: "no keychain", args: []string{"rotate", "cloud", "--token-stdin"}, stdin: newToken + "\n",
			setup: func(h *harness) { h.kc.probeErr = unavailable{"locked"} }, wantExit: ExitFailure,
			wantStderr: []string{"no usable keychain"},
		},
		{name: "unknown connector", args: []string{"rotate", "nope"}, wantExit: ExitFailure, wantStderr: []string{`no saved connector "nope"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			created, exp := day("2026-01-01"), day("2026-12-01")
			h.seed(cloudConnector("cloud"), created, exp, map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA})
			h.seed(ssh(), created, time.Time{}, nil)
			h.seed(legacy(), created, time.Time{}, map[wizard.SecretSlot]string{wizard.SlotPassword: "ATBBlegacyAppPassword0", wizard.SlotAPIToken: "ATBBlegacyAppPassword1"})
			for k, v := range tc.env {
				h.env[k] = v
			}
			if tc.setup != nil {
				tc.setup(h)
			}
			h.f.IO.SetStdinTTY(tc.tty)
			h.f.IO.SetStdoutTTY(tc.tty)
			r := h.run(tc.stdin, tc.args...)
			if r.code != tc.wantExit {
				t.Errorf("exit = %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.wantExit, r.stdout, r.stderr)
			}
			for _, w := range tc.wantStdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stdout+r.stderr, newToken) {
				t.Error("the new token was printed")
			}
			if tc.check != nil {
				tc.check(t, h)
			}
		})
	}
}

// pendingRemoval leaves the removal of connector id unfinished, as a
// crash of bbconnect delete would.
func (h *harness) pendingRemoval(id string) {
	h.t.Helper()
	if err := os.MkdirAll(h.store.Dir, 0o700); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.store.Dir, id+profile.RemovingSuffix), []byte("{}"), 0o600); err != nil {
		h.t.Fatal(err)
	}
}

func TestRecoveryRunsFirst(t *testing.T) {
	h := newHarness(t)
	h.kc.items["cloud/password"] = tokenA
	h.pendingRemoval("cloud")
	r := h.run("", with(cloudArgs, "--dry-run")...)
	if h.kc.items["cloud/password"] == "" || strings.Contains(r.stderr, "finished removing") {
		t.Errorf("--dry-run ran the recovery:\n%s", r.stderr)
	}
	h.kc.probeErr = unavailable{"locked"}
	r = h.run("", "list")
	if h.kc.items["cloud/password"] == "" || !strings.Contains(r.stderr, "unfinished rotation of cloud") {
		t.Errorf("recovery without a keychain:\n%s", r.stderr)
	}
	h.kc.probeErr = nil
	r = h.run("", "list")
	if h.kc.items["cloud/password"] != "" || !strings.Contains(r.stderr, "! finished removing connector cloud (1 keychain items)") {
		t.Errorf("recovery:\n%s", r.stderr)
	}
}
