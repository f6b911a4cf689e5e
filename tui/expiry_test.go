package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

// erase deletes n characters of the focused field.
func (d *driver) erase(n int) { d.key(tea.KeyBackspace, n) }

// The expiry of an API token used as the HTTP password: one year from
// today by default, at most one year, a date.
func TestExpiryQuestion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		typed   []string // answers in order; the last is accepted
		refused []string // what the refused answers say
		want    time.Time
	}{
		{"default", []string{""}, nil, day(2027, 11, 22)},
		{"refused until within the year", []string{"2027-11-23", "soon", "2026-01-01", "2027-05-01"}, []string{
			"api tokens expire within one year: give a date on or before 2027-11-22",
			"not a date: write it as YYYY-MM-DD, e.g. 2027-11-22",
			"2026-01-01 is not after today",
		}, day(2027, 5, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakes()
			d := atStep(t, f, cloudHTTP(), 3)
			d.enter(3)
			d.typ("ATATT3xTOKEN")
			d.enter()
			d.mustSee("API token expires", "empty: 2027-11-22 (one year from today)")
			d.mustNotSee("the saved token keeps")
			for i, answer := range tt.typed {
				d.typ(answer)
				d.enter()
				if i < len(tt.refused) {
					d.mustTitle("Credentials")
					d.mustSeeText(tt.refused[i])
					d.erase(len(answer))
				}
			}
			d.mustTitle("Review")
			sec := d.m.c.st.secretsFor(d.m.c.st.connector())
			if !sec.PasswordExpires.Equal(tt.want) {
				t.Fatalf("expires %v, want %v", sec.PasswordExpires, tt.want)
			}
		})
	}
}

// Only API tokens are asked; the expiry goes to the test and the profile.
func TestExpiryOnlyForAPITokens(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 3)
	d.key(tea.KeyDown)
	d.enter()
	d.typ("access-token-1")
	d.enter()
	d.mustTitle("Review")
	if sec := d.m.c.st.secretsFor(d.m.c.st.connector()); !sec.PasswordExpires.IsZero() {
		t.Fatalf("access token got an expiry: %v", sec.PasswordExpires)
	}
}

// A saved token that is not replaced keeps its saved expiry; once it is
// replaced, the new token gets the default.
func TestExpiryOfASavedToken(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	f.profiles.items[0].SlotExpires = map[wizard.SecretSlot]time.Time{wizard.SlotPassword: day(2027, 1, 5)}
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Mode: ModePicker})
	d.enter()
	d.mustTitle("Review")
	st := d.m.c.st
	if got := st.secretsFor(st.connector()).PasswordExpires; !got.Equal(day(2027, 1, 5)) {
		t.Fatalf("unchanged token expires %v", got)
	}
	d.typ("3")
	d.enter(2)
	d.mustSee("Username")
	d.enter(2)
	d.mustSee("the saved token keeps 2027-01-05 unless it is replaced")
	d.enter()
	d.mustTitle("Review")
	if got := st.secretsFor(st.connector()).PasswordExpires; !got.Equal(day(2027, 1, 5)) {
		t.Fatalf("unchanged token expires %v after Credentials", got)
	}
	st.secrets.Password = "a-new-token"
	if got := st.secretsFor(st.connector()).PasswordExpires; !got.Equal(day(2027, 11, 22)) {
		t.Fatalf("replaced token expires %v", got)
	}
}
