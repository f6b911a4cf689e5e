package tui

import (
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles holds every style the wizard draws with. It is built once by
// NewStyles; no View builds styles of its own.
type Styles struct {
	App       lipgloss.Style
	Title     lipgloss.Style
	StepDone  lipgloss.Style
	StepNow   lipgloss.Style
	StepLater lipgloss.Style
	Help      lipgloss.Style
	Faint     lipgloss.Style
	Label     lipgloss.Style
	Code      lipgloss.Style
	Pass      lipgloss.Style
	Warn      lipgloss.Style
	Fail      lipgloss.Style
	Skipped   lipgloss.Style
	Problem   lipgloss.Style
	Fix       lipgloss.Style
	Selected  lipgloss.Style
	Form      *huh.Theme
}

// The palette: adaptive colours follow the terminal's background, which Run
// sets from the environment before anything is drawn (no terminal query).
var (
	colAccent = lipgloss.AdaptiveColor{Light: "#5A56E0", Dark: "#7571F9"}
	colFaint  = lipgloss.AdaptiveColor{Light: "#8A8A8A", Dark: "#777777"}
	colGreen  = lipgloss.AdaptiveColor{Light: "#02A05A", Dark: "#02BF87"}
	colYellow = lipgloss.AdaptiveColor{Light: "#B58900", Dark: "#E5C07B"}
	colRed    = lipgloss.AdaptiveColor{Light: "#D00000", Dark: "#FF5F87"}
)

// NewStyles returns the wizard's styles.
func NewStyles() Styles {
	s := Styles{
		App:       lipgloss.NewStyle().Padding(0, 1),
		Title:     lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		StepDone:  lipgloss.NewStyle().Foreground(colGreen),
		StepNow:   lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		StepLater: lipgloss.NewStyle().Foreground(colFaint),
		Help:      lipgloss.NewStyle().Foreground(colFaint),
		Faint:     lipgloss.NewStyle().Foreground(colFaint),
		Label:     lipgloss.NewStyle().Bold(true),
		Code:      lipgloss.NewStyle().Foreground(colAccent),
		Pass:      lipgloss.NewStyle().Foreground(colGreen),
		Warn:      lipgloss.NewStyle().Foreground(colYellow),
		Fail:      lipgloss.NewStyle().Foreground(colRed),
		Skipped:   lipgloss.NewStyle().Foreground(colFaint),
		Problem:   lipgloss.NewStyle().Foreground(colRed),
		Fix:       lipgloss.NewStyle().Foreground(colGreen),
		Selected:  lipgloss.NewStyle().Bold(true).Foreground(colAccent),
	}
	t := huh.ThemeCharm()
	t.Form.Base = lipgloss.NewStyle()
	// The focus bar "┃" in the accent colour: the theme's grey 238 is
	// hardly visible on a dark terminal.
	t.Focused.Base = t.Focused.Base.BorderForeground(colAccent)
	if plain() {
		// Without colour the buttons look alike: bracket the chosen one.
		on := lipgloss.NewStyle().MarginRight(1).Transform(func(l string) string { return "[ " + l + " ]" })
		off := lipgloss.NewStyle().MarginRight(1).Transform(func(l string) string { return "  " + l + "  " })
		for _, fs := range []*huh.FieldStyles{&t.Focused, &t.Blurred} {
			fs.FocusedButton, fs.BlurredButton, fs.Next = on, off, on
		}
	}
	s.Form = t
	return s
}

// plain reports whether the wizard draws without colour (NO_COLOR, a dumb
// terminal): focus and placeholders then need marks of their own.
func plain() bool { return lipgloss.ColorProfile() == termenv.Ascii }

// placeholder is an input's example text: in parentheses without colour,
// so that it does not read as a value already typed.
func placeholder(s string) string {
	if s == "" || !plain() {
		return s
	}
	return "(" + s + ")"
}
