package tui

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// keyQueueWait is how long keys wait for a screen that is settling before
// they are delivered anyway. It is a safety net for a move that never
// comes back, not the normal path (the focus message ends the wait), so it
// is long: a busy machine can take several hundred milliseconds to run
// huh's focus command, and giving up early sends the held keys to the
// field the user already left (seen at 300 ms under load).
const keyQueueWait = 2 * time.Second

// settler is a screen that can be between two states for a command's
// round trip (a form moving its focus, a step ending).
type settler interface {
	settling() bool
	settle()
}

// flushKeysMsg delivers the held keys when the wait is over.
type flushKeysMsg struct{ gen int }

// keyQueue holds keys while the active screen settles, so that every key
// applies to what has the focus after the key before it.
type keyQueue struct {
	keys []tea.KeyMsg
	gen  int
}

func (m *Model) busy() bool {
	if m.boot.held != nil {
		return false // the keychain screen takes keys at once
	}
	s, ok := m.page().(settler)
	return ok && s.settling()
}

// holdKey queues msg when it is a key that must wait; the returned command
// delivers the queue after keyQueueWait at the latest.
func (m *Model) holdKey(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if key.Matches(msg, m.c.keys.Quit) || (len(m.queue.keys) == 0 && !m.busy()) {
			return nil, false
		}
		m.queue.keys = append(m.queue.keys, msg)
		if len(m.queue.keys) > 1 {
			return nil, true
		}
		m.queue.gen++
		gen := m.queue.gen
		return tea.Tick(keyQueueWait, func(time.Time) tea.Msg { return flushKeysMsg{gen: gen} }), true
	case flushKeysMsg:
		if msg.gen == m.queue.gen && len(m.queue.keys) > 0 {
			if s, ok := m.page().(settler); ok {
				s.settle()
			}
			return m.replayKeys(), true
		}
		return nil, true
	}
	return nil, false
}

// replayKeys delivers the held keys until the screen settles again.
func (m *Model) replayKeys() tea.Cmd {
	var cmds []tea.Cmd
	for len(m.queue.keys) > 0 && !m.busy() {
		k := m.queue.keys[0]
		m.queue.keys = m.queue.keys[1:]
		_, cmd := m.update(k)
		cmds = append(cmds, cmd)
	}
	if len(m.queue.keys) > 0 {
		// Still settling: wait again, from now.
		m.queue.gen++
		gen := m.queue.gen
		cmds = append(cmds, tea.Tick(keyQueueWait, func(time.Time) tea.Msg { return flushKeysMsg{gen: gen} }))
	}
	return tea.Batch(cmds...)
}

// leaver is a settler for a screen that reports an event to the root (a
// navCmd): until the root has moved, keys wait, so a key typed right
// after one that leaves the screen goes to the screen it leads to.
type leaver struct{ leaving bool }

// leave marks the screen as left and passes cmd on.
func (l *leaver) leave(cmd tea.Cmd) tea.Cmd {
	l.leaving = true
	return cmd
}

func (l *leaver) settling() bool { return l.leaving }

func (l *leaver) settle() { l.leaving = false }
