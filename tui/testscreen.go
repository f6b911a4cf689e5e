package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// testModel is the connection test screen: a spinner per running check,
// then each check's outcome with its diagnosis and the fix under every
// failure. r retries, b goes back to the field that fixes the first
// failure (and the test runs again once it is fixed), esc goes back,
// enter saves (a failing connector only after y confirms). A test of a
// saved connector from the picker saves nothing: enter goes back to the
// picker.
type testModel struct {
	leaver
	c       *common
	spin    spinner.Model
	run     int
	running bool
	cancel  context.CancelFunc
	events  chan tea.Msg
	order   []string
	checks  map[string]conntest.Check
	started map[string]bool
	report  *conntest.Report
	confirm bool
	// adding is set while the refused SSH key is being added (keyadd.go);
	// keyNote says how that went.
	adding  bool
	keyNote string
}

func newTestScreen(c *common) *testModel {
	return &testModel{c: c, spin: spinner.New(spinner.WithSpinner(spinner.Line))}
}

// Init starts a test run.
func (m *testModel) Init() tea.Cmd {
	m.stop()
	m.leaving = false
	m.report, m.confirm = nil, false
	m.checks, m.started = map[string]conntest.Check{}, map[string]bool{}
	t := m.c.deps.Tester
	st := m.c.st
	m.order = t.Plan(st.connector())
	keychainCheck, unreadable := st.unreadableCheck()
	if unreadable {
		m.order = []string{keychainCheck.Name}
	}
	m.run++
	m.running = true
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	run, ch := m.run, make(chan tea.Msg, 64)
	m.events = ch
	go func() {
		progress := func(ev conntest.Event) {
			select {
			case ch <- testEventMsg{run: run, ev: ev}:
			case <-ctx.Done():
			}
		}
		var report conntest.Report
		if unreadable {
			// The stored secret is missing: say so, rather than test
			// with an empty one and blame the password.
			progress(conntest.Event{Name: keychainCheck.Name, Done: true, Check: keychainCheck})
			report = conntest.Report{Checks: []conntest.Check{keychainCheck}}
		} else {
			report = runTester(ctx, t, st, progress)
		}
		select {
		case ch <- testDoneMsg{run: run, report: report}:
		case <-ctx.Done():
		}
	}()
	return tea.Batch(m.spin.Tick, waitTest(ch))
}

// runTester tests the connector typed in st with its secrets, trusting
// the SSH host key the user confirmed (both front ends test here).
func runTester(ctx context.Context, t Tester, st *state, progress func(conntest.Event)) conntest.Report {
	conn := st.connector()
	secrets := st.secretsFor(conn)
	if hk, ok := t.(HostKeyTester); ok {
		if trusted := st.trustedKeyFor(conn); trusted != "" {
			return hk.RunWithHostKey(ctx, conn, secrets, trusted, progress)
		}
	}
	return t.Run(ctx, conn, secrets, progress)
}

// waitTest reads the next progress message of a running test.
func waitTest(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return <-ch }
}

func (m *testModel) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.running = false
}

// Update implements component.
func (m *testModel) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case testEventMsg:
		if msg.run != m.run {
			return m, nil
		}
		if msg.ev.Done {
			m.checks[msg.ev.Name] = msg.ev.Check
		} else {
			m.started[msg.ev.Name] = true
		}
		return m, waitTest(m.events)
	case testDoneMsg:
		if msg.run != m.run {
			return m, nil
		}
		r := msg.report
		m.stop()
		m.report = &r
		for _, ch := range r.Checks {
			m.checks[ch.Name] = ch
			if !contains(m.order, ch.Name) {
				m.order = append(m.order, ch.Name)
			}
		}
		return m, nil
	case keyAddedMsg:
		return m, m.keyAdded(msg)
	case spinner.TickMsg:
		return m, spin(&m.spin, msg, m.running)
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m *testModel) key(k tea.KeyMsg) (component, tea.Cmd) {
	keys := m.c.keys
	switch {
	case key.Matches(k, keys.Back):
		m.stop()
		return m, m.leave(navCmd(placeTest, evBack))
	case key.Matches(k, keys.BackToFix) && m.failed():
		step, field := m.fix()
		return m, m.leave(jumpCmd(placeTest, step, field))
	case m.running:
		return m, nil
	case key.Matches(k, keys.Retry):
		return m, m.Init()
	case m.adding:
		return m, nil
	case key.Matches(k, keys.AddKey):
		if a, _ := m.keyAdder(); a != nil {
			return m, m.addKey(a)
		}
	case key.Matches(k, keys.TrustHostKey) && m.unknownHostKey() != "":
		m.trustHostKey(m.unknownHostKey())
		return m, m.Init()
	case key.Matches(k, keys.Confirm) && m.confirm:
		return m, m.leave(navCmd(placeTest, evNext))
	case key.Matches(k, keys.Save):
		if m.failed() && !m.c.nav.pickerTest() {
			m.confirm = true
			return m, nil
		}
		return m, m.leave(navCmd(placeTest, evNext))
	}
	return m, nil
}

// failed reports whether the finished test failed.
func (m *testModel) failed() bool { return !m.running && m.report != nil && !m.report.OK }

// passed reports whether the last test ran and passed.
func (m *testModel) passed() bool { return !m.running && m.report != nil && m.report.OK }

// fix is the step and field to go back to: the field the first failing
// check names (conntest.FixField), else Credentials for credential checks
// and Details for the rest.
func (m *testModel) fix() (wizard.Step, wizard.Field) {
	return fixOf(m.c.st.connector(), m.ordered())
}

// ordered are the finished checks in the order shown.
func (m *testModel) ordered() []conntest.Check {
	var out []conntest.Check
	for _, name := range m.order {
		if ch, ok := m.checks[name]; ok {
			out = append(out, ch)
		}
	}
	return out
}

// fixOf is the step and field of c that fix the first failing check
// (conntest.FixField; see testModel.fix), in both front ends.
func fixOf(c wizard.Connector, checks []conntest.Check) (wizard.Step, wizard.Field) {
	for _, ch := range checks {
		if ch.Status != conntest.Fail {
			continue
		}
		if f := conntest.FixField(c, ch); f != "" {
			if s := wizard.StepOf(f); s != wizard.StepReview {
				return s, f
			}
		}
		if strings.Contains(ch.Name, "reach") {
			return wizard.StepDetails, ""
		}
		return wizard.StepCredentials, ""
	}
	return wizard.StepReview, ""
}

// Title implements component.
func (m *testModel) Title() string { return "Connection test" }

// View implements component.
func (m *testModel) View() string {
	body := m.checksView(false)
	status := m.statusLine()
	// The verdict says what enter does: it stays on screen. When the checks
	// do not fit above it, the passed and skipped ones shrink to a line
	// each (a failure keeps its diagnosis and fix).
	if w, h := m.c.width-2, m.c.bodyHeight(); w > 0 && m.c.height > 0 &&
		wrappedHeight(body, w)+1+wrappedHeight(status, w) > h {
		body = m.checksView(true)
	}
	return body + "\n" + status
}

// wrappedHeight is the lines s takes on a screen width columns wide.
func wrappedHeight(s string, width int) int {
	if s == "" {
		return 0
	}
	return strings.Count(ansi.Wrap(strings.TrimRight(s, "\n"), width, ""), "\n") + 1
}

// checksView is the host key and key-upload notes and a line per check;
// compact cuts passed and skipped checks to one line each.
func (m *testModel) checksView(compact bool) string {
	s := m.c.styles
	var b strings.Builder
	b.WriteString(m.hostKeyView())
	b.WriteString(m.keyView())
	for _, name := range m.order {
		ch, done := m.checks[name]
		switch {
		case done && compact && ch.Status != conntest.Fail && ch.Status != conntest.Warn:
			b.WriteString(ansi.Truncate(checkLine(s, ch), max(m.c.width-2, 10), "…") + "\n")
		case done:
			b.WriteString(hang(checkLine(s, ch), m.c.width-2, 2, "") + "\n")
			if ch.Status == conntest.Fail && ch.Fix != "" {
				b.WriteString(hang(s.Fix.Render("    fix: "+ch.Fix), m.c.width-2, 9, "") + "\n")
			}
		case m.running && m.started[name]:
			b.WriteString(m.spin.View() + " " + name + "\n")
		case m.running:
			b.WriteString(s.Faint.Render("· "+name+" (waiting)") + "\n")
		default:
			b.WriteString(s.Skipped.Render("– "+name+": not run") + "\n")
		}
	}
	return b.String()
}

// statusLine is the verdict under the checks and what the keys do now.
func (m *testModel) statusLine() string {
	s := m.c.styles
	pickerTest := m.c.nav.pickerTest()
	var b strings.Builder
	switch {
	case m.running:
		b.WriteString("testing… esc stops and goes back")
	case m.confirm:
		b.WriteString(s.Fail.Render("the test failed: press y to save anyway, b to fix the settings, r to retry"))
	case m.passed() && pickerTest:
		b.WriteString(s.Pass.Render("the connection works: enter goes back to the saved connectors"))
	case m.passed():
		b.WriteString(s.Pass.Render("the connection works: press enter to save"))
	case m.report != nil && pickerTest:
		b.WriteString(s.Fail.Render("the test failed: b goes back to fix it, r retries, enter goes back to the saved connectors"))
	case m.report != nil:
		b.WriteString(s.Fail.Render("the test failed: b goes back to fix it, r retries"))
	}
	return b.String()
}

func checkLine(s Styles, ch conntest.Check) string {
	st := s.Faint
	switch ch.Status {
	case conntest.Pass:
		st = s.Pass
	case conntest.Warn:
		st = s.Warn
	case conntest.Fail:
		st = s.Fail
	case conntest.Skipped:
		st = s.Skipped
	}
	line := st.Render(ch.Status.Icon() + " " + ch.Name)
	if ch.Diagnosis != "" {
		line += ": " + ch.Diagnosis
	}
	if ch.DurationMS > 0 {
		line += s.Faint.Render(fmt.Sprintf(" (%d ms)", ch.DurationMS))
	}
	return line
}

// SetSize implements component.
func (m *testModel) SetSize(int, int) {}

// ShortHelp implements component.
func (m *testModel) ShortHelp() []key.Binding {
	enter := m.c.keys.Save
	if m.c.nav.pickerTest() {
		enter = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "saved connectors"))
	}
	if m.running {
		return []key.Binding{m.c.keys.Back, m.c.keys.Quit}
	}
	ks := []key.Binding{enter, m.c.keys.Retry}
	if m.failed() {
		ks = append(ks, m.c.keys.BackToFix)
	}
	if m.unknownHostKey() != "" {
		ks = append([]key.Binding{m.c.keys.TrustHostKey}, ks...)
	}
	if a, _ := m.keyAdder(); a != nil {
		ks = append([]key.Binding{m.c.keys.AddKey}, ks...)
	}
	if m.confirm {
		ks = append(ks, m.c.keys.Confirm)
	}
	return append(ks, m.c.keys.Quit)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
