package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

// component is what every screen implements: a small model with its own
// help and size.
type component interface {
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
}

func (c *common) now() time.Time { return c.deps.now() }

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
	// stepDoneMsg says a settings step is complete and valid.
	stepDoneMsg struct{ step wizard.Step }
	// backMsg asks for the previous screen.
	backMsg struct{}
	// gotoStepMsg asks for a given step (from Review or the test screen).
	gotoStepMsg struct{ step wizard.Step }
	// saveMsg asks the root to save the connector.
	saveMsg struct{ untested bool }
	// savedMsg reports what saving wrote.
	savedMsg struct{ out saveOutcome }
	// pickMsg is the picker's choice.
	pickMsg struct {
		action Action
		prof   Profile
	}
	// keygenDoneMsg reports that ssh-keygen returned.
	keygenDoneMsg struct {
		path    string
		skipped bool
		err     error
	}
	// testEventMsg carries one progress event of a running test.
	testEventMsg struct {
		run int
		ev  TestEvent
	}
	// testDoneMsg carries the report of a finished test.
	testDoneMsg struct {
		run    int
		report TestReport
	}
	// quitMsg ends the wizard normally.
	quitMsg struct{}
)

func stepDoneCmd(s wizard.Step) tea.Cmd { return func() tea.Msg { return stepDoneMsg{step: s} } }

func backCmd() tea.Msg { return backMsg{} }

func gotoStepCmd(s wizard.Step) tea.Cmd { return func() tea.Msg { return gotoStepMsg{step: s} } }

func saveCmd(untested bool) tea.Cmd { return func() tea.Msg { return saveMsg{untested: untested} } }

func pickCmd(a Action, p Profile) tea.Cmd {
	return func() tea.Msg { return pickMsg{action: a, prof: p} }
}

func quitCmd() tea.Msg { return quitMsg{} }
