package export

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/text/unicode/norm"

	"github.com/bbconnect/bbconnect/wizard"
)

// TestTerraformIsFormatted: every Terraform export is already in the
// layout `terraform fmt` (hclwrite.Format) gives it, for every combination
// of settings and export options.
func TestTerraformIsFormatted(t *testing.T) {
	opts := []Options{{}, {ResourceOnly: true}, {SSHPassphrase: true}}
	n := 0
	for _, cb := range combos() {
		c := cb.connector()
		c.Description = `a "quoted" ${not} %{a} \ template`
		c.Tags = []wizard.Tag{{Key: "team", Value: "platform"}, {Key: "url", Value: "https://x:1"}}
		for _, o := range opts {
			src, err := TerraformWith(c, o)
			if err != nil {
				continue
			}
			n++
			if got := hclwrite.Format(src); !bytes.Equal(got, src) {
				t.Fatalf("%v %+v: not formatted; terraform fmt gives\n%s\nwe wrote\n%s", cb, o, got, src)
			}
		}
	}
	if n == 0 {
		t.Fatal("no export made")
	}
}

// FuzzHCLString: a string written by hclString is exactly what hclwrite
// writes for it, and reads back (hclsyntax) as the same string.
func FuzzHCLString(f *testing.F) {
	for _, s := range []string{"", "plain", `a "b" \c`, "${x} %{y} $ % ${", "\n\r\t\x00\x7f", "\u0085\u2028\ufeff", "e\u0301", "\U0001F600", "$${x}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // the export repairs UTF-8 first (sanitize)
		}
		s = norm.NFC.String(s)
		got := hclString(s)
		if want := string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes()); got != want {
			t.Fatalf("hclString(%q) = %s, hclwrite writes %s", s, got, want)
		}
		expr, diags := hclsyntax.ParseExpression([]byte(got), "s", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s does not parse: %v", got, diags)
		}
		v, diags := expr.Value(nil)
		if diags.HasErrors() || v.AsString() != s {
			t.Fatalf("%s reads back as %#v, want %q (%v)", got, v, s, diags)
		}
	})
}
