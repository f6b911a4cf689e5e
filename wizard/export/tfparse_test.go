package export

import (
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

type hclBody struct {
	attrs  map[string]any // string, []string, bool or map[string]string
	blocks map[string]*hclBody
	labels []string
}

// tfFile is a parsed Terraform export: its blocks by kind and name.
type tfFile struct {
	terraform *hclBody
	variables map[string]*hclBody // by name
	resources map[string]*hclBody // by "type.name"
	connector *hclBody
	order     []string // "kind type.name" in the file's order
}

// parseTerraform parses the export with hclparse and returns the
// connector resource block, its references to the other blocks evaluated
// as Terraform would ("account.${harness_platform_secret_text.x.id}"
// becomes "account.x"; var.x becomes "var.x").
func parseTerraform(tb testing.TB, src []byte) *hclBody {
	tb.Helper()
	return parseTerraformFile(tb, src).connector
}

func parseTerraformFile(tb testing.TB, src []byte) *tfFile {
	tb.Helper()
	f, diags := hclparse.NewParser().ParseHCL(src, "export.tf")
	if diags.HasErrors() {
		tb.Fatalf("terraform does not parse: %s\n%s", diags.Error(), src)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		tb.Fatalf("not a native hcl body")
	}
	if len(body.Attributes) != 0 {
		tb.Fatalf("top-level attributes: %d", len(body.Attributes))
	}
	// References resolve to what they name: var.x to "var.x", a resource's
	// id to its identifier.
	vars := map[string]cty.Value{}
	types := map[string]map[string]cty.Value{}
	for _, blk := range body.Blocks {
		switch {
		case blk.Type == "variable" && len(blk.Labels) == 1:
			vars[blk.Labels[0]] = cty.StringVal("var." + blk.Labels[0])
		case blk.Type == "resource" && len(blk.Labels) == 2:
			id := ""
			if a, ok := blk.Body.Attributes["identifier"]; ok {
				if v, d := a.Expr.Value(nil); !d.HasErrors() && v.Type() == cty.String {
					id = v.AsString()
				}
			}
			if types[blk.Labels[0]] == nil {
				types[blk.Labels[0]] = map[string]cty.Value{}
			}
			types[blk.Labels[0]][blk.Labels[1]] = cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal(id)})
		}
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"string": cty.StringVal("string")}}
	if len(vars) > 0 {
		ctx.Variables["var"] = cty.ObjectVal(vars)
	}
	for typ, byName := range types {
		ctx.Variables[typ] = cty.ObjectVal(byName)
	}
	out := &tfFile{variables: map[string]*hclBody{}, resources: map[string]*hclBody{}}
	for _, blk := range body.Blocks {
		b := convertBody(tb, blk.Body, ctx)
		b.labels = blk.Labels
		key := strings.Join(blk.Labels, ".")
		out.order = append(out.order, strings.TrimSpace(blk.Type+" "+key))
		switch blk.Type {
		case "terraform":
			if out.terraform != nil {
				tb.Fatalf("two terraform blocks")
			}
			out.terraform = b
		case "variable":
			out.variables[key] = b
		case "resource":
			if _, dup := out.resources[key]; dup {
				tb.Fatalf("resource %s declared twice", key)
			}
			out.resources[key] = b
			if blk.Labels[0] == TerraformResourceType {
				if out.connector != nil {
					tb.Fatalf("two connector resources")
				}
				out.connector = b
			}
		default:
			tb.Fatalf("unexpected block %s", blk.Type)
		}
	}
	if out.connector == nil {
		tb.Fatalf("no %s resource:\n%s", TerraformResourceType, src)
	}
	return out
}

func convertBody(tb testing.TB, b *hclsyntax.Body, ctx *hcl.EvalContext) *hclBody {
	tb.Helper()
	out := &hclBody{attrs: map[string]any{}, blocks: map[string]*hclBody{}}
	for name, a := range b.Attributes {
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			tb.Fatalf("attribute %s: %s", name, diags.Error())
		}
		switch {
		case v.Type() == cty.String:
			out.attrs[name] = v.AsString()
		case v.Type() == cty.Bool:
			out.attrs[name] = v.True()
		case v.Type().IsObjectType():
			m := map[string]string{}
			for k, e := range v.AsValueMap() {
				m[k] = e.AsString()
			}
			out.attrs[name] = m
		case v.Type().IsTupleType() || v.Type().IsListType():
			var list []string
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.Type() != cty.String {
					tb.Fatalf("attribute %s holds a %s", name, e.Type().FriendlyName())
				}
				list = append(list, e.AsString())
			}
			out.attrs[name] = list
		default:
			tb.Fatalf("attribute %s has type %s", name, v.Type().FriendlyName())
		}
	}
	for _, blk := range b.Blocks {
		if _, dup := out.blocks[blk.Type]; dup {
			tb.Fatalf("block %s given twice", blk.Type)
		}
		out.blocks[blk.Type] = convertBody(tb, blk.Body, ctx)
	}
	return out
}

func (b *hclBody) s(path ...string) string {
	cur := b
	for _, p := range path[:len(path)-1] {
		if cur == nil {
			return ""
		}
		cur = cur.blocks[p]
	}
	if cur == nil {
		return ""
	}
	v, _ := cur.attrs[path[len(path)-1]].(string)
	return v
}

func (b *hclBody) keys() string {
	var ks []string
	for k := range b.attrs {
		ks = append(ks, k)
	}
	for k := range b.blocks {
		ks = append(ks, k+"{}")
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}
