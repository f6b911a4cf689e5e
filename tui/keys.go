package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
)

// KeyMap is every key binding of the wizard, matched with key.Matches and
// shown in the footer.
type KeyMap struct {
	Quit     key.Binding
	Back     key.Binding
	PrevStep key.Binding
	Edit     key.Binding
	Jump     key.Binding
	Save     key.Binding
	Retry    key.Binding
	Confirm  key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Choose   key.Binding
	// BackToFix leaves a failed test for the step that can fix it.
	BackToFix key.Binding
	// UseFix puts the correction a field's problem offers into the field.
	UseFix key.Binding
	// AddKey adds a refused SSH public key to Bitbucket through its API.
	AddKey key.Binding

	// TrustHostKey trusts an unknown SSH host key by its fingerprint and tests again.
	TrustHostKey key.Binding
	// ListAgain lists the repositories again in the repository picker.
	ListAgain key.Binding
	// ListUp and ListDown move in a list whose letters type into a filter.
	ListUp, ListDown key.Binding
	// Push pushes the saved connector to Harness (again); NewKey asks
	// another Harness API key first.
	Push, NewKey key.Binding
	// NextField and PrevField move between the fields of a screen that
	// is not a huh form (the Harness key prompt).
	NextField, PrevField key.Binding
}

// DefaultKeyMap returns the wizard's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:      key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		PrevStep:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back")),
		Edit:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit details")),
		Jump:      key.NewBinding(key.WithKeys("1", "2", "3", "4", "5"), key.WithHelp("1-5", "edit step")),
		Save:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Retry:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Confirm:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "save anyway")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Choose:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		BackToFix: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "back to fix")),
		UseFix:    key.NewBinding(key.WithKeys("ctrl+f"), key.WithHelp("ctrl+f", "use the fix")),
		AddKey:    key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "add key to Bitbucket")),

		TrustHostKey: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "trust host key")),
		ListAgain:    key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "list again")),
		ListUp:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		ListDown:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		Push:         key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "push to Harness")),
		NewKey:       key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "another Harness key")),
		NextField:    key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField:    key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
	}
}

// formKeyMap is huh's key map with filtering turned off, so that "/" and
// esc keep their meaning in the wizard (esc goes back a step).
func formKeyMap() *huh.KeyMap {
	k := huh.NewDefaultKeyMap()
	k.Quit = key.NewBinding(key.WithDisabled())
	k.Select.Filter.SetEnabled(false)
	k.MultiSelect.Filter.SetEnabled(false)
	k.Input.AcceptSuggestion.SetEnabled(false)
	k.Input.Prev.SetHelp("shift+tab", "back")
	return k
}
