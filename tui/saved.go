package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard/export"
)

// savedModel tells where the profile, keychain items and export went and
// what to do next in Harness (or why nothing was saved). The same model
// shows a picker's export (out.exportOnly). Its keys are its actions.
type savedModel struct {
	leaver
	c   *common
	out saveOutcome
	// withPicker is set when the wizard goes back to the picker afterwards.
	withPicker bool
	// gaveUp is set when keys stopped waiting for the push's offer.
	gaveUp bool
}

func newSaved(c *common, out saveOutcome) *savedModel {
	return &savedModel{c: c, out: out, withPicker: c.nav != nil && c.nav.picker}
}

// savedAction is one key of the Saved screen and the event it reports.
type savedAction struct {
	key key.Binding
	ev  event
	// say is the sentence the screen ends with ("enter ends the wizard").
	say string
}

// actions are the Saved screen's keys for its outcome: none while the
// save runs; esc back to Review after a failure; enter on to the picker
// (or the end); q ends the wizard. A new action is one more row.
func (m *savedModel) actions() []savedAction {
	if m.out.pending {
		return nil
	}
	var as []savedAction
	if m.out.err != nil && !m.out.exportOnly {
		as = append(as, savedAction{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to Review")), evBack, ""})
	}
	if m.withPicker {
		as = append(as, savedAction{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "saved connectors")), evNext, "enter goes back to the saved connectors"})
	} else {
		as = append(as, savedAction{key.NewBinding(key.WithKeys("enter", "q"), key.WithHelp("enter", "done")), evNext, "enter ends the wizard"})
	}
	if canPush(m.c.deps, m.out) && m.c.harness != nil {
		as = append(as, savedAction{m.c.keys.Push, evPush, "p pushes it to Harness"})
	}
	if m.withPicker {
		as = append(as, savedAction{key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")), evQuit, "q ends the wizard"})
	}
	return as
}

// canPush reports whether the outcome o can be pushed to Harness: a
// saved new connector or edit (a rotation updates Harness itself).
func canPush(d *Deps, o saveOutcome) bool {
	return d.Harness != nil && !o.pending && o.err == nil && !o.exportOnly && (!o.rotation || o.edit)
}

func (m *savedModel) place() place {
	if m.out.exportOnly {
		return placeExported
	}
	return placeSaved
}

// Init implements component.
func (m *savedModel) Init() tea.Cmd {
	m.leaving, m.gaveUp = false, false
	return nil
}

// settling implements settler: keys wait while the screen is being left,
// while the save runs and while it does not know yet whether it offers
// the push (the keychain is asked off the event loop), so that a key
// typed at once (enter then p) goes to the screen's actions, not lost.
func (m *savedModel) settling() bool {
	waiting := !m.gaveUp && (m.out.pending || (canPush(m.c.deps, m.out) && m.c.harness == nil))
	return m.leaving || waiting
}

// settle implements settler: it gives up waiting.
func (m *savedModel) settle() { m.leaving, m.gaveUp = false, true }

// Update implements component: the key of one of its actions.
func (m *savedModel) Update(msg tea.Msg) (component, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		for _, a := range m.actions() {
			if key.Matches(k, a.key) {
				return m, m.leave(navCmd(m.place(), a.ev))
			}
		}
	}
	return m, nil
}

// Title implements component.
func (m *savedModel) Title() string { return savedTitle(m.out) }

// savedTitle names the outcome o in both front ends.
func savedTitle(o saveOutcome) string {
	switch {
	case o.pending && o.rotation && !o.edit:
		return "Rotating"
	case o.pending && o.exportOnly:
		return "Exporting"
	case o.pending:
		return "Saving"
	case o.exportOnly && o.err != nil:
		return "Not exported"
	case o.exportOnly:
		return "Exported"
	case o.err != nil && o.rotation && !o.edit:
		return "Not rotated"
	case o.err != nil:
		return "Not saved"
	case o.rotation && !o.edit:
		return "Rotated"
	}
	return "Saved"
}

// View implements component.
func (m *savedModel) View() string {
	if m.out.pending {
		return savingView(m.c.styles, m.out)
	}
	var b strings.Builder
	b.WriteString(savedText(m.c.styles, m.c.st, m.c.deps, m.out))
	var says []string
	for _, a := range m.actions() {
		if a.say != "" {
			says = append(says, a.say)
		}
	}
	if len(says) > 0 {
		b.WriteString("\n" + m.c.styles.Faint.Render(strings.Join(says, " · ")))
	}
	return b.String()
}

// savedText is what a save or an export wrote, and what to do next in
// Harness, in the words both front ends use (Styles{} for plain text).
func savedText(s Styles, st *state, d *Deps, o saveOutcome) string {
	var b strings.Builder
	if o.recovered != "" {
		b.WriteString(s.Warn.Render("! "+o.recovered) + "\n\n")
	}
	if o.err != nil {
		what, back := "saved", "esc goes back to Review."
		if o.rotation && !o.edit {
			what = "rotated"
		}
		if o.exportOnly {
			what, back = "exported", ""
		}
		b.WriteString(s.Fail.Render("✗ not "+what+": "+o.err.Error()) + "\n\n")
		b.WriteString(strings.TrimSpace("Nothing after the failing step was written. "+back) + "\n")
		return b.String()
	}
	line := func(label, v string) { fmt.Fprintf(&b, "%-10s %s\n", label, v) }
	home := st.home
	if !o.exportOnly {
		line("Profile:", orNot(tildeHome(home, o.profilePath), "not saved: no profile store is available"))
		switch {
		case d.Secrets == nil:
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
	if o.untested && !o.exportOnly {
		b.WriteString(s.Warn.Render("! saved without a passing connection test") + "\n")
	}
	b.WriteString(hostKeyNote(st, o.conn))
	b.WriteString("\n" + s.Label.Render("Next, in Harness:") + "\n")
	for _, l := range nextInHarness(o) {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// nextInHarness is what to do in Harness after o. A rotation changes
// only the secrets' values: the connector refers to them by identifier
// and picks the new value up unchanged, unless the rotation moved it off
// App Passwords, which changes its settings too.
func nextInHarness(o saveOutcome) []string {
	var out []string
	secrets := func() {
		for _, sec := range export.Secrets(o.conn) {
			out = append(out, "     "+sec.Ref+": "+sec.What)
		}
	}
	switch {
	case o.inHarness:
		out = append(out, "Nothing: the rotation put the new token in Harness and Harness's test passed.")
	case o.edit:
		out = append(out, "1. Create any secret it refers to that is missing, at its scope, and update",
			"   the value of those whose token you replaced:")
		secrets()
		out = append(out, "2. Connectors > the connector > YAML: paste the export over it, save, Test.")
	case o.rotation:
		out = append(out, "1. Update the value of the secrets the connector refers to (Secrets > the",
			"   secret > Edit), at its scope; keep their identifiers:")
		secrets()
		if o.migrated {
			out = append(out, "2. Its settings changed too (off App Passwords): Connectors > the connector >",
				"   YAML, paste the export over it, save, and Test.")
		} else {
			out = append(out, "2. The connector itself does not change: open it and Test.")
		}
	default:
		out = append(out, "1. Create the secrets the connector refers to, at its scope:")
		secrets()
		out = append(out, "2. Connectors > New Connector > YAML, paste the export, save, and Test.")
	}
	return out
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
	var ks []key.Binding
	for _, a := range m.actions() {
		ks = append(ks, a.key)
	}
	return ks
}
