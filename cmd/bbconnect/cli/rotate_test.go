package cli

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// fakeRotator records the request and can run its test.
type fakeRotator struct {
	reqs      []RotateRequest
	err       error
	runTest   bool
	recovered string
}

func (fr *fakeRotator) rotate(ctx context.Context, _ string, _ SecretStore, req RotateRequest) (RotateResult, error) {
	fr.reqs = append(fr.reqs, req)
	res := RotateResult{Recovered: fr.recovered, Replaced: []wizard.SecretSlot{wizard.SlotPassword}, Summary: "the new token is in use"}
	if fr.runTest && req.Test != nil {
		c := cloudConnector(req.ID)
		if req.Connector != nil {
			c = *req.Connector
		}
		if err := req.Test(ctx, c, Secrets{Password: req.Secrets[wizard.SlotPassword]}); err != nil {
			return res, errors.New("the new token failed the connection test: " + err.Error() + " " + req.Secrets[wizard.SlotPassword])
		}
		res.Tested = true
	}
	return res, fr.err
}

func TestRotate(t *testing.T) {
	const newToken = "ATATT3xBrandNewToken77"
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
		setup      func(*harness, *fakeRotator)
		wantExit   ExitCode
		wantStdout []string
		wantStderr []string
		check      func(*testing.T, *fakeRotator)
	}{
		{
			name: "token from stdin", args: []string{"rotate", "cloud", "--token-stdin", "--skip-test"}, stdin: newToken + "\n",
			wantExit: ExitOK, wantStdout: []string{"✓ rotated the password of cloud", "the new token is in use", "was not tested"},
			check: func(t *testing.T, fr *fakeRotator) {
				r := fr.reqs[0]
				if r.Secrets[wizard.SlotPassword] != newToken || r.Test != nil || r.Connector != nil {
					t.Errorf("request = %+v", r)
				}
				if want := day("2027-11-22"); !r.Expires[wizard.SlotPassword].Equal(want) {
					t.Errorf("expiry = %v, want %v", r.Expires, want)
				}
			},
		},
		{
			name: "token from environment", args: []string{"rotate", "cloud", "--skip-test", "--token-expires", "2027-01-31"},
			env: env{EnvPassword: newToken}, wantExit: ExitOK,
			check: func(t *testing.T, fr *fakeRotator) {
				if r := fr.reqs[0]; r.Secrets[wizard.SlotPassword] != newToken || !r.Expires[wizard.SlotPassword].Equal(day("2027-01-31")) {
					t.Errorf("request = %+v", r)
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
			name: "migration", args: []string{"rotate", "legacy", "--token-stdin", "--email", "jdoe@acme.com"}, stdin: newToken + "\n",
			setup: func(_ *harness, fr *fakeRotator) { fr.runTest = true }, wantExit: ExitOK,
			wantStderr: []string{"! legacy uses an app password; moving it to an api token:", "1. App Passwords were removed", "✓ reach git host"},
			check: func(t *testing.T, fr *fakeRotator) {
				c := fr.reqs[0].Connector
				if c == nil || c.PasswordKind != wizard.APIToken || c.APIAccess != wizard.APIEmailAPIToken || c.APIEmail != "jdoe@acme.com" || !c.APITokenSameAsPassword {
					t.Errorf("migrated connector = %+v", c)
				}
			},
		},
		{
			name: "failing test", args: []string{"rotate", "cloud", "--token-stdin"}, stdin: newToken + "\n",
			setup: func(h *harness, fr *fakeRotator) { fr.runTest, h.tests.fail = true, true }, wantExit: ExitFailure,
			wantStderr: []string{"✗ git read access", "the new token failed the connection test: git read access: wrong password [redacted]"},
		},
		{
			name: "recovered first", args: []string{"rotate", "cloud", "--token-stdin", "--skip-test"}, stdin: newToken + "\n",
			setup:    func(_ *harness, fr *fakeRotator) { fr.recovered = "an interrupted rotation of cloud was rolled back" },
			wantExit: ExitOK, wantStderr: []string{"! an interrupted rotation of cloud was rolled back"},
		},
		{
			name: "no keychain", args: []string{"rotate", "cloud", "--token-stdin"}, stdin: newToken + "\n",
			setup: func(h *harness, _ *fakeRotator) { h.kc.probeErr = unavailable{"locked"} }, wantExit: ExitFailure,
			wantStderr: []string{"no usable keychain"},
		},
		{
			name: "not wired", args: []string{"rotate", "cloud"}, setup: func(h *harness, _ *fakeRotator) { h.f.Rotate = nil },
			wantExit: ExitFailure, wantStderr: []string{"token rotation is not available yet"},
		},
		{name: "unknown connector", args: []string{"rotate", "nope"}, wantExit: ExitFailure, wantStderr: []string{`no saved connector "nope"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			created, exp := day("2026-01-01"), day("2026-12-01")
			h.seed(cloudConnector("cloud"), created, exp, map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA})
			h.seed(ssh(), created, time.Time{}, nil)
			h.seed(legacy(), created, time.Time{}, map[wizard.SecretSlot]string{wizard.SlotPassword: tokenB})
			fr := &fakeRotator{}
			h.f.Rotate = fr.rotate
			for k, v := range tc.env {
				h.env[k] = v
			}
			if tc.setup != nil {
				tc.setup(h, fr)
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
			if tc.check != nil && len(fr.reqs) > 0 {
				tc.check(t, fr)
			} else if tc.check != nil {
				t.Error("no rotation was requested")
			}
		})
	}
}

func TestRecoveryRunsFirst(t *testing.T) {
	h := newHarness(t)
	var recovered bool
	h.f.Pending = func(string) ([]string, error) { return []string{"cloud"}, nil }
	h.f.Recover = func(context.Context, string, SecretStore) ([]string, []error) {
		recovered = true
		return []string{"an interrupted rotation of cloud was finished"}, []error{errors.New("other: could not be finished yet")}
	}
	r := h.run("", "list")
	if !recovered || !strings.Contains(r.stderr, "! an interrupted rotation of cloud was finished\n! other: could not be finished yet") {
		t.Errorf("recovery: %v\n%s", recovered, r.stderr)
	}
	recovered = false
	h.run("", with(cloudArgs, "--dry-run")...)
	if recovered {
		t.Error("--dry-run ran the recovery")
	}
	h.kc.probeErr = unavailable{"locked"}
	r = h.run("", "list")
	if recovered || !strings.Contains(r.stderr, "unfinished rotation of cloud") {
		t.Errorf("recovery without a keychain: %v\n%s", recovered, r.stderr)
	}
}
