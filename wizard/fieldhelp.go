package wizard

// Field names one setting as its command-line flag, without dashes
// ("url", "test-repo", …). Problems, field help, the step a field belongs
// to, the flags and the wizard's form fields (their huh key) all use these
// constants, so a name is written once.
type Field string

// The settings, in the order of the Harness settings page.
const (
	FieldName        Field = "name"
	FieldID          Field = "id"
	FieldDescription Field = "description"
	FieldTag         Field = "tag"

	FieldEdition    Field = "edition"
	FieldURLType    Field = "url-type"
	FieldConnection Field = "connection"
	FieldURL        Field = "url"
	FieldTestRepo   Field = "test-repo"

	FieldUsername      Field = "username"
	FieldPasswordKind  Field = "password-kind"
	FieldPassword      Field = "password"
	FieldSSHKey        Field = "ssh-key"
	FieldSSHPassphrase Field = "ssh-passphrase"
	FieldTokenExpires  Field = "token-expires"

	FieldAPIAccess              Field = "api-access"
	FieldAPIEmail               Field = "api-email"
	FieldAPIUsername            Field = "api-username"
	FieldAPIToken               Field = "api-token"
	FieldAPITokenSameAsPassword Field = "api-token-same-as-password"
	FieldScopes                 Field = "scopes"

	FieldConnectivity     Field = "connectivity"
	FieldDelegateSelector Field = "delegate-selector"
	FieldCAFile           Field = "ca-file"
	FieldScope            Field = "scope"
	FieldOrg              Field = "org"
	FieldProject          Field = "project"
)

// fieldHelp is one short line of help per setting, in our own words after
// the Harness connector settings page.
var fieldHelp = map[Field]string{
	FieldName:        "A unique name for this connector in Harness.",
	FieldID:          "The connector's identifier in Harness, made from the name. You can change it until the connector is saved; then it is fixed.",
	FieldDescription: "Optional: a line saying what this connector is for.",
	FieldTag:         "Optional labels for filtering: key:value or key, separated by commas.",
	FieldEdition:     "Bitbucket Cloud is bitbucket.org; Data Center is your organisation's own Bitbucket server.",
	FieldURLType:     "Account: one connector for every repository of a workspace or server (it needs at least one repository to test). Repository: just one repository.",
	FieldConnection:  "How git talks to Bitbucket: HTTP with a username and token, or SSH with a key. It decides the URL format and the credentials.",
	FieldURL:         "The account or repository URL, in the format shown. Pasting any clone URL fills in edition, connection and URL type from it.",
	FieldTestRepo:    "A repository of the account that the connection test uses; pipelines name their real repository later.",
	FieldUsername:    "Your Bitbucket username, as shown in your account settings. It is not your email address.",
	FieldPasswordKind: "What the password is. Cloud: an API token (recommended) or an access token. Data Center: an HTTP access token. " +
		"Account-level tokens only; repository tokens are not supported.",
	FieldPassword:               "The token itself. It is kept in your OS keychain and never written to a file.",
	FieldSSHKey:                 "An RSA private key in PEM format (BEGIN RSA PRIVATE KEY). Harness does not take OpenSSH-format keys.",
	FieldSSHPassphrase:          "The passphrase of the key, if it has one. It is kept in your OS keychain.",
	FieldAPIAccess:              "Needed for Git-based triggers, webhooks and commit status updates, and required by Harness Git Experience.",
	FieldAPIEmail:               "The email address of your Atlassian account.",
	FieldAPIUsername:            "Your Bitbucket username, as in your account settings; it may differ from the git username.",
	FieldAPIToken:               "The account-level token for API calls. It is kept in your OS keychain.",
	FieldAPITokenSameAsPassword: "Yes: the token you typed in Credentials also calls the Bitbucket API, so it needs every scope listed. No: API access gets a token of its own.",
	FieldScopes:                 "The scopes to tick when you create the API token in Bitbucket.",
	FieldTokenExpires:           "When the token expires, as chosen when it was made (YYYY-MM-DD): API tokens expire within one year. bbconnect warns before then.",
	FieldConnectivity:           "Harness Platform connects directly (needed for Harness Cloud builds); a Delegate connects from inside your network.",
	FieldDelegateSelector:       "Tags a delegate must have, separated by commas: only delegates with all of them are used. Leave it empty for any delegate.",
	FieldCAFile:                 "A PEM CA bundle, for a Data Center server whose certificate is self-signed.",
	FieldScope:                  "Where the connector lives in Harness: the account, an organisation or a project.",
	FieldOrg:                    "The identifier of the Harness organisation.",
	FieldProject:                "The identifier of the Harness project.",
}

// FieldHelp returns one short line of help for a setting, or "" for an
// unknown one.
func FieldHelp(field Field) string { return fieldHelp[field] }
