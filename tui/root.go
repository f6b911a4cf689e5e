package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
)

// screen is what the root shows.
type screen int

const (
	screenPicker screen = iota
	screenStep
	screenTest
	screenSaved
	screenRepos
)

// Model is the root of the wizard. It only routes: global keys first, then
// the messages that move between screens, then everything else to the
// active screen.
type Model struct {
	c           *common
	screen      screen
	step        wizard.Step
	steps       map[wizard.Step]component
	test        *testModel
	saved       *savedModel
	picker      *pickerModel
	repos       *repoPickerModel
	help        help.Model
	action      Action
	fromReview  bool
	rotating    bool
	interrupted bool
	out         *saveOutcome
	// ctx is Run's context; saveCancel stops the running save (see save.go).
	ctx         context.Context
	saveCancel  context.CancelFunc
	saveStopped bool
}

// newModel builds the root for opts. With profiles it opens on the picker.
func newModel(opts Options, profiles []Profile) *Model {
	d := &opts.Deps
	st := newState(opts.Initial, d)
	c := &common{width: opts.Width, height: opts.Height, styles: NewStyles(), keys: DefaultKeyMap(), deps: d, st: st}
	m := &Model{c: c, help: help.New(), action: ActionNew}
	m.help.Styles.ShortKey = c.styles.Help
	m.help.Styles.ShortDesc = c.styles.Help
	m.help.Styles.ShortSeparator = c.styles.Help
	m.resetSteps()
	switch {
	case opts.Mode == ModeRotate && opts.Initial != nil:
		m.prepareRotation(*opts.Initial, nil)
		return m
	case opts.Initial != nil:
		m.action, m.step = ActionEdit, wizard.StepReview
	case opts.Mode == ModePicker && len(profiles) > 0:
		m.screen, m.picker = screenPicker, newPicker(c, profiles)
		return m
	}
	m.screen = screenStep
	return m
}

func (m *Model) resetSteps() {
	c := m.c
	m.steps = map[wizard.Step]component{
		wizard.StepOverview:     newFormStep(c, wizard.StepOverview, newOverviewForm),
		wizard.StepDetails:      newFormStep(c, wizard.StepDetails, newDetailsForm),
		wizard.StepCredentials:  newFormStep(c, wizard.StepCredentials, newCredentialsForm),
		wizard.StepAPIAccess:    newFormStep(c, wizard.StepAPIAccess, newAPIAccessForm),
		wizard.StepConnectivity: newFormStep(c, wizard.StepConnectivity, newConnectivityForm),
		wizard.StepReview:       newReview(c),
	}
	m.test = newTestScreen(c)
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return m.active().Init() }

func (m *Model) active() component {
	switch m.screen {
	case screenPicker:
		return m.picker
	case screenTest:
		return m.test
	case screenSaved:
		return m.saved
	case screenRepos:
		return m.repos
	case screenStep:
	}
	return m.steps[m.step]
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, m.c.keys.Quit) {
			if m.stopSave() {
				return m, nil // the save stops, then shows what it did
			}
			m.interrupted = true
			m.test.stop()
			if m.repos != nil {
				m.repos.stop()
			}
			return m, tea.Quit
		}
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.help.Width = msg.Width - 2
		for _, s := range []component{m.picker, m.test, m.saved} {
			if s != nil {
				s.SetSize(msg.Width, msg.Height)
			}
		}
		for _, s := range m.steps {
			s.SetSize(msg.Width, msg.Height)
		}
		if m.repos != nil {
			m.repos.SetSize(msg.Width, msg.Height)
		}
		return m, nil
	case stepDoneMsg:
		if m.offerRepos(msg.step) {
			return m, m.openRepos(msg.step)
		}
		return m, m.goTo(m.nextStep(msg.step))
	case backMsg:
		return m, m.back()
	case gotoStepMsg:
		if m.screen == screenStep && m.step == wizard.StepReview && msg.step < wizard.StepReview {
			m.fromReview = true
		}
		if msg.step == wizard.StepTest && m.offerRepos(wizard.StepReview) {
			return m, m.openRepos(wizard.StepReview)
		}
		return m, m.goTo(msg.step)
	case saveMsg:
		return m, m.save(msg)
	case savedMsg:
		m.endSave()
		m.out = &msg.out
		m.saved = newSaved(m.c, msg.out)
		m.screen = screenSaved
		if msg.out.err == nil {
			m.c.st.idLocked = true
		}
		return m, nil
	case pickMsg:
		return m, m.pick(msg)
	case keygenDoneMsg:
		return m, m.keygenDone(msg)
	case quitMsg:
		return m, tea.Quit
	}
	next, cmd := m.active().Update(msg)
	m.setActive(next)
	return m, cmd
}

func (m *Model) setActive(c component) {
	switch m.screen {
	case screenPicker:
		m.picker = c.(*pickerModel)
	case screenTest:
		m.test = c.(*testModel)
	case screenSaved:
		m.saved = c.(*savedModel)
	case screenRepos:
		m.repos = c.(*repoPickerModel)
	case screenStep:
		m.steps[m.step] = c
	}
}

// nextStep is the step after s: the next setting step, or Review after an
// edit from Review, or the rotation's next stop.
func (m *Model) nextStep(s wizard.Step) wizard.Step {
	switch {
	case m.fromReview:
		m.fromReview = false
		return wizard.StepReview
	case m.rotating:
		return rotationNext(m.c.st, s)
	}
	return s + 1
}

// goTo shows step s (a setting step, Review or the test screen).
func (m *Model) goTo(s wizard.Step) tea.Cmd {
	if s == wizard.StepTest {
		m.screen = screenTest
		return m.test.Init()
	}
	if s > wizard.StepReview {
		s = wizard.StepReview
	}
	m.screen, m.step = screenStep, s
	return m.steps[s].Init()
}

// back leaves the current screen without losing anything typed.
func (m *Model) back() tea.Cmd {
	switch {
	case m.screen == screenRepos:
		return m.goTo(m.repos.after)
	case m.screen != screenStep:
		return m.goTo(wizard.StepReview)
	case m.fromReview:
		m.fromReview = false
		return m.goTo(wizard.StepReview)
	case m.step == wizard.StepOverview, m.rotating && m.step == wizard.StepCredentials:
		if m.picker != nil {
			m.screen = screenPicker
		}
		return nil
	case m.rotating && m.step == wizard.StepReview:
		steps := rotationSteps(m.c.st)
		return m.goTo(steps[len(steps)-1])
	}
	return m.goTo(m.step - 1)
}

// keygenDone continues the Credentials step after ssh-keygen returned.
func (m *Model) keygenDone(msg keygenDoneMsg) tea.Cmd {
	st := m.c.st
	fs, ok := m.steps[wizard.StepCredentials].(*formStep)
	if !ok {
		return nil
	}
	if msg.err != nil {
		fs.problems = wizard.Problems{{Field: "ssh-key", Msg: "ssh-keygen did not make the key: " + msg.err.Error()}}
		fs.resume = credKeygen
	} else {
		st.keySource, st.c.SSHKeyPath = keyExisting, msg.path
		fs.problems, fs.resume = nil, credKeyPath
	}
	m.screen, m.step = screenStep, wizard.StepCredentials
	return fs.Init()
}

// View implements tea.Model.
func (m *Model) View() string {
	if m.interrupted {
		return ""
	}
	s := m.c.styles
	body := clampLines(m.active().View(), m.c.bodyHeight(), m.c.width-2)
	var b strings.Builder
	b.WriteString(s.Title.Render("bbconnect › "+m.title()) + "\n")
	b.WriteString(m.indicator() + "\n\n")
	b.WriteString(body + "\n\n")
	b.WriteString(m.footer(m.active().ShortHelp()))
	return s.App.Render(b.String())
}

func (m *Model) title() string {
	switch m.screen {
	case screenPicker:
		return "Saved connectors"
	case screenTest:
		return wizard.StepTest.Title()
	case screenSaved:
		if m.saved != nil && m.saved.out.pending {
			return "Saving"
		}
		if m.out != nil && m.out.err != nil {
			return "Not saved"
		}
		return wizard.StepSaved.Title()
	case screenRepos:
		return "Test repository"
	case screenStep:
	}
	return m.step.Title()
}

// footer is the key help, cut to the screen width (help.Model alone can
// overflow it).
func (m *Model) footer(ks []key.Binding) string {
	var fit []key.Binding
	for _, k := range ks {
		if !k.Enabled() {
			continue
		}
		if m.help.Width > 0 && lipgloss.Width(m.help.ShortHelpView(append(fit, k))) > m.help.Width-2 {
			return m.help.ShortHelpView(fit) + m.c.styles.Help.Render(" …")
		}
		fit = append(fit, k)
	}
	return m.help.ShortHelpView(fit)
}

// clampLines keeps exactly n lines of s, each wrapped to width, so that
// the header and footer always stay on screen.
func clampLines(s string, n, width int) string {
	if width > 0 {
		s = ansi.Wrap(s, width, "")
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// String describes the wizard's state for logs and tests, never a secret.
func (m *Model) String() string {
	return fmt.Sprintf("tui.Model{screen:%d step:%s action:%s %s}", m.screen, m.step.Title(), m.action, m.c.st)
}

// GoString is String, so %#v never prints a secret either.
func (m *Model) GoString() string { return m.String() }
