package export

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The Terraform export writes HCL with this small writer rather than
// hashicorp/hclwrite: hclwrite links github.com/google/go-cmp, whose
// package init compiles regular expressions and allocates ~200 KB in
// every start of bbconnect, first screen included (issue 12). The export
// needs few shapes: blocks, string, list, boolean and reference
// attributes, one object, comments and blank lines. The tests hold it to
// hclwrite: every export is already in hclwrite.Format's layout and parses
// back with hclsyntax to the same values (TestTerraformIsFormatted,
// FuzzHCLString).

// tfBody is a Terraform body being written: its items, in order.
type tfBody struct {
	items []tfItem
}

// tfItem is one item of a body: an attribute (name = expr, or an object
// when obj is set), a block (typ, labels, body), a comment or a blank line.
type tfItem struct {
	name, expr string
	obj        *tfBody
	typ        string
	labels     []string
	body       *tfBody
	comment    string
	blank      bool
}

// block appends a block and returns its body.
func (b *tfBody) block(typ string, labels ...string) *tfBody {
	nb := &tfBody{}
	b.items = append(b.items, tfItem{typ: typ, labels: labels, body: nb})
	return nb
}

// attr sets an attribute to an expression written as is: a reference
// (var.x), a keyword (true, string) or a quoted template.
func (b *tfBody) attr(name, expr string) {
	b.items = append(b.items, tfItem{name: name, expr: expr})
}

// str sets a string attribute. Its value is in Unicode normal form C, as
// Terraform reads every string (and as hclwrite wrote it).
func (b *tfBody) str(name, v string) { b.attr(name, hclString(norm.NFC.String(v))) }

// strList sets a list-of-strings attribute (the provider's sets take lists).
func (b *tfBody) strList(name string, vs []string) {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = hclString(norm.NFC.String(v))
	}
	b.attr(name, "["+strings.Join(q, ", ")+"]")
}

// object sets an attribute to an object and returns its body (string
// attributes only, written in the order set).
func (b *tfBody) object(name string) *tfBody {
	ob := &tfBody{}
	b.items = append(b.items, tfItem{name: name, obj: ob})
	return ob
}

// comment appends a "# text" line. Control characters become spaces: a
// line break would end the comment and start HCL.
func (b *tfBody) comment(text string) {
	b.items = append(b.items, tfItem{comment: strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, text)})
}

// newline appends a blank line.
func (b *tfBody) newline() { b.items = append(b.items, tfItem{blank: true}) }

// bytes is the body as a file.
func (b *tfBody) bytes() []byte {
	var sb strings.Builder
	b.write(&sb, 0)
	return []byte(sb.String())
}

// write writes the body at depth levels of two-space indentation, with the
// "=" of consecutive attributes aligned, as terraform fmt does: a comment,
// a blank line or a block ends the run.
func (b *tfBody) write(sb *strings.Builder, depth int) {
	ind := strings.Repeat("  ", depth)
	for i := 0; i < len(b.items); {
		it := b.items[i]
		switch {
		case it.typ != "":
			sb.WriteString(ind + it.typ)
			for _, l := range it.labels {
				sb.WriteString(" " + hclString(l))
			}
			sb.WriteString(" {\n")
			it.body.write(sb, depth+1)
			sb.WriteString(ind + "}\n")
		case it.blank:
			sb.WriteString("\n")
		case it.name == "":
			sb.WriteString(ind + "# " + it.comment + "\n")
		default:
			j, width := i, 0
			for ; j < len(b.items) && b.items[j].name != ""; j++ {
				width = max(width, len(b.items[j].name))
			}
			for _, a := range b.items[i:j] {
				sb.WriteString(ind + a.name + strings.Repeat(" ", width-len(a.name)) + " = ")
				if a.obj == nil {
					sb.WriteString(a.expr + "\n")
					continue
				}
				sb.WriteString("{\n")
				a.obj.write(sb, depth+1)
				sb.WriteString(ind + "}\n")
			}
			i = j
			continue
		}
		i++
	}
}

// hclString is s as a quoted HCL string, escaped as hclwrite escapes it:
// quotes, backslashes and line breaks; "${" and "%{" doubled so they stay
// text, not a template; other unprintable characters as \u escapes.
func hclString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for i, r := range s {
		switch r {
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		case '"':
			sb.WriteString(`\"`)
		case '\\':
			sb.WriteString(`\\`)
		case '$', '%':
			sb.WriteRune(r)
			if strings.HasPrefix(s[i+1:], "{") {
				sb.WriteRune(r)
			}
		default:
			switch {
			case unicode.IsPrint(r):
				sb.WriteRune(r)
			case r < 0x10000:
				fmt.Fprintf(&sb, `\u%04x`, r)
			default:
				fmt.Fprintf(&sb, `\U%08x`, r)
			}
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
