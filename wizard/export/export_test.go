package export

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr string
	}{
		{"harness", FormatHarness, ""},
		{" Harness ", FormatHarness, ""},
		{"YAML", FormatHarness, ""},
		{"yml", FormatHarness, ""},
		{"terraform", FormatTerraform, ""},
		{"TF", FormatTerraform, ""},
		{"hcl", FormatTerraform, ""},
		{"", "", "format is empty: choose harness or terraform"},
		{"json", "", `"json" is not an export format: choose harness or terraform`},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if FormatHarness.FileName("c1") != "c1.harness.yaml" || FormatTerraform.FileName("c1") != "c1.tf" {
		t.Error("wrong extensions")
	}
}

func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"harness", "terraform", "TF", " yaml ", "", "json", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFormat(s)
		if err != nil {
			if got != "" || err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
				t.Fatalf("ParseFormat(%q) = %q, %v", s, got, err)
			}
			return
		}
		// Round trip: the canonical name parses to itself.
		again, err := ParseFormat(string(got))
		if err != nil || again != got {
			t.Fatalf("ParseFormat(%q) = %q, then %q, %v", s, got, again, err)
		}
	})
}

func TestRender(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APINone, false, wizard.ViaPlatform, wizard.ScopeAccount, 0}.connector()
	for _, f := range Formats {
		got, err := RenderWith(c, f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var want []byte
		if f == FormatHarness {
			want, err = HarnessYAML(c)
		} else {
			want, err = TerraformWith(c, Options{})
		}
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Render(%s) differs from its function", f)
		}
	}
	if _, err := RenderWith(c, "json", Options{}); err == nil || !strings.Contains(err.Error(), "choose harness or terraform") {
		t.Errorf("Render(json) error %v", err)
	}
}

func TestSecretID(t *testing.T) {
	long := strings.Repeat("a", 200)
	tests := []struct {
		id   string
		slot wizard.SecretSlot
		want string
	}{
		{"bb_cloud", wizard.SlotPassword, "bb_cloud_password"},
		{"bb_cloud", wizard.SlotAPIToken, "bb_cloud_api_token"},
		{"bb_cloud", wizard.SlotSSHKey, "bb_cloud_ssh_key"},
		{"a$b", wizard.SlotPassword, "a_b_password"},
		{"my-conn.v2", wizard.SlotPassword, "my_conn_v2_password"},
		{"9lives", wizard.SlotPassword, "_9lives_password"},
		{"", wizard.SlotPassword, "My_Conn_password"}, // from the name
		{"x", "weird slot", "x_weird_slot"},
		{long, wizard.SlotAPIToken, strings.Repeat("a", 128-len("_api_token")) + "_api_token"},
	}
	for _, tt := range tests {
		c := wizard.Connector{ID: tt.id, Name: "My Conn"}
		got := SecretID(c, tt.slot)
		if got != tt.want {
			t.Errorf("SecretID(%q, %s) = %q, want %q", tt.id, tt.slot, got, tt.want)
		}
		if !ValidIdentifier(got) {
			t.Errorf("SecretID(%q, %s) = %q is not a valid identifier", tt.id, tt.slot, got)
		}
	}
	if got := SecretID(wizard.Connector{}, wizard.SlotPassword); got != "bitbucket_password" {
		t.Errorf("SecretID(empty) = %q", got)
	}
}

func TestSecretRef(t *testing.T) {
	tests := []struct {
		scope wizard.Scope
		want  string
	}{
		{wizard.ScopeAccount, "account.bb_password"},
		{"", "account.bb_password"},
		{wizard.ScopeOrg, "org.bb_password"},
		{wizard.ScopeProject, "bb_password"},
	}
	for _, tt := range tests {
		if got := SecretRef(wizard.Connector{ID: "bb", Scope: tt.scope}, wizard.SlotPassword); got != tt.want {
			t.Errorf("SecretRef(scope %q) = %q, want %q", tt.scope, got, tt.want)
		}
	}
}

func TestSecrets(t *testing.T) {
	tests := []struct {
		name string
		cb   combo
		want []string
	}{
		{"http only", combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APINone, false, wizard.ViaPlatform, wizard.ScopeOrg, 0}, []string{"password:org.bb_cloud_password:text"}},
		{"http same token", combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APIEmailAPIToken, true, wizard.ViaPlatform, wizard.ScopeOrg, 0}, []string{"password:org.bb_cloud_password:text"}},
		{"http own api token", combo{wizard.DataCenter, wizard.Account, wizard.HTTP, wizard.HTTPAccessToken, wizard.APIAccessToken, false, wizard.ViaPlatform, wizard.ScopeProject, 0}, []string{"password:bb_datacenter_password:text", "api-token:bb_datacenter_api_token:text"}},
		{"ssh with api", combo{wizard.Cloud, wizard.Repository, wizard.SSH, "", wizard.APIAccessToken, true, wizard.ViaPlatform, wizard.ScopeAccount, 0}, []string{"ssh-key:account.bb_cloud_ssh_key:ssh", "api-token:account.bb_cloud_api_token:text"}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range Secrets(tt.cb.connector()) {
			got = append(got, string(s.Slot)+":"+s.Ref+":"+s.Kind)
			if s.What == "" || s.ID == "" {
				t.Errorf("%s: secret %+v lacks a description", tt.name, s)
			}
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: Secrets = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestExportProblems(t *testing.T) {
	base := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APINone, false, wizard.ViaPlatform, wizard.ScopeProject, 0}.connector()
	tests := []struct {
		name   string
		mutate func(c *wizard.Connector)
		field  wizard.Field
	}{
		{"no name", func(c *wizard.Connector) { c.Name, c.ID = " ", "bb" }, "name"},
		{"bad name", func(c *wizard.Connector) { c.Name = "a:b" }, "name"},
		{"bad id", func(c *wizard.Connector) { c.ID = "bb-cloud" }, "id"},
		{"reserved id", func(c *wizard.Connector) { c.ID = "account" }, "id"},
		{"no url", func(c *wizard.Connector) { c.URL = "" }, "url"},
		{"no username", func(c *wizard.Connector) { c.Username = "" }, "username"},
		{"no api email", func(c *wizard.Connector) { c.APIAccess, c.APIEmail = wizard.APIEmailAPIToken, "" }, "api-email"},
		{"no api username", func(c *wizard.Connector) {
			c.APIAccess, c.APIUsername, c.Username = wizard.APIUsernameAppPassword, "", ""
		}, "api-username"},
		{"unknown api access", func(c *wizard.Connector) { c.APIAccess = "oauth" }, "api-access"},
		{"unknown url type", func(c *wizard.Connector) { c.URLType = "project" }, "url-type"},
		{"unknown connection", func(c *wizard.Connector) { c.Connection = "git" }, "connection"},
		{"unknown connectivity", func(c *wizard.Connector) { c.Connectivity = "vpn" }, "connectivity"},
		{"unknown scope", func(c *wizard.Connector) { c.Scope = "team" }, "scope"},
		{"org scope no org", func(c *wizard.Connector) { c.Scope, c.Org = wizard.ScopeOrg, "" }, "org"},
		{"project scope no project", func(c *wizard.Connector) { c.Project = "" }, "project"},
		{"bad org", func(c *wizard.Connector) { c.Org = "my-org" }, "org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.mutate(&c)
			for _, f := range Formats {
				out, err := RenderWith(c, f, Options{})
				var ps wizard.Problems
				if !errors.As(err, &ps) || out != nil {
					t.Fatalf("%s: Render = %q, %v; want problems", f, out, err)
				}
				p, ok := ps.Field(tt.field)
				if !ok {
					t.Fatalf("%s: no problem for %s in %v", f, tt.field, ps)
				}
				if p.Msg == "" || p.Msg != strings.ToLower(p.Msg[:1])+p.Msg[1:] {
					t.Errorf("%s: message %q is not lowercase", f, p.Msg)
				}
			}
		})
	}
}

func TestExportAppliesDefaults(t *testing.T) {
	c := combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.AccessToken, wizard.APINone, false, wizard.ViaPlatform, wizard.ScopeProject, 0}.connector()
	c.ID, c.Username, c.Scope, c.Connectivity = "", "someone", "", ""
	y, err := HarnessYAML(c)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeYAML(t, y)
	if getS(m, "identifier") != wizard.DeriveID(c.Name) || getS(m, "spec", "authentication", "spec", "spec", "username") != "x-token-auth" {
		t.Fatalf("defaults not applied:\n%s", y)
	}
	if !strings.HasPrefix(getS(m, "spec", "authentication", "spec", "spec", "passwordRef"), "account.") || get(m, "spec", "executeOnDelegate") != false {
		t.Fatalf("default scope or connectivity not applied:\n%s", y)
	}
}

// goldenCases are the variants kept as golden files.
var goldenCases = []struct {
	name string
	cb   combo
	edit func(c *wizard.Connector)
}{
	{"cloud_http_account_email_api_token", combo{wizard.Cloud, wizard.Account, wizard.HTTP, wizard.APIToken, wizard.APIEmailAPIToken, true, wizard.ViaDelegate, wizard.ScopeProject, 1}, nil},
	{"cloud_ssh_repo_account_scope", combo{wizard.Cloud, wizard.Repository, wizard.SSH, "", wizard.APINone, false, wizard.ViaPlatform, wizard.ScopeAccount, 0}, nil},
	{"cloud_http_repo_access_token", combo{wizard.Cloud, wizard.Repository, wizard.HTTP, wizard.AccessToken, wizard.APIAccessToken, false, wizard.ViaPlatform, wizard.ScopeOrg, 2}, nil},
	{"dc_http_account_access_token", combo{wizard.DataCenter, wizard.Account, wizard.HTTP, wizard.HTTPAccessToken, wizard.APIAccessToken, true, wizard.ViaDelegate, wizard.ScopeOrg, 0}, func(c *wizard.Connector) {
		c.Description = "Data Center over https\nwith a second line"
	}},
	{"dc_ssh_account_delegate", combo{wizard.DataCenter, wizard.Account, wizard.SSH, "", wizard.APIAccessToken, false, wizard.ViaDelegate, wizard.ScopeProject, 1}, nil},
	{"cloud_legacy_app_password", combo{wizard.Cloud, wizard.Repository, wizard.HTTP, wizard.AppPassword, wizard.APIUsernameAppPassword, true, wizard.ViaPlatform, wizard.ScopeProject, 0}, nil},
}

func TestGolden(t *testing.T) {
	for _, gc := range goldenCases {
		c := gc.cb.connector()
		c.Description = "exported by the golden test"
		if gc.edit != nil {
			gc.edit(&c)
		}
		for _, f := range Formats {
			t.Run(gc.name+"."+string(f), func(t *testing.T) {
				got, err := RenderWith(c, f, Options{})
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", gc.name+"."+string(f)+".golden")
				if *update {
					if err := os.MkdirAll("testdata", 0o750); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o600); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./wizard/export -run TestGolden -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s differs; run with -update if the change is intended\n--- got\n%s\n--- want\n%s", path, got, want)
				}
			})
		}
	}
}
