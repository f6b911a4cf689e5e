package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
)

// Action is what the user chose to do: on the picker, or the wizard's outcome.
type Action string

// The actions.
const (
	ActionNew    Action = "new"
	ActionEdit   Action = "edit"
	ActionRotate Action = "rotate"
	ActionTest   Action = "test"
	ActionExport Action = "export"
	ActionDelete Action = "delete"
	ActionPush   Action = "push"
)

// pickerAction is one thing the picker does with the connector under the
// cursor: its key, and the words the accessible runner offers it with.
type pickerAction struct {
	action Action
	key    key.Binding
	// label is the accessible runner's option ("Edit its settings").
	label string
}

// pickerActions are the picker's actions on a saved connector, in the
// order the footer and the accessible runner list them. A new action is
// one more row here and one more case in the root's pick.
var pickerActions = []pickerAction{
	{ActionEdit, key.NewBinding(key.WithKeys("enter", "e"), key.WithHelp("enter", "edit")), "Edit its settings"},
	{ActionRotate, key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rotate")), "Rotate its token"},
	{ActionTest, key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test")), "Test the connection"},
	{ActionPush, key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "push")), "Push it to Harness (secrets, connector, Harness's test)"},
	{ActionExport, key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export")), "Write the Harness export"},
	{ActionDelete, key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")), "Delete it and its keychain items"},
}

// offeredActions are the picker's actions the services allow: no push
// without a Harness service.
func offeredActions(d *Deps) []pickerAction {
	out := make([]pickerAction, 0, len(pickerActions))
	for _, a := range pickerActions {
		if a.action != ActionPush || d.Harness != nil {
			out = append(out, a)
		}
	}
	return out
}

// pickerKeys are the picker's keys besides its actions.
var pickerKeys = struct {
	New, Yes, Quit key.Binding
}{
	New:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
	Yes:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, delete")),
	Quit: key.NewBinding(key.WithKeys("q", "esc"), key.WithHelp("q", "quit")),
}

// pickerModel lists the saved connectors: new / edit / rotate / test /
// export / delete, App Password connectors flagged, days to expiry shown.
type pickerModel struct {
	leaver
	c        *common
	profiles []Profile
	cursor   int // 0 is "new connector"
	deleting bool
	err      error
	// unreadable notes, by connector Id, a stored secret the keychain
	// did not give back (checked when the picker opens).
	unreadable map[string]string
}

// keychainCheckedMsg carries the picker's keychain check.
type keychainCheckedMsg struct{ unreadable map[string]string }

func newPicker(c *common, profiles []Profile) *pickerModel {
	return &pickerModel{c: c, profiles: profiles, cursor: min(1, len(profiles))}
}

// Init implements component: it checks, off the event loop, that each
// connector's secrets are still in the keychain.
func (m *pickerModel) Init() tea.Cmd {
	d := m.c.deps
	if d.Secrets == nil || len(m.profiles) == 0 {
		return nil
	}
	profiles := m.profiles
	return func() tea.Msg {
		out := map[string]string{}
		for _, p := range profiles {
			c := p.Connector
			if p.HarnessOnly {
				continue // nothing was stored: not a lost item
			}
			for _, slot := range c.SecretSlots() {
				if _, err := d.Secrets.Get(c.ID, slot); err != nil {
					pr := wizard.UnreadableSecret(c.ID, slot, err)
					out[c.ID] = "✗ " + pr.Text()
					break
				}
			}
		}
		return keychainCheckedMsg{unreadable: out}
	}
}

// Update implements component.
func (m *pickerModel) Update(msg tea.Msg) (component, tea.Cmd) {
	if kc, ok := msg.(keychainCheckedMsg); ok {
		m.unreadable = kc.unreadable
		return m, nil
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	if m.deleting {
		m.deleting = false
		if key.Matches(k, pickerKeys.Yes) && m.cursor > 0 {
			return m, m.leave(pickCmd(ActionDelete, m.profiles[m.cursor-1]))
		}
		return m, nil
	}
	switch {
	case key.Matches(k, m.c.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, m.c.keys.Down):
		m.cursor = min(m.cursor+1, len(m.profiles))
	case key.Matches(k, pickerKeys.Quit):
		return m, m.leave(navCmd(placePicker, evQuit))
	case key.Matches(k, pickerKeys.New), key.Matches(k, pickerActions[0].key) && m.cursor == 0:
		return m, m.leave(pickCmd(ActionNew, Profile{}))
	case m.cursor == 0:
		return m, nil
	}
	for _, a := range offeredActions(m.c.deps) {
		if !key.Matches(k, a.key) {
			continue
		}
		m.err = nil
		if a.action == ActionDelete {
			m.deleting = true
			return m, nil
		}
		return m, m.leave(pickCmd(a.action, m.profiles[m.cursor-1]))
	}
	return m, nil
}

// Title implements component.
func (m *pickerModel) Title() string { return "Saved connectors" }

// View implements component.
func (m *pickerModel) View() string {
	s := m.c.styles
	now := m.c.now()
	var b strings.Builder
	row := func(i int, text string) {
		if i == m.cursor {
			b.WriteString(s.Selected.Render("> "+text) + "\n")
			return
		}
		b.WriteString("  " + text + "\n")
	}
	row(0, "+ New connector")
	for i, p := range m.profiles {
		row(i+1, pickerRow(p))
		c := p.Connector
		bad, unreadable := m.unreadable[c.ID]
		if unreadable {
			// The last test passed with the secret that is gone: not
			// worth showing.
			p.LastTest = ""
			b.WriteString(indentWrap(bad, m.c.width-2, s.Fail.Render))
		}
		if note := profileNote(p, now); note != "" {
			b.WriteString(indentWrap(note, m.c.width-2, nil))
		}
		if m.c.deps.Harness != nil || p.Harness != nil {
			b.WriteString("    " + harnessNote(s, p.Harness, m.c.width-6) + "\n")
		}
	}
	if m.err != nil {
		b.WriteString("\n" + s.Fail.Render(m.err.Error()) + "\n")
	}
	if m.deleting && m.cursor > 0 {
		id := m.profiles[m.cursor-1].Connector.ID
		b.WriteString("\n" + s.Fail.Render("delete "+id+" and its keychain items? y deletes, any other key keeps it"))
	}
	return b.String()
}

// pickerRow is a saved connector's line in the picker: Id, edition and
// how it authenticates.
func pickerRow(p Profile) string {
	c := p.Connector
	auth := "SSH key"
	if c.Connection == wizard.HTTP {
		auth = c.PasswordKind.Label()
	}
	return fmt.Sprintf("%-20s %-22s %s", ansi.Truncate(c.ID, 20, "…"), c.Edition.Label(), auth)
}

// profileNote flags App Passwords and counts the days to the token's expiry.
func profileNote(p Profile, now time.Time) string {
	c := p.Connector
	var notes []string
	switch appPassword := (c.Connection == wizard.HTTP && c.PasswordKind == wizard.AppPassword) || c.APIAccess == wizard.APIUsernameAppPassword; {
	case appPassword:
		notes = append(notes, "! "+wizard.AppPasswordStatus(now)+"; r moves it to one")
	case p.HarnessOnly:
		notes = append(notes, "no token here yet (imported from Harness, which keeps it): r gives it a new one")
	}
	if !p.TokenExpires.IsZero() {
		switch d := wizard.DaysUntil(now, p.TokenExpires); {
		case d < 0:
			notes = append(notes, fmt.Sprintf("token expired %d days ago: rotate it", -d))
		default:
			notes = append(notes, fmt.Sprintf("token expires in %d days", d))
		}
	}
	if p.LastTest != "" {
		notes = append(notes, "last test: "+p.LastTest)
	}
	return strings.Join(notes, "; ")
}

// harnessNote says whether a saved connector is in Harness (pushed or
// imported, which account, when) and how Harness's last test ended: a
// failure's summary on a line of its own, each line cut to width columns
// (0: no bound).
func harnessNote(s Styles, h *HarnessStatus, width int) string {
	if h == nil {
		return s.Faint.Render("not in Harness")
	}
	how, at := "pushed", h.Pushed
	if at.IsZero() {
		how, at = "imported", h.Imported
	}
	if !at.IsZero() {
		how += " " + at.Format(time.DateOnly)
	}
	line := "Harness (" + h.Account + ", " + how + "):"
	cut := func(l string) string {
		if width > 0 {
			return ansi.Truncate(l, width, "…")
		}
		return l
	}
	switch t := h.LastTest; {
	case t == nil:
		return s.Faint.Render(cut(line + " its test not run"))
	case t.OK:
		return s.Pass.Render(cut(line + " its test passed"))
	default:
		return s.Fail.Render(cut(line+" its test failed:")) + "\n    " + s.Fail.Render(cut(t.Summary))
	}
}

// noteIndent is the columns a connector's notes are indented by, under
// its id.
const noteIndent = 4

// indentWrap is a note under a connector: wrapped to width, the screen's
// width inside the app's padding, with every line indented, so a long
// diagnosis stays under its connector instead of running back to column 0;
// style (when not nil) renders each line.
func indentWrap(text string, width int, style func(...string) string) string {
	if style != nil {
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			lines[i] = style(l)
		}
		text = strings.Join(lines, "\n")
	}
	return strings.Repeat(" ", noteIndent) + hang(text, width, noteIndent, proseBreaks) + "\n"
}

// SetSize implements component.
func (m *pickerModel) SetSize(int, int) {}

// ShortHelp implements component.
func (m *pickerModel) ShortHelp() []key.Binding {
	if m.cursor == 0 {
		return []key.Binding{pickerActions[0].key, m.c.keys.Down, pickerKeys.Quit}
	}
	// n is left out: the "+ New connector" row says it.
	acts := offeredActions(m.c.deps)
	ks := make([]key.Binding, 0, len(acts)+1)
	for _, a := range acts {
		ks = append(ks, a.key)
	}
	return append(ks, pickerKeys.Quit)
}
