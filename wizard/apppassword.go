package wizard

import (
	"fmt"
	"time"
)

// The App Password timeline (PRODUCT.md). Times are UTC midnights.
var (
	// AppPasswordCreationDisabled is when Bitbucket stopped creating App Passwords.
	AppPasswordCreationDisabled = time.Date(2025, 9, 9, 0, 0, 0, 0, time.UTC)
	// AppPasswordCutoff is the date the Harness docs give: App Passwords stop working after it; brownouts began.
	AppPasswordCutoff = time.Date(2026, 6, 9, 0, 0, 0, 0, time.UTC)
	// AppPasswordRemoved is when App Passwords were removed for good.
	AppPasswordRemoved = time.Date(2026, 7, 28, 0, 0, 0, 0, time.UTC)
)

// AppPasswordPhase is where the App Password timeline stands at a given moment.
type AppPasswordPhase int

// The phases, in order.
const (
	AppPasswordsWorking  AppPasswordPhase = iota // before creation was disabled
	AppPasswordsNoNew                            // no new ones; existing still work
	AppPasswordsBrownout                         // intermittent failures
	AppPasswordsGone                             // removed
)

// AppPasswordPhaseAt returns the phase at now. Callers pass the clock in,
// so tests can stand on any date.
func AppPasswordPhaseAt(now time.Time) AppPasswordPhase {
	switch {
	case !now.Before(AppPasswordRemoved):
		return AppPasswordsGone
	case !now.Before(AppPasswordCutoff):
		return AppPasswordsBrownout
	case !now.Before(AppPasswordCreationDisabled):
		return AppPasswordsNoNew
	}
	return AppPasswordsWorking
}

// AppPasswordAllowedForNew reports whether a new connector may still use an
// App Password at now: only until the removal date.
func AppPasswordAllowedForNew(now time.Time) bool {
	return AppPasswordPhaseAt(now) < AppPasswordsGone
}

// AppPasswordStatus is a one-line, dated account of App Passwords at now,
// for the wizard, `list` and the connection test.
func AppPasswordStatus(now time.Time) string {
	switch AppPasswordPhaseAt(now) {
	case AppPasswordsWorking:
		return fmt.Sprintf("App Passwords stop working after %s (%d days left): use an API token", day(AppPasswordCutoff), daysUntil(now, AppPasswordCutoff))
	case AppPasswordsNoNew:
		return fmt.Sprintf("App Passwords can no longer be created and stop working after %s (%d days left): use an API token", day(AppPasswordCutoff), daysUntil(now, AppPasswordCutoff))
	case AppPasswordsBrownout:
		return fmt.Sprintf("App Passwords fail during brownouts since %s and are removed on %s (%d days left): migrate to an API token", day(AppPasswordCutoff), day(AppPasswordRemoved), daysUntil(now, AppPasswordRemoved))
	}
	return fmt.Sprintf("App Passwords were removed on %s and no longer work: use an API token", day(AppPasswordRemoved))
}

// DaysUntil counts whole days from now until t (negative when t has passed).
func DaysUntil(now, t time.Time) int { return daysUntil(now, t) }

func daysUntil(now, t time.Time) int {
	d := t.Sub(now)
	days := int(d / (24 * time.Hour))
	if d > 0 && d%(24*time.Hour) != 0 {
		days++
	}
	return days
}

func day(t time.Time) string { return t.Format("2006-01-02") }
