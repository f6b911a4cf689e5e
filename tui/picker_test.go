package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

func pickerFakes(t *testing.T) *fakes {
	t.Helper()
	f := newFakes()
	old := cloudHTTP()
	old.ID, old.Name, old.PasswordKind = "old_app", "Old App", wizard.AppPassword
	f.profiles.items = []Profile{
		{Connector: cloudHTTP(), TokenExpires: testNow.Add(40 * 24 * time.Hour), LastTest: "pass 2026-11-01"},
		{Connector: old},
	}
	if _, err := f.secrets.Set("cloud_one", wizard.SlotPassword, "stored-token"); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPickerLists(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Mode: ModePicker})
	d.mustTitle("Saved connectors")
	d.mustSee("+ New connector", "> cloud_one", "old_app", "token expires in 40 days", "last test: pass 2026-11-01")
	d.mustSeeText("! App Passwords were removed on 2026-07-28 and no longer work: use an API token; r moves it to one")
	d.mustSee("enter edit", "r rotate", "t test", "x export", "d delete")
}

func TestPickerActions(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		keys      []tea.KeyMsg
		wantTitle string
		want      []string
	}{
		"new":    {keys: []tea.KeyMsg{runes("n")}, wantTitle: "Overview"},
		"edit":   {keys: []tea.KeyMsg{{Type: tea.KeyEnter}}, wantTitle: "Review", want: []string{"•••••• (API token)"}},
		"rotate": {keys: []tea.KeyMsg{runes("r")}, wantTitle: "Rotate cloud_one › Credentials", want: []string{"Password kind"}},
		"test":   {keys: []tea.KeyMsg{runes("t")}, wantTitle: "Connection test"},
		"export": {keys: []tea.KeyMsg{runes("x")}, wantTitle: "Exported", want: []string{"Export:    /exports/cloud_one.yaml", "the export of saved connector cloud_one"}},
		"delete": {keys: []tea.KeyMsg{runes("d"), runes("y")}, wantTitle: "Saved connectors"},
		"keep":   {keys: []tea.KeyMsg{runes("d"), runes("n")}, wantTitle: "Saved connectors", want: []string{"cloud_one"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := pickerFakes(t)
			d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Mode: ModePicker})
			for _, k := range tt.keys {
				d.send(k)
			}
			d.mustTitle(tt.wantTitle)
			d.mustSee(tt.want...)
			switch name {
			case "delete":
				d.mustNotSee("cloud_one")
				if _, err := f.secrets.Get("cloud_one", wizard.SlotPassword); err == nil {
					t.Fatal("keychain item left behind")
				}
			case "test":
				waitFor(t, d, "the connection works")
				if got := f.tester.secrets[0].Password; got != "stored-token" {
					t.Fatalf("test did not use the stored token: %q", got)
				}
			case "rotate":
				if d.m.c.st.secrets.Password != "" {
					t.Fatal("rotation starts with the old token")
				}
			}
		})
	}
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// TestPickerMissingKeychainItem: a connector whose keychain item is gone is
// marked in the picker, and its test says so with the CLI's fix instead of
// blaming an empty password.
func TestPickerMissingKeychainItem(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	f.secrets = newMemSecrets()
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Mode: ModePicker})
	d.mustSeeText("✗ the password of cloud_one cannot be read from the keychain: not found (fix: store it again: bbconnect rotate cloud_one --slot password)")
	d.mustNotSee("last test: pass")
	// The diagnosis wraps under its connector at any width, never back to
	// column 0.
	for _, w := range []int{80, 60} {
		d.send(tea.WindowSizeMsg{Width: w, Height: 24})
		lines := strings.Split(d.screen(), "\n")
		for i, l := range lines {
			if strings.Contains(l, "cannot be read") {
				for _, next := range lines[i+1 : i+3] {
					if !strings.HasPrefix(next, "     ") {
						t.Fatalf("at %d columns a wrapped line is not indented: %q\n%s", w, next, d.screen())
					}
				}
			}
		}
	}
	d.typ("t")
	d.mustTitle("Connection test")
	d.mustSeeText("the password of cloud_one cannot be read from the keychain")
	d.mustSeeText("fix: store it again: bbconnect rotate cloud_one --slot password")
	d.mustNotSee("password is empty")
	if f.tester.runs != 0 {
		t.Fatalf("the tester ran %d times with a missing secret", f.tester.runs)
	}
}

// TestPickerImportedConnectorHasNoLostItem: a connector imported from
// Harness has no token here by design: the picker says how to give it one
// instead of reporting a keychain item as lost.
func TestPickerImportedConnectorHasNoLostItem(t *testing.T) {
	t.Parallel()
	f := newFakes()
	imp := cloudHTTP()
	imp.ID = "bb_imported"
	f.profiles.items = []Profile{{Connector: imp, HarnessOnly: true, Harness: &HarnessStatus{Account: "acme", Imported: testNow}}}
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Mode: ModePicker})
	d.mustSeeText("no token here yet (imported from Harness, which keeps it): r gives it a new one")
	d.mustNotSee("cannot be read from the keychain")
}

// TestFooterWrapsBeforeCutting: where the key help does not fit the width
// it takes a second line (the blank one above it) instead of hiding keys
// behind "…"; the screen keeps its height.
func TestFooterWrapsBeforeCutting(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Mode: ModePicker})
	d.mustTitle("Saved connectors")
	for _, w := range []int{80, 60} {
		d.send(tea.WindowSizeMsg{Width: w, Height: 24})
		scr := d.screen()
		lines := strings.Split(strings.TrimRight(scr, "\n"), "\n")
		if len(lines) > 24 {
			t.Fatalf("at %d columns the screen has %d lines:\n%s", w, len(lines), scr)
		}
		for _, k := range []string{"enter edit", "d delete", "q quit"} {
			if !strings.Contains(scr, k) {
				t.Fatalf("at %d columns the footer hides %q:\n%s", w, k, scr)
			}
		}
		if strings.Contains(scr, " …") {
			t.Fatalf("at %d columns the footer is cut:\n%s", w, scr)
		}
	}
}
