package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestOverviewIDDerivedLive(t *testing.T) {
	f := newFakes()
	d := newDriver(t, Options{Deps: f.deps(t.TempDir())})
	d.mustTitle("Overview")
	d.mustSee("● Overview", "○ Details", "○ Review", "Name", "Id", "Description", "Tags")
	d.typeSlow("Team Repo 1")
	d.mustSee("made from the name: Team_Repo_1")
	d.typeSlow("x")
	d.mustSee("made from the name: Team_Repo_1x")
}

func TestOverviewValidation(t *testing.T) {
	tests := map[string]struct {
		name string
		want string
	}{
		"empty":   {name: "", want: "name is empty"},
		"badRune": {name: "bad*name", want: `name cannot contain '*'`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d := newDriver(t, Options{Deps: newFakes().deps(t.TempDir())})
			d.typ(tt.name)
			d.enter()
			d.mustSee(tt.want)
			d.mustTitle("Overview")
		})
	}
}

func TestOverviewIDEditedAndTags(t *testing.T) {
	d := newDriver(t, Options{Deps: newFakes().deps(t.TempDir())})
	d.typ("My Conn")
	d.enter()
	d.typ("custom_id")
	d.mustSee("typed by you")
	d.enter()
	d.enter()
	d.typ("team:platform, prod")
	d.enter()
	d.mustTitle("Details")
	c := d.m.c.st.connector()
	if c.ID != "custom_id" {
		t.Errorf("id = %q, want custom_id", c.ID)
	}
	if got := wizard.FormatTags(c.Tags); got != "team:platform, prod" {
		t.Errorf("tags = %q", got)
	}
}

func TestOverviewBadTagStays(t *testing.T) {
	d := newDriver(t, Options{Deps: newFakes().deps(t.TempDir())})
	d.typ("My Conn")
	d.enter(3)
	d.typ(":nokey")
	d.enter()
	d.mustSee("has no key")
	d.mustTitle("Overview")
}

func TestOverviewLockedID(t *testing.T) {
	c := wizard.NewConnector()
	c.Name, c.ID = "Saved One", "saved_one"
	d := newDriver(t, Options{Deps: newFakes().deps(t.TempDir()), Initial: &c})
	d.mustTitle("Review")
	d.typ("1")
	d.mustTitle("Overview")
	d.mustSee("saved_one (locked: a saved connector keeps its Id)")
}

func TestEscGoesBackKeepingInput(t *testing.T) {
	d := newDriver(t, Options{Deps: newFakes().deps(t.TempDir())})
	d.typ("Keep Me")
	d.enter(4)
	d.mustTitle("Details")
	d.key(tea.KeyEsc)
	d.mustTitle("Overview")
	d.mustSee("Keep Me")
	d.enter(4)
	d.mustTitle("Details")
	// shift+tab on the first field leaves the step too.
	d.key(tea.KeyShiftTab)
	d.mustTitle("Overview")
	d.mustSee("Keep Me")
}
