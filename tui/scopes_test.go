package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
)

// TestScopesWrapUnderLabel: a scope label too long for the screen goes on
// under its first letter, inside the focus bar, at any width and after a
// resize; the cursor and the ticks stay where they were, and every scope
// shows on a screen tall enough.
func TestScopesWrapUnderLabel(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 3)
	d.enter()
	d.typ("x")
	d.key(tea.KeyDown, 4)
	for _, width := range []int{80, 60, 120, 50} {
		d.send(tea.WindowSizeMsg{Width: width, Height: 40})
		screen := d.screen()
		if !strings.Contains(screen, "delete:webhook:bitbucket") {
			t.Errorf("at %dx40 not every scope is shown:\n%s", width, screen)
		}
		checklist := false
		wrapped := 0
		for _, line := range strings.Split(screen, "\n") {
			if strings.Contains(line, "read:issue:bitbucket") {
				checklist = true
			}
			if !checklist || strings.TrimSpace(line) == "" || strings.Contains(line, " • ↑ up") {
				continue
			}
			if strings.Contains(line, "delete:webhook:bitbucket") {
				break
			}
			if w := len([]rune(line)); w > width {
				t.Errorf("at %d columns a line is %d wide: %q", width, w, line)
			}
			// "┃ > • label", "┃   • label" or "┃     continued".
			body, ok := strings.CutPrefix(line, " ┃ ")
			if !ok {
				t.Errorf("at %d columns, a checklist line outside the focus bar: %q\n%s", width, line, screen)
				continue
			}
			if !strings.Contains(body, ":") && !strings.HasPrefix(body, "    ") {
				t.Errorf("at %d columns, a wrapped label not under its first letter: %q\n%s", width, line, screen)
			}
			if strings.HasPrefix(body, "    ") {
				wrapped++
			}
		}
		if width < 100 && wrapped == 0 {
			t.Errorf("at %d columns no label wrapped:\n%s", width, screen)
		}
		if !strings.Contains(screen, "> • read:repository:bitbucket") {
			t.Errorf("at %d columns the cursor moved off read:repository:\n%s", width, screen)
		}
	}
	if got := d.m.c.st.scopesTicked; len(got) != 1 || got[0] != "read:issue:bitbucket" {
		t.Fatalf("ticked = %v", got)
	}
}

// TestFormLaidOutOnlyOnResize: keys that change neither the size nor the
// form leave its layout alone (huh renders every field to lay a form out);
// a resize lays it out once.
func TestFormLaidOutOnlyOnResize(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 3)
	d.enter()
	fs, ok := d.m.page().(*formStep)
	if !ok {
		t.Fatalf("page is %T", d.m.page())
	}
	layouts := 0
	layout := fs.spec.layout
	fs.spec.layout = func(w int, th *huh.Theme) { layouts++; layout(w, th) }
	for range 5 {
		d.key(tea.KeyDown)
		d.key(tea.KeyUp)
	}
	d.typ("x")
	if layouts != 0 {
		t.Fatalf("laid out %d times for 11 keys", layouts)
	}
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	d.key(tea.KeyDown)
	if layouts != 1 {
		t.Fatalf("laid out %d times for a resize and a key, want 1", layouts)
	}
}

// TestScopesCursorAlwaysShown: on a screen too short for every scope the
// list scrolls by lines, so the cursor's scope stays in sight going down
// and back up, its wrapped lines too.
func TestScopesCursorAlwaysShown(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 3)
	d.enter()
	d.send(tea.WindowSizeMsg{Width: 60, Height: 24})
	n := len(wizard.RequiredAPITokenScopes)
	for i := range 2 * n {
		want := wizard.RequiredAPITokenScopes[i%n]
		if i >= n {
			want = wizard.RequiredAPITokenScopes[2*n-1-i]
		}
		screen := d.screen()
		if !strings.Contains(screen, "> • "+want.Name) {
			t.Fatalf("step %d: the cursor's scope %s is not in sight:\n%s", i, want.Name, screen)
		}
		if lines := strings.Split(screen, "\n"); len(lines) > 24 {
			t.Fatalf("step %d: %d lines on a 24-line screen", i, len(lines))
		}
		last := strings.Fields(want.For)
		if !strings.Contains(screen, last[len(last)-1]) {
			t.Fatalf("step %d: the end of %s's label is not in sight:\n%s", i, want.Name, screen)
		}
		if i < n-1 {
			d.key(tea.KeyDown)
		} else if i >= n {
			d.key(tea.KeyUp)
		}
	}
}
