package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

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
)

// pickerKeys are the picker's own keys.
var pickerKeys = struct {
	New, Edit, Rotate, Test, Export, Delete, Yes key.Binding
}{
	New:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
	Edit:   key.NewBinding(key.WithKeys("enter", "e"), key.WithHelp("enter", "edit")),
	Rotate: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rotate")),
	Test:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test")),
	Export: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export")),
	Delete: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete")),
	Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, delete")),
}

// pickerModel lists the saved connectors: new / edit / rotate / test /
// export / delete, App Password connectors flagged, days to expiry shown.
type pickerModel struct {
	c        *common
	profiles []Profile
	cursor   int // 0 is "new connector"
	deleting bool
	err      error
}

func newPicker(c *common, profiles []Profile) *pickerModel {
	return &pickerModel{c: c, profiles: profiles, cursor: min(1, len(profiles))}
}

// Init implements component.
func (m *pickerModel) Init() tea.Cmd { return nil }

// Update implements component.
func (m *pickerModel) Update(msg tea.Msg) (component, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	if m.deleting {
		m.deleting = false
		if key.Matches(k, pickerKeys.Yes) && m.cursor > 0 {
			return m, pickCmd(ActionDelete, m.profiles[m.cursor-1])
		}
		return m, nil
	}
	switch {
	case key.Matches(k, m.c.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, m.c.keys.Down):
		m.cursor = min(m.cursor+1, len(m.profiles))
	case key.Matches(k, pickerKeys.New), key.Matches(k, pickerKeys.Edit) && m.cursor == 0:
		return m, pickCmd(ActionNew, Profile{})
	case m.cursor == 0:
	case key.Matches(k, pickerKeys.Edit):
		return m, pickCmd(ActionEdit, m.profiles[m.cursor-1])
	case key.Matches(k, pickerKeys.Rotate):
		return m, pickCmd(ActionRotate, m.profiles[m.cursor-1])
	case key.Matches(k, pickerKeys.Test):
		return m, pickCmd(ActionTest, m.profiles[m.cursor-1])
	case key.Matches(k, pickerKeys.Export):
		return m, pickCmd(ActionExport, m.profiles[m.cursor-1])
	case key.Matches(k, pickerKeys.Delete):
		m.deleting = true
	}
	return m, nil
}

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
		c := p.Connector
		auth := "SSH key"
		if c.Connection == wizard.HTTP {
			auth = c.PasswordKind.Label()
		}
		row(i+1, fmt.Sprintf("%-20s %-22s %s", trunc(c.ID, 20), c.Edition.Label(), auth))
		if note := profileNote(p, now); note != "" {
			b.WriteString("    " + note + "\n")
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

// profileNote flags App Passwords and counts the days to the token's expiry.
func profileNote(p Profile, now time.Time) string {
	c := p.Connector
	var notes []string
	if (c.Connection == wizard.HTTP && c.PasswordKind == wizard.AppPassword) || c.APIAccess == wizard.APIUsernameAppPassword {
		notes = append(notes, "! "+wizard.AppPasswordStatus(now)+"; r moves it to one")
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

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// SetSize implements component.
func (m *pickerModel) SetSize(int, int) {}

// ShortHelp implements component.
func (m *pickerModel) ShortHelp() []key.Binding {
	if m.cursor == 0 {
		return []key.Binding{pickerKeys.Edit, m.c.keys.Down, m.c.keys.Quit}
	}
	return []key.Binding{pickerKeys.Edit, pickerKeys.Rotate, pickerKeys.Test, pickerKeys.Export, pickerKeys.Delete, pickerKeys.New, m.c.keys.Quit}
}
