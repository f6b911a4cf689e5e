package tui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// component is what every screen implements: a small model with its own
// help and size.
type component interface {
	// Title names the screen in the header.
	Title() string
	Init() tea.Cmd
	Update(tea.Msg) (component, tea.Cmd)
	View() string
	SetSize(width, height int)
	ShortHelp() []key.Binding
}

// common is shared by every screen: size, styles, keys, services and the
// settings typed so far.
type common struct {
	width, height int
	styles        Styles
	keys          KeyMap
	deps          *Deps
	st            *state
	// nav is where the wizard is (the root's; screens only read it).
	nav *nav
	// copy puts text on the terminal's clipboard (OSC 52).
	copy func(string) error
	// harness is where a push to Harness goes, once known (nil before).
	harness *HarnessAccess
	// ctx is the wizard's context (Run's), for the work screens start.
	ctx context.Context
}

func (c *common) now() time.Time { return c.deps.now() }

// context is the wizard's context, for the work a screen starts.
func (c *common) context() context.Context {
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

// headerLines and footerLines are the rows the root draws around a screen.
const (
	headerLines = 3
	footerLines = 2
)

// bodyHeight is the height left to a screen between header and footer.
func (c *common) bodyHeight() int {
	if c.height == 0 {
		return 18
	}
	return max(c.height-headerLines-footerLines, 4)
}

// Messages between the screens and the root. Each is made by the command
// next to it.
type (
	// navMsg is an event of the screen at from, for the navigation (see
	// nav.go). The root drops it when the wizard has left from meanwhile.
	navMsg struct {
		from place
		in   navInput
		// field is the field to focus on the step a jump opens ("" none).
		field wizard.Field
	}
	// savedMsg reports what saving (or exporting) wrote.
	savedMsg struct{ out saveOutcome }
	// pickMsg is the picker's choice.
	pickMsg struct {
		action Action
		prof   Profile
	}
	// keygenDoneMsg reports that ssh-keygen returned.
	keygenDoneMsg struct {
		path string
		err  error
	}
	// testEventMsg carries one progress event of a running test.
	testEventMsg struct {
		run int
		ev  conntest.Event
	}
	// testDoneMsg carries the report of a finished test.
	testDoneMsg struct {
		run    int
		report conntest.Report
	}
)

// navCmd reports ev on the screen at from.
func navCmd(from place, ev event) tea.Cmd {
	return func() tea.Msg { return navMsg{from: from, in: navInput{ev: ev}} }
}

// jumpCmd opens step s from the screen at from, with field focused.
func jumpCmd(from place, s wizard.Step, field wizard.Field) tea.Cmd {
	return func() tea.Msg { return navMsg{from: from, in: navInput{ev: evJump, step: s}, field: field} }
}

func pickCmd(a Action, p Profile) tea.Cmd {
	return func() tea.Msg { return pickMsg{action: a, prof: p} }
}

// spin moves a work screen's spinner on a tick while its work runs; once
// the work is done the ticks stop.
func spin(s *spinner.Model, tick spinner.TickMsg, working bool) tea.Cmd {
	if !working {
		return nil
	}
	var cmd tea.Cmd
	*s, cmd = s.Update(tick)
	return cmd
}

// hang wraps text to width less indent, breaking at spaces and after any
// of breaks, and indents every line after the first by indent columns, so
// that a wrapped line stays under the text of the first (a check's line
// under its name, a note under its connector). A width under indent+20
// leaves text as it is.
func hang(text string, width, indent int, breaks string) string {
	if width < indent+20 {
		return text
	}
	return strings.ReplaceAll(ansi.Wrap(text, width-indent, breaks), "\n", "\n"+strings.Repeat(" ", indent))
}
