package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

// savedModel tells where the profile, keychain items and export went and
// what to do next in Harness.
type savedModel struct {
	c   *common
	out saveOutcome
}

func newSaved(c *common, out saveOutcome) *savedModel { return &savedModel{c: c, out: out} }

// Init implements component.
func (m *savedModel) Init() tea.Cmd { return nil }

// Update implements component: enter or q ends the wizard.
func (m *savedModel) Update(msg tea.Msg) (component, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && !m.out.pending {
		switch {
		case key.Matches(k, m.c.keys.Choose), k.String() == "q":
			return m, quitCmd
		case key.Matches(k, m.c.keys.Back) && m.out.err != nil:
			return m, gotoStepCmd(wizard.StepReview)
		}
	}
	return m, nil
}

// View implements component.
func (m *savedModel) View() string {
	s := m.c.styles
	o := m.out
	var b strings.Builder
	if o.pending {
		return savingView(s, o)
	}
	if o.recovered != "" {
		b.WriteString(s.Warn.Render("! "+o.recovered) + "\n\n")
	}
	if o.err != nil {
		b.WriteString(s.Fail.Render("✗ not saved: "+o.err.Error()) + "\n\n")
		b.WriteString("Nothing after the failing step was written. esc goes back to Review.\n")
		return b.String()
	}
	line := func(label, v string) { fmt.Fprintf(&b, "%-10s %s\n", label, v) }
	home := m.c.st.home
	if !o.exportOnly {
		line("Profile:", orNot(tildeHome(home, o.profilePath), "not saved: no profile store is available"))
		switch {
		case m.c.deps.Secrets == nil:
			line("Keychain:", "not stored: no keychain is available")
		case len(o.keychain) == 0:
			line("Keychain:", "nothing to store (ssh key without passphrase)")
		default:
			for i, k := range o.keychain {
				line(map[bool]string{true: "Keychain:", false: ""}[i == 0], k)
			}
		}
	}
	line("Export:", orNot(tildeHome(home, o.exportPath), "not written: no export folder is set"))
	if o.summary != "" {
		b.WriteString(s.Pass.Render("✓ "+o.summary) + "\n")
	}
	if o.untested {
		b.WriteString(s.Warn.Render("! saved without a passing connection test") + "\n")
	}
	b.WriteString(hostKeyNote(m.c.st, o.conn))
	b.WriteString("\n" + s.Label.Render("Next, in Harness:") + "\n")
	if o.rotation {
		b.WriteString("1. Put the new token in the secrets the connector refers to, at its scope:\n")
	} else {
		b.WriteString("1. Create the secrets the connector refers to, at its scope:\n")
	}
	for _, sec := range exportSecrets(o.conn) {
		b.WriteString("     " + sec.Ref + ": " + sec.What + "\n")
	}
	b.WriteString("2. Connectors > New Connector > YAML, paste the export, save, and Test.\n")
	b.WriteString("\n" + s.Faint.Render("enter ends the wizard"))
	return b.String()
}

func orNot(v, not string) string {
	if v == "" {
		return not
	}
	return v
}

// SetSize implements component.
func (m *savedModel) SetSize(int, int) {}

// ShortHelp implements component.
func (m *savedModel) ShortHelp() []key.Binding {
	if m.out.pending {
		return []key.Binding{m.c.keys.Quit}
	}
	if m.out.err != nil {
		return []key.Binding{m.c.keys.Back, m.c.keys.Quit}
	}
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done"))}
}
