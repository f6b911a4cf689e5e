package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

// The fake keychain keeps Harness keys as items ".harness/<account>".
func (k *fakeKeychain) SetHarnessKey(_ context.Context, account, key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.items[".harness/"+account] = key
	return nil
}

func (k *fakeKeychain) HarnessKey(_ context.Context, account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.items[".harness/"+account], nil
}

func (k *fakeKeychain) DeleteHarnessKey(_ context.Context, account string) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, ok := k.items[".harness/"+account]
	delete(k.items, ".harness/"+account)
	return ok, nil
}

func TestHarnessInvalidUse(t *testing.T) {
	h := newHarness(t)
	h.seed(cloudConnector("web"), day("2026-11-01"), day("2027-06-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: "tok"})
	cases := []struct {
		args  []string
		tty   bool
		code  ExitCode
		stdin string
		want  string
	}{
		{[]string{"harness", "login", "--api-key-stdin"}, true, ExitUsage, "", "standard input is a terminal"},
		{[]string{"harness", "login"}, false, ExitUsage, "", "pipe it with --api-key-stdin"},
		{[]string{"harness", "login", "--api-key-stdin"}, false, ExitUsage, "\n", "the harness api key is empty"},
		{[]string{"harness", "login", "--api-key-stdin", "--harness-url", "http://harness.example.com"}, false, ExitUsage, "pat.a.b.c\n", "not https"},
		{[]string{"harness", "logout"}, false, ExitUsage, "", "no harness login"},
		{[]string{"push"}, false, ExitUsage, "", "needs the id"},
		{[]string{"push", "nope"}, false, ExitFailure, "", "no saved connector"},
		{[]string{"push", "web"}, false, ExitFailure, "", "no harness account"},
		{[]string{"harness", "scan", "--project", "p"}, false, ExitUsage, "", "--project needs --org"},
		{[]string{"harness", "import", "x", "--id", "1bad-id"}, false, ExitUsage, "", "--id"},
		{[]string{"import"}, false, ExitUsage, "", "takes one file"},
		{[]string{"setup", "--push", "--name", "x"}, false, ExitUsage, "", "--push needs --non-interactive"},
		{[]string{"setup", "--non-interactive", "--dry-run", "--push", "--name", "x", "--url", "https://bitbucket.org/acme", "--test-repo", "a.git", "--username", "j"}, false, ExitUsage, "", "--dry-run stores and tests nothing"},
	}
	for _, tc := range cases {
		h.f.IO.SetStdinTTY(tc.tty)
		r := h.run(tc.stdin, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", tc.args, r.code, tc.code, tc.want, r.stderr)
		}
	}
}

func TestHarnessKeyFromEnvNeverTouchesKeychain(t *testing.T) {
	h := newHarness(t)
	h.seed(cloudConnector("web"), day("2026-11-01"), day("2027-06-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: "tok"})
	h.env["HARNESS_PLATFORM_API_KEY"] = "pat.acc.tok.secret"
	h.env["HARNESS_ENDPOINT"] = "http://127.0.0.1:1"
	r := h.run("", "harness", "scan")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "GET /ng/api/") || strings.Contains(r.stderr, "secret") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if h.kc.probed != 0 {
		t.Fatal("the keychain was opened")
	}
	if _, ok := h.env["HARNESS_PLATFORM_API_KEY"]; ok {
		t.Fatal("the key stayed in the environment")
	}
}

func TestHarnessHelpHasExamples(t *testing.T) {
	h := newHarness(t)
	for _, cmd := range [][]string{{"push"}, {"import"}, {"harness"}, {"harness", "login"}, {"harness", "logout"}, {"harness", "scan"}, {"harness", "import"}} {
		r := h.run("", append(cmd, "--help")...)
		if r.code != ExitOK || !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "bbconnect ") {
			t.Errorf("%v --help: exit %d\n%s", cmd, r.code, r.stdout)
		}
	}
}
