package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
)

// indicator shows where the user is and what is left: "✓ Overview  ●
// Details  ○ Credentials …" (a rotation's own steps when rotating), or a
// short form when the terminal is narrow; after Review, whether the test
// ran and passed, never a tick for a test that did not run.
func (m *Model) indicator() string {
	s := m.c.styles
	id := ansi.Truncate(m.c.st.effectiveID(), 24, "…")
	now := m.nav.reposAfter
	switch m.shown {
	case placePicker:
		return s.Faint.Render("choose a connector, or make a new one")
	case placeExported:
		return s.Faint.Render("the export of saved connector " + id)
	case placeHarnessKey, placePushing, placePushStopping, placePushed:
		if m.nav.action == ActionPush {
			return s.StepNow.Render("● Push of saved connector " + id + " to Harness")
		}
		line := strings.Join([]string{s.StepDone.Render("✓ Settings reviewed"), m.testMark(), s.StepDone.Render("✓ Saved"), s.StepNow.Render("● Harness")}, "  ")
		if w := m.c.width - 2; w > 0 && lipgloss.Width(line) > w {
			line = s.StepDone.Render("✓ Saved") + "  " + s.StepNow.Render("● Harness")
		}
		return line
	case placeTest, placeSaving, placeStopping, placeSaved:
		if m.nav.pickerTest() {
			return s.StepNow.Render("● Connection test of saved connector " + id)
		}
		return strings.Join([]string{s.StepDone.Render("✓ Settings reviewed"), m.testMark(), m.savedMark()}, "  ")
	case placeRepos:
	default:
		now, _ = m.shown.step()
	}
	steps := m.nav.steps(m.facts())
	cur := max(indexOf(steps, now), 0)
	parts := make([]string, len(steps))
	for i, st := range steps {
		parts[i] = stepMark(s, st.Title(), i, cur)
	}
	line := strings.Join(parts, "  ")
	if w := m.c.width - 2; w > 0 && lipgloss.Width(line) > w {
		line = s.StepNow.Render(stepOfN(steps, now))
		if cur+1 < len(steps) {
			line += s.StepLater.Render(" · next: " + steps[cur+1].Title())
		}
	}
	return line
}

// stepOfN is "Step N of M: Title" for step now among steps, as the
// screens number the steps.
func stepOfN(steps []wizard.Step, now wizard.Step) string {
	return fmt.Sprintf("Step %d of %d: %s", max(indexOf(steps, now), 0)+1, len(steps), now.Title())
}

// stepOfNTitle is "Title (step N of M)", the same numbering for the
// accessible runner's headings.
func stepOfNTitle(steps []wizard.Step, now wizard.Step) string {
	return fmt.Sprintf("%s (step %d of %d)", now.Title(), max(indexOf(steps, now), 0)+1, len(steps))
}

// testMark says how the connection test went, on the screens after it.
func (m *Model) testMark() string {
	s, t := m.c.styles, m.testPage()
	switch {
	case m.shown == placeTest:
		return s.StepNow.Render("● Connection test")
	case t != nil && t.passed():
		return s.StepDone.Render("✓ Connection test")
	case t != nil && t.report != nil:
		return s.StepLater.Render("✗ Connection test (failed)")
	}
	return s.StepLater.Render("– Connection test (not run)")
}

// savedMark is the last mark: the save to come, or the one shown.
func (m *Model) savedMark() string {
	s := m.c.styles
	if p := m.pages[placeSaved]; p != nil && m.shown != placeTest {
		return s.StepNow.Render("● " + p.Title())
	}
	return s.StepLater.Render("○ Saved")
}

func stepMark(s Styles, title string, i, now int) string {
	switch {
	case i < now:
		return s.StepDone.Render("✓ " + title)
	case i == now:
		return s.StepNow.Render("● " + title)
	}
	return s.StepLater.Render("○ " + title)
}
