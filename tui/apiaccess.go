package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
)

// newAPIAccessForm builds the API access step: on or off with what it is
// for; the method (App Password listed, disabled with reason and date once
// removed); the email or username it needs; "use the same token as above"
// when the HTTP password can serve; the scopes; the token.
func newAPIAccessForm(st *state) *stepForm {
	now := st.now()
	on := about(huh.NewConfirm(), wizard.FieldAPIAccess).
		Title("Enable API access?").
		Affirmative("Enable").
		Negative("Leave off").
		Value(&st.apiOn)

	opts := huhOptions(wizard.APIAccessOptions(st.c.Edition, now), wizard.APINone)
	if !slices.ContainsFunc(opts, func(o huh.Option[wizard.APIAccessKind]) bool { return o.Value == st.apiMethod }) {
		st.apiMethod = wizard.Recommended(wizard.APIAccessOptions(st.c.Edition, now))
	}
	method := huh.NewSelect[wizard.APIAccessKind]().
		Key(string(wizard.FieldAPIAccess)).
		Title("API authentication").
		Options(opts...).
		Value(&st.apiMethod).
		Validate(lenient(st, func(k wizard.APIAccessKind) error { return apiProblem(st, k, wizard.FieldAPIAccess) }))

	email := about(huh.NewInput(), wizard.FieldAPIEmail).
		Title("Email").
		Placeholder(placeholder("e.g. you@example.com")).
		Value(&st.c.APIEmail).
		Validate(keep(st, &st.c.APIEmail, wizard.ValidateEmail))
	user := about(huh.NewInput(), wizard.FieldAPIUsername).
		Title("Username").
		Value(&st.c.APIUsername).
		Validate(keep(st, &st.c.APIUsername, func(u string) error { return wizard.ValidateUsername(wizard.Cloud, wizard.AppPassword, u) }))
	defaultSameToken(st)
	same := about(huh.NewConfirm(), wizard.FieldAPITokenSameAsPassword).
		Title(sameTokenTitle(st.c.PasswordKind)).
		Value(&st.c.APITokenSameAsPassword)
	scopes, scopesLayout := scopesField(st, "Scopes the API token needs")
	spec := &stepForm{layout: scopesLayout}
	secret := tokenSecret(&st.secrets.APIToken, func() string { return apiTokenTitle(st.apiMethod) })
	token := spec.addSecret(st, wizard.FieldAPIToken, secret)

	expiryPage, expiry := apiTokenExpiryPage(st)
	off := func() bool { return !st.apiOn }
	spec.groups = []formGroup{
		page(nil, on),
		page(off, method),
		page(func() bool { return off() || st.apiMethod != wizard.APIEmailAPIToken }, email),
		page(func() bool { return off() || st.apiMethod != wizard.APIUsernameAppPassword }, user),
		page(func() bool { return off() || !canReuse(st) }, same),
		page(func() bool { return off() || st.apiMethod != wizard.APIEmailAPIToken || reusing(st) }, scopes),
		page(func() bool { return off() || reusing(st) }, token),
		expiryPage,
	}
	spec.notes = map[huh.Field]func() string{
		method: optionNotes(wizard.APIAccessOptions(st.c.Edition, now)),
		expiry: func() string { return expiryHelp(st, wizard.SlotAPIToken) },
	}
	spec.refresh = func() {
		method.Description(optionHelp(wizard.APIAccessOptions(st.c.Edition, st.now()), st.apiMethod, wizard.FieldAPIAccess))
		token.Title(secret.title())
	}
	spec.finish = func() wizard.Problems {
		if !canReuse(st) {
			st.c.APITokenSameAsPassword = false
		}
		return nil
	}
	return spec
}

// apiProblem asks wizard whether the API access settings with method k
// have a problem in field.
func apiProblem(st *state, k wizard.APIAccessKind, field wizard.Field) error {
	c := st.connector()
	c.APIAccess = k
	if p, ok := c.ValidateStep(wizard.StepAPIAccess, st.now()).Field(field); ok {
		return problemsErr(wizard.Problems{p})
	}
	return nil
}

// canReuse asks wizard whether the HTTP password may serve as the API token.
func canReuse(st *state) bool {
	if st.c.Connection != wizard.HTTP || !st.apiOn {
		return false
	}
	c := st.connector()
	c.APITokenSameAsPassword = true
	_, bad := c.ValidateStep(wizard.StepAPIAccess, st.now()).Field(wizard.FieldAPITokenSameAsPassword)
	return !bad
}

// defaultSameToken answers "use the token you typed in Credentials?" yes
// the first time it is asked, when that token can call the API for the
// same account (an API token with Email and API Token, an access token
// with Access Token); a saved connector keeps its answer.
func defaultSameToken(st *state) {
	if st.sameAsked || st.stored || st.idLocked {
		return
	}
	st.sameAsked = true
	on, method := st.apiOn, st.apiMethod
	st.apiOn = true
	c := st.connector()
	c.APITokenSameAsPassword = true
	_, bad := c.ValidateStep(wizard.StepAPIAccess, st.now()).Field(wizard.FieldAPITokenSameAsPassword)
	st.apiOn, st.apiMethod = on, method
	st.c.APITokenSameAsPassword = st.c.Connection == wizard.HTTP && !bad
}

// sameTokenTitle asks about the token typed in Credentials, by its kind.
func sameTokenTitle(k wizard.PasswordKind) string {
	return "Use the " + tokenName(k) + " you typed in Credentials?"
}

// tokenName is a password kind's name within a sentence: "API token",
// "access token", "HTTP access token".
func tokenName(k wizard.PasswordKind) string {
	name := k.Label()
	if len(name) > 1 && name[1] >= 'a' && name[1] <= 'z' {
		name = strings.ToLower(name[:1]) + name[1:]
	}
	return name
}

func reusing(st *state) bool { return canReuse(st) && st.c.APITokenSameAsPassword }

func apiTokenTitle(k wizard.APIAccessKind) string {
	switch k {
	case wizard.APIEmailAPIToken:
		return "API token"
	case wizard.APIUsernameAppPassword:
		return "App Password"
	case wizard.APIAccessToken, wizard.APINone:
	}
	return "Access token"
}
