package export

import (
	"path/filepath"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// The Harness provider's secret resources the Terraform export creates
// (harness/terraform-provider-harness, internal/service/platform/secret:
// text.go, file.go, sshkey.go).
const (
	TerraformSecretText = "harness_platform_secret_text"
	TerraformSecretFile = "harness_platform_secret_file"
	TerraformSecretSSH  = "harness_platform_secret_sshkey"
)

// TerraformProviderVersion is the oldest Harness provider whose Bitbucket
// connector has auth_type, email and email_ref (v0.42.2, April 2026:
// "Added support for AccessToken and EmailAndApiToken API authentication
// types", the provider's CHANGELOG).
const TerraformProviderVersion = ">= 0.42.2"

// harnessSecretManager is Harness's built-in secret manager, at every scope.
const harnessSecretManager = "harnessSecretManager"

// TerraformVar is an input variable of the Terraform export: a secret's
// value (from the keychain) or the path of the SSH key file.
type TerraformVar struct {
	Name      string            // variable name; the environment variable is TF_VAR_<Name>
	Slot      wizard.SecretSlot // keychain slot of the value; "" for the SSH key file path
	Sensitive bool
	What      string // what it holds, lowercase
}

// Env is the environment variable Terraform reads the variable from.
func (v TerraformVar) Env() string { return "TF_VAR_" + v.Name }

// TerraformVars lists the input variables of the full Terraform export of
// c (none with Options.ResourceOnly), in the order the file declares them.
func TerraformVars(c wizard.Connector, o Options) []TerraformVar {
	if o.ResourceOnly {
		return nil
	}
	c = c.WithDefaults()
	var out []TerraformVar
	for _, s := range Secrets(c) {
		if s.Kind == "ssh" {
			out = append(out, TerraformVar{Name: secretIDWith(c, "ssh_key_file"), What: "the path of the pem private key file of " + c.ID})
			if o.SSHPassphrase {
				out = append(out, TerraformVar{Name: secretIDWith(c, "ssh_key_passphrase"), Slot: wizard.SlotSSHKey, Sensitive: true, What: "the passphrase of the ssh key of " + c.ID})
			}
			continue
		}
		out = append(out, TerraformVar{Name: s.ID, Slot: s.Slot, Sensitive: true, What: s.What + " of " + c.ID})
	}
	return out
}

// secretIDWith is SecretID with its own suffix ("ssh_key_file").
func secretIDWith(c wizard.Connector, suffix string) string {
	return SecretID(c, wizard.SecretSlot(suffix))
}

// scopePrefix is how a reference from the connector's scope names a
// secret at the same scope: "account.", "org." or "" (project).
func scopePrefix(c wizard.Connector) string {
	switch c.Scope {
	case wizard.ScopeAccount, "":
		return "account."
	case wizard.ScopeOrg:
		return "org."
	}
	return ""
}

// secretRef is a reference to resource typ.name's id, with the scope
// prefix: "account.${typ.name.id}", or typ.name.id at project scope.
// Terraform then creates the secret before what refers to it.
func secretRef(c wizard.Connector, typ, name string) string {
	tr := typ + "." + name + ".id"
	prefix := scopePrefix(c)
	if prefix == "" {
		return tr
	}
	return `"` + prefix + "${" + tr + `}"`
}

// appendProviderBlock appends the terraform block that requires the
// Harness provider version the export needs.
func appendProviderBlock(root *tfBody) {
	h := root.block("terraform").block("required_providers").object("harness")
	h.str("source", "harness/harness")
	h.str("version", TerraformProviderVersion)
}

// providerComment is the terraform block as comment lines, for an export
// of the resource alone (the user's own files declare the provider).
func providerComment(root *tfBody) {
	root.comment("Needs the Harness provider " + TerraformProviderVersion + " (auth_type, email):")
	f := &tfBody{}
	appendProviderBlock(f)
	for _, line := range strings.Split(strings.TrimSpace(string(f.bytes())), "\n") {
		root.comment("  " + line)
	}
}

// appendSecrets declares the variables and secret resources of c and
// returns how the connector refers to each secret slot.
func appendSecrets(root *tfBody, c wizard.Connector, o Options) map[wizard.SecretSlot]string {
	refs := map[wizard.SecretSlot]string{}
	vars := map[wizard.SecretSlot]TerraformVar{}
	var keyFile TerraformVar
	for _, v := range TerraformVars(c, o) {
		appendVariable(root, c, v)
		if v.Slot == "" {
			keyFile = v
		} else {
			vars[v.Slot] = v
		}
	}
	for _, s := range Secrets(c) {
		if s.Kind == "ssh" {
			refs[s.Slot] = appendSSHSecrets(root, c, s, keyFile, vars[wizard.SlotSSHKey], o.SSHPassphrase)
			continue
		}
		v := vars[s.Slot]
		b := secretResource(root, c, TerraformSecretText, s.ID, s.What)
		b.str("value_type", "Inline")
		b.attr("value", "var."+v.Name)
		refs[s.Slot] = secretRef(c, TerraformSecretText, s.ID)
	}
	return refs
}

// appendSSHSecrets is the key as a file secret, its passphrase (when the
// key has one) and the SSH credential (username git) that refers to them.
func appendSSHSecrets(root *tfBody, c wizard.Connector, s Secret, keyFile, pass TerraformVar, withPass bool) string {
	fileID := secretIDWith(c, "ssh_key_file")
	fb := secretResource(root, c, TerraformSecretFile, fileID, "the pem private key of "+c.ID)
	fb.attr("file_path", "var."+keyFile.Name)
	var passRef string
	if withPass {
		b := secretResource(root, c, TerraformSecretText, pass.Name, "the passphrase of the ssh key of "+c.ID)
		b.str("value_type", "Inline")
		b.attr("value", "var."+pass.Name)
		passRef = secretRef(c, TerraformSecretText, pass.Name)
	}
	b := root.block("resource", TerraformSecretSSH, s.ID)
	secretCommon(b, c, s.ID, "ssh credential of "+c.ID+" (username git, key as a file)")
	ssh := b.block("ssh")
	ssh.str("credential_type", "KeyReference")
	kr := ssh.block("sshkey_reference_credential")
	kr.str("user_name", "git")
	kr.attr("key", secretRef(c, TerraformSecretFile, fileID))
	if passRef != "" {
		kr.attr("encrypted_passphrase", passRef)
	}
	root.newline()
	return secretRef(c, TerraformSecretSSH, s.ID)
}

// appendVariable declares v; a sensitive one keeps its value out of
// Terraform's output, and none is ever given a secret default.
func appendVariable(root *tfBody, c wizard.Connector, v TerraformVar) {
	b := root.block("variable", v.Name)
	b.str("description", v.What+" ("+v.Env()+")")
	b.attr("type", "string")
	if v.Sensitive {
		b.attr("sensitive", "true")
	} else if p := strings.TrimSpace(c.SSHKeyPath); p != "" && filepath.IsAbs(p) {
		b.str("default", p)
	}
	root.newline()
}

// secretResource appends a secret resource of type typ named and
// identified id, at the connector's scope, in Harness's built-in secret
// manager, and returns its body for the value attributes.
func secretResource(root *tfBody, c wizard.Connector, typ, id, what string) *tfBody {
	b := root.block("resource", typ, id)
	secretCommon(b, c, id, what)
	b.str("secret_manager_identifier", harnessSecretManager)
	root.newline()
	return b
}

// secretCommon sets the attributes every secret resource has.
func secretCommon(b *tfBody, c wizard.Connector, id, what string) {
	b.str("identifier", id)
	b.str("name", id)
	b.str("description", what+", exported by bbconnect")
	if c.Scope == wizard.ScopeOrg || c.Scope == wizard.ScopeProject {
		b.str("org_id", c.Org)
	}
	if c.Scope == wizard.ScopeProject {
		b.str("project_id", c.Project)
	}
}
