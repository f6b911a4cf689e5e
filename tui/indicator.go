package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/bbconnect/bbconnect/wizard"
)

// wizardSteps are the steps the indicator names.
var wizardSteps = append(append([]wizard.Step{}, wizard.SettingSteps...), wizard.StepReview)

// indicator shows where the user is and what is left: "✓ Overview  ●
// Details  ○ Credentials …", or a short form when the terminal is narrow.
func (m *Model) indicator() string {
	s := m.c.styles
	switch m.screen {
	case screenPicker:
		return s.Faint.Render("choose a connector, or make a new one")
	case screenTest, screenSaved:
		now := wizard.StepTest
		if m.screen == screenSaved {
			now = wizard.StepSaved
		}
		parts := []string{s.StepDone.Render("✓ Settings reviewed")}
		for _, st := range []wizard.Step{wizard.StepTest, wizard.StepSaved} {
			parts = append(parts, stepMark(s, st, now))
		}
		return strings.Join(parts, "  ")
	case screenStep:
	}
	parts := make([]string, len(wizardSteps))
	for i, st := range wizardSteps {
		parts[i] = stepMark(s, st, m.step)
	}
	line := strings.Join(parts, "  ")
	if w := m.c.width - 2; w > 0 && lipgloss.Width(line) > w {
		idx := int(m.step)
		line = s.StepNow.Render(fmt.Sprintf("Step %d of %d: %s", idx+1, len(wizardSteps), m.step.Title()))
		if idx+1 < len(wizardSteps) {
			line += s.StepLater.Render(" · next: " + wizardSteps[idx+1].Title())
		}
	}
	return line
}

func stepMark(s Styles, st, now wizard.Step) string {
	switch {
	case st < now:
		return s.StepDone.Render("✓ " + st.Title())
	case st == now:
		return s.StepNow.Render("● " + st.Title())
	}
	return s.StepLater.Render("○ " + st.Title())
}
