package wizard

import (
	"fmt"
	"time"
)

// Step is one settings step of the wizard, mirroring the Harness settings
// page, or Review. The screens around them (picker, test, saved…) are the
// front end's places, not steps.
type Step int

// The steps in order. The first five hold settings; Review shows them all.
const (
	StepOverview Step = iota
	StepDetails
	StepCredentials
	StepAPIAccess
	StepConnectivity
	StepReview
)

// SettingSteps are the steps that hold settings.
var SettingSteps = []Step{StepOverview, StepDetails, StepCredentials, StepAPIAccess, StepConnectivity}

// Title is the step's name as the step indicator shows it.
func (s Step) Title() string {
	switch s {
	case StepOverview:
		return "Overview"
	case StepDetails:
		return "Details"
	case StepCredentials:
		return "Credentials"
	case StepAPIAccess:
		return "API access"
	case StepConnectivity:
		return "Connectivity"
	case StepReview:
		return "Review"
	}
	return fmt.Sprintf("step %d", int(s))
}

// StepOf returns the step a field belongs to (StepReview for one that is
// no setting).
func StepOf(field Field) Step {
	switch field {
	case FieldName, FieldID, FieldDescription, FieldTag:
		return StepOverview
	case FieldEdition, FieldURLType, FieldConnection, FieldURL, FieldTestRepo:
		return StepDetails
	case FieldUsername, FieldPasswordKind, FieldSSHKey, FieldSSHPassphrase, FieldPassword, FieldTokenExpires:
		return StepCredentials
	case FieldAPIAccess, FieldAPIEmail, FieldAPIUsername, FieldAPITokenSameAsPassword, FieldAPIToken, FieldScopes:
		return StepAPIAccess
	case FieldConnectivity, FieldDelegateSelector, FieldCAFile, FieldScope, FieldOrg, FieldProject:
		return StepConnectivity
	}
	return StepReview
}

// ValidateStep checks the settings of one step at now.
// Every text setting is also checked for control characters (textProblems).
func (c Connector) ValidateStep(s Step, now time.Time) Problems {
	return append(c.validateStep(s, now), textProblems(c, s)...)
}

func (c Connector) validateStep(s Step, now time.Time) Problems {
	switch s {
	case StepOverview:
		return validateOverview(c)
	case StepDetails:
		return validateDetails(c, now)
	case StepCredentials:
		return validateCredentials(c, now)
	case StepAPIAccess:
		return validateAPIAccess(c, now)
	case StepConnectivity:
		return append(validateConnectivity(c), validateScope(c)...)
	}
	return nil
}

// Validate checks every setting at now and returns all problems, in step order.
func (c Connector) Validate(now time.Time) Problems {
	var ps Problems
	for _, s := range SettingSteps {
		ps = append(ps, c.ValidateStep(s, now)...)
	}
	return ps
}

// Warnings are things that are allowed but worth saying: App Passwords
// still inside their brownout window, an email-shaped Data Center username,
// API access left off (no triggers, webhooks or status updates).
func (c Connector) Warnings(now time.Time) []string {
	var ws []string
	if c.Connection == HTTP && c.PasswordKind == AppPassword || c.APIAccess == APIUsernameAppPassword {
		ws = append(ws, AppPasswordStatus(now))
	}
	if c.Edition == DataCenter && c.Connection == HTTP && LooksLikeEmail(c.Username) {
		ws = append(ws, "username looks like an email; data center usually wants the user slug (check your profile)")
	}
	if c.APIAccess == APINone || c.APIAccess == "" {
		ws = append(ws, "api access is off: git-based triggers, webhooks and status updates will not work")
	}
	if c.APIAccess == APIEmailAPIToken {
		ws = append(ws, "email and api token needs harness delegate "+EmailAPITokenDelegateVersion+" or later")
	}
	return ws
}

// WithDefaults returns c with the Id derived from the Name when it is empty
// and the access-token username filled in.
func (c Connector) WithDefaults() Connector {
	if c.ID == "" {
		c.ID = DeriveID(c.Name)
	}
	if c.Edition == Cloud && c.Connection == HTTP && c.PasswordKind == AccessToken {
		c.Username = AccessTokenUsername
	}
	if c.Connection == SSH {
		c.Username, c.PasswordKind = "", ""
	}
	if c.APIAccess == "" {
		c.APIAccess = APINone
	}
	if c.Connectivity == "" {
		c.Connectivity = ViaPlatform
	}
	if c.Scope == "" {
		c.Scope = ScopeAccount
	}
	return c
}
