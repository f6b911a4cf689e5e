package wizard

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// tokenExpiryGrace lets an expiry date typed as a calendar day one year
// ahead pass even when "now" is later in the day or in another time zone.
const tokenExpiryGrace = 24 * time.Hour

// TokenExpiryRequired reports whether a token of kind must have an expiry
// date: Atlassian API tokens always expire, within one year. kind is a
// PasswordKind value; other kinds (access tokens, App Passwords, SSH key
// passphrases) may have none.
func TokenExpiryRequired(kind PasswordKind) bool { return kind == APIToken }

// DefaultTokenExpiry is the expiry offered for a new API token: one year
// from now.
func DefaultTokenExpiry(now time.Time) time.Time { return now.AddDate(1, 0, 0) }

// ValidateTokenExpiry checks the expiry of a token of kind created at
// created: never before it was created, and for API tokens present and at
// most one year after creation (a calendar day a year ahead passes). A zero
// expires is fine for kinds that need none.
func ValidateTokenExpiry(kind PasswordKind, created, expires time.Time) error {
	limit := DefaultTokenExpiry(created)
	if expires.IsZero() {
		if TokenExpiryRequired(kind) {
			return fmt.Errorf("api tokens expire within one year: give the expiry date chosen when the token was made (default %s)",
				limit.Format(time.DateOnly))
		}
		return nil
	}
	if !expires.After(created) {
		return fmt.Errorf("expiry %s is not after %s: give the date the token expires",
			expires.Format(time.DateOnly), created.Format(time.DateOnly))
	}
	if TokenExpiryRequired(kind) && expires.After(limit.Add(tokenExpiryGrace)) {
		return fmt.Errorf("api tokens expire within one year: %s is later than %s; give the expiry chosen when the token was made",
			expires.Format(time.DateOnly), limit.Format(time.DateOnly))
	}
	return nil
}

// errNotADate is ParseTokenExpiry's answer to text that is not a date. It
// never repeats the text: a token pasted into the wrong field must not be
// shown back.
var errNotADate = errors.New("not a date: write it as YYYY-MM-DD")

// ParseTokenExpiry reads the expiry date of a new token of kind, typed as
// YYYY-MM-DD, at now. Empty text is the default: DefaultTokenExpiry's day
// for API tokens, no expiry (zero) for other kinds. The date must be after
// today, and for API tokens at most one year from today. The result is
// midnight of that day in now's time zone, which ValidateTokenExpiry
// accepts for a token created at now.
func ParseTokenExpiry(raw string, kind PasswordKind, now time.Time) (time.Time, error) {
	loc := now.Location()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	limit := today.AddDate(1, 0, 0)
	raw = strings.TrimSpace(raw)
	if raw == "" {
		if TokenExpiryRequired(kind) {
			return limit, nil
		}
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, raw, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w, e.g. %s", errNotADate, limit.Format(time.DateOnly))
	}
	switch {
	case !t.After(today):
		return time.Time{}, fmt.Errorf("%s is not after today: give the date the token expires", t.Format(time.DateOnly))
	case TokenExpiryRequired(kind) && t.After(limit):
		return time.Time{}, fmt.Errorf("api tokens expire within one year: give a date on or before %s", limit.Format(time.DateOnly))
	}
	return t, nil
}

// FormatTokenExpiry renders an expiry as ParseTokenExpiry reads it
// (YYYY-MM-DD, in t's time zone), or "" for none.
func FormatTokenExpiry(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
