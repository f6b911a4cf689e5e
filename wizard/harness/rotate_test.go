package harness

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestResolveRef(t *testing.T) {
	proj := Scope{Org: "default", Project: "web"}
	for ref, want := range map[string]struct {
		scope Scope
		id    string
	}{
		"account.bb_app_password": {Scope{}, "bb_app_password"},
		"org.bb_dc_token":         {Scope{Org: "default"}, "bb_dc_token"},
		"bb_api_token":            {proj, "bb_api_token"},
	} {
		if sc, id := ResolveRef(proj, ref); sc != want.scope || id != want.id {
			t.Errorf("ResolveRef(%q) = %v %q, want %v %q", ref, sc, id, want.scope, want.id)
		}
	}
}

// legacyObject is an App Password connector as Harness returns it, with a
// key bbconnect does not manage (proxy).
func legacyObject(t *testing.T) RawConnector {
	t.Helper()
	var r RawConnector
	err := json.Unmarshal([]byte(`{"name":"legacy","identifier":"legacy","type":"Bitbucket","orgIdentifier":"default",
	 "spec":{"url":"https://bitbucket.org/acme/r.git","type":"Repo","executeOnDelegate":false,"proxy":true,
	  "authentication":{"type":"Http","spec":{"type":"UsernamePassword","spec":{"username":"jdoe","passwordRef":"account.bb_app_password"}}},
	  "apiAccess":{"type":"UsernameToken","spec":{"username":"jdoe","tokenRef":"account.bb_app_password"}}}}`), &r)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRepointMigration(t *testing.T) {
	prev := legacyObject(t)
	before, _ := json.Marshal(prev)
	if got := prev.SecretRefs(); !reflect.DeepEqual(got, map[wizard.SecretSlot]string{
		wizard.SlotPassword: "account.bb_app_password", wizard.SlotAPIToken: "account.bb_app_password",
	}) {
		t.Fatalf("SecretRefs = %v", got)
	}
	c := wizard.NewConnector()
	c.Connection, c.PasswordKind = wizard.HTTP, wizard.APIToken
	c.APIAccess, c.APIEmail, c.APITokenSameAsPassword = wizard.APIEmailAPIToken, "jdoe@acme.com", true
	next := prev.Repoint(c, map[wizard.SecretSlot]string{wizard.SlotPassword: "org.legacy_api_token"})
	if after, _ := json.Marshal(prev); string(after) != string(before) {
		t.Fatal("Repoint changed its receiver")
	}
	if got := next.SecretRefs(); got[wizard.SlotPassword] != "org.legacy_api_token" || got[wizard.SlotAPIToken] != "org.legacy_api_token" {
		t.Fatalf("refs after = %v", got)
	}
	api := next.Spec()["apiAccess"].(map[string]any)
	if api["type"] != "EmailAndApiToken" || api["spec"].(map[string]any)["email"] != "jdoe@acme.com" {
		t.Fatalf("apiAccess = %v", api)
	}
	if next.Spec()["proxy"] != true || next.Spec()["executeOnDelegate"] != false || next["orgIdentifier"] != "default" {
		t.Fatalf("keys bbconnect does not manage were lost: %v", next)
	}
}

// A rotation's PUT keeps the secret's name, tags and secret manager; a free
// id skips the ones taken.
func TestSetTextSecretValueAndFreeSecretID(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "pat.acc123.t.s")
	ctx := context.Background()
	sc := Scope{Org: "default"}
	orig := TextSecret{SecretMeta: SecretMeta{ID: "tok", Name: "Team token", Tags: map[string]string{"team": "web"}, SecretManager: "vault1"}, Value: "old-value"}
	if err := c.CreateTextSecret(ctx, sc, orig); err != nil {
		t.Fatal(err)
	}
	if err := c.SetTextSecretValue(ctx, sc, "tok", "new-value"); err != nil {
		t.Fatal(err)
	}
	s, err := c.GetSecret(ctx, sc, "tok")
	if err != nil || s.Name != "Team token" || s.Tags["team"] != "web" || s.SecretManager() != "vault1" || f.values["default|/tok"] != "new-value" {
		t.Fatalf("after the PUT: %+v %v (value %q)", s, err, f.values["default|/tok"])
	}
	if err := c.SetTextSecretValue(ctx, sc, "missing", "v"); err == nil {
		t.Fatal("a missing secret was accepted")
	}
	for _, id := range []string{"legacy_api_token", "legacy_api_token_2"} {
		if err := c.CreateTextSecret(ctx, sc, TextSecret{SecretMeta: SecretMeta{ID: id}, Value: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if id, err := c.FreeSecretID(ctx, sc, "legacy_api_token"); err != nil || id != "legacy_api_token_3" {
		t.Fatalf("FreeSecretID = %q, %v", id, err)
	}
	if id, err := c.FreeSecretID(ctx, Scope{}, "legacy_api_token"); err != nil || id != "legacy_api_token" {
		t.Fatalf("FreeSecretID at the account = %q, %v", id, err)
	}
}
