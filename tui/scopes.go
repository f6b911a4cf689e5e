package tui

import (
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
)

// scopesField is the checklist of the scopes an API token needs, and the
// layout that wraps its labels to a form width. A label too long for the
// screen is wrapped by the field itself at its left edge, outside the
// cursor and tick columns; wrapped here instead, its lines continue under
// the label's first letter.
func scopesField(st *state, title, desc string) (*huh.MultiSelect[string], func(formWidth int, t *huh.Theme)) {
	labels := make([]string, len(wizard.RequiredAPITokenScopes))
	opts := make([]huh.Option[string], len(wizard.RequiredAPITokenScopes))
	for i, s := range wizard.RequiredAPITokenScopes {
		labels[i] = s.Name + "  " + s.For
		opts[i] = huh.NewOption(labels[i], s.Name)
	}
	field := huh.NewMultiSelect[string]().
		Title(title).
		Description(desc).
		Options(opts...).
		Value(&st.scopesTicked).
		Height(2 + len(opts)) // until the first layout
	layout := func(formWidth int, t *huh.Theme) {
		if st.accessible {
			return // accessible mode prints each label on a line of its own
		}
		// The field keeps the options slice it was given (huh v1), so
		// relabelling in place keeps the cursor and the ticks.
		width := max(formWidth-scopeLabelIndent(t), 20)
		text := formWidth - t.Focused.Base.GetHorizontalFrameSize()
		lines := lineCount(title, text) + lineCount(desc, text)
		for i := range opts {
			opts[i].Key = ansi.Wrap(labels[i], width, "")
			lines += lineCount(opts[i].Key, width)
		}
		// Every option shown when the screen is tall enough; the form's
		// layout lowers the height to fit the screen.
		field.Height(lines)
	}
	return field, layout
}

// scopeLabelIndent is the columns of a checklist row before its label:
// the field's border and padding, the cursor and the tick.
func scopeLabelIndent(theme *huh.Theme) int {
	t := theme.Focused
	prefix := max(lipgloss.Width(t.SelectedPrefix.String()), lipgloss.Width(t.UnselectedPrefix.String()))
	return t.Base.GetHorizontalFrameSize() + lipgloss.Width(t.MultiSelectSelector.String()) + prefix
}

// lineCount is the lines s takes wrapped to width the way huh wraps a
// field's title and description.
func lineCount(s string, width int) int {
	return strings.Count(ansi.Wrap(s, width, ",.-; "), "\n") + 1
}
