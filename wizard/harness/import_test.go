package harness

import (
	"reflect"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
)

func dcConnector() wizard.Connector {
	c := wizard.NewConnector()
	c.Name, c.ID, c.Edition = "bb dc", "bb_dc", wizard.DataCenter
	c.URL, c.URLType, c.Username = "https://bitbucket.example.com/scm/PROJ/app.git", wizard.Repository, "dev"
	c.PasswordKind, c.APIAccess, c.APITokenSameAsPassword = wizard.HTTPAccessToken, wizard.APIAccessToken, true
	c.Connectivity, c.DelegateSelectors = wizard.ViaDelegate, []string{"onprem"}
	c.Tags = []wizard.Tag{{Key: "team", Value: "a:b"}, {Key: "z"}}
	return c
}

// What bbconnect exports (YAML and Terraform) imports back to the same
// connector, except the SSH key path, which Harness never holds.
func TestImportRoundTrip(t *testing.T) {
	for _, c := range []wizard.Connector{httpConnector(), sshConnector(), dcConnector()} {
		for _, format := range []export.Format{export.FormatHarness, export.FormatTerraform} {
			out, err := export.RenderWith(c, format, export.Options{})
			if err != nil {
				t.Fatal(err)
			}
			name := format.FileName("conn")
			raw, err := ParseConnectorFile(name, out)
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", c.ID, format, err, out)
			}
			im, err := ToConnector(raw)
			if err != nil {
				t.Fatalf("%s %s: %v", c.ID, format, err)
			}
			want := c.WithDefaults()
			want.SSHKeyPath = ""
			got := im.Connector
			if format == export.FormatTerraform && want.Connectivity == wizard.ViaPlatform {
				// Terraform cannot say "through the Harness Platform": Harness's default (a delegate) applies.
				want.Connectivity = wizard.ViaDelegate
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s:\n got %+v\nwant %+v", c.ID, format, got, want)
			}
			wantRefs := []string{}
			for _, s := range export.Secrets(c) {
				wantRefs = append(wantRefs, s.Ref)
			}
			if strings.Join(im.SecretRefs, ",") != strings.Join(wantRefs, ",") {
				t.Errorf("%s %s: refs %v, want %v", c.ID, format, im.SecretRefs, wantRefs)
			}
		}
	}
}

func TestImportAppPasswordYAML(t *testing.T) {
	yml := `connector:
  name: bb legacy app password
  identifier: bb_legacy
  orgIdentifier: default
  projectIdentifier: my_project
  type: Bitbucket
  spec:
    url: https://bitbucket.org/my-workspace/my-repo.git
    authentication:
      type: Http
      spec:
        type: UsernamePassword
        spec: {usernameRef: bb_user, passwordRef: bb_app_password}
    apiAccess:
      type: UsernameToken
      spec: {username: my-bb-username, tokenRef: bb_app_password}
    executeOnDelegate: false
    type: Repo
`
	raw, err := ParseConnectorFile("pasted.yaml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	im, err := ToConnector(raw)
	if err != nil {
		t.Fatal(err)
	}
	c := im.Connector
	if c.PasswordKind != wizard.AppPassword || c.APIAccess != wizard.APIUsernameAppPassword || !c.APITokenSameAsPassword ||
		c.Scope != wizard.ScopeProject || c.URLType != wizard.Repository || c.Connectivity != wizard.ViaPlatform || c.Edition != wizard.Cloud {
		t.Fatalf("%+v", c)
	}
	if strings.Join(im.SecretRefs, ",") != "bb_user,bb_app_password" || len(im.Notes) != 1 || !strings.Contains(im.Notes[0], "bb_user") {
		t.Fatalf("refs %v notes %v", im.SecretRefs, im.Notes)
	}
}

func TestParseConnectorFileRefuses(t *testing.T) {
	cases := map[string]string{
		"":        "empty",
		"a: [":    "not yaml",
		"name: x": "no connector: key",
		`resource "harness_platform_connector_github" "x" {}`:                   "no harness_platform_connector_bitbucket",
		`resource "harness_platform_connector_bitbucket" "x" { url = var.url }`: "not a literal value",
		`resource "harness_platform_connector_bitbucket" "x" {
  identifier = "x"
}
resource "harness_platform_connector_bitbucket" "y" {}`: "has 2",
		`resource "harness_platform_connector_bitbucket" "x" { identifier = "x" }`: "no credentials",
		"resource {": "not terraform",
	}
	for in, want := range cases {
		_, err := ParseConnectorFile("f", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
	if _, err := ToConnector(RawConnector{"type": "Github", "identifier": "x"}); err == nil {
		t.Error("github connector imported")
	}
}
