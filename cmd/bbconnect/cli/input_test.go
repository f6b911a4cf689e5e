package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

const secretToken = "ATATT3xSECRET-never-printed-0042"

// Secrets from stdin and the environment follow the wizard's rules and
// are refused over 8 KiB with exit 2 before anything is stored, without
// reading the rest of stdin; flags next to a secret never print a value.
func TestSecretInputRefused(t *testing.T) {
	huge := strings.Repeat("A", wizard.MaxSecretLen+1)
	runCases(t, []cliCase{
		{
			name: "stdin over 8 KiB", args: with(cloudArgs, "--password-stdin"), stdin: huge + "\n",
			wantExit: ExitUsage, wantStderr: []string{"--password-stdin: ", "longer than 8 KiB"},
		},
		{
			name: "env over 8 KiB", args: with(cloudArgs), env: env{EnvPassword: huge},
			wantExit: ExitUsage, wantStderr: []string{"BBCONNECT_PASSWORD: http password is longer than 8 KiB"},
		},
		{
			name: "NUL", args: with(cloudArgs, "--password-stdin"), stdin: "ATATT3x\x00tok\n",
			wantExit: ExitUsage, wantStderr: []string{"--password-stdin: http password holds control characters"},
		},
		{
			name: "escape", args: with(cloudArgs, "--password-stdin"), stdin: "ATATT3x\x1b]0;pwn\x07\n",
			wantExit: ExitUsage, wantStderr: []string{"holds control characters"}, notOutput: []string{"pwn"},
		},
		{
			name: "invalid utf-8", args: with(cloudArgs), env: env{EnvPassword: "ATATT3x\xff\xfe"},
			wantExit: ExitUsage, wantStderr: []string{"BBCONNECT_PASSWORD: http password is not valid utf-8"},
		},
		{
			name: "space", args: with(cloudArgs, "--password-stdin"), stdin: "ATATT3x tok\n",
			wantExit: ExitUsage, wantStderr: []string{"http password has spaces"},
		},
		{
			name: "value on --password-stdin", args: with(cloudArgs, "--password-stdin="+secretToken),
			wantExit: ExitUsage, wantStderr: []string{"--password-stdin takes no value (the value given is not shown)"}, notOutput: []string{secretToken},
		},
		{
			name: "token as --token-expires", args: with(cloudArgs, "--dry-run", "--token-expires", secretToken),
			wantExit: ExitUsage, wantStderr: []string{"--token-expires: the value given is not a date"}, notOutput: []string{secretToken},
		},
		{
			name: "value on --token-stdin", args: []string{"rotate", "c1", "--token-stdin=" + secretToken},
			wantExit: ExitUsage, notOutput: []string{secretToken},
		},
		{
			name: "malformed flag", args: []string{"rotate", "c1", "---token=" + secretToken},
			wantExit: ExitUsage, notOutput: []string{secretToken},
		},
	})
}

func TestHugeStdinNotReadToTheEnd(t *testing.T) {
	h := newHarness(t)
	rest := strings.Repeat("B", 1<<20)
	r := h.run(strings.Repeat("A", 64<<10)+rest, with(cloudArgs, "--password-stdin")...)
	if r.code != ExitUsage || len(h.kc.items) != 0 || len(h.saved()) != 0 {
		t.Fatalf("exit %d, %d items, %d profiles\n%s", r.code, len(h.kc.items), len(h.saved()), r.stderr)
	}
	if len(r.stdin) < len(rest) {
		t.Fatalf("stdin was read to its end (%d bytes left)", len(r.stdin))
	}
}

func TestRotateTokenFollowsTheRules(t *testing.T) {
	h := newHarness(t)
	h.seed(cloudConnector("c1"), day("2026-11-01"), day("2027-06-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: "ATATT3xOLD"})
	r := h.run("ATATT3x\x1b[2Jtok\n", "rotate", "c1", "--token-stdin", "--skip-test")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "holds control characters") || h.kc.items["c1/password"] != "ATATT3xOLD" {
		t.Fatalf("exit %d, item %q\n%s", r.code, h.kc.items["c1/password"], r.stderr)
	}
}

// Control characters are refused in every text setting (the wizard's
// rule), and stripped from what is printed from a file.
func TestControlCharactersInSettings(t *testing.T) {
	runCases(t, []cliCase{
		{
			name: "description", args: with(cloudArgs, "--dry-run", "--description", "ok\x1b]0;title\x07"),
			wantExit: ExitUsage, wantStderr: []string{"--description: description holds a control character (U+001B)"},
		},
		{
			name: "tag", args: with(cloudArgs, "--dry-run", "--tag", "team:\x1b]52;c;cHdu\x07"),
			wantExit: ExitUsage, wantStderr: []string{"--tag: a tag holds a control character"},
		},
		{
			name: "delegate selector", args: with(cloudArgs, "--dry-run", "--connectivity", "delegate", "--delegate-selector", "dl\x07"),
			wantExit: ExitUsage, wantStderr: []string{"--delegate-selector: a delegate selector holds a control character (U+0007)"},
		},
	})
	h := newHarness(t)
	c := cloudConnector("c1")
	c.URL = "https://bitbucket.org/acme\x1b]0;pwned\x07"
	h.seed(c, day("2026-11-01"), day("2027-06-01"), nil)
	for _, args := range [][]string{{"list"}, {"export", "c1"}} {
		r := h.run("", args...)
		if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") || !strings.Contains(r.stdout, "]0;pwned") {
			t.Errorf("%s printed control characters from the profile:\n%q", args[0], r.stdout)
		}
	}
	var b bytes.Buffer
	writeReport(&b, conntest.Report{Connector: "c1", Checks: []conntest.Check{{Name: "api", Status: conntest.Fail, Diagnosis: "server said \x1b[31mred\x9b1m", Fix: "x\x07"}}})
	if strings.ContainsAny(b.String(), "\x1b\x07\u009b") {
		t.Errorf("report printed a server's control characters: %q", b.String())
	}
}

// Invalid ids as arguments are usage errors (exit 2), said once, without
// repeating the argument.
func TestInvalidIDArguments(t *testing.T) {
	for _, args := range [][]string{
		{"rotate", "../x"}, {"delete", "a/b", "--yes"}, {"export", "x\x1b]0;t\x07"}, {"test", "ok", "bad id"},
	} {
		h := newHarness(t)
		r := h.run("", args...)
		if r.code != ExitUsage || strings.Count(r.stderr, "not a connector id") != 1 || strings.ContainsAny(r.stderr, "\x1b/") {
			t.Errorf("%q: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}

func TestTestAllUnreadableProfileFails(t *testing.T) {
	h := newHarness(t)
	h.seed(cloudConnector("c1"), day("2026-11-01"), day("2027-06-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: "ATATT3xOK"})
	if err := os.WriteFile(filepath.Join(h.store.Dir, "broken.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := h.run("", "test", "--all")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "skipped: profile") {
		t.Fatalf("test --all with an unreadable profile: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// --output writes to a non-regular file directly (a FIFO, a device, -),
// never replacing it; a regular file is replaced atomically.
func TestOutputToSpecialFiles(t *testing.T) {
	h := newHarness(t)
	h.seed(cloudConnector("c1"), day("2026-11-01"), day("2027-06-01"), nil)

	r := h.run("", "export", "c1", "--output", "-")
	if r.code != ExitOK || !strings.Contains(r.stdout, "identifier: c1") || r.stderr != "" {
		t.Fatalf("--output -: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := exec.Command("mkfifo", fifo).Run(); err != nil {
		t.Skip("no mkfifo:", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if r := h.run("", "export", "c1", "--output", fifo); r.code != ExitOK {
		t.Fatalf("--output fifo: exit %d\n%s", r.code, r.stderr)
	}
	if b := <-got; !strings.Contains(string(b), "identifier: c1") {
		t.Fatalf("fifo reader got %q", b)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the fifo was replaced: %v %v", fi.Mode(), err)
	}

	// A null device of our own (root only): written to, not replaced.
	null := filepath.Join(dir, "null")
	if err := unix.Mknod(null, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		t.Log("no mknod (not root): device case skipped")
		return
	}
	if r := h.run("", "export", "c1", "--output", null); r.code != ExitOK {
		t.Fatalf("--output device: exit %d\n%s", r.code, r.stderr)
	}
	if fi, err := os.Lstat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("the device node was replaced: %v %v", fi.Mode(), err)
	}
}
