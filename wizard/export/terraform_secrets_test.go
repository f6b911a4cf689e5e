package export

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/bbconnect/bbconnect/wizard"
)

// providerArgs are the arguments each resource the export writes takes,
// as the Harness provider's schema names them (harness/terraform-provider-harness
// @ cb1a0595: internal/service/platform/secret/{text,file,sshkey}.go,
// helpers.SetMultiLevelResourceSchema, and
// internal/service/cd_nextgen/connector/codeRepositories/bitbucket.go).
var providerArgs = map[string][]string{
	TerraformSecretText:           {"identifier", "name", "description", "tags", "org_id", "project_id", "secret_manager_identifier", "value_type", "value", "additional_metadata"},
	TerraformSecretFile:           {"identifier", "name", "description", "tags", "org_id", "project_id", "secret_manager_identifier", "file_path", "additional_metadata"},
	TerraformSecretSSH:            {"identifier", "name", "description", "tags", "org_id", "project_id", "port", "kerberos{}", "ssh{}"},
	"ssh":                         {"credential_type", "sshkey_path_credential{}", "sshkey_reference_credential{}", "ssh_password_credential{}"},
	"sshkey_reference_credential": {"user_name", "key", "encrypted_passphrase"},
}

// checkArgs fails when b uses an argument the provider's schema lacks.
func checkArgs(t *testing.T, what, kind string, b *hclBody) {
	t.Helper()
	allowed := providerArgs[kind]
	for _, k := range strings.Split(b.keys(), ",") {
		if !slices.Contains(allowed, k) {
			t.Fatalf("%s: %s has no argument %q (schema: %v)", what, kind, k, allowed)
		}
	}
}

// The full Terraform export creates every secret the connector uses as a
// resource, valued from a sensitive variable (never a value), and the
// connector refers to those resources; the provider requirement is there
// once.
func TestTerraformSecretsAsResources(t *testing.T) {
	seen := map[string]bool{}
	for _, cb := range combos() {
		// What decides the secrets: edition, connection, password kind,
		// api access and scope (not tags, url type or connectivity).
		key := fmt.Sprint(cb.edition, cb.conn, cb.pwKind, cb.api, cb.same, cb.scope)
		if seen[key] {
			continue
		}
		seen[key] = true
		for _, pass := range []bool{false, true} {
			if pass && cb.conn != wizard.SSH {
				continue // a passphrase is an ssh key's only
			}
			c := cb.connector()
			c.SSHKeyPath = "/keys/id_rsa"
			o := Options{SSHPassphrase: pass}
			src, err := TerraformWith(c, o)
			if err != nil {
				t.Fatalf("%s: %v", cb, err)
			}
			f := parseTerraformFile(t, src)
			req := f.terraform.blocks["required_providers"]
			if req == nil {
				t.Fatalf("%s: no required_providers", cb)
			}
			if h, _ := req.attrs["harness"].(map[string]string); h["source"] != "harness/harness" || h["version"] != ">= 0.42.2" {
				t.Fatalf("%s: required_providers harness = %v", cb, req.attrs["harness"])
			}
			checkSecretResources(t, cb.String(), c, o, f)
			if f.order[len(f.order)-1] != "resource "+TerraformResourceType+"."+TerraformName(c) {
				t.Fatalf("%s: the connector is not last: %v", cb, f.order)
			}
		}
	}
}

func checkSecretResources(t *testing.T, what string, c wizard.Connector, o Options, f *tfFile) {
	t.Helper()
	c = c.WithDefaults()
	wantVars := TerraformVars(c, o)
	if len(f.variables) != len(wantVars) {
		t.Fatalf("%s: %d variables, want %d", what, len(f.variables), len(wantVars))
	}
	for _, v := range wantVars {
		vb := f.variables[v.Name]
		if vb == nil {
			t.Fatalf("%s: no variable %s", what, v.Name)
		}
		sens, _ := vb.attrs["sensitive"].(bool)
		_, hasDefault := vb.attrs["default"]
		if sens != v.Sensitive || (v.Sensitive && hasDefault) || vb.s("type") != "string" || !strings.Contains(vb.s("description"), v.Env()) {
			t.Fatalf("%s: variable %s: %v", what, v.Name, vb.attrs)
		}
	}
	scope := func(b *hclBody) {
		t.Helper()
		if b.s("org_id") != map[bool]string{true: c.Org}[c.Scope != wizard.ScopeAccount] ||
			b.s("project_id") != map[bool]string{true: c.Project}[c.Scope == wizard.ScopeProject] {
			t.Fatalf("%s: secret scope org %q project %q", what, b.s("org_id"), b.s("project_id"))
		}
	}
	for _, s := range Secrets(c) {
		if s.Kind == "ssh" {
			fileID := SecretID(c, "ssh_key_file")
			fb := f.resources[TerraformSecretFile+"."+fileID]
			if fb == nil || fb.s("file_path") != "var."+fileID || fb.s("secret_manager_identifier") != "harnessSecretManager" {
				t.Fatalf("%s: key file secret %v", what, fb)
			}
			checkArgs(t, what, TerraformSecretFile, fb)
			scope(fb)
			sb := f.resources[TerraformSecretSSH+"."+s.ID]
			if sb == nil || sb.s("identifier") != s.ID || sb.s("ssh", "credential_type") != "KeyReference" {
				t.Fatalf("%s: ssh credential %v", what, sb)
			}
			checkArgs(t, what, TerraformSecretSSH, sb)
			checkArgs(t, what, "ssh", sb.blocks["ssh"])
			kr := sb.blocks["ssh"].blocks["sshkey_reference_credential"]
			checkArgs(t, what, "sshkey_reference_credential", kr)
			if kr.s("user_name") != "git" || kr.s("key") != SecretRef(c, "ssh_key_file") {
				t.Fatalf("%s: ssh credential refers to %q as %q", what, kr.s("key"), kr.s("user_name"))
			}
			passID := SecretID(c, "ssh_key_passphrase")
			pb := f.resources[TerraformSecretText+"."+passID]
			if (pb != nil) != o.SSHPassphrase || (o.SSHPassphrase && (kr.s("encrypted_passphrase") != SecretRef(c, "ssh_key_passphrase") || pb.s("value") != "var."+passID)) {
				t.Fatalf("%s: passphrase secret %v, encrypted_passphrase %q", what, pb, kr.s("encrypted_passphrase"))
			}
			scope(sb)
			continue
		}
		b := f.resources[TerraformSecretText+"."+s.ID]
		if b == nil {
			t.Fatalf("%s: no secret resource %s", what, s.ID)
		}
		checkArgs(t, what, TerraformSecretText, b)
		if b.s("identifier") != s.ID || b.s("value") != "var."+s.ID || b.s("value_type") != "Inline" || b.s("secret_manager_identifier") != "harnessSecretManager" {
			t.Fatalf("%s: secret %s: %v", what, s.ID, b.attrs)
		}
		scope(b)
	}
}

// The resource alone: one block, refs as text, the provider requirement
// as a comment that is itself a valid terraform block.
func TestTerraformResourceOnly(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APIEmailAPIToken, true, wizard.ViaDelegate, wizard.ScopeProject, 1}.connector()
	src, err := TerraformWith(c, Options{ResourceOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	f := parseTerraformFile(t, src)
	if len(f.order) != 1 || f.terraform != nil || len(TerraformVars(c, Options{ResourceOnly: true})) != 0 {
		t.Fatalf("resource only: %v", f.order)
	}
	if got := f.connector.s("credentials", "http", "password_ref"); got != SecretRef(c, wizard.SlotPassword) {
		t.Fatalf("password_ref %q", got)
	}
	var block []string
	in := false
	for _, line := range strings.Split(string(src), "\n") {
		in = in || strings.HasPrefix(line, "# Needs the Harness provider")
		if rest, ok := strings.CutPrefix(line, "#   "); ok && in {
			block = append(block, rest)
		}
	}
	cf, diags := hclparse.NewParser().ParseHCL([]byte(strings.Join(block, "\n")), "comment.tf")
	if diags.HasErrors() || !strings.Contains(string(cf.Bytes), `version = ">= 0.42.2"`) || !strings.Contains(string(cf.Bytes), "required_providers") {
		t.Fatalf("the commented terraform block does not parse: %v\n%s", diags, src)
	}
}

func TestTerraformWarnings(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APINone, false, wizard.ViaPlatform, wizard.ScopeAccount, 2}.connector()
	ws := strings.Join(TerraformWarnings(c), "\n")
	for _, want := range []string{
		"no execute_on_delegate", "through a delegate", "--format harness",
		`tag "url:https://x.example.com:8443/a"`, `harness gets "url:https"`, `tag "time:12:30"`, `harness gets "time:12"`, `tag "n:1:20"`,
	} {
		if !strings.Contains(ws, want) {
			t.Errorf("warnings lack %q:\n%s", want, ws)
		}
	}
	if strings.Contains(ws, "flag:yes") {
		t.Errorf("a tag without ':' in its value is fine:\n%s", ws)
	}
	c.Connectivity, c.DelegateSelectors, c.Tags = wizard.ViaDelegate, []string{"d"}, []wizard.Tag{{Key: "team", Value: "x"}}
	if ws := TerraformWarnings(c); len(ws) != 0 {
		t.Fatalf("warnings for a delegate connector with plain tags: %q", ws)
	}
}

func TestTerraformVars(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.SSH, "", wizard.APIEmailAPIToken, false, wizard.ViaDelegate, wizard.ScopeAccount, 0}.connector()
	vs := TerraformVars(c, Options{SSHPassphrase: true})
	var got []string
	for _, v := range vs {
		got = append(got, v.Env()+"="+string(v.Slot))
	}
	want := []string{"TF_VAR_bb_cloud_ssh_key_file=", "TF_VAR_bb_cloud_ssh_key_passphrase=ssh-key", "TF_VAR_bb_cloud_api_token=api-token"}
	if !slices.Equal(got, want) {
		t.Fatalf("vars %q, want %q", got, want)
	}
}
