package export

import (
	"fmt"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// TerraformResourceType is the Harness provider's Bitbucket connector resource.
const TerraformResourceType = "harness_platform_connector_bitbucket"

// TerraformWith is the Terraform export of c: the terraform block that
// requires the Harness provider version the connector's arguments need,
// the Harness secrets as resources whose values come from sensitive input
// variables (never the values themselves), and the
// harness_platform_connector_bitbucket resource, labelled with the
// connector's export name, referring to them. With o.ResourceOnly it is
// the connector resource alone, referring to secrets created by hand, and
// the provider requirement is a comment. The content matches HarnessYAML
// except where the provider cannot say it (TerraformWarnings). Quoting,
// escaping (including "${") and layout are hclwrite's (see tfwrite.go).
// The error, a wizard.Problems, lists what stops a valid export.
func TerraformWith(c wizard.Connector, o Options) ([]byte, error) {
	c = sanitize(c.WithDefaults())
	if ps := check(c); len(ps) > 0 {
		return nil, ps
	}
	root := &tfBody{}
	refs := map[wizard.SecretSlot]string{}
	if o.ResourceOnly {
		root.comment("Bitbucket connector exported by bbconnect. Create these Harness secrets first:")
		for _, s := range Secrets(c) {
			kind := "encrypted text"
			if s.Kind == "ssh" {
				kind = "ssh credential (username git, key as a file)"
			}
			root.comment("  " + s.Ref + ": " + kind)
			refs[s.Slot] = hclString(s.Ref)
		}
		providerComment(root)
		root.newline()
	} else {
		root.comment("Bitbucket connector exported by bbconnect, with the Harness secrets it uses: one")
		root.comment("terraform apply creates them all. The secret values come from sensitive input")
		root.comment("variables and are never written here; pass them in the environment, from the keychain:")
		root.comment("  eval \"$(bbconnect export " + c.ID + " --format terraform --print-env)\"")
		root.comment("  terraform apply")
		root.newline()
		appendProviderBlock(root)
		root.newline()
		refs = appendSecrets(root, c, o)
	}
	appendConnector(root, c, refs)
	return root.bytes(), nil
}

// appendConnector appends the harness_platform_connector_bitbucket block;
// refs says how it refers to each secret slot.
func appendConnector(root *tfBody, c wizard.Connector, refs map[wizard.SecretSlot]string) {
	b := root.block("resource", TerraformResourceType, TerraformName(c))
	b.str("identifier", c.ID)
	b.str("name", c.Name)
	if d := strings.TrimSpace(c.Description); d != "" {
		b.str("description", d)
	}
	if ts := wizard.MergeTags(c.Tags); len(ts) > 0 {
		list := make([]string, len(ts))
		for i, t := range ts {
			list[i] = t.String()
		}
		if len(splitTags(c)) > 0 {
			b.comment("The provider splits tags at every ':': a value holding ':' keeps only its part up to the next ':'.")
		}
		b.strList("tags", list)
	}
	if c.Scope == wizard.ScopeOrg || c.Scope == wizard.ScopeProject {
		b.str("org_id", c.Org)
	}
	if c.Scope == wizard.ScopeProject {
		b.str("project_id", c.Project)
	}
	b.newline()
	b.str("url", strings.TrimSpace(c.URL))
	b.str("connection_type", connectionType(c))
	if r := validationRepo(c); r != "" {
		b.str("validation_repo", r)
	}
	if c.Connectivity == wizard.ViaPlatform {
		b.comment("Connectivity: through the Harness Platform. The resource has no execute_on_delegate, so")
		b.comment("harness connects through a delegate: after apply, choose \"Connect through Harness Platform\"")
		b.comment("on the connector in the Harness UI, or create it from the YAML export instead.")
	} else if sel := selectors(c); len(sel) > 0 {
		b.strList("delegate_selectors", sel)
	}
	if c.PasswordKind == wizard.AppPassword && c.Connection == wizard.HTTP || c.APIAccess == wizard.APIUsernameAppPassword {
		b.comment("App Passwords stop working after " + wizard.AppPasswordCutoff.Format("2006-01-02") + ": migrate to an API token.")
	}

	b.newline()
	creds := b.block("credentials")
	if c.Connection == wizard.SSH {
		creds.block("ssh").attr("ssh_key_ref", refs[wizard.SlotSSHKey])
	} else {
		h := creds.block("http")
		h.str("username", strings.TrimSpace(c.EffectiveUsername()))
		h.attr("password_ref", refs[wizard.SlotPassword])
	}

	if t := apiAccessType(c.APIAccess); t != "" {
		a := b.block("api_authentication")
		a.str("auth_type", t)
		switch c.APIAccess {
		case wizard.APIEmailAPIToken:
			a.str("email", strings.TrimSpace(c.APIEmail))
		case wizard.APIUsernameAppPassword:
			a.str("username", apiUsername(c))
		}
		ref := refs[wizard.SlotPassword]
		if c.NeedsSeparateAPIToken() {
			ref = refs[wizard.SlotAPIToken]
		}
		a.attr("token_ref", ref)
	}
}

// TerraformWarnings lists, lowercase, where the Terraform export of c
// cannot say what the YAML says: the user should hear them when exporting
// (stderr), not only read them in the file's comments.
func TerraformWarnings(c wizard.Connector) []string {
	c = c.WithDefaults()
	var ws []string
	if c.Connectivity == wizard.ViaPlatform {
		ws = append(ws, "the terraform provider's bitbucket connector has no execute_on_delegate, so harness will connect "+
			"through a delegate, not the harness platform: after apply, choose \"connect through harness platform\" on the "+
			"connector in harness, or use the yaml export instead (--format harness)")
	}
	for _, t := range splitTags(c) {
		kept, _, _ := strings.Cut(t.Value, ":")
		ws = append(ws, fmt.Sprintf("tag %q: the terraform provider splits tags at every ':', so harness gets %q; "+
			"drop the ':' from the value, or use the yaml export instead (--format harness)", t.String(), t.Key+":"+kept))
	}
	return ws
}

// splitTags are the tags whose value holds ':', which the provider cuts.
func splitTags(c wizard.Connector) []wizard.Tag {
	var out []wizard.Tag
	for _, t := range wizard.MergeTags(c.Tags) {
		if strings.Contains(t.Value, ":") {
			out = append(out, t)
		}
	}
	return out
}

// TerraformName is the resource name of the block: the connector id with
// "$", which Terraform names cannot hold, turned into "_".
func TerraformName(c wizard.Connector) string {
	return wizard.ExportName(c.WithDefaults().ID)
}

// sanitize makes every exported string valid UTF-8: YAML would otherwise
// write a broken string as !!binary and HCL would change it silently.
func sanitize(c wizard.Connector) wizard.Connector {
	fix := func(s *string) { *s = strings.ToValidUTF8(*s, "\uFFFD") }
	for _, p := range []*string{&c.Name, &c.ID, &c.Description, &c.URL, &c.TestRepo, &c.Username, &c.APIEmail, &c.APIUsername, &c.Org, &c.Project} {
		fix(p)
	}
	c.Tags = append([]wizard.Tag(nil), c.Tags...)
	for i := range c.Tags {
		fix(&c.Tags[i].Key)
		fix(&c.Tags[i].Value)
	}
	c.DelegateSelectors = append([]string(nil), c.DelegateSelectors...)
	for i := range c.DelegateSelectors {
		fix(&c.DelegateSelectors[i])
	}
	return c
}
