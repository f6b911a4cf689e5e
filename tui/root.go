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

// Model is the root of the wizard. It only routes: Ctrl+C and sizes
// first, then the navigation's events (see nav.go) and the messages that
// carry work done, then everything else to the screen shown. Screens live
// in pages, by place.
type Model struct {
	c     *common
	nav   nav
	pages []component // by place; nil where a place has no screen of its own
	shown place       // the place whose screen is shown (Saving shows Saved's)
	help  help.Model
	out   *saveOutcome
	// pickerErr is what the picker says when it shows next (a failed delete).
	pickerErr error
	// ctx is Run's context; saveCancel stops the running save (see save.go).
	ctx        context.Context
	saveCancel context.CancelFunc
	// queue holds keys while the screen settles (see keyqueue.go).
	queue keyQueue
	// boot is the start-up check (see startup.go); notice is what it said,
	// shown above the screen until the wizard moves on.
	boot   bootState
	notice []string
	// first draws the first frame without waiting for the renderer's tick
	// (see firstframe.go); nil once drawn, and in tests.
	first *firstFrame
}

// newModel builds the root for opts. With profiles it opens on the picker.
func newModel(opts Options, profiles []Profile) *Model {
	d := &opts.Deps
	c := &common{width: opts.Width, height: opts.Height, styles: NewStyles(), keys: DefaultKeyMap(), deps: d, copy: osc52Copy(opts.Out)}
	m := &Model{c: c, help: help.New(), pages: make([]component, placeCount)}
	c.nav = &m.nav
	m.help.Styles.ShortKey = c.styles.Help
	m.help.Styles.ShortDesc = c.styles.Help
	m.help.Styles.ShortSeparator = c.styles.Help
	if opts.Mode == ModeRotate && opts.Initial != nil {
		c.st = newRotationState(*opts.Initial, nil, d)
	} else {
		c.st = newState(opts.Initial, d)
	}
	m.nav = startNav(opts.Mode, opts.Initial != nil, len(profiles), m.facts())
	m.resetSteps()
	m.pages[placePicker] = newPicker(c, profiles)
	m.shown = m.nav.at
	return m
}

// resetSteps makes the settings steps, Review and the test afresh, for
// the state just set.
func (m *Model) resetSteps() {
	c := m.c
	for s, build := range stepBuilders {
		m.pages[stepPlace(s)] = newFormStep(c, s, build)
	}
	m.pages[placeReview] = newReview(c)
	m.pages[placeTest] = newTestScreen(c)
}

// facts are what the navigation needs to know of the settings typed.
func (m *Model) facts() facts {
	return facts{
		reposFrom:  reposFrom(m.c.st),
		rotation:   rotationSteps(m.c.st),
		saveFailed: m.out != nil && m.out.err != nil,
		harnessKey: m.c.harness != nil && m.c.harness.HaveKey,
	}
}

// page is the screen shown.
func (m *Model) page() component { return m.pages[m.shown] }

func (m *Model) testPage() *testModel {
	t, _ := m.pages[placeTest].(*testModel)
	return t
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	defer m.drawFirstFrame()
	if m.shown == placePicker {
		return tea.Batch(m.page().Init(), m.checkHarness(), m.checkStartup())
	}
	return tea.Batch(m.page().Init(), m.checkStartup())
}

// Update implements tea.Model. Keys wait while the screen settles (a
// form's focus moving in a command) and are delivered once it has.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, held := m.holdKey(msg); held {
		return m, cmd
	}
	_, cmd := m.update(msg)
	if len(m.queue.keys) > 0 && !m.busy() {
		cmd = tea.Batch(cmd, m.replayKeys())
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, m.c.keys.Quit) {
			return m, m.move(navInput{ev: evInterrupt}, "")
		}
		if m.boot.held != nil {
			return m, m.keychainKey(msg)
		}
	case startupMsg:
		return m, m.started(msg)
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.help.Width = msg.Width - 2
		for _, s := range m.pages {
			if s != nil {
				s.SetSize(msg.Width, msg.Height)
			}
		}
		return m, nil
	case navMsg:
		if msg.from != m.nav.at {
			return m, nil // the wizard has moved on since
		}
		return m, m.move(msg.in, msg.field)
	case pickMsg:
		return m, m.pick(msg)
	case savedMsg:
		return m, m.saved(msg.out)
	case keygenDoneMsg:
		return m, m.keygenDone(msg)
	case harnessAccessMsg:
		m.c.harness = &msg.access
		return m, nil
	}
	next, cmd := m.page().Update(msg)
	m.pages[m.shown] = next
	return m, cmd
}

// move takes the navigation's step for in and shows where it leads.
func (m *Model) move(in navInput, field wizard.Field) tea.Cmd {
	if next := m.nav.next(in, m.facts()); needsKeychain(next.at) && !m.keychainReady() {
		return m.whenReady(func() tea.Cmd { return m.move(in, field) })
	}
	m.notice = nil
	from := m.nav
	m.nav = m.nav.next(in, m.facts())
	to := m.nav.at
	switch to {
	case placeInterrupted, placeDone:
		m.stopWork()
		return tea.Quit
	case placeStopping:
		if m.saveCancel != nil {
			m.saveCancel() // the outcome follows, as savedMsg
		}
		return nil
	case placePushStopping:
		if p := m.pushPage(); p != nil {
			p.stop() // what the push did follows, as its pushDoneMsg
		}
		return nil
	case from.at:
		return nil
	}
	m.shown = to
	if _, ok := to.step(); ok {
		if fs, ok := m.pages[to].(*formStep); ok {
			fs.focus = field
		}
		return m.pages[to].Init()
	}
	switch to {
	case placePicker:
		if t := m.testPage(); from.at == placeTest && from.action == ActionTest && t != nil {
			m.pickerErr = recordTest(m.c.deps, m.c.st.connector(), t.report)
		}
		return m.openPicker()
	case placeRepos:
		m.renew(placeRepos, newRepoPicker(m.c))
	case placeSaving:
		return m.save()
	case placeExported:
		return m.export()
	case placeHarnessKey:
		m.renew(placeHarnessKey, newHarnessKey(m.c))
	case placePushing:
		return m.push()
	case placePushed:
		return nil // the push's page, done
	}
	return m.pages[to].Init()
}

// renew gives place a new page, sized to the screen: it starts afresh on
// each visit.
func (m *Model) renew(p place, c component) {
	c.SetSize(m.c.width, m.c.height)
	m.pages[p] = c
}

// stopWork stops what runs in the background: the test, the listing.
func (m *Model) stopWork() {
	if t := m.testPage(); t != nil {
		t.stop()
	}
	if p := m.pushPage(); p != nil {
		p.stop()
	}
	if r, ok := m.pages[placeRepos].(*repoPickerModel); ok {
		r.stop()
	}
}

// saved shows the outcome of the save or the export.
func (m *Model) saved(out saveOutcome) tea.Cmd {
	m.endSave()
	if m.nav.at == placeExported {
		m.pages[placeExported] = newSaved(m.c, out)
		return nil
	}
	m.out = &out
	if out.err == nil {
		m.c.st.idLocked = true
	}
	page := newSaved(m.c, out)
	m.pages[placeSaving], m.pages[placeStopping], m.pages[placeSaved] = page, page, page
	return tea.Batch(m.move(navInput{ev: evSaved}, ""), m.checkHarness())
}

// keygenDone continues the Credentials step after ssh-keygen returned.
func (m *Model) keygenDone(msg keygenDoneMsg) tea.Cmd {
	st := m.c.st
	fs, ok := m.pages[placeCredentials].(*formStep)
	if !ok {
		return nil
	}
	if msg.err != nil {
		fs.problems = wizard.Problems{{Field: wizard.FieldSSHKey, Msg: "ssh-keygen did not make the key: " + msg.err.Error()}}
		fs.resume = credKeygen
	} else {
		st.keySource, st.c.SSHKeyPath = keyExisting, msg.path
		fs.problems, fs.resume = nil, credKeyPath
	}
	m.nav.at, m.shown = placeCredentials, placeCredentials
	return fs.Init()
}

// View implements tea.Model.
func (m *Model) View() string {
	if m.nav.at == placeInterrupted {
		return ""
	}
	s := m.c.styles
	page := m.page()
	if m.boot.held != nil {
		page = keychainScreen{c: m.c, boot: &m.boot}
	}
	view := page.View()
	if len(m.notice) > 0 {
		view = s.Warn.Render("! "+strings.Join(m.notice, "\n! ")) + "\n\n" + view
	}
	body := clampLines(view, m.c.bodyHeight(), m.c.width-2)
	var b strings.Builder
	b.WriteString(s.Title.Render("bbconnect › "+m.heading(page)) + "\n")
	b.WriteString(m.indicator() + "\n\n")
	footer := m.footer(page.ShortHelp())
	sep := "\n\n"
	if strings.Contains(footer, "\n") {
		sep = "\n" // a two-line footer takes the blank line above it
	}
	b.WriteString(body + sep + footer)
	return s.App.Render(b.String())
}

// heading is the screen's title, after the rotation it belongs to.
func (m *Model) heading(page component) string {
	if m.nav.action == ActionRotate && m.shown != placePicker {
		return "Rotate " + ansi.Truncate(m.c.st.effectiveID(), 24, "…") + " › " + page.Title()
	}
	return page.Title()
}

// footer is the key help: on one line when it fits the screen, else on
// two (help.Model alone would overflow the width), and only what does not
// fit on two is cut, with "…".
func (m *Model) footer(ks []key.Binding) string {
	measure := m.help
	measure.Width = 0 // help.Model cuts what overflows its width itself
	var lines [][]key.Binding
	var line []key.Binding
	for _, k := range ks {
		if !k.Enabled() {
			continue
		}
		if m.help.Width > 0 && len(line) > 0 && lipgloss.Width(measure.ShortHelpView(append(line, k))) > m.help.Width-2 {
			lines = append(lines, line)
			line = nil
			if len(lines) == 2 {
				break
			}
		}
		line = append(line, k)
	}
	if line != nil {
		lines = append(lines, line)
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = m.help.ShortHelpView(l)
	}
	if len(lines) == 2 && len(line) == 0 {
		out[1] += m.c.styles.Help.Render(" …")
	}
	return strings.Join(out, "\n")
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
	return fmt.Sprintf("tui.Model{place:%d action:%s %s}", m.nav.at, m.nav.action, m.c.st)
}

// GoString is String, so %#v never prints a secret either.
func (m *Model) GoString() string { return m.String() }
