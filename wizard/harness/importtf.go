package harness

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// tfResource is the Terraform resource type bbconnect imports.
const tfResource = "harness_platform_connector_bitbucket"

// parseTerraform reads the one harness_platform_connector_bitbucket block of
// a Terraform file into the connector object the API uses. Values must be
// literals (a variable cannot be read here).
func parseTerraform(name string, data []byte) (RawConnector, error) {
	file, diags := hclsyntax.ParseConfig(data, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s is not terraform: %s", name, firstLine(diags.Error()))
	}
	body, _ := file.Body.(*hclsyntax.Body)
	var found []*hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == tfResource {
			found = append(found, b)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%s has no %s resource: give one connector block", name, tfResource)
	case 1:
	default:
		return nil, fmt.Errorf("%s has %d %s resources: give a file with one", name, len(found), tfResource)
	}
	r := tfBlock{name: name, body: found[0].Body, refs: resourceRefs(body)}
	conn := RawConnector{"type": "Bitbucket"}
	spec := map[string]any{}
	set := func(m map[string]any, key, attr string) error {
		v, err := r.str(attr)
		if v != "" {
			m[key] = v
		}
		return err
	}
	for _, kv := range [][2]string{{"identifier", "identifier"}, {"name", "name"}, {"description", "description"}, {"orgIdentifier", "org_id"}, {"projectIdentifier", "project_id"}} {
		if err := set(conn, kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	for _, kv := range [][2]string{{"url", "url"}, {"type", "connection_type"}, {"validationRepo", "validation_repo"}} {
		if err := set(spec, kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	tags, err := r.list("tags")
	if err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		tm := map[string]any{}
		for _, t := range tags {
			k, v, _ := strings.Cut(t, ":")
			tm[k] = v
		}
		conn["tags"] = tm
	}
	sel, err := r.list("delegate_selectors")
	if err != nil {
		return nil, err
	}
	if len(sel) > 0 {
		spec["delegateSelectors"] = toAny(sel)
	}
	// The Terraform resource has no execute_on_delegate: Harness's default (a delegate) applies.
	spec["executeOnDelegate"] = true
	if err := r.credentials(spec); err != nil {
		return nil, err
	}
	if err := r.apiAuth(spec); err != nil {
		return nil, err
	}
	conn["spec"] = spec
	return conn, nil
}

type tfBlock struct {
	name string
	body *hclsyntax.Body
	refs *hcl.EvalContext // the file's other resources, by type.name.id
}

// resourceRefs lets a connector refer to a resource of the same file by
// its id, as bbconnect's own Terraform export does with the secrets it
// creates ("account.${harness_platform_secret_text.x.id}"): each
// resource with a literal identifier answers type.name.id (and
// .identifier) with it.
func resourceRefs(body *hclsyntax.Body) *hcl.EvalContext {
	types := map[string]map[string]cty.Value{}
	for _, blk := range body.Blocks {
		if blk.Type != "resource" || len(blk.Labels) != 2 {
			continue
		}
		a, ok := blk.Body.Attributes["identifier"]
		if !ok {
			continue
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() || v.Type() != cty.String || v.IsNull() {
			continue
		}
		if types[blk.Labels[0]] == nil {
			types[blk.Labels[0]] = map[string]cty.Value{}
		}
		types[blk.Labels[0]][blk.Labels[1]] = cty.ObjectVal(map[string]cty.Value{"id": v, "identifier": v})
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}}
	for typ, byName := range types {
		ctx.Variables[typ] = cty.ObjectVal(byName)
	}
	return ctx
}

func (b tfBlock) block(typ string) *tfBlock {
	for _, blk := range b.body.Blocks {
		if blk.Type == typ {
			return &tfBlock{name: b.name, body: blk.Body, refs: b.refs}
		}
	}
	return nil
}

func (b tfBlock) value(attr string) (cty.Value, error) {
	a, ok := b.body.Attributes[attr]
	if !ok {
		return cty.NilVal, nil
	}
	v, diags := a.Expr.Value(b.refs)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("%s: %s is not a literal value or the id of a resource in the file (line %d): put the value itself, bbconnect does not evaluate variables",
			b.name, attr, a.SrcRange.Start.Line)
	}
	return v, nil
}

func (b tfBlock) str(attr string) (string, error) {
	v, err := b.value(attr)
	if err != nil || v == cty.NilVal || v.IsNull() {
		return "", err
	}
	if v.Type() != cty.String {
		return "", fmt.Errorf("%s: %s should be a string", b.name, attr)
	}
	return v.AsString(), nil
}

func (b tfBlock) list(attr string) ([]string, error) {
	v, err := b.value(attr)
	if err != nil || v == cty.NilVal || v.IsNull() {
		return nil, err
	}
	if !v.CanIterateElements() {
		return nil, fmt.Errorf("%s: %s should be a list of strings", b.name, attr)
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.Type() != cty.String || e.IsNull() {
			return nil, fmt.Errorf("%s: %s should be a list of strings", b.name, attr)
		}
		out = append(out, e.AsString())
	}
	return out, nil
}

// credentials reads credentials { http {…} } or credentials { ssh {…} }.
func (b tfBlock) credentials(spec map[string]any) error {
	cr := b.block("credentials")
	if cr == nil {
		return fmt.Errorf("%s: the connector has no credentials block", b.name)
	}
	if ssh := cr.block("ssh"); ssh != nil {
		ref, err := ssh.str("ssh_key_ref")
		spec["authentication"] = map[string]any{"type": "Ssh", "spec": map[string]any{"sshKeyRef": ref}}
		return err
	}
	h := cr.block("http")
	if h == nil {
		return fmt.Errorf("%s: credentials has neither http nor ssh", b.name)
	}
	up := map[string]any{}
	for _, kv := range [][2]string{{"username", "username"}, {"usernameRef", "username_ref"}, {"passwordRef", "password_ref"}} {
		v, err := h.str(kv[1])
		if err != nil {
			return err
		}
		if v != "" {
			up[kv[0]] = v
		}
	}
	spec["authentication"] = map[string]any{"type": "Http", "spec": map[string]any{"type": "UsernamePassword", "spec": up}}
	return nil
}

// apiAuth reads api_authentication {auth_type, …} (UsernameToken by default).
func (b tfBlock) apiAuth(spec map[string]any) error {
	a := b.block("api_authentication")
	if a == nil {
		return nil
	}
	typ, err := a.str("auth_type")
	if err != nil {
		return err
	}
	if typ == "" {
		typ = "UsernameToken"
	}
	s := map[string]any{}
	for _, kv := range [][2]string{{"username", "username"}, {"usernameRef", "username_ref"}, {"email", "email"}, {"emailRef", "email_ref"}, {"tokenRef", "token_ref"}} {
		v, err := a.str(kv[1])
		if err != nil {
			return err
		}
		if v != "" {
			s[kv[0]] = v
		}
	}
	spec["apiAccess"] = map[string]any{"type": typ, "spec": s}
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
