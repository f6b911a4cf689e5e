package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
)

// tokenExpiry is the expiry question of one token.
type tokenExpiry struct {
	// text is what was typed; "" is the default (one year from today for
	// a new token, the saved date for a token that was not replaced).
	text string
	// stored is the saved token's expiry (zero when unknown).
	stored time.Time
}

// tokenExpiries are the expiry questions of the two tokens a connector can
// have.
type tokenExpiries struct {
	password, apiToken tokenExpiry
}

func (st *state) expiryOf(slot wizard.SecretSlot) *tokenExpiry {
	if slot == wizard.SlotAPIToken {
		return &st.exp.apiToken
	}
	return &st.exp.password
}

// useProfile takes what p knows about the saved tokens (nil: nothing).
func (st *state) useProfile(p *Profile) {
	if p == nil {
		return
	}
	st.exp.password.stored = p.SlotExpires[wizard.SlotPassword]
	st.exp.apiToken.stored = p.SlotExpires[wizard.SlotAPIToken]
}

// asksExpiry reports whether the wizard asks the expiry of c's token in
// slot: Atlassian API tokens expire within one year, always.
func asksExpiry(c wizard.Connector, slot wizard.SecretSlot) bool {
	switch slot {
	case wizard.SlotPassword:
		return c.Connection == wizard.HTTP && wizard.TokenExpiryRequired(c.PasswordKind)
	case wizard.SlotAPIToken:
		return c.NeedsSeparateAPIToken() && c.APIAccess == wizard.APIEmailAPIToken
	case wizard.SlotSSHKey:
	}
	return false
}

// tokenUnchanged reports whether the secret in slot is the one loaded
// from the keychain (an edit that did not replace it).
func (st *state) tokenUnchanged(slot wizard.SecretSlot) bool {
	v := st.loaded.Value(slot)
	return v != "" && st.secrets.Value(slot) == v
}

// tokenExpiry is when c's token in slot expires, as far as is known: the
// date typed, else one year from today for a new API token, else the saved
// date of a token that was not replaced; zero when unknown.
func (st *state) tokenExpiry(c wizard.Connector, slot wizard.SecretSlot) time.Time {
	e := st.expiryOf(slot)
	unchanged := st.tokenUnchanged(slot)
	if !asksExpiry(c, slot) {
		if unchanged {
			return e.stored
		}
		return time.Time{}
	}
	now := st.now()
	if strings.TrimSpace(e.text) != "" {
		if t, err := wizard.ParseTokenExpiry(e.text, wizard.APIToken, now); err == nil {
			return t
		}
	}
	if unchanged {
		return e.stored
	}
	t, _ := wizard.ParseTokenExpiry("", wizard.APIToken, now)
	return t
}

// expiryField asks when the API token in slot expires: YYYY-MM-DD, at most
// one year from today; empty is one year from today (or, for a saved token
// that is not replaced, its saved date).
func expiryField(st *state, slot wizard.SecretSlot, title string) *huh.Input {
	e := st.expiryOf(slot)
	return huh.NewInput().
		Key(string(wizard.FieldTokenExpires)).
		Title(title).
		Description(expiryHelp(st, slot)).
		Placeholder(placeholder(defaultExpiry(st))).
		Value(&e.text).
		Validate(keep(st, &e.text, func(s string) error { return checkExpiry(st, s) }))
}

// defaultExpiry is the expiry an empty answer means: one year from today.
func defaultExpiry(st *state) string {
	def, _ := wizard.ParseTokenExpiry("", wizard.APIToken, st.now())
	return wizard.FormatTokenExpiry(def)
}

// expiryHelp says what to type and what an empty answer means, in both
// front ends (the screens show it under the field, the accessible runner
// before asking).
func expiryHelp(st *state, slot wizard.SecretSlot) string {
	desc := "YYYY-MM-DD, as set when the token was made: at most one year ahead.\n" +
		"empty: " + defaultExpiry(st) + " (one year from today)"
	if e := st.expiryOf(slot); !e.stored.IsZero() {
		desc += "\nthe saved token keeps " + wizard.FormatTokenExpiry(e.stored) + " unless it is replaced"
	}
	return desc
}

// checkExpiry refuses an expiry date wizard does not accept for a new API
// token; empty is the default.
func checkExpiry(st *state, s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	_, err := wizard.ParseTokenExpiry(s, wizard.APIToken, st.now())
	return err
}

// passwordExpiryPage asks the expiry of an API token used as the HTTP
// password; hidden for every other kind.
func passwordExpiryPage(st *state) (formGroup, huh.Field) {
	f := expiryField(st, wizard.SlotPassword, "API token expires")
	return page(func() bool { return !asksExpiry(st.c, wizard.SlotPassword) }, f), f
}

// apiTokenExpiryPage asks the expiry of API access's own API token; hidden
// when API access is off, uses another method or reuses the password.
func apiTokenExpiryPage(st *state) (formGroup, huh.Field) {
	f := expiryField(st, wizard.SlotAPIToken, "API token expires")
	return page(func() bool { return !st.apiOn || st.apiMethod != wizard.APIEmailAPIToken || reusing(st) }, f), f
}
