package tui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard/harness"
)

// pushModel is the push of a saved connector to Harness: a line per call
// as it ends (method, path, status), then Harness's test next to
// bbconnect's own last test, with Harness's error summary and a fix when
// it failed. It shows Pushing, PushStopping and Pushed.
type pushModel struct {
	leaver
	c      *common
	spin   spinner.Model
	id     string
	access HarnessAccess
	// local is bbconnect's own last test of the connector, in words.
	local   string
	run     int
	running bool
	stopped bool
	cancel  context.CancelFunc
	events  chan tea.Msg
	calls   []harness.Call
	res     *harness.PushResult
	err     error
}

// Messages of a running push.
type (
	pushCallMsg struct {
		run  int
		call harness.Call
	}
	pushDoneMsg struct {
		run int
		res *harness.PushResult
		err error
	}
)

func newPush(c *common, id, local string) *pushModel {
	m := &pushModel{c: c, id: id, local: local, spin: spinner.New(spinner.WithSpinner(spinner.Line))}
	if c.harness != nil {
		m.access = *c.harness
	}
	return m
}

// Init starts the push, off the event loop; its calls arrive one by one.
func (m *pushModel) Init() tea.Cmd {
	m.stop()
	h := m.c.deps.Harness
	m.calls, m.res, m.err, m.stopped = nil, nil, nil, false
	if h == nil {
		m.err = errors.New("pushing to Harness is not available here: run bbconnect push " + m.id)
		return navCmd(m.c.nav.at, evSaved)
	}
	m.run++
	m.running = true
	ctx, cancel := context.WithCancel(m.c.context())
	m.cancel = cancel
	run, ch, id := m.run, make(chan tea.Msg, 64), m.id
	m.events = ch
	go func() {
		observe := func(call harness.Call) {
			msg := pushCallMsg{run: run, call: call}
			select {
			case ch <- msg: // the call abandoned by a stop is shown too
			default:
				select {
				case ch <- msg:
				case <-ctx.Done():
				}
			}
		}
		res, err := h.Push(ctx, id, observe)
		ch <- pushDoneMsg{run: run, res: res, err: err} // read even after a stop, to show what was done
	}()
	return tea.Batch(m.spin.Tick, waitTest(ch))
}

// stop cancels the running push: the call under way is abandoned and no
// other starts; the push then reports what it did.
func (m *pushModel) stop() {
	if m.cancel != nil && m.running {
		m.stopped = true
		m.cancel()
	}
}

// Update implements component.
func (m *pushModel) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case pushCallMsg:
		if msg.run != m.run {
			return m, nil
		}
		m.calls = append(m.calls, msg.call)
		return m, waitTest(m.events)
	case pushDoneMsg:
		if msg.run != m.run {
			return m, nil
		}
		m.running = false
		if m.cancel != nil {
			m.cancel()
			m.cancel = nil
		}
		m.res, m.err = msg.res, msg.err
		if m.c.harness != nil && m.refused(http.StatusUnauthorized) {
			m.c.harness.HaveKey, m.c.harness.Refused = false, true // the key is no good: p asks another
		}
		return m, navCmd(m.c.nav.at, evSaved)
	case spinner.TickMsg:
		return m, spin(&m.spin, msg, m.running)
	case tea.KeyMsg:
		if m.running {
			return m, nil
		}
		keys := m.c.keys
		switch {
		case key.Matches(msg, keys.Push):
			return m, m.leave(navCmd(placePushed, evPush))
		case key.Matches(msg, keys.NewKey):
			return m, m.leave(navCmd(placePushed, evNewKey))
		case key.Matches(msg, keys.Back):
			return m, m.leave(navCmd(placePushed, evBack))
		case key.Matches(msg, keys.Save):
			return m, m.leave(navCmd(placePushed, evNext))
		}
	}
	return m, nil
}

// refused reports whether Harness refused a call with status.
func (m *pushModel) refused(status int) bool {
	var he *harness.Error
	return errors.As(m.err, &he) && he.HTTPStatus == status
}

// Title implements component.
func (m *pushModel) Title() string {
	switch {
	case m.running && m.stopped:
		return "Stopping the push"
	case m.running:
		return "Pushing to Harness"
	case m.err == nil && m.res != nil && m.res.Test.Passed():
		return "Pushed to Harness"
	}
	return "Push to Harness"
}

// View implements component.
func (m *pushModel) View() string {
	s := m.c.styles
	var b strings.Builder
	b.WriteString(pushHeading(m.id, m.access, m.res) + "\n\n")
	width := m.c.width - 4
	for _, call := range m.calls {
		b.WriteString(callLine(call, width) + "\n")
	}
	if m.running {
		if m.stopped {
			b.WriteString(s.Warn.Render("stopping: the call under way is abandoned, no other starts…") + "\n")
		} else {
			b.WriteString(m.spin.View() + " " + s.Faint.Render("waiting for Harness…") + "\n")
		}
		return b.String()
	}
	b.WriteString("\n" + pushOutcome(s, m.res, m.err, m.stopped, m.local))
	if m.refused(http.StatusUnauthorized) || m.refused(http.StatusForbidden) {
		b.WriteString(s.Faint.Render("k enters another Harness key and pushes again") + "\n")
	}
	return b.String()
}

// pushHeading says what is pushed where, in both front ends.
func pushHeading(id string, a HarnessAccess, res *harness.PushResult) string {
	where := "Harness"
	if a.Account != "" {
		where += " account " + a.Account
	}
	if res != nil && res.Scope.Org != "" {
		where += " (" + res.Scope.String() + ")"
	}
	line := "Push " + id + " to " + where
	if a.Endpoint != "" {
		line += "\nat " + a.Endpoint
	}
	return line
}

// callLine is one call of a push: method, path, status (width bounds
// the path).
func callLine(c harness.Call, width int) string {
	status := fmt.Sprint(c.Status)
	if c.Status == 0 {
		status = "no answer"
	}
	if c.Method == "GET" && (c.Status == http.StatusNotFound || c.Status == http.StatusBadRequest) {
		status += " not there yet"
	}
	if c.Tries > 1 {
		status += fmt.Sprintf(" (%d tries)", c.Tries)
	}
	path := c.Path
	if room := width - len(c.Method) - len(status) - 4; room > 12 && len(path) > room {
		path = path[:room-1] + "…"
	}
	return fmt.Sprintf("  %-4s %s %s", c.Method, path, status)
}

// pushOutcome is how the push ended, Harness's test next to bbconnect's
// own (local), in both front ends (Styles{} for plain text).
func pushOutcome(s Styles, res *harness.PushResult, err error, stopped bool, local string) string {
	var b strings.Builder
	if res != nil && res.Connector != "" {
		b.WriteString(pushedParts(res) + "\n")
	}
	switch {
	case stopped && err != nil:
		b.WriteString(s.Warn.Render("! push stopped: what was written stays in Harness; p pushes again (it updates)") + "\n")
	case err != nil:
		b.WriteString(s.Fail.Render("✗ "+err.Error()) + "\n")
	case res == nil || res.Test == nil:
		b.WriteString(s.Warn.Render("– Harness's test was not run") + "\n")
	case res.Test.Passed():
		b.WriteString(s.Pass.Render("✓ Harness's test passed") + "\n")
	default:
		b.WriteString(s.Fail.Render("✗ Harness's test failed: "+res.Test.Summary()) + "\n")
		b.WriteString("  " + s.Fix.Render("fix: "+res.Test.Fix(strings.HasPrefix(local, "passed"))) + "\n")
	}
	mark := s.Pass.Render("✓")
	if !strings.HasPrefix(local, "passed") {
		mark = s.Warn.Render("!")
	}
	b.WriteString(mark + " bbconnect's last test: " + local + "\n")
	return b.String()
}

// pushedParts says what the push did to each secret and the connector.
func pushedParts(res *harness.PushResult) string {
	parts := make([]string, 0, len(res.Secrets)+1)
	for _, sec := range res.Secrets {
		parts = append(parts, "secret "+sec.ID+" "+string(sec.Action))
	}
	return strings.Join(append(parts, "connector "+string(res.Connector)), ", ")
}

// SetSize implements component.
func (m *pushModel) SetSize(int, int) {}

// ShortHelp implements component.
func (m *pushModel) ShortHelp() []key.Binding {
	if m.running {
		return []key.Binding{key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "stop the push"))}
	}
	next := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done"))
	if m.c.nav != nil && m.c.nav.picker {
		next = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "saved connectors"))
	}
	again := key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "push again"))
	ks := []key.Binding{next, again}
	if m.refused(http.StatusUnauthorized) || m.refused(http.StatusForbidden) {
		ks = append(ks, m.c.keys.NewKey)
	}
	return append(ks, m.c.keys.Back)
}
