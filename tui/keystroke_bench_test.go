package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

// BenchmarkKeystroke measures one keystroke's Update plus the View that
// follows it at 120x40, on the screens that do the most per key: Details
// (the URL is normalised and explained as you type), the scopes checklist
// and Review (the masked settings and the Harness YAML). Two keys that undo
// each other alternate, so every iteration sees the same screen.
func BenchmarkKeystroke(b *testing.B) {
	cases := []struct {
		name  string
		step  int
		enter int // Enters after opening the step, to reach the field
		keys  [2]tea.KeyMsg
	}{
		{"details-url", 2, 3, [2]tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("x")}, {Type: tea.KeyBackspace}}},
		{"scopes", 3, 1, [2]tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyUp}}},
		{"review", 0, 0, [2]tea.KeyMsg{{Type: tea.KeyPgDown}, {Type: tea.KeyPgUp}}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			c := cloudHTTP()
			d := newDriver(b, Options{Deps: newFakes().deps(b.TempDir()), Initial: &c, Width: 120, Height: 40})
			if tc.step > 0 {
				d.typ(fmt.Sprint(tc.step))
				if got, want := d.title(), wizard.SettingSteps[tc.step-1].Title(); !strings.HasSuffix(got, want) {
					b.Fatalf("at %q, want %q", got, want)
				}
				d.enter(tc.enter)
			}
			i := 0
			for b.Loop() {
				_, _ = d.m.Update(tc.keys[i%2])
				_ = d.m.View()
				i++
			}
		})
	}
}
