package wizard

// fieldHelp is one short line of help per setting, keyed by flag name, in
// our own words after the Harness connector settings page.
var fieldHelp = map[string]string{
	"name":        "A unique name for this connector in Harness.",
	"id":          "The connector's identifier in Harness, made from the name. You can change it until the connector is saved; then it is fixed.",
	"description": "Optional: a line saying what this connector is for.",
	"tag":         "Optional labels for filtering: key:value or key, separated by commas.",
	"edition":     "Bitbucket Cloud is bitbucket.org; Data Center is your organisation's own Bitbucket server.",
	"url-type":    "Account: one connector for every repository of a workspace or server (it needs at least one repository to test). Repository: just one repository.",
	"connection":  "How git talks to Bitbucket: HTTP with a username and token, or SSH with a key. It decides the URL format and the credentials.",
	"url":         "The account or repository URL, in the format shown. Pasting any clone URL fills in edition, connection and URL type from it.",
	"test-repo":   "A repository of the account that the connection test uses; pipelines name their real repository later.",
	"username":    "Your Bitbucket username, as shown in your account settings. It is not your email address.",
	"password-kind": "What the password is. Cloud: an API token (recommended) or an access token. Data Center: an HTTP access token. " +
		"Account-level tokens only; repository tokens are not supported.",
	"password":                   "The token itself. It is kept in your OS keychain and never written to a file.",
	"ssh-key":                    "An RSA private key in PEM format (BEGIN RSA PRIVATE KEY). Harness does not take OpenSSH-format keys.",
	"ssh-passphrase":             "The passphrase of the key, if it has one. It is kept in your OS keychain.",
	"api-access":                 "Needed for Git-based triggers, webhooks and commit status updates, and required by Harness Git Experience.",
	"api-email":                  "The email address of your Atlassian account.",
	"api-username":               "Your Bitbucket username, as in your account settings; it may differ from the git username.",
	"api-token":                  "The account-level token for API calls. It is kept in your OS keychain.",
	"api-token-same-as-password": "Use the HTTP password as the API token too. It then needs every scope listed.",
	"scopes":                     "The scopes to tick when you create the API token in Bitbucket.",
	"token-expires":              "When the token expires, as chosen when it was made (YYYY-MM-DD): API tokens expire within one year. bbconnect warns before then.",
	"connectivity":               "Harness Platform connects directly (needed for Harness Cloud builds); a Delegate connects from inside your network.",
	"delegate-selector":          "Use only delegates that have all of these tags; leave empty to use any delegate.",
	"ca-file":                    "A PEM CA bundle, for a Data Center server whose certificate is self-signed.",
	"scope":                      "Where the connector lives in Harness: the account, an organisation or a project.",
	"org":                        "The identifier of the Harness organisation.",
	"project":                    "The identifier of the Harness project.",
}

// FieldHelp returns one short line of help for a setting named as its flag
// ("url", "test-repo", …), or "" for an unknown name.
func FieldHelp(field string) string { return fieldHelp[field] }
