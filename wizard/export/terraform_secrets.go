package export

import (
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

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

// secretRefTokens is a reference to resource typ.name's id, with the
// scope prefix: "account.${typ.name.id}", or typ.name.id at project
// scope. Terraform then creates the secret before what refers to it.
func secretRefTokens(c wizard.Connector, typ, name string) hclwrite.Tokens {
	tr := hcl.Traversal{hcl.TraverseRoot{Name: typ}, hcl.TraverseAttr{Name: name}, hcl.TraverseAttr{Name: "id"}}
	prefix := scopePrefix(c)
	if prefix == "" {
		return hclwrite.TokensForTraversal(tr)
	}
	toks := hclwrite.Tokens{
		{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)},
		{Type: hclsyntax.TokenQuotedLit, Bytes: []byte(prefix)},
		{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")},
	}
	toks = append(toks, hclwrite.TokensForTraversal(tr)...)
	return append(toks,
		&hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")},
		&hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)},
	)
}

// appendProviderBlock appends the terraform block that requires the
// Harness provider version the export needs.
func appendProviderBlock(root *hclwrite.Body) {
	rp := root.AppendNewBlock("terraform", nil).Body().AppendNewBlock("required_providers", nil).Body()
	rp.SetAttributeValue("harness", cty.ObjectVal(map[string]cty.Value{
		"source":  cty.StringVal("harness/harness"),
		"version": cty.StringVal(TerraformProviderVersion),
	}))
}

// providerComment is the terraform block as comment lines, for an export
// of the resource alone (the user's own files declare the provider).
func providerComment(root *hclwrite.Body) {
	comment(root, "Needs the Harness provider "+TerraformProviderVersion+" (auth_type, email):")
	f := hclwrite.NewEmptyFile()
	appendProviderBlock(f.Body())
	for _, line := range strings.Split(strings.TrimSpace(string(hclwrite.Format(f.Bytes()))), "\n") {
		comment(root, "  "+line)
	}
}

// appendSecrets declares the variables and secret resources of c and
// returns how the connector refers to each secret slot.
func appendSecrets(root *hclwrite.Body, c wizard.Connector, o Options) map[wizard.SecretSlot]hclwrite.Tokens {
	refs := map[wizard.SecretSlot]hclwrite.Tokens{}
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
		str(b, "value_type", "Inline")
		b.SetAttributeTraversal("value", hcl.Traversal{hcl.TraverseRoot{Name: "var"}, hcl.TraverseAttr{Name: v.Name}})
		refs[s.Slot] = secretRefTokens(c, TerraformSecretText, s.ID)
	}
	return refs
}

// appendSSHSecrets is the key as a file secret, its passphrase (when the
// key has one) and the SSH credential (username git) that refers to them.
func appendSSHSecrets(root *hclwrite.Body, c wizard.Connector, s Secret, keyFile, pass TerraformVar, withPass bool) hclwrite.Tokens {
	fileID := secretIDWith(c, "ssh_key_file")
	fb := secretResource(root, c, TerraformSecretFile, fileID, "the pem private key of "+c.ID)
	fb.SetAttributeTraversal("file_path", hcl.Traversal{hcl.TraverseRoot{Name: "var"}, hcl.TraverseAttr{Name: keyFile.Name}})
	var passRef hclwrite.Tokens
	if withPass {
		b := secretResource(root, c, TerraformSecretText, pass.Name, "the passphrase of the ssh key of "+c.ID)
		str(b, "value_type", "Inline")
		b.SetAttributeTraversal("value", hcl.Traversal{hcl.TraverseRoot{Name: "var"}, hcl.TraverseAttr{Name: pass.Name}})
		passRef = secretRefTokens(c, TerraformSecretText, pass.Name)
	}
	b := root.AppendNewBlock("resource", []string{TerraformSecretSSH, s.ID}).Body()
	secretCommon(b, c, s.ID, "ssh credential of "+c.ID+" (username git, key as a file)")
	ssh := b.AppendNewBlock("ssh", nil).Body()
	str(ssh, "credential_type", "KeyReference")
	kr := ssh.AppendNewBlock("sshkey_reference_credential", nil).Body()
	str(kr, "user_name", "git")
	kr.SetAttributeRaw("key", secretRefTokens(c, TerraformSecretFile, fileID))
	if passRef != nil {
		kr.SetAttributeRaw("encrypted_passphrase", passRef)
	}
	root.AppendNewline()
	return secretRefTokens(c, TerraformSecretSSH, s.ID)
}

// appendVariable declares v; a sensitive one keeps its value out of
// Terraform's output, and none is ever given a secret default.
func appendVariable(root *hclwrite.Body, c wizard.Connector, v TerraformVar) {
	b := root.AppendNewBlock("variable", []string{v.Name}).Body()
	str(b, "description", v.What+" ("+v.Env()+")")
	b.SetAttributeTraversal("type", hcl.Traversal{hcl.TraverseRoot{Name: "string"}})
	if v.Sensitive {
		b.SetAttributeValue("sensitive", cty.True)
	} else if p := strings.TrimSpace(c.SSHKeyPath); p != "" && filepath.IsAbs(p) {
		str(b, "default", p)
	}
	root.AppendNewline()
}

// secretResource appends a secret resource of type typ named and
// identified id, at the connector's scope, in Harness's built-in secret
// manager, and returns its body for the value attributes.
func secretResource(root *hclwrite.Body, c wizard.Connector, typ, id, what string) *hclwrite.Body {
	b := root.AppendNewBlock("resource", []string{typ, id}).Body()
	secretCommon(b, c, id, what)
	str(b, "secret_manager_identifier", harnessSecretManager)
	root.AppendNewline()
	return b
}

// secretCommon sets the attributes every secret resource has.
func secretCommon(b *hclwrite.Body, c wizard.Connector, id, what string) {
	str(b, "identifier", id)
	str(b, "name", id)
	str(b, "description", what+", exported by bbconnect")
	if c.Scope == wizard.ScopeOrg || c.Scope == wizard.ScopeProject {
		str(b, "org_id", c.Org)
	}
	if c.Scope == wizard.ScopeProject {
		str(b, "project_id", c.Project)
	}
}
