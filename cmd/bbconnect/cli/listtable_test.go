package cli

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bbconnect/bbconnect/wizard"
)

// TestListFitsTerminal: on an 80-column terminal the table fits (columns
// dropped, said on stderr); --wide and output that is not a terminal keep
// every column.
func TestListFitsTerminal(t *testing.T) {
	h := newHarness(t)
	long := cloudConnector("a_connector_with_a_long_id")
	long.URL = "https://bitbucket.org/a-workspace-with-a-rather-long-name"
	h.seed(long, day("2025-12-01"), day("2026-12-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA})

	full := h.run("", "list")
	if !strings.Contains(full.stdout, "APP PASSWORD") || !strings.Contains(full.stdout, long.URL) {
		t.Fatalf("output that is not a terminal lost columns:\n%s", full.stdout)
	}
	if widest(full.stdout) <= 80 {
		t.Fatalf("the full table is not wider than 80 columns, the test proves nothing:\n%s", full.stdout)
	}

	h.f.IO.SetStdoutTTY(true)
	h.f.IO.SetTerminalWidth(80)
	r := h.run("", "list")
	if widest(r.stdout) > 80 {
		t.Fatalf("the table is wider than the terminal:\n%s", r.stdout)
	}
	for _, want := range []string{"ID", "a_connector_with_a_long_id", "TOKEN EXPIRES", "! in 9 days"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("fitted table lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "bbconnect list --wide") {
		t.Errorf("no word of the columns left out: %q", r.stderr)
	}

	if w := h.run("", "list", "--wide"); w.stdout != full.stdout {
		t.Errorf("--wide differs from the full table:\n%s\nwant:\n%s", w.stdout, full.stdout)
	}

	h.f.IO.SetTerminalWidth(200)
	if r := h.run("", "list"); r.stdout != full.stdout || r.stderr != "" {
		t.Errorf("a wide terminal should get every column:\n%s%s", r.stdout, r.stderr)
	}
}

func widest(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, utf8.RuneCountInString(l))
	}
	return w
}

// TestReflowHelp: help paragraphs are joined and wrapped at the width,
// never mid-word; indented lines stay one line unless they are two
// columns, which wrap under their description.
func TestReflowHelp(t *testing.T) {
	in := "A first paragraph written\nat some width in the source.\n\n" +
		"  bbconnect list --json | jq .\n" +
		"  TERM_NAME   a description that is long enough to wrap at this width\n"
	got := reflow(in, 40)
	want := "A first paragraph written at some width\nin the source.\n\n" +
		"  bbconnect list --json | jq .\n" +
		"  TERM_NAME   a description that is long\n              enough to wrap at this\n              width\n"
	if got != want {
		t.Fatalf("reflow:\n%s\nwant:\n%s", got, want)
	}
	for _, cmd := range []string{"", "setup", "test", "rotate", "list", "export", "delete"} {
		h := newHarness(t)
		args := []string{"--help"}
		if cmd != "" {
			args = []string{cmd, "--help"}
		}
		r := h.run("", args...)
		examples := false
		for _, l := range strings.Split(r.stdout, "\n") {
			if l != "" && !strings.HasPrefix(l, " ") {
				// Examples are commands to copy: they keep their lines.
				examples = l == "Examples:"
			}
			if utf8.RuneCountInString(l) > 80 && !examples {
				t.Errorf("bbconnect %s --help has a line over 80 columns: %q", cmd, l)
			}
		}
	}
}
