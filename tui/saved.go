package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

// saveOutcome is what saving wrote, and where.
type saveOutcome struct {
	conn        wizard.Connector
	yaml        []byte
	profilePath string
	keychain    []string
	exportPath  string
	untested    bool
	exportOnly  bool
	err         error
}

// saveConnector stores the secrets, then the profile, then the export. It
// stops at the first failure, so a profile never points at a secret that
// was not stored. Errors never carry a secret value.
func saveConnector(d *Deps, conn wizard.Connector, sec Secrets, untested bool) saveOutcome {
	out := saveOutcome{conn: conn, untested: untested}
	data, err := harnessYAML(conn)
	if err != nil {
		out.err = fmt.Errorf("the export failed: %w", err)
		return out
	}
	out.yaml = data
	if d.Secrets != nil {
		slots := conn.SecretSlots()
		if sec.SSHPassphrase != "" {
			slots = append(slots, wizard.SlotSSHKey)
		}
		for _, slot := range slots {
			v := sec.Value(slot)
			if v == "" {
				continue
			}
			where, err := d.Secrets.Set(conn.ID, slot, v)
			if err != nil {
				out.err = fmt.Errorf("storing the %s in the keychain failed: %s", slot, redactErr(err, v))
				return out
			}
			out.keychain = append(out.keychain, where)
		}
	}
	if d.Profiles != nil {
		p, err := d.Profiles.Save(conn)
		if err != nil {
			out.err = fmt.Errorf("saving the profile failed: %w", err)
			return out
		}
		out.profilePath = p
	}
	if d.Exports != nil {
		p, err := d.Exports.WriteExport(conn.ID, data)
		if err != nil {
			out.err = fmt.Errorf("writing the export failed: %w", err)
			return out
		}
		out.exportPath = p
	}
	return out
}

// redactErr renders err with any copy of the secret v removed.
func redactErr(err error, v string) string {
	msg := err.Error()
	if v != "" {
		msg = strings.ReplaceAll(msg, v, "[redacted]")
	}
	return msg
}

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
	if k, ok := msg.(tea.KeyMsg); ok {
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
	if o.err != nil {
		b.WriteString(s.Fail.Render("✗ not saved: "+o.err.Error()) + "\n\n")
		b.WriteString("Nothing after the failing step was written. esc goes back to Review.\n")
		return b.String()
	}
	line := func(label, v string) { fmt.Fprintf(&b, "%-10s %s\n", label, v) }
	if !o.exportOnly {
		line("Profile:", orNot(o.profilePath, "not saved: no profile store is available"))
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
	line("Export:", orNot(o.exportPath, "not written: no export folder is set"))
	if o.untested {
		b.WriteString(s.Warn.Render("! saved without a passing connection test") + "\n")
	}
	b.WriteString("\n" + s.Label.Render("Next, in Harness:") + "\n")
	b.WriteString("1. Create the secrets the connector refers to, at its scope:\n")
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
	if m.out.err != nil {
		return []key.Binding{m.c.keys.Back, m.c.keys.Quit}
	}
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done"))}
}
