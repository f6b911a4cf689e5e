package export

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

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
// except where the provider cannot say it (TerraformWarnings). Quoting and
// escaping (including "${") are hclwrite's. The error, a wizard.Problems,
// lists what stops a valid export.
func TerraformWith(c wizard.Connector, o Options) ([]byte, error) {
	c = sanitize(c.WithDefaults())
	if ps := check(c); len(ps) > 0 {
		return nil, ps
	}
	f := hclwrite.NewEmptyFile()
	root := f.Body()
	refs := map[wizard.SecretSlot]hclwrite.Tokens{}
	if o.ResourceOnly {
		comment(root, "Bitbucket connector exported by bbconnect. Create these Harness secrets first:")
		for _, s := range Secrets(c) {
			kind := "encrypted text"
			if s.Kind == "ssh" {
				kind = "ssh credential (username git, key as a file)"
			}
			comment(root, "  "+s.Ref+": "+kind)
			refs[s.Slot] = hclwrite.TokensForValue(cty.StringVal(s.Ref))
		}
		providerComment(root)
		root.AppendNewline()
	} else {
		comment(root, "Bitbucket connector exported by bbconnect, with the Harness secrets it uses: one")
		comment(root, "terraform apply creates them all. The secret values come from sensitive input")
		comment(root, "variables and are never written here; pass them in the environment, from the keychain:")
		comment(root, "  eval \"$(bbconnect export "+c.ID+" --format terraform --print-env)\"")
		comment(root, "  terraform apply")
		root.AppendNewline()
		appendProviderBlock(root)
		root.AppendNewline()
		refs = appendSecrets(root, c, o)
	}
	appendConnector(root, c, refs)
	return hclwrite.Format(f.Bytes()), nil
}

// appendConnector appends the harness_platform_connector_bitbucket block;
// refs says how it refers to each secret slot.
func appendConnector(root *hclwrite.Body, c wizard.Connector, refs map[wizard.SecretSlot]hclwrite.Tokens) {
	b := root.AppendNewBlock("resource", []string{TerraformResourceType, TerraformName(c)}).Body()
	str(b, "identifier", c.ID)
	str(b, "name", c.Name)
	if d := strings.TrimSpace(c.Description); d != "" {
		str(b, "description", d)
	}
	if ts := tags(c); len(ts) > 0 {
		list := make([]string, len(ts))
		for i, t := range ts {
			list[i] = t.String()
		}
		if len(splitTags(c)) > 0 {
			comment(b, "The provider splits tags at every ':': a value holding ':' keeps only its part up to the next ':'.")
		}
		strList(b, "tags", list)
	}
	if c.Scope == wizard.ScopeOrg || c.Scope == wizard.ScopeProject {
		str(b, "org_id", c.Org)
	}
	if c.Scope == wizard.ScopeProject {
		str(b, "project_id", c.Project)
	}
	b.AppendNewline()
	str(b, "url", strings.TrimSpace(c.URL))
	str(b, "connection_type", connectionType(c))
	if r := validationRepo(c); r != "" {
		str(b, "validation_repo", r)
	}
	if c.Connectivity == wizard.ViaPlatform {
		comment(b, "Connectivity: through the Harness Platform. The resource has no execute_on_delegate, so")
		comment(b, "harness connects through a delegate: after apply, choose \"Connect through Harness Platform\"")
		comment(b, "on the connector in the Harness UI, or create it from the YAML export instead.")
	} else if sel := selectors(c); len(sel) > 0 {
		strList(b, "delegate_selectors", sel)
	}
	if c.PasswordKind == wizard.AppPassword && c.Connection == wizard.HTTP || c.APIAccess == wizard.APIUsernameAppPassword {
		comment(b, "App Passwords stop working after "+wizard.AppPasswordCutoff.Format("2006-01-02")+": migrate to an API token.")
	}

	b.AppendNewline()
	creds := b.AppendNewBlock("credentials", nil).Body()
	if c.Connection == wizard.SSH {
		creds.AppendNewBlock("ssh", nil).Body().SetAttributeRaw("ssh_key_ref", refs[wizard.SlotSSHKey])
	} else {
		h := creds.AppendNewBlock("http", nil).Body()
		str(h, "username", strings.TrimSpace(c.EffectiveUsername()))
		h.SetAttributeRaw("password_ref", refs[wizard.SlotPassword])
	}

	if t := apiAccessType(c.APIAccess); t != "" {
		a := b.AppendNewBlock("api_authentication", nil).Body()
		str(a, "auth_type", t)
		switch c.APIAccess {
		case wizard.APIEmailAPIToken:
			str(a, "email", strings.TrimSpace(c.APIEmail))
		case wizard.APIUsernameAppPassword:
			str(a, "username", apiUsername(c))
		}
		ref := refs[wizard.SlotPassword]
		if c.NeedsSeparateAPIToken() {
			ref = refs[wizard.SlotAPIToken]
		}
		a.SetAttributeRaw("token_ref", ref)
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
	for _, t := range tags(c) {
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

// str sets a string attribute.
func str(b *hclwrite.Body, name, v string) {
	b.SetAttributeValue(name, cty.StringVal(v))
}

// strList sets a list-of-strings attribute (the provider's sets take lists).
func strList(b *hclwrite.Body, name string, vs []string) {
	vals := make([]cty.Value, len(vs))
	for i, v := range vs {
		vals[i] = cty.StringVal(v)
	}
	b.SetAttributeValue(name, cty.ListVal(vals))
}

// comment appends a "# text" line; text must not come from the user
// unchecked (a line break would end the comment).
func comment(b *hclwrite.Body, text string) {
	text = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, text)
	b.AppendUnstructuredTokens(hclwrite.Tokens{
		{Type: hclsyntax.TokenComment, Bytes: []byte("# " + text + "\n")},
	})
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
