package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/bbconnect/bbconnect/wizard"
)

// startFlow runs the wizard in a teatest program at 80x24.
func startFlow(t *testing.T, opts Options) *flow {
	t.Helper()
	opts.Width, opts.Height = 80, 24
	rec := &recorder{Model: newModel(opts, nil)}
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(80, 24))
	t.Cleanup(func() { _ = tm.Quit() })
	return &flow{t: t, tm: tm, rec: rec, subst: strings.NewReplacer()}
}

// send sends keys without waiting between them: they reach the program
// together, as a paste of keystrokes or a script's do.
func (f *flow) send(keys ...tea.KeyType) {
	for _, k := range keys {
		f.tm.Send(tea.KeyMsg{Type: k})
	}
}

// TestShiftTabLeavesEmptyRequiredField: shift+tab on an empty required
// field moves to the previous field (it used to leave no field focused).
func TestShiftTabLeavesEmptyRequiredField(t *testing.T) {
	noUser := cloudHTTP()
	noUser.Username = ""
	tests := map[string]struct {
		initial     *wizard.Connector
		to          func(f *flow)
		field, prev string
	}{
		"details url": {
			to: func(f *flow) {
				f.typ("Conn")
				f.enterFocus("Id")
				f.enterFocus("Description")
				f.enterFocus("Tags")
				f.enterFocus("Bitbucket edition")
				f.enterFocus("URL type")
				f.enterFocus("Connection type")
				f.enterFocus("Account URL")
			},
			field: "Account URL", prev: "Connection type",
		},
		"credentials username": {
			initial: &noUser,
			to: func(f *flow) {
				f.wait("bbconnect › Review")
				f.typ("3")
				f.focus("Password kind")
				f.enterFocus("Scopes to give the API token")
				f.enterFocus("Username")
			},
			field: "Username", prev: "Scopes to give the API token",
		},
		"api access email": {
			initial: func() *wizard.Connector { c := cloudHTTP(); return &c }(),
			to: func(f *flow) {
				f.wait("bbconnect › Review")
				f.typ("4")
				f.focus("Enable API access?")
				f.typ("y")
				f.focus("API authentication")
				f.enterFocus("Email")
			},
			field: "Email", prev: "API authentication",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := startFlow(t, Options{Deps: newFakes().deps(t.TempDir()), Initial: tt.initial})
			tt.to(f)
			f.key(tea.KeyShiftTab, "")
			f.focus(tt.prev)
			// The form still answers keys: forward again, and the empty
			// field complains only when the user moves on from it.
			f.key(tea.KeyTab, "")
			f.focus(tt.field)
			f.key(tea.KeyEnter, "✗ ")
			f.focus(tt.field)
			f.key(tea.KeyShiftTab, "")
			f.focus(tt.prev)
		})
	}
}

// TestKeysInOneBatch: keys that arrive together each apply to the field
// that has the focus after the key before (huh moves the focus in a
// command, so without the wizard's queue the later keys went to the old field).
func TestKeysInOneBatch(t *testing.T) {
	t.Parallel()
	f := startFlow(t, Options{Deps: newFakes().deps(t.TempDir())})
	f.focus("Name")
	f.tm.Type("Conn")
	// Overview's four fields, then edition (Cloud), URL type (Account),
	// Connection type: down to SSH, then on to the URL.
	f.send(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter, tea.KeyEnter,
		tea.KeyEnter, tea.KeyEnter, tea.KeyDown, tea.KeyEnter)
	s := f.wait("┃ Account URL")
	if !strings.Contains(s, "git@bitbucket.org:") {
		t.Fatalf("the URL page is not for an SSH account URL:\n%s", s)
	}
	f.key(tea.KeyShiftTab, "")
	s = f.wait("┃ Connection type")
	if !strings.Contains(s, "> SSH") || !strings.Contains(s, "Account") {
		t.Fatalf("connection type not SSH:\n%s", s)
	}
}

// TestResizeReflowsForm: a resize lays the form out again at once, without
// waiting for a key.
func TestResizeReflowsForm(t *testing.T) {
	t.Parallel()
	f := startFlow(t, Options{Deps: newFakes().deps(t.TempDir())})
	f.focus("Name")
	f.tm.Type("Conn")
	f.send(tea.KeyEnter, tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
	f.focus("Bitbucket edition")
	widest := func(s string) int {
		w := 0
		for _, l := range strings.Split(s, "\n") {
			w = max(w, lipgloss.Width(strings.TrimRight(l, " ")))
		}
		return w
	}
	f.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 20})
	f.waitFor(func(s string) bool {
		return widest(s) <= 60 && strings.Contains(s, "Bitbucket Data Center") && strings.Count(s, "\n") < 20
	})
	f.tm.Send(tea.WindowSizeMsg{Width: 200, Height: 50})
	f.waitFor(func(s string) bool { return widest(s) > 100 && strings.Contains(s, "Bitbucket Data Center") })
}

// waitFor waits until ok holds for the screen.
func (f *flow) waitFor(ok func(string) bool) {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if ok(f.rec.screen()) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.t.Fatalf("screen never matched:\n%s", f.rec.screen())
}

// TestKeygenRunsOnce: once the Credentials form is complete, later
// messages do not run ssh-keygen again (the second run said the key it
// had just made "already exists").
func TestKeygenRunsOnce(t *testing.T) {
	t.Parallel()
	c := dcSSH("")
	d := newDriver(t, Options{Deps: newFakes().deps(t.TempDir()), Initial: &c})
	d.typ("3")
	d.key(tea.KeyDown)
	d.enter()
	d.mustSee("Run ssh-keygen now?")
	d.enter(2)
	fs, ok := d.m.pages[stepPlace(wizard.StepCredentials)].(*formStep)
	if !ok || fs.form.State != huh.StateCompleted {
		t.Fatal("the credentials form did not complete")
	}
	if _, cmd := fs.Update(refreshMsg{}); cmd != nil {
		t.Fatal("a message after completion ran the step's end again")
	}
}

// TestCtrlCAfterSaveKeepsResult: Ctrl+C on the Saved screen ends the
// wizard with what was saved (it said "nothing was written").
func TestCtrlCAfterSaveKeepsResult(t *testing.T) {
	t.Parallel()
	c := cloudHTTP()
	f := newFakes()
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Initial: &c})
	d.mustTitle("Review")
	d.enter()
	waitFor(t, d, "the connection works")
	d.enter()
	d.mustTitle("Saved")
	d.send(tea.KeyMsg{Type: tea.KeyCtrlC})
	if !d.quit || !d.m.savedDone() {
		t.Fatalf("quit %v, saved %v", d.quit, d.m.savedDone())
	}
	r, err := d.m.result()
	if err != nil || !r.Saved || r.ProfilePath == "" {
		t.Fatalf("result after Ctrl+C on Saved: %+v, %v", r, err)
	}
}

// TestFormFieldsAreKeyed: every field a settings step asks carries the
// key of the setting it asks (a wizard.Field with help), so that a jump
// lands on it and accessible mode prints wizard's help for it; notes and
// the "Run ssh-keygen now?" question ask no setting.
func TestFormFieldsAreKeyed(t *testing.T) {
	ssh := cloudHTTP()
	ssh.Connection = wizard.SSH
	for name, c := range map[string]wizard.Connector{"http": cloudHTTP(), "ssh": ssh} {
		for step, build := range stepBuilders {
			st := newState(&c, &Deps{})
			st.apiOn = true
			spec := build(st)
			for _, g := range spec.groups {
				for _, f := range g.fields {
					if _, note := f.(*huh.Note); note {
						continue
					}
					if c, ok := f.(*huh.Confirm); ok && c.GetKey() == "" && strings.Contains(c.View(), "ssh-keygen") {
						continue
					}
					key := wizard.Field(f.GetKey())
					if wizard.FieldHelp(key) == "" {
						t.Errorf("%s %s: a field is keyed %q", name, step.Title(), key)
					}
				}
			}
		}
	}
}
