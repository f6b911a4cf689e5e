// Package export turns a connector into what Harness takes: the connector
// YAML (the UI's YAML editor, the API) or a harness_platform_connector_bitbucket
// Terraform block. Secrets are never exported, only references to Harness
// secrets named after the connector, prefixed for its scope.
package export

import (
	"fmt"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// Format is an export format.
type Format string

// The export formats.
const (
	FormatHarness   Format = "harness"   // Harness connector YAML
	FormatTerraform Format = "terraform" // harness_platform_connector_bitbucket resource
)

// Formats lists the formats, the default first.
var Formats = []Format{FormatHarness, FormatTerraform}

// ParseFormat reads a format name, case-insensitive; "yaml" and "yml" mean
// harness, "tf" and "hcl" mean terraform.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "harness", "yaml", "yml":
		return FormatHarness, nil
	case "terraform", "tf", "hcl":
		return FormatTerraform, nil
	case "":
		return "", fmt.Errorf("format is empty: choose harness or terraform")
	}
	return "", fmt.Errorf("%q is not an export format: choose harness or terraform", s)
}

// FileName is the default export file of connector id in the format:
// id.tf or id.harness.yaml.
func (f Format) FileName(id string) string {
	if f == FormatTerraform {
		return id + ".tf"
	}
	return id + ".harness.yaml"
}

// Options tune an export.
type Options struct {
	// ResourceOnly exports the Terraform connector resource alone: it
	// refers to secrets created by hand, and the provider requirement is
	// a comment. The default is the whole file (provider, secrets as
	// resources, connector).
	ResourceOnly bool
	// SSHPassphrase says the SSH key is encrypted: the Terraform export
	// adds a secret for its passphrase.
	SSHPassphrase bool
}

// RenderWith exports c in format f. The connector gets its defaults first
// (wizard.Connector.WithDefaults); the error, a wizard.Problems, lists what
// stops a valid export. The options concern Terraform only.
func RenderWith(c wizard.Connector, f Format, o Options) ([]byte, error) {
	switch f {
	case FormatHarness:
		return HarnessYAML(c)
	case FormatTerraform:
		return TerraformWith(c, o)
	}
	return nil, fmt.Errorf("%q is not an export format: choose harness or terraform", string(f))
}

// ValidIdentifier reports whether s matches the Harness identifier pattern
// (up to 128 characters). Reserved words are wizard.ValidateID's business.
func ValidIdentifier(s string) bool { return wizard.Word(s, 128, wizard.IsIDStart, wizard.IsIDByte) }

// maxIdentifier is the longest identifier the schema accepts.
const maxIdentifier = 128

// SecretID is the identifier of the Harness secret that holds a connector's
// secret: "<id>_password", "<id>_api_token" or "<id>_ssh_key". The id part
// keeps only letters, digits and _ (other characters become _), gets a
// leading _ when it starts with a digit and is shortened so the whole stays
// within 128 characters.
func SecretID(c wizard.Connector, slot wizard.SecretSlot) string {
	suffix := "_" + cleanIdent(slotName(slot))
	base := cleanIdent(c.ID)
	if base == "" {
		base = cleanIdent(wizard.DeriveID(c.Name))
	}
	if base == "" {
		base = "bitbucket"
	}
	if base[0] >= '0' && base[0] <= '9' {
		base = "_" + base
	}
	if limit := maxIdentifier - len(suffix); len(base) > limit {
		base = base[:limit]
	}
	return base + suffix
}

// SecretRef is SecretID as the connector refers to it from its scope:
// "account.X" at account scope, "org.X" at org scope and plain "X" at
// project scope. The secrets are meant to live beside the connector.
func SecretRef(c wizard.Connector, slot wizard.SecretSlot) string {
	id := SecretID(c, slot)
	switch c.Scope {
	case wizard.ScopeAccount, "":
		return "account." + id
	case wizard.ScopeOrg:
		return "org." + id
	}
	return id
}

// Secret is one Harness secret the exported connector refers to: create it
// in Harness (at the connector's scope) before using the connector.
type Secret struct {
	Slot wizard.SecretSlot
	ID   string // secret identifier
	Ref  string // how the connector refers to it
	Kind string // "text" (encrypted text) or "ssh" (SSH credential, username git, key as a file)
	What string // what to put in it, lowercase
}

// Secrets lists the Harness secrets the export of c refers to, in the order
// the connector uses them.
func Secrets(c wizard.Connector) []Secret {
	c = c.WithDefaults()
	var out []Secret
	add := func(slot wizard.SecretSlot, kind, what string) {
		out = append(out, Secret{Slot: slot, ID: SecretID(c, slot), Ref: SecretRef(c, slot), Kind: kind, What: what})
	}
	switch c.Connection {
	case wizard.SSH:
		add(wizard.SlotSSHKey, "ssh", "ssh credential with username git and the pem private key as a file")
	default:
		add(wizard.SlotPassword, "text", "the "+strings.ToLower(c.PasswordKind.Label()))
	}
	if c.NeedsSeparateAPIToken() {
		add(wizard.SlotAPIToken, "text", "the token for api access ("+strings.ToLower(c.APIAccess.Label())+")")
	}
	return out
}

// slotName is the identifier part of a slot: "api-token" becomes "api_token".
func slotName(slot wizard.SecretSlot) string {
	if slot == "" {
		return "secret"
	}
	return strings.ReplaceAll(string(slot), "-", "_")
}

// cleanIdent keeps letters, digits and _; other characters become _.
func cleanIdent(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// apiTokenRef is the reference of the API access token: the password's when
// the same token serves both.
func apiTokenRef(c wizard.Connector) string {
	if c.NeedsSeparateAPIToken() {
		return SecretRef(c, wizard.SlotAPIToken)
	}
	return SecretRef(c, wizard.SlotPassword)
}

// apiUsername is the username of the (deprecated) username-and-token API
// access: its own, or the HTTP one.
func apiUsername(c wizard.Connector) string {
	if u := strings.TrimSpace(c.APIUsername); u != "" {
		return u
	}
	return strings.TrimSpace(c.EffectiveUsername())
}

// check lists what stops c from exporting to a valid definition. It checks
// only what the export needs; the wizard's own rules live in wizard.Validate.
func check(c wizard.Connector) wizard.Problems {
	var ps wizard.Problems
	add := func(field wizard.Field, msg string) { ps = append(ps, wizard.Problem{Field: field, Msg: msg}) }
	if err := wizard.ValidateName(c.Name); err != nil {
		add(wizard.FieldName, err.Error())
	}
	if err := wizard.ValidateID(c.ID); err != nil {
		add(wizard.FieldID, err.Error())
	}
	if strings.TrimSpace(c.URL) == "" {
		add(wizard.FieldURL, "url is empty: enter the bitbucket account or repository url")
	}
	if _, err := wizard.ParseURLType(string(c.URLType)); err != nil {
		add(wizard.FieldURLType, "url type: "+err.Error())
	}
	if _, err := wizard.ParseConnection(string(c.Connection)); err != nil {
		add(wizard.FieldConnection, "connection type: "+err.Error())
	}
	if _, err := wizard.ParseConnectivity(string(c.Connectivity)); err != nil {
		add(wizard.FieldConnectivity, "connectivity: "+err.Error())
	}
	if c.Connection == wizard.HTTP && strings.TrimSpace(c.EffectiveUsername()) == "" {
		add(wizard.FieldUsername, "username is empty: enter your bitbucket username (not your email)")
	}
	switch c.APIAccess {
	case wizard.APINone, wizard.APIAccessToken:
	case wizard.APIEmailAPIToken:
		if strings.TrimSpace(c.APIEmail) == "" {
			add(wizard.FieldAPIEmail, "api email is empty: enter the email of your atlassian account")
		}
	case wizard.APIUsernameAppPassword:
		if apiUsername(c) == "" {
			add(wizard.FieldAPIUsername, "api username is empty: enter your bitbucket username")
		}
	default:
		_, err := wizard.ParseAPIAccessKind(string(c.APIAccess))
		add(wizard.FieldAPIAccess, "api access: "+err.Error())
	}
	ps = append(ps, checkScope(c)...)
	return ps
}

// checkScope checks the org and project identifiers the scope needs.
func checkScope(c wizard.Connector) wizard.Problems {
	var ps wizard.Problems
	need := func(field wizard.Field, what, v string) {
		switch {
		case strings.TrimSpace(v) == "":
			ps = append(ps, wizard.Problem{Field: field, Msg: fmt.Sprintf("%s is empty: enter the harness %s identifier", field, what)})
		case !ValidIdentifier(v):
			ps = append(ps, wizard.Problem{Field: field, Msg: fmt.Sprintf("%s %q is not a harness identifier: copy the %s identifier (letters, digits, _) from harness", field, v, what)})
		}
	}
	switch c.Scope {
	case wizard.ScopeAccount:
	case wizard.ScopeOrg:
		need(wizard.FieldOrg, "organization", c.Org)
	case wizard.ScopeProject:
		need(wizard.FieldOrg, "organization", c.Org)
		need(wizard.FieldProject, "project", c.Project)
	default:
		_, err := wizard.ParseScope(string(c.Scope))
		ps = append(ps, wizard.Problem{Field: wizard.FieldScope, Msg: "scope: " + err.Error()})
	}
	return ps
}

// selectors are the delegate selectors, trimmed, without blanks or repeats
// (the schema wants unique items); none unless connecting through a delegate.
func selectors(c wizard.Connector) []string {
	if c.Connectivity != wizard.ViaDelegate {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range c.DelegateSelectors {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// connectionType is the Harness spec type: Account or Repo.
func connectionType(c wizard.Connector) string {
	if c.URLType == wizard.Repository {
		return "Repo"
	}
	return "Account"
}

// validationRepo is the test repository, for account URLs only.
func validationRepo(c wizard.Connector) string {
	if c.URLType != wizard.Account {
		return ""
	}
	return strings.TrimSpace(c.TestRepo)
}

// apiAccessType is the Harness apiAccess type, "" when off.
func apiAccessType(k wizard.APIAccessKind) string {
	switch k {
	case wizard.APIEmailAPIToken:
		return "EmailAndApiToken"
	case wizard.APIAccessToken:
		return "AccessToken"
	case wizard.APIUsernameAppPassword:
		return "UsernameToken"
	}
	return ""
}
