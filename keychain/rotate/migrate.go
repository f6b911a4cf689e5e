package rotate

import (
	"fmt"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// NeedsMigration reports whether c relies on an App Password and should be
// migrated to an API token: the flag list and the wizard's picker show.
func NeedsMigration(c wizard.Connector) bool { return profile.UsesAppPassword(c) }

// MigrationStepKind names one step of the move off App Passwords.
type MigrationStepKind int

// The steps of a migration plan, in the order they are listed.
const (
	// MigrateStatus says where App Passwords stand (MigrationStep.Status).
	MigrateStatus MigrationStepKind = iota
	// MigrateCreateToken says where to create the API token.
	MigrateCreateToken
	// MigrateScopes lists the token's scopes (MigrationStep.Scopes).
	MigrateScopes
	// MigrateExpiry names the default expiry (MigrationStep.Expires).
	MigrateExpiry
	// MigrateHTTPPassword: the HTTP password becomes the API token and the
	// username stays (MigrationStep.Username).
	MigrateHTTPPassword
	// MigrateAPIEmail: API access moves to email and API token.
	MigrateAPIEmail
	// MigrateAPISameToken: API access uses the HTTP password's token.
	MigrateAPISameToken
	// MigrateAPIOwnToken: API access is given a token of its own.
	MigrateAPIOwnToken
	// MigrateExport: the export's API authentication type changes.
	MigrateExport
	// MigrateTestFirst: the new token is tested before anything changes.
	MigrateTestFirst
)

// MigrationStep is one step of a migration plan: what it is and the data
// it names. Front ends render it; Text is the plain sentence.
type MigrationStep struct {
	Kind MigrationStepKind
	// Status is wizard.AppPasswordStatus at the plan's time (MigrateStatus).
	Status string
	// Scopes are the API token's required scope names (MigrateScopes).
	Scopes []string
	// Expires is the default expiry of the new token (MigrateExpiry).
	Expires time.Time
	// Username is the Bitbucket username that stays (MigrateHTTPPassword).
	Username string
}

// Text is the step as one lowercase sentence.
func (s MigrationStep) Text() string {
	switch s.Kind {
	case MigrateStatus:
		return s.Status
	case MigrateCreateToken:
		return "create an api token: id.atlassian.com, security, create api token with scopes, app bitbucket"
	case MigrateScopes:
		return "give it these scopes: " + strings.Join(s.Scopes, ", ")
	case MigrateExpiry:
		return "choose when it expires: at most one year, by default " + s.Expires.Format(time.DateOnly)
	case MigrateHTTPPassword:
		return fmt.Sprintf("the http password becomes the api token; the username stays your bitbucket username (%s)", s.Username)
	case MigrateAPIEmail:
		return "api access changes from username and app password to email and api token: give the email of your atlassian account"
	case MigrateAPISameToken:
		return "api access uses the same api token as the http password"
	case MigrateAPIOwnToken:
		return "give the api token for api access"
	case MigrateExport:
		return "the export changes from UsernameToken to EmailAndApiToken"
	case MigrateTestFirst:
		return "the new token is tested live before the app password is replaced"
	}
	return ""
}

// MigrationPlan says whether c needs the App Password migration at now and,
// if so, the steps the rotation walks through, in order.
func MigrationPlan(c wizard.Connector, now time.Time) (bool, []MigrationStep) {
	if !NeedsMigration(c) {
		return false, nil
	}
	m := MigrateFromAppPassword(c, "")
	steps := []MigrationStep{
		{Kind: MigrateStatus, Status: wizard.AppPasswordStatus(now)},
		{Kind: MigrateCreateToken},
		{Kind: MigrateScopes, Scopes: wizard.RequiredScopeNames()},
		{Kind: MigrateExpiry, Expires: profile.DefaultExpiry(now)},
	}
	if c.Connection == wizard.HTTP && c.PasswordKind == wizard.AppPassword {
		steps = append(steps, MigrationStep{Kind: MigrateHTTPPassword, Username: c.Username})
	}
	if c.APIAccess == wizard.APIUsernameAppPassword {
		steps = append(steps, MigrationStep{Kind: MigrateAPIEmail})
		if m.APITokenSameAsPassword {
			steps = append(steps, MigrationStep{Kind: MigrateAPISameToken})
		} else {
			steps = append(steps, MigrationStep{Kind: MigrateAPIOwnToken})
		}
		steps = append(steps, MigrationStep{Kind: MigrateExport})
	}
	return true, append(steps, MigrationStep{Kind: MigrateTestFirst})
}

// MigrateFromAppPassword returns c moved off App Passwords: an App Password
// HTTP password becomes an API token (the username stays the Bitbucket
// username, which git accepts with API tokens), and Username and App
// Password API access becomes Email and API Token with email, using the
// same token as the HTTP password when that is now an API token. The
// caller then rotates with the new token(s); c is not changed.
func MigrateFromAppPassword(c wizard.Connector, email string) wizard.Connector {
	if c.Connection == wizard.HTTP && c.PasswordKind == wizard.AppPassword {
		c.PasswordKind = wizard.APIToken
	}
	if c.APIAccess == wizard.APIUsernameAppPassword {
		c.APIAccess = wizard.APIEmailAPIToken
		c.APIEmail = strings.TrimSpace(email)
		c.APIUsername = ""
		c.APITokenSameAsPassword = c.Connection == wizard.HTTP && c.PasswordKind == wizard.APIToken
	}
	return c
}
