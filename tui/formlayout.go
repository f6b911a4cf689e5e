package tui

import (
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"
)

// layoutKey is what a form's layout depends on: the form itself (a new
// one after Init, with other fields) and the size given to it.
type layoutKey struct {
	form          *huh.Form
	width, height int
}

// resize gives the form the screen's size less what the step draws around
// it. Laying out is costly (huh renders every field of every page to fit
// it to the height), so it happens only when the form or the size changed,
// not on every key.
func (m *formStep) resize() {
	if m.form == nil || m.c.width == 0 {
		return
	}
	k := layoutKey{
		form:   m.form,
		width:  m.c.width - 4, // fields add a 1-column border, the app 2 of padding
		height: max(m.c.bodyHeight()-m.extraLines(), 6),
	}
	if k == m.laid {
		return
	}
	m.form.WithWidth(k.width)
	if m.spec.layout != nil {
		m.spec.layout(k.width, m.c.styles.Form)
	}
	m.form.WithHeight(k.height)
	m.laid = k
}

// extraLines is the height the problems above the form and the errors
// under it take, wrapped to the screen.
func (m *formStep) extraLines() int {
	n := 0
	if len(m.problems) > 0 {
		n++
		for _, p := range m.problems {
			n += wrappedLines(problemLine(m.c.styles, p), m.c.width-2)
		}
	}
	if m.form != nil {
		for _, err := range m.form.Errors() {
			n += wrappedLines("✗ "+err.Error(), m.c.width-2)
		}
		if m.spec.extra != nil {
			if extra := m.spec.extra(m.form.GetFocusedField(), m.c.width-2); extra != "" {
				n += wrappedLines(extra, m.c.width-2)
			}
		}
	}
	return n
}

func wrappedLines(s string, width int) int {
	if width <= 0 {
		return 1
	}
	return strings.Count(ansi.Wrap(s, width, ""), "\n") + 1
}
