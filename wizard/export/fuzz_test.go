package export

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"golang.org/x/text/unicode/norm"

	"github.com/bbconnect/bbconnect/wizard"
)

// haveSchema reports whether the Harness schema is there, without skipping.
func haveSchema() bool {
	wd, err := os.Getwd()
	if err != nil {
		return false
	}
	for dir := wd; filepath.Dir(dir) != dir; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "shared", "reference", "harness-schema", "connector.project.json")); err == nil {
			return true
		}
	}
	return false
}

// FuzzExport feeds arbitrary user text to both exports. Either the export
// refuses with problems, or the YAML and the Terraform both parse back to
// exactly the strings given (after the trimming and UTF-8 repair the export
// does), the YAML holds no plain scalar a YAML 1.1 reader would take for a
// non-string, and it passes the Harness schema.
func FuzzExport(f *testing.F) {
	f.Add("Bitbucket Cloud", "desc", "team", "platform", "me", "https://bitbucket.org/ws", "d1", true)
	f.Add("yes", "no", "on", "1:20", "~", "0x1F", "null", false)
	f.Add(`a "b" ${c} %{d}`, "multi\nline\r\n\ttext", "k:v", "v:w:x", "x-token-auth", "git@bitbucket.org:ws/", "a b", true)
	f.Add("- item", "# comment", "&anchor", "*alias", "!tag", "|", ">", false)
	f.Add("\xff\xfe", "\u0085\u2028", "\ufeff", "e\u0301", "", " ", "\x00", true)
	check := haveSchema()
	f.Fuzz(func(t *testing.T, name, desc, tagKey, tagVal, user, url, sel string, ssh bool) {
		c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APIEmailAPIToken, false, wizard.ViaDelegate, wizard.ScopeProject, 0}.connector()
		if ssh {
			c.Connection = wizard.SSH
		}
		if wizard.ValidateName(name) == nil {
			c.Name = name
		} else {
			desc = name + desc // still exercise it
		}
		c.Description, c.Username, c.URL, c.APIEmail = desc, user, url, tagVal
		c.Tags = []wizard.Tag{{Key: tagKey, Value: tagVal}}
		c.DelegateSelectors = []string{sel}
		y, yerr := HarnessYAML(c)
		tf, terr := TerraformWith(c, Options{})
		if (yerr == nil) != (terr == nil) {
			t.Fatalf("yaml error %v, terraform error %v", yerr, terr)
		}
		if yerr != nil {
			var ps wizard.Problems
			if !errors.As(yerr, &ps) || len(ps) == 0 {
				t.Fatalf("error is not problems: %v", yerr)
			}
			for _, p := range ps {
				if p.Msg == "" || strings.ToLower(p.Msg[:1]) != p.Msg[:1] {
					t.Fatalf("message %q", p.Msg)
				}
			}
			return
		}
		fix := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
		key := strings.TrimSpace(fix(tagKey))
		want := map[string]string{
			"name": c.Name, "description": strings.TrimSpace(fix(desc)), "url": strings.TrimSpace(fix(url)),
			"email": strings.TrimSpace(fix(tagVal)), "tag": fix(tagVal),
		}
		if c.Connection == wizard.HTTP {
			want["username"] = strings.TrimSpace(fix(user))
		}
		m := decodeYAML(t, y)
		got := map[string]string{
			"name": getS(m, "name"), "description": getS(m, "description"), "url": getS(m, "spec", "url"),
			"email": getS(m, "spec", "apiAccess", "spec", "email"), "tag": getS(m, "tags", key),
		}
		if c.Connection == wizard.HTTP {
			got["username"] = getS(m, "spec", "authentication", "spec", "spec", "username")
		}
		for k, w := range want {
			if k == "tag" && key == "" {
				continue
			}
			if got[k] != w {
				t.Fatalf("yaml %s = %q, want %q\n%s", k, got[k], w, y)
			}
		}
		if bad := plainYAML11NonStrings(t, y); len(bad) > 0 {
			t.Fatalf("unquoted yaml 1.1 non-strings %q in\n%s", bad, y)
		}
		if check {
			if err := validate(t, wizard.ScopeProject, y); err != nil {
				t.Fatalf("schema: %v\n%s", err, y)
			}
		}

		if got := hclwrite.Format(tf); !bytes.Equal(got, tf) {
			t.Fatalf("terraform export not in terraform fmt's layout:\n%s\nwant\n%s", tf, got)
		}
		r := parseTerraform(t, tf)
		nfc := norm.NFC.String
		tfGot := map[string]string{
			"name": r.s("name"), "description": r.s("description"), "url": r.s("url"),
			"email": r.s("api_authentication", "email"),
		}
		if c.Connection == wizard.HTTP {
			tfGot["username"] = r.s("credentials", "http", "username")
		}
		for k, v := range tfGot {
			if v != nfc(want[k]) {
				t.Fatalf("terraform %s = %q, want %q\n%s", k, v, nfc(want[k]), tf)
			}
		}
		tags, _ := r.attrs["tags"].([]string)
		if key != "" && !slices.Equal(tags, []string{nfc(wizard.Tag{Key: key, Value: fix(tagVal)}.String())}) {
			t.Fatalf("terraform tags %q\n%s", tags, tf)
		}
	})
}
