package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// harnessAccessMsg carries where a push would go and whether a key is at
// hand (read from the keychain off the event loop).
type harnessAccessMsg struct{ access HarnessAccess }

// checkHarness reads, off the event loop, whether a Harness key is at
// hand, once: the Saved screen offers p when it knows.
func (m *Model) checkHarness() tea.Cmd {
	h := m.c.deps.Harness
	if h == nil || m.c.harness != nil {
		return nil
	}
	ctx := m.c.context()
	return func() tea.Msg { return harnessAccessMsg{access: h.Access(ctx)} }
}

// push starts the push of the connector shown to Harness.
func (m *Model) push() tea.Cmd {
	p := newPush(m.c, m.c.st.connector().ID, m.localTest())
	m.pages[placePushing], m.pages[placePushStopping], m.pages[placePushed] = p, p, p
	p.SetSize(m.c.width, m.c.height)
	return p.Init()
}

// pushPage is the push shown, if any.
func (m *Model) pushPage() *pushModel {
	p, _ := m.pages[placePushing].(*pushModel)
	return p
}

// localTest is bbconnect's own last test of the connector pushed, in
// words (see localTestWords).
func (m *Model) localTest() string {
	var report *conntest.Report
	if t := m.testPage(); t != nil {
		report = t.report
	}
	return localTestWords(m.nav.action, report, m.c.st.lastTest)
}

// localTestWords is bbconnect's own last test of a connector pushed, in
// both front ends: the test this run made before saving (report), or for
// the picker's push the profile's (lastTest).
func localTestWords(action Action, report *conntest.Report, lastTest string) string {
	if action == ActionPush {
		return orNot(lastTest, "never run")
	}
	switch {
	case report == nil:
		return "not run (saved without a test)"
	case report.OK:
		return "passed"
	}
	return "failed: " + report.Summary()
}
