package wizard

// RequiredScope is one API-token scope the Harness settings page requires,
// with what it is needed for.
type RequiredScope struct {
	Name string
	For  string
}

// RequiredAPITokenScopes lists the scopes the Harness settings page requires
// for a Bitbucket Cloud API token, in the page's order.
var RequiredAPITokenScopes = []RequiredScope{
	{"read:issue:bitbucket", "reading issues"},
	{"read:me", "reading your Atlassian profile"},
	{"read:project:bitbucket", "reading projects"},
	{"read:pullrequest:bitbucket", "reading pull requests"},
	{"read:repository:bitbucket", "git clone and fetch, reading repositories and branches"},
	{"read:user:bitbucket", "checking who the token belongs to (/2.0/user)"},
	{"read:webhook:bitbucket", "reading webhooks for Git-based triggers"},
	{"read:workspace:bitbucket", "listing the workspace's repositories (test connection)"},
	{"write:webhook:bitbucket", "creating webhooks for Git-based triggers"},
	{"write:issue:bitbucket", "updating issues"},
	{"write:repository:bitbucket", "git push and commit status updates"},
	{"write:pullrequest:bitbucket", "commenting on and updating pull requests"},
	{"delete:issue:bitbucket", "deleting issues"},
	{"delete:webhook:bitbucket", "removing webhooks Harness created"},
}

// RequiredScopeNames returns just the names of RequiredAPITokenScopes.
func RequiredScopeNames() []string {
	names := make([]string, len(RequiredAPITokenScopes))
	for i, s := range RequiredAPITokenScopes {
		names[i] = s.Name
	}
	return names
}

// MissingScopes returns the required scopes not in granted, in the
// required order.
func MissingScopes(granted []string) []RequiredScope {
	have := make(map[string]bool, len(granted))
	for _, g := range granted {
		have[g] = true
	}
	var missing []RequiredScope
	for _, s := range RequiredAPITokenScopes {
		if !have[s.Name] {
			missing = append(missing, s)
		}
	}
	return missing
}

// APITokenPlace is where Atlassian has API tokens made now (the one place
// every message names): the account's security settings, with scopes.
const APITokenPlace = "id.atlassian.com > Security > Create API token with scopes, app Bitbucket"
