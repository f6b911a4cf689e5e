package cli

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/keychain/rotate"
	"github.com/bbconnect/bbconnect/wizard"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

// The migration of the seeded bb_cloud_legacy: a taken id gets a suffix,
// and undoing it deletes only the secret this rotation created (by its
// tag), never one that was there before.
func TestHarnessRemoteRepointOwnSecretsOnly(t *testing.T) {
	srv, err := emu.Start(emu.Options{Dir: t.TempDir()})
	if err != nil {
		t.Skipf("the emulator cannot start here: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{harnessapi.EnvAPIKey: srv.Harness.APIKey}
	h := (&Factory{Getenv: func(k string) string { return env[k] }}).harnessRemote()
	ctx := context.Background()
	hc, err := harnessapi.New(harnessapi.Config{Endpoint: srv.HarnessURL, APIKey: harnessapi.APIKey(srv.Harness.APIKey)})
	if err != nil {
		t.Fatal(err)
	}
	taken := harnessapi.TextSecret{SecretMeta: harnessapi.SecretMeta{ID: "bb_cloud_legacy_api_token"}, Value: "someone else's"}
	if err := hc.CreateTextSecret(ctx, harnessapi.Scope{}, taken); err != nil {
		t.Fatal(err)
	}
	resp, err := hc.GetConnectorRaw(ctx, harnessapi.Scope{}, "bb_cloud_legacy")
	if err != nil {
		t.Fatal(err)
	}
	im, err := harnessapi.ToConnector(resp.Connector)
	if err != nil {
		t.Fatal(err)
	}
	p := profile.Profile{Connector: im.Connector, Harness: &profile.HarnessLink{Account: hc.Account(), URL: hc.Endpoint()}}
	next := rotate.MigrateFromAppPassword(im.Connector, srv.Demo.Email)
	step, err := h.Prepare(ctx, p, next, []wizard.SecretSlot{wizard.SlotPassword})
	if err != nil || step.Kind != rotate.RemoteRepoint || step.Secrets[wizard.SlotPassword] != "account.bb_cloud_legacy_api_token_2" ||
		len(step.OldSecrets) != 1 || step.OldSecrets[0] != "account.bb_app_password" {
		t.Fatalf("Prepare = %+v, %v", step, err)
	}
	step.Tag = "rot1"
	if _, err := h.Apply(ctx, *step, map[wizard.SecretSlot]string{wizard.SlotPassword: srv.Demo.APITokenNext}); err != nil {
		t.Fatal(err)
	}
	// Another rotation's undo (another tag) leaves this one's secret.
	other := *step
	other.Tag = "rot2"
	if err := h.Revert(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	if !srv.HarnessSecretIs("", "", "bb_cloud_legacy_api_token_2", srv.Demo.APITokenNext) {
		t.Fatal("a secret another rotation created was deleted")
	}
	if err := h.Revert(ctx, *step, nil); err != nil {
		t.Fatal(err)
	}
	if s, _ := hc.GetSecret(ctx, harnessapi.Scope{}, "bb_cloud_legacy_api_token_2"); s != nil {
		t.Fatal("the rotation's own secret survived its undo")
	}
	if !srv.HarnessSecretIs("", "", "bb_cloud_legacy_api_token", "someone else's") {
		t.Fatal("the secret that was there before was touched")
	}
	got, _ := hc.GetConnectorRaw(ctx, harnessapi.Scope{}, "bb_cloud_legacy")
	before, _ := json.Marshal(resp.Connector.Spec())
	after, _ := json.Marshal(got.Connector.Spec())
	if string(before) != string(after) {
		t.Fatalf("connector not restored:\n%s\n%s", before, after)
	}
}
