package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/keychain/rotate"
	"github.com/bbconnect/bbconnect/wizard"
)

// Rotator replaces the tokens of a saved connector without ever leaving it
// without a working one, and moves connectors off App Passwords. The CLI
// wires keychain/rotate here: the new tokens are staged beside the old
// ones, read back, tested live with the connector's settings, and only
// then put in place, under a journal that the next run finishes or rolls
// back.
type Rotator interface {
	// Rotate tests the new tokens and puts them in place, or changes
	// nothing. The error never holds a secret.
	Rotate(ctx context.Context, r Rotation) (RotationResult, error)
}

// Rotation is one rotation the wizard asks for.
type Rotation struct {
	// Connector is the saved connector with its settings after the
	// rotation (moved off App Passwords when it was migrated). Its Id is
	// the saved one.
	Connector wizard.Connector
	// Secrets holds the new value of every token being replaced (empty
	// values are not rotated) and the expiry dates of the new tokens.
	Secrets Secrets
	// HostKey is the SHA256 fingerprint of an SSH host key the user
	// trusted on the test screen, for the rotation's test ("" for none).
	HostKey string
}

// RotationResult says what a rotation did.
type RotationResult struct {
	// Summary is one sentence for the user.
	Summary string
	// Recovered is the sentence of an earlier, interrupted rotation that
	// was finished or rolled back first ("" when there was none).
	Recovered string
	// Keychain describes the keychain items that now hold the new tokens.
	Keychain []string
	// ProfilePath is the profile the rotation updated.
	ProfilePath string
	// Tested is true when the new tokens passed the live test.
	Tested bool
	// InHarness is set when the rotation also put the new token in
	// Harness (a pushed connector) and Harness's test passed: nothing is
	// left to do there.
	InHarness bool
}

// rotationState is what a rotation adds to the state: the App Password
// migration's plan and whether the Atlassian email must be asked.
type rotationState struct {
	// plan lists the migration's steps; empty when not migrating.
	plan []rotate.MigrationStep
	// askEmail is set when API access moved to Email and API Token.
	askEmail bool
}

// newRotationState is the state of a rotation of c: moved off App
// Passwords when it needs to be (the plan kept for the Credentials step,
// the email asked by API access), with what p knows about the saved
// tokens. No old secret is loaded: the rotation asks for new ones.
func newRotationState(c wizard.Connector, p *Profile, d *Deps) *state {
	need, plan := rotate.MigrationPlan(c, d.now())
	askEmail := false
	if need {
		migrated := rotate.MigrateFromAppPassword(c, "")
		askEmail = migrated.APIAccess == wizard.APIEmailAPIToken && c.APIAccess != wizard.APIEmailAPIToken
		c = migrated
	}
	st := newState(&c, d)
	st.rot = rotationState{plan: plan, askEmail: askEmail}
	st.useProfile(p)
	return st
}

// rotationSteps are the steps a rotation asks: Credentials, then API
// access when it has a token of its own or needs the Atlassian email.
func rotationSteps(st *state) []wizard.Step {
	steps := []wizard.Step{wizard.StepCredentials}
	if st.connector().NeedsSeparateAPIToken() || st.rot.askEmail {
		steps = append(steps, wizard.StepAPIAccess)
	}
	return steps
}

// migrationPage is the first page of Credentials in a rotation that moves
// off App Passwords: the plan, step by step. It is hidden otherwise.
func migrationPage(st *state) formGroup {
	note := huh.NewNote().Title(migrationText(st.rot.plan))
	return page(func() bool { return len(st.rot.plan) == 0 }, note)
}

// migrationText numbers the plan's steps. Note titles are shown as
// written, so usernames with _ or * stay as they are.
func migrationText(plan []rotate.MigrationStep) string {
	var b strings.Builder
	b.WriteString("Move off App Passwords\n")
	for i, s := range plan {
		text := s.Text()
		// The scopes have a checklist page of their own: name how many.
		if s.Kind == rotate.MigrateScopes {
			text = fmt.Sprintf("give it the %d scopes of the checklist that follows", len(s.Scopes))
		}
		fmt.Fprintf(&b, "\n%d. %s", i+1, text)
	}
	b.WriteString("\n\nenter goes on; the next pages ask for each of these.")
	return b.String()
}
