package tui

import (
	"reflect"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// huh moves the focus in a command: a key that leaves a field returns
// NextField (or PrevField), and only when that message comes back does
// the next field have the focus. Keys that arrive in one read (a paste of
// keystrokes, a script, a slow link) would all go to the old field. The
// form step therefore tells the root when such a move is under way
// (settling), and the root holds the keys until it is over (see keyqueue.go).

// moveKeys are the keys that leave a field in huh's key map.
var moveKeys = []string{"enter", "tab", "shift+tab", "y", "Y", "n", "N"}

// movesFocus reports whether k is one of the focused field's enabled
// bindings that move the focus (next, previous, submit, accept, reject).
func movesFocus(f huh.Field, k tea.KeyMsg) bool {
	if f == nil {
		return false
	}
	for _, b := range f.KeyBinds() {
		if !b.Enabled() || !key.Matches(k, b) {
			continue
		}
		for _, bk := range b.Keys() {
			if slices.Contains(moveKeys, bk) {
				return true
			}
		}
	}
	return false
}

const huhPkg = "github.com/charmbracelet/huh"

// focusMsgKind tells huh's focus messages apart: "field" for NextField and
// PrevField, "group" for the page moves, "" for anything else.
func focusMsgKind(msg tea.Msg) string {
	t := reflect.TypeOf(msg)
	if t == nil || t.PkgPath() != huhPkg {
		return ""
	}
	switch t.Name() {
	case "nextFieldMsg", "prevFieldMsg":
		return "field"
	case "nextGroupMsg", "prevGroupMsg":
		return "group"
	}
	return ""
}

// startMove records that a key sent to the form left from: the focus
// moves when huh's command comes back, unless the field refused (its
// validation failed) or the form ended.
func (m *formStep) startMove(from huh.Field) {
	if m.form.State != huh.StateNormal || from.Error() != nil {
		m.endMove()
		return
	}
	m.moving = from
}

// trackMove follows a focus message of the given kind through to the field
// that ends up with the focus.
func (m *formStep) trackMove(kind string) {
	if m.moving == nil || kind == "" {
		return
	}
	now := m.form.GetFocusedField()
	switch {
	case m.form.State != huh.StateNormal:
		m.endMove()
	case now != m.moving && !now.Skip():
		m.endMove()
	case now == m.moving && kind == "group":
		m.endMove() // the page refused to change
	}
	// Otherwise a page move (or a skipped note) is still to come.
}

func (m *formStep) endMove() {
	m.moving = nil
	m.c.st.back = false
}

// settling reports whether a focus move or the step's end is under way,
// so that keys wait for it.
func (m *formStep) settling() bool { return m.moving != nil || m.leaving }

// settle gives up waiting (a move that never came).
func (m *formStep) settle() {
	m.endMove()
	m.leaving = false
}
