package export

import (
	"slices"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

// TestTerraformMatchesYAML exports every combination both ways, parses the
// Terraform back with hclparse and checks it says what the YAML says.
func TestTerraformMatchesYAML(t *testing.T) {
	for _, cb := range combos() {
		c := cb.connector()
		y, err := HarnessYAML(c)
		if err != nil {
			t.Fatalf("%s: %v", cb, err)
		}
		src, err := TerraformWith(c, Options{})
		if err != nil {
			t.Fatalf("%s: %v", cb, err)
		}
		m := decodeYAML(t, y)
		r := parseTerraform(t, src)
		if !slices.Equal(r.labels, []string{TerraformResourceType, c.ID}) {
			t.Fatalf("%s: labels %q", cb, r.labels)
		}
		pairs := [][2]string{
			{r.s("identifier"), getS(m, "identifier")},
			{r.s("name"), getS(m, "name")},
			{r.s("description"), getS(m, "description")},
			{r.s("org_id"), getS(m, "orgIdentifier")},
			{r.s("project_id"), getS(m, "projectIdentifier")},
			{r.s("url"), getS(m, "spec", "url")},
			{r.s("connection_type"), getS(m, "spec", "type")},
			{r.s("validation_repo"), getS(m, "spec", "validationRepo")},
			{r.s("credentials", "http", "username"), getS(m, "spec", "authentication", "spec", "spec", "username")},
			{r.s("credentials", "http", "password_ref"), getS(m, "spec", "authentication", "spec", "spec", "passwordRef")},
			{r.s("credentials", "ssh", "ssh_key_ref"), getS(m, "spec", "authentication", "spec", "sshKeyRef")},
			{r.s("api_authentication", "auth_type"), getS(m, "spec", "apiAccess", "type")},
			{r.s("api_authentication", "email"), getS(m, "spec", "apiAccess", "spec", "email")},
			{r.s("api_authentication", "username"), getS(m, "spec", "apiAccess", "spec", "username")},
			{r.s("api_authentication", "token_ref"), getS(m, "spec", "apiAccess", "spec", "tokenRef")},
		}
		for i, p := range pairs {
			if p[0] != p[1] {
				t.Fatalf("%s: pair %d: terraform %q, yaml %q\n%s", cb, i, p[0], p[1], src)
			}
		}
		if len(r.blocks["credentials"].blocks) != 1 {
			t.Fatalf("%s: credentials must hold exactly one of http/ssh", cb)
		}
		var wantTags []string
		for _, tag := range c.Tags {
			wantTags = append(wantTags, tag.String())
		}
		if got, _ := r.attrs["tags"].([]string); !slices.Equal(got, wantTags) {
			t.Fatalf("%s: tags %q, want %q", cb, got, wantTags)
		}
		wantSel := toStrings(get(m, "spec", "delegateSelectors"))
		if len(wantSel) == 0 {
			wantSel = nil
		}
		if got, _ := r.attrs["delegate_selectors"].([]string); !slices.Equal(got, wantSel) {
			t.Fatalf("%s: delegate_selectors %q, want %q", cb, got, wantSel)
		}
		if _, ok := r.attrs["execute_on_delegate"]; ok {
			t.Fatalf("%s: the bitbucket resource has no execute_on_delegate", cb)
		}
		platformNote := strings.Contains(string(src), "Connect through Harness Platform")
		if platformNote != (c.Connectivity == wizard.ViaPlatform) {
			t.Fatalf("%s: platform comment present=%v\n%s", cb, platformNote, src)
		}
		checkTFAPIFields(t, cb, r)
	}
}

// checkTFAPIFields mirrors the provider's validateBitbucketApiAuthentication.
func checkTFAPIFields(t *testing.T, cb combo, r *hclBody) {
	t.Helper()
	api := r.blocks["api_authentication"]
	if api == nil {
		return
	}
	want := map[string]string{
		"EmailAndApiToken": "auth_type,email,token_ref",
		"AccessToken":      "auth_type,token_ref",
		"UsernameToken":    "auth_type,token_ref,username",
	}[api.s("auth_type")]
	if got := api.keys(); got != want {
		t.Fatalf("%s: api_authentication has %s, want %s", cb, got, want)
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func TestTerraformQuoting(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APINone, false, wizard.ViaDelegate, wizard.ScopeProject, 0}.connector()
	c.Username = `Team "A" ${var.x} %{if} \ back`
	c.Description = "line one\nline two\t# not a comment\n# nor this */ /*"
	c.Tags = []wizard.Tag{{Key: "k", Value: "${x}"}, {Key: "q\"uote"}}
	c.DelegateSelectors = []string{"a b", `c"d`, "a b"}
	src, err := TerraformWith(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := parseTerraform(t, src)
	if r.s("credentials", "http", "username") != c.Username || r.s("description") != c.Description {
		t.Fatalf("strings changed: %q %q\n%s", r.s("credentials", "http", "username"), r.s("description"), src)
	}
	if got, _ := r.attrs["tags"].([]string); !slices.Equal(got, []string{"k:${x}", `q"uote`}) {
		t.Fatalf("tags %q", got)
	}
	if got, _ := r.attrs["delegate_selectors"].([]string); !slices.Equal(got, []string{"a b", `c"d`}) {
		t.Fatalf("delegate_selectors %q", got)
	}
	if !strings.Contains(string(src), "$${var.x}") {
		t.Fatalf("template introducer not escaped:\n%s", src)
	}
}

func TestTerraformName(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APINone, false, wizard.ViaPlatform, wizard.ScopeAccount, 0}.connector()
	c.ID = "bb$cloud"
	src, err := TerraformWith(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := parseTerraform(t, src)
	if !slices.Equal(r.labels, []string{TerraformResourceType, "bb_cloud"}) || r.s("identifier") != "bb$cloud" {
		t.Fatalf("labels %q identifier %q", r.labels, r.s("identifier"))
	}
}

func TestTerraformComments(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Repository, wizard.HTTP, wizard.AppPassword, wizard.APIUsernameAppPassword, true, wizard.ViaPlatform, wizard.ScopeAccount, 2}.connector()
	src, err := TerraformWith(c, Options{ResourceOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for _, want := range []string{
		"Create these Harness secrets first:", "account.bb_cloud_password: encrypted text",
		"stop working after 2026-06-09", "splits tags at every ':'", "Connect through Harness Platform",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("terraform lacks %q:\n%s", want, s)
		}
	}
	c.Connection = wizard.SSH
	c.APIAccess = wizard.APIAccessToken
	c.Tags = nil
	src, err = TerraformWith(c, Options{ResourceOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	s = string(src)
	if !strings.Contains(s, "account.bb_cloud_ssh_key: ssh credential") || strings.Contains(s, "App Password") || strings.Contains(s, "splits tags") {
		t.Errorf("wrong comments:\n%s", s)
	}
}
