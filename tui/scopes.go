package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
)

// scopeList is the checklist of the scopes an API token needs: huh's
// multi-select for the keys, the ticks and accessible mode, drawn here so
// that a label too long for the screen goes on under its first letter,
// inside the focus bar. (huh draws one line per option and wraps long ones
// at the field's left edge, and it scrolls by options, not lines.)
type scopeList struct {
	*huh.MultiSelect[string]
	title, desc string
	labels      []string // as written
	wrapped     []string // wrapped to the last layout's width
	theme       *huh.Theme
	focused     bool
	width       int
	height      int
	top         int // first option line shown
}

// scopesField is the scopes checklist and the layout that wraps its labels
// to a form width and sizes it to show every scope when the screen is tall
// enough (the form's layout then lowers it to fit the screen).
func scopesField(st *state, title string) (*scopeList, func(formWidth int, t *huh.Theme)) {
	desc := "Create the token at " + wizard.APITokenPlace + ". Tick each scope here as you add it there (x or space ticks)."
	s := &scopeList{title: title, desc: desc}
	opts := make([]huh.Option[string], len(wizard.RequiredAPITokenScopes))
	for i, sc := range wizard.RequiredAPITokenScopes {
		s.labels = append(s.labels, sc.Name+"  "+sc.For)
		opts[i] = huh.NewOption(s.labels[i], sc.Name)
	}
	s.wrapped = s.labels
	s.MultiSelect = huh.NewMultiSelect[string]().
		Key(string(wizard.FieldScopes)).
		Title(title).
		Description(desc).
		Options(opts...).
		Value(&st.scopesTicked).
		Filterable(false).
		Height(2 + len(opts)) // until the first layout
	layout := func(formWidth int, t *huh.Theme) {
		width := max(formWidth-scopeLabelIndent(t), 20)
		text := formWidth - t.Focused.Base.GetHorizontalFrameSize()
		lines := lineCount(title, text) + lineCount(desc, text)
		s.wrapped = make([]string, len(s.labels))
		for i, l := range s.labels {
			s.wrapped[i] = ansi.Wrap(l, width, "")
			lines += strings.Count(s.wrapped[i], "\n") + 1
		}
		s.WithHeight(lines)
	}
	return s, layout
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
	return strings.Count(wrapText(s, width), "\n") + 1
}

// proseBreaks are the characters besides spaces that huh may break a
// line of prose after.
const proseBreaks = ",.-; "

func wrapText(s string, width int) string { return ansi.Wrap(s, width, proseBreaks) }

// Update implements huh.Field: the group keeps the field Update returns.
func (s *scopeList) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := s.MultiSelect.Update(msg)
	return s, cmd
}

// Focus implements huh.Field.
func (s *scopeList) Focus() tea.Cmd { s.focused = true; return s.MultiSelect.Focus() }

// Blur implements huh.Field.
func (s *scopeList) Blur() tea.Cmd { s.focused = false; return s.MultiSelect.Blur() }

// WithTheme implements huh.Field; like huh's fields it keeps the first theme.
func (s *scopeList) WithTheme(t *huh.Theme) huh.Field {
	if s.theme == nil {
		s.theme = t
	}
	s.MultiSelect.WithTheme(t)
	return s
}

// WithWidth implements huh.Field.
func (s *scopeList) WithWidth(w int) huh.Field { s.width = w; s.MultiSelect.WithWidth(w); return s }

// WithHeight implements huh.Field.
func (s *scopeList) WithHeight(h int) huh.Field { s.height = h; s.MultiSelect.WithHeight(h); return s }

// WithKeyMap implements huh.Field.
func (s *scopeList) WithKeyMap(k *huh.KeyMap) huh.Field { s.MultiSelect.WithKeyMap(k); return s }

// WithPosition implements huh.Field.
func (s *scopeList) WithPosition(p huh.FieldPosition) huh.Field {
	s.MultiSelect.WithPosition(p)
	return s
}

// View implements huh.Field: title, description and the options around
// the cursor, scrolled by lines.
func (s *scopeList) View() string {
	theme := s.theme
	if theme == nil {
		theme = huh.ThemeCharm()
	}
	t := &theme.Blurred
	if s.focused {
		t = &theme.Focused
	}
	text := s.width - t.Base.GetHorizontalFrameSize()
	title := t.Title.Render(wrapText(s.title, text))
	if s.Error() != nil {
		title += t.ErrorIndicator.String()
	}
	head := []string{title, t.Description.Render(wrapText(s.desc, text))}

	ticked := map[string]bool{}
	if v, ok := s.GetValue().([]string); ok {
		for _, name := range v {
			ticked[name] = true
		}
	}
	hovered, _ := s.Hovered()
	cursor := t.MultiSelectSelector.String()
	indent := strings.Repeat(" ", lipgloss.Width(cursor))
	var lines []string
	first, last := 0, 0
	for i, sc := range wizard.RequiredAPITokenScopes {
		lead, prefix, style := indent, t.UnselectedPrefix.String(), t.UnselectedOption
		if sc.Name == hovered {
			lead = cursor
			first = len(lines)
		}
		if ticked[sc.Name] {
			prefix, style = t.SelectedPrefix.String(), t.SelectedOption
		}
		for j, l := range strings.Split(s.wrapped[i], "\n") {
			if j > 0 {
				lead, prefix = indent, strings.Repeat(" ", lipgloss.Width(prefix))
			}
			lines = append(lines, lead+prefix+style.Render(l))
		}
		if sc.Name == hovered {
			last = len(lines) - 1
		}
	}
	shown := len(lines)
	if s.height > 0 {
		shown = max(s.height-lipgloss.Height(strings.Join(head, "\n")), 1)
	}
	s.top = min(s.top, first)
	s.top = max(s.top, last-shown+1)
	s.top = max(min(s.top, len(lines)-shown), 0)
	lines = lines[s.top:min(s.top+shown, len(lines))]
	return t.Base.Width(s.width).Height(s.height).Render(strings.Join(append(head, lines...), "\n"))
}
