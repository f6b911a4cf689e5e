//go:build !windows

package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/creack/pty"
	"github.com/muesli/termenv"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestColorsFromEnvironment(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer func() { _ = ptmx.Close(); _ = tty.Close() }()
	t.Cleanup(func() {
		lipgloss.SetDefaultRenderer(lipgloss.NewRenderer(&bytes.Buffer{}))
		lipgloss.SetColorProfile(termenv.Ascii)
		lipgloss.SetHasDarkBackground(true)
	})
	tests := []struct {
		name string
		tty  bool
		env  []string
		want termenv.Profile
		dark bool
	}{
		{"truecolor terminal", true, []string{"TERM=xterm-256color", "COLORTERM=truecolor"}, termenv.TrueColor, true},
		{"NO_COLOR", true, []string{"TERM=xterm-256color", "COLORTERM=truecolor", "NO_COLOR=1"}, termenv.Ascii, true},
		{"light background", true, []string{"TERM=xterm-256color", "COLORFGBG=0;15"}, termenv.ANSI256, false},
		{"not a terminal", false, []string{"TERM=xterm-256color", "COLORTERM=truecolor"}, termenv.Ascii, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out io.Writer = &bytes.Buffer{}
			if tt.tty {
				out = tty
			}
			setupColors(out, tt.env)
			if got := lipgloss.ColorProfile(); got != tt.want {
				t.Errorf("profile = %v, want %v", got, tt.want)
			}
			if got := lipgloss.HasDarkBackground(); got != tt.dark {
				t.Errorf("dark = %v, want %v", got, tt.dark)
			}
		})
	}
}

func TestSecretsRedacted(t *testing.T) {
	s := Secrets{Password: "pw-secret", APIToken: "api-secret"}
	for _, got := range []string{s.String(), s.GoString()} {
		if strings.Contains(got, "secret") {
			t.Fatalf("secret shown: %s", got)
		}
		if !strings.Contains(got, "[redacted]") || !strings.Contains(got, `SSHPassphrase:""`) {
			t.Fatalf("redaction unclear: %s", got)
		}
	}
	if s.Value(wizard.SlotPassword) != "pw-secret" || s.Value(wizard.SlotAPIToken) != "api-secret" || s.Value("x") != "" {
		t.Fatal("Value returns the wrong secret")
	}
}

func TestSplitList(t *testing.T) {
	tests := map[string][]string{
		"":            nil,
		" , ,":        nil,
		"a":           {"a"},
		" k8s , eu ,": {"k8s", "eu"},
	}
	for in, want := range tests {
		if got := splitList(in); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("splitList(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSplitList: no item is blank or padded, and joining the items and
// splitting again gives them back.
func FuzzSplitList(f *testing.F) {
	for _, s := range []string{"", "a,b", " k8s , eu ,", ",,,", "a b, c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items := splitList(s)
		for _, it := range items {
			if it == "" || strings.TrimSpace(it) != it || strings.Contains(it, ",") {
				t.Fatalf("bad item %q from %q", it, s)
			}
		}
		if again := splitList(strings.Join(items, ", ")); strings.Join(again, "\x00") != strings.Join(items, "\x00") {
			t.Fatalf("round trip %q -> %q -> %q", s, items, again)
		}
	})
}

// BBCONNECT_STEADY_CURSOR drops the blink ticks, so a focused input keeps
// its cursor shown; every other message passes.
func TestSteadyCursorDropsBlinks(t *testing.T) {
	if got := steadyCursor(nil, cursor.BlinkMsg{}); got != nil {
		t.Errorf("blink passed: %#v", got)
	}
	if got, ok := steadyCursor(nil, tea.WindowSizeMsg{Width: 80}).(tea.WindowSizeMsg); !ok || got.Width != 80 {
		t.Errorf("size = %#v", got)
	}
}

// TestRunNeedsATester: the wizard refuses to start without a connection
// tester rather than offer a test it cannot run.
func TestRunNeedsATester(t *testing.T) {
	_, err := Run(context.Background(), Options{Deps: Deps{}, Accessible: true, In: strings.NewReader(""), Out: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "connection tester") {
		t.Fatalf("err = %v", err)
	}
}
