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

// MigrationPlan says whether c needs the App Password migration at now and,
// if so, the steps the rotation walks through, one sentence each, in order.
func MigrationPlan(c wizard.Connector, now time.Time) (bool, []string) {
	if !NeedsMigration(c) {
		return false, nil
	}
	httpAP := c.Connection == wizard.HTTP && c.PasswordKind == wizard.AppPassword
	apiAP := c.APIAccess == wizard.APIUsernameAppPassword
	m := MigrateFromAppPassword(c, "")
	steps := []string{
		wizard.AppPasswordStatus(now),
		"create an api token: id.atlassian.com, security, create api token with scopes, app bitbucket",
		"give it these scopes: " + strings.Join(wizard.RequiredScopeNames(), ", "),
		fmt.Sprintf("choose when it expires: at most one year, by default %s", profile.DefaultExpiry(now).Format(time.DateOnly)),
	}
	if httpAP {
		steps = append(steps, fmt.Sprintf("the http password becomes the api token; the username stays your bitbucket username (%s)", c.Username))
	}
	if apiAP {
		steps = append(steps, "api access changes from username and app password to email and api token: give the email of your atlassian account")
		if m.APITokenSameAsPassword {
			steps = append(steps, "api access uses the same api token as the http password")
		} else {
			steps = append(steps, "give the api token for api access")
		}
		steps = append(steps, "the export changes from UsernameToken to EmailAndApiToken")
	}
	return true, append(steps, "the new token is tested live before the app password is replaced")
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
