package export

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/bbconnect/bbconnect/wizard"
)

// TerraformResourceType is the Harness provider's Bitbucket connector resource.
const TerraformResourceType = "harness_platform_connector_bitbucket"

// Terraform is a harness_platform_connector_bitbucket resource block with
// the same content as HarnessYAML, labelled with the connector id. The
// resource has no argument for connectivity through the Harness Platform,
// so a comment says to choose it in the Harness UI. Quoting and escaping
// (including "${") are hclwrite's. The error, a wizard.Problems, lists what
// stops a valid export.
func Terraform(c wizard.Connector) ([]byte, error) {
	c = sanitize(c.WithDefaults())
	if ps := check(c); len(ps) > 0 {
		return nil, ps
	}
	f := hclwrite.NewEmptyFile()
	root := f.Body()
	comment(root, "Bitbucket connector exported by bbconnect. Create these Harness secrets first:")
	for _, s := range Secrets(c) {
		kind := "encrypted text"
		if s.Kind == "ssh" {
			kind = "ssh credential (username git, key as a file)"
		}
		comment(root, "  "+s.Ref+": "+kind)
	}
	b := root.AppendNewBlock("resource", []string{TerraformResourceType, TerraformName(c)}).Body()

	str(b, "identifier", c.ID)
	str(b, "name", c.Name)
	if d := strings.TrimSpace(c.Description); d != "" {
		str(b, "description", d)
	}
	ts := tags(c)
	if len(ts) > 0 {
		list := make([]string, len(ts))
		colon := false
		for i, t := range ts {
			list[i] = t.String()
			colon = colon || strings.Contains(t.Value, ":")
		}
		if colon {
			comment(b, "The provider splits tags at every ':': a value holding ':' keeps only its part before that ':'.")
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
		comment(b, "Connectivity: through the Harness Platform. The resource has no argument for it: after")
		comment(b, "apply, choose \"Connect through Harness Platform\" on the connector in the Harness UI.")
	} else if sel := selectors(c); len(sel) > 0 {
		strList(b, "delegate_selectors", sel)
	}
	if c.PasswordKind == wizard.AppPassword && c.Connection == wizard.HTTP || c.APIAccess == wizard.APIUsernameAppPassword {
		comment(b, "App Passwords stop working after "+wizard.AppPasswordCutoff.Format("2006-01-02")+": migrate to an API token.")
	}

	b.AppendNewline()
	creds := b.AppendNewBlock("credentials", nil).Body()
	if c.Connection == wizard.SSH {
		str(creds.AppendNewBlock("ssh", nil).Body(), "ssh_key_ref", SecretRef(c, wizard.SlotSSHKey))
	} else {
		h := creds.AppendNewBlock("http", nil).Body()
		str(h, "username", strings.TrimSpace(c.EffectiveUsername()))
		str(h, "password_ref", SecretRef(c, wizard.SlotPassword))
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
		str(a, "token_ref", apiTokenRef(c))
	}
	return hclwrite.Format(f.Bytes()), nil
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
