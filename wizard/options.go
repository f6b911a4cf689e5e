package wizard

import (
	"fmt"
	"time"
)

// Option is one choice of a select field, with why it is disabled or
// recommended, so every UI words it the same way.
type Option[T ~string] struct {
	Value       T
	Label       string
	Note        string // one line: what it is, or why it cannot be chosen
	Disabled    bool
	Recommended bool
}

// Recommended is the first option recommended that can be chosen, "" when
// none is.
func Recommended[T ~string](opts []Option[T]) T {
	for _, o := range opts {
		if o.Recommended && !o.Disabled {
			return o.Value
		}
	}
	return ""
}

// PasswordKindOptions lists the password kinds for the edition at now.
// App Passwords are listed but disabled once removed, with the date.
func PasswordKindOptions(e Edition, now time.Time) []Option[PasswordKind] {
	if e == DataCenter {
		return []Option[PasswordKind]{{
			Value: HTTPAccessToken, Label: HTTPAccessToken.Label(), Recommended: true,
			Note: "a personal http access token used with your username",
		}}
	}
	ap := Option[PasswordKind]{Value: AppPassword, Label: AppPassword.Label() + " (deprecated)", Note: AppPasswordStatus(now)}
	ap.Disabled = !AppPasswordAllowedForNew(now)
	if ap.Disabled {
		ap.Label = AppPassword.Label() + " (removed)"
	}
	return []Option[PasswordKind]{
		{Value: APIToken, Label: APIToken.Label() + " (recommended)", Recommended: true, Note: "an atlassian api token with scopes, used with your bitbucket username"},
		{Value: AccessToken, Label: AccessToken.Label(), Note: fmt.Sprintf("a workspace, project or repository access token; the username becomes %s", AccessTokenUsername)},
		ap,
	}
}

// EmailAPITokenDelegateVersion is the first Harness Delegate version
// whose Test Connection and repository listing work with the Email and
// API Token API access. Source: the Harness docs, "Bitbucket connector
// settings reference" (harness/developer-hub,
// docs/platform/connectors/code-repositories/ref-source-repo-provider/bitbucket-connector-settings-reference.md):
// "from Delegate 26.02.88600 / SCM Service 1.45.1, Test Connection and
// repo listing use Bitbucket's new workspace APIs" (see
// shared/reference/harness-connector.md, S1, §1.2.2).
const EmailAPITokenDelegateVersion = "26.02.88600"

// APIAccessOptions lists the API access methods for the edition at now.
func APIAccessOptions(e Edition, now time.Time) []Option[APIAccessKind] {
	opts := []Option[APIAccessKind]{{Value: APINone, Label: "Off", Note: "no git-based triggers, webhooks or status updates"}}
	if e == Cloud {
		opts = append(opts, Option[APIAccessKind]{
			Value: APIEmailAPIToken, Label: APIEmailAPIToken.Label(), Recommended: true,
			Note: "your atlassian email and an api token (harness delegate " + EmailAPITokenDelegateVersion + " or later)",
		})
	}
	note := "a workspace-level access token (repository tokens cannot list repositories)"
	if e == DataCenter {
		note = "an HTTP access token: personal, project or repository (a repository token sees only its repository)"
	}
	opts = append(opts, Option[APIAccessKind]{Value: APIAccessToken, Label: APIAccessToken.Label(), Recommended: e == DataCenter, Note: note})
	if e == Cloud {
		ap := Option[APIAccessKind]{Value: APIUsernameAppPassword, Label: APIUsernameAppPassword.Label() + " (deprecated)", Note: AppPasswordStatus(now)}
		if !AppPasswordAllowedForNew(now) {
			ap.Disabled, ap.Label = true, APIUsernameAppPassword.Label()+" (removed)"
		}
		opts = append(opts, ap)
	}
	return opts
}
