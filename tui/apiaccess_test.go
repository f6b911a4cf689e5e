package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestAPIAccessOffByDefault(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 4)
	d.mustSee("Enable API access?", "Git-based triggers, webhooks and commit status updates")
	d.typ("n")
	d.mustTitle("Review")
	if got := d.m.c.st.connector().APIAccess; got != wizard.APINone {
		t.Fatalf("api access = %s", got)
	}
	d.mustSee("API access:      Off")
}

func TestAPIAccessMethods(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 4)
	d.typ("y")
	d.mustSee("Email and API Token", "Access Token", "Username and App Password (removed)")
	d.mustNotSee("Off")
	d.key(tea.KeyDown, 2)
	d.mustSeeText("App Passwords were removed on 2026-07-28")
	d.enter()
	d.mustSeeText(`app passwords were removed on 2026-07-28; choose "Email and API Token" with an api token`)
	d.key(tea.KeyUp, 2)
	d.enter()
	d.mustSee("Email")
	d.typ("jdoe")
	d.enter()
	d.mustSee("is not an email address")
	d.typ("@example.com")
	d.enter()
	// The HTTP password is an API token: it may serve for API access too.
	d.mustSee("Use the API token you typed in Credentials?")
	d.typ("n")
	d.mustSee("Scopes the API token needs")
	d.enter()
	d.mustSee("API token")
	d.typ("apitoken123")
	d.enter()
	d.mustSee("API token expires")
	d.enter()
	d.mustTitle("Review")
	c := d.m.c.st.connector()
	if c.APIAccess != wizard.APIEmailAPIToken || c.APIEmail != "jdoe@example.com" || !c.NeedsSeparateAPIToken() {
		t.Fatalf("api access not set: %+v", c)
	}
	if d.m.c.st.secrets.APIToken != "apitoken123" {
		t.Fatal("api token not kept")
	}
}

func TestAPIAccessSameTokenOnlyWhenItFits(t *testing.T) {
	t.Parallel()
	c := cloudHTTP()
	c.PasswordKind, c.Username = wizard.AccessToken, wizard.AccessTokenUsername
	d := atStep(t, newFakes(), c, 4)
	d.typ("y")
	d.enter() // Email and API Token: an access token cannot serve.
	d.typ("jdoe@example.com")
	d.enter()
	d.mustNotSee("Use the API token you typed in Credentials?")
	d.mustSee("Scopes the API token needs")

	ssh := dcSSH("/k")
	d = atStep(t, newFakes(), ssh, 4)
	d.typ("y")
	d.mustSee("Access Token")
	d.mustNotSee("Email and API Token")
	d.enter()
	d.mustNotSee("Use the API token you typed in Credentials?")
	d.mustSee("Access token")
}

// When the HTTP password is an API token, "use the API token you typed in
// Credentials?" answers yes unless told otherwise: enter alone reuses it
// (no second token asked), and it speaks of that API token.
func TestAPIAccessSameTokenDefaultsYes(t *testing.T) {
	t.Parallel()
	c := cloudHTTP()
	c.ID = "" // not saved yet: a saved connector keeps its answer
	d := atStep(t, newFakes(), c, 4)
	d.typ("y")
	d.enter() // Email and API Token
	d.typ("jdoe@example.com")
	d.enter()
	d.mustSee("Use the API token you typed in Credentials?")
	d.mustSeeText("the token you typed in Credentials also calls the Bitbucket API")
	d.enter()
	d.mustTitle("Review")
	d.mustSee("the API token from Credentials")
	if c := d.m.c.st.connector(); !c.APITokenSameAsPassword || c.NeedsSeparateAPIToken() {
		t.Fatalf("enter did not reuse the token: %+v", c)
	}
}

// TestNoColorMarksChoiceAndPlaceholder: without colour (the tests' ASCII
// profile, as NO_COLOR gives) the chosen button is bracketed and a
// placeholder is set apart from a typed value.
func TestNoColorMarksChoiceAndPlaceholder(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 4)
	d.mustSee("  Enable   [ Leave off ]")
	d.key(tea.KeyLeft)
	d.mustSee("[ Enable ]   Leave off  ")
	d.enter()
	d.mustSee("API authentication")
	d.enter()
	d.mustSee("> (e.g. you@example.com)")
	d.typeSlow("jdoe@example.com")
	d.mustSee("> jdoe@example.com")
}
