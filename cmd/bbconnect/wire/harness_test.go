package wire

import (
	"context"
	"strings"
	"testing"
	"time"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/tui"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/harness"
)

// The wizard's push, wired as bbconnect wires it, against the emulator's
// Harness stand-in: an expired HARNESS_PLATFORM_API_KEY is at hand and
// refused; a key proved in the wizard is kept in the keychain, remembered
// as the login, and pushes in its place; the profile records the link
// the picker then shows.
func TestWizardPushWithAKeyProvedInTheWizard(t *testing.T) {
	srv, err := emu.Start(emu.Options{Dir: t.TempDir(), Now: func() time.Time { return rotationNow }})
	if err != nil {
		t.Skipf("the emulator cannot start here: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{harness.EnvEndpoint: srv.HarnessURL, harness.EnvAPIKey: srv.Harness.ExpiredAPIKey}
	unset := ""
	f := &cli.Factory{Getenv: func(k string) string { return env[k] }, Unsetenv: func(k string) error { unset = k; return nil }}
	gokeyring.MockInit()
	kc := keychain.New(keychain.WithBackend(keychain.GoKeyring()))
	dir := t.TempDir()
	deps := wizardDeps(context.Background(), f, cli.WizardRequest{Now: rotationNow, ProfileDir: dir, Keychain: kc})
	if unset != harness.EnvAPIKey {
		t.Fatalf("the key was not dropped from the environment (unset %q)", unset)
	}
	c := wizard.NewConnector()
	c.ID, c.Name, c.URL, c.TestRepo, c.Username = "wire_push", "wire push", "https://bitbucket.org/acme", "harness-demo.git", srv.Demo.Username
	if err := kc.Set(context.Background(), c.ID, wizard.SlotPassword, srv.Demo.APIToken); err != nil {
		t.Fatal(err)
	}
	if _, err := deps.Profiles.Save(c, tui.SaveMeta{NewTokens: []wizard.SecretSlot{wizard.SlotPassword}}); err != nil {
		t.Fatal(err)
	}
	h := deps.Harness
	ctx := context.Background()
	if a := h.Access(ctx); !a.HaveKey || !a.FromEnv || a.Account != "acme" || a.Endpoint != srv.HarnessURL {
		t.Fatalf("access = %+v", a)
	}
	var calls []string
	observe := func(call harness.Call) { calls = append(calls, call.Method+" "+call.Path) }
	if _, err := h.Push(ctx, c.ID, observe); err == nil || !strings.Contains(err.Error(), "401 EXPIRED_TOKEN") {
		t.Fatalf("push with the expired key: %v", err)
	}
	a, err := h.LogIn(ctx, srv.Harness.APIKey, "", "")
	if err != nil || !a.HaveKey || a.Account != "acme" {
		t.Fatalf("login: %+v, %v", a, err)
	}
	if a := h.Access(ctx); !a.HaveKey || a.FromEnv {
		t.Fatalf("after the login, access = %+v", a)
	}
	calls = nil
	res, err := h.Push(ctx, c.ID, observe)
	if err != nil || !res.Test.Passed() {
		t.Fatalf("push: %v, test %+v", err, res.Test)
	}
	if len(calls) != 5 || calls[4] != "POST /ng/api/connectors/testConnection/wire_push" {
		t.Fatalf("calls %q", calls)
	}
	if key, _ := kc.HarnessKey(ctx, "acme"); key != srv.Harness.APIKey {
		t.Fatal("the proved key is not in the keychain")
	}
	if l, ok, _ := (profile.Store{Dir: dir}).LoadHarnessLogin(); !ok || l.Account != "acme" || l.URL != srv.HarnessURL {
		t.Fatalf("login %+v %v", l, ok)
	}
	ps, err := deps.Profiles.List()
	if err != nil || len(ps) != 1 || ps[0].Harness == nil || ps[0].Harness.Account != "acme" || ps[0].Harness.LastTest == nil || !ps[0].Harness.LastTest.OK {
		t.Fatalf("picker profiles %+v, %v", ps, err)
	}
}
