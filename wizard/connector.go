package wizard

// Connector holds every setting of the Harness Bitbucket connector, step by
// step as the Harness settings page lists them. It never holds a secret
// value: passwords and tokens live in the OS keychain and are referred to by
// kind only.
type Connector struct {
	// Overview
	Name        string `json:"name" yaml:"name"`
	ID          string `json:"id" yaml:"id"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	Tags        []Tag  `json:"tags,omitempty" yaml:"tags,omitempty"`

	// Details
	Edition    Edition    `json:"edition" yaml:"edition"`
	URLType    URLType    `json:"url_type" yaml:"url_type"`
	Connection Connection `json:"connection" yaml:"connection"`
	URL        string     `json:"url" yaml:"url"`
	TestRepo   string     `json:"test_repo,omitempty" yaml:"test_repo,omitempty"`

	// Credentials
	Username     string       `json:"username,omitempty" yaml:"username,omitempty"`
	PasswordKind PasswordKind `json:"password_kind,omitempty" yaml:"password_kind,omitempty"`
	SSHKeyPath   string       `json:"ssh_key,omitempty" yaml:"ssh_key,omitempty"`

	// API access
	APIAccess              APIAccessKind `json:"api_access" yaml:"api_access"`
	APIEmail               string        `json:"api_email,omitempty" yaml:"api_email,omitempty"`
	APIUsername            string        `json:"api_username,omitempty" yaml:"api_username,omitempty"`
	APITokenSameAsPassword bool          `json:"api_token_same_as_password,omitempty" yaml:"api_token_same_as_password,omitempty"`

	// Connectivity
	Connectivity      Connectivity `json:"connectivity" yaml:"connectivity"`
	DelegateSelectors []string     `json:"delegate_selectors,omitempty" yaml:"delegate_selectors,omitempty"`
	CAFile            string       `json:"ca_file,omitempty" yaml:"ca_file,omitempty"`

	// Harness scope of the export
	Scope   Scope  `json:"scope" yaml:"scope"`
	Org     string `json:"org,omitempty" yaml:"org,omitempty"`
	Project string `json:"project,omitempty" yaml:"project,omitempty"`
}

// Tag is one Harness tag. A tag given as "key" alone has the value "".
type Tag struct {
	Key   string `json:"key" yaml:"key"`
	Value string `json:"value" yaml:"value"`
}

// String renders the tag as the user types it: "key:value" or "key".
func (t Tag) String() string {
	if t.Value == "" {
		return t.Key
	}
	return t.Key + ":" + t.Value
}

// NewConnector returns a connector with the defaults a new setup starts
// from: Cloud, account URL over HTTP, API token, no API access, through the
// Harness Platform, at account scope (no org or project needed).
func NewConnector() Connector {
	return Connector{
		Edition:      Cloud,
		URLType:      Account,
		Connection:   HTTP,
		PasswordKind: APIToken,
		APIAccess:    APINone,
		Connectivity: ViaPlatform,
		Scope:        ScopeAccount,
	}
}

// SecretSlot names one secret a connector needs. The keychain stores one
// item per slot; the export names a Harness secret reference after it.
type SecretSlot string

// The secret slots.
const (
	SlotPassword SecretSlot = "password"  // HTTP password: API token, access token, App Password
	SlotAPIToken SecretSlot = "api-token" // API access token when not the same as the password
	SlotSSHKey   SecretSlot = "ssh-key"   // SSH private key passphrase, when the key has one
)

// SecretSlots lists the secrets this connector needs stored, in order.
// The SSH key itself stays a file the user owns; only its passphrase, if
// any, is a secret, and the caller decides whether the key is encrypted.
func (c Connector) SecretSlots() []SecretSlot {
	var slots []SecretSlot
	if c.Connection == HTTP {
		slots = append(slots, SlotPassword)
	}
	if c.NeedsSeparateAPIToken() {
		slots = append(slots, SlotAPIToken)
	}
	return slots
}

// StoredSlots lists the secrets c keeps in the keychain, in order: its
// SecretSlots, and the SSH key's passphrase for an SSH connector whose key
// has one (passphrase: one is stored already or being given now).
func (c Connector) StoredSlots(passphrase bool) []SecretSlot {
	slots := c.SecretSlots()
	if passphrase && c.Connection == SSH {
		slots = append(slots, SlotSSHKey)
	}
	return slots
}

// NeedsSeparateAPIToken reports whether API access uses a token of its own
// rather than the HTTP password.
func (c Connector) NeedsSeparateAPIToken() bool {
	if c.APIAccess == "" || c.APIAccess == APINone {
		return false
	}
	return c.Connection != HTTP || !c.APITokenSameAsPassword
}

// EffectiveUsername is the username the connector exports and git uses:
// access tokens force x-token-auth.
func (c Connector) EffectiveUsername() string {
	if c.Edition == Cloud && c.PasswordKind == AccessToken {
		return AccessTokenUsername
	}
	return c.Username
}

// AccessTokenUsername is the fixed username Bitbucket Cloud access tokens use for git.
const AccessTokenUsername = "x-token-auth"

// APITokenGitUsername is the static git username that works with any Atlassian API token.
const APITokenGitUsername = "x-bitbucket-api-token-auth"
