package wire

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/keychain/rotate"
	"github.com/bbconnect/bbconnect/tui"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

// rotationNow is the clock of the rotation tests: App Passwords are gone.
var rotationNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// rotationWorld is a saved connector, its keychain (go-keyring's mock) and
// the wizard's services wired as bbconnect wires them, against the
// emulator.
type rotationWorld struct {
	srv  *emu.Server
	kc   *keychain.Keychain
	dir  string
	deps tui.Deps
}

func newRotationWorld(t *testing.T) *rotationWorld {
	t.Helper()
	srv, err := emu.Start(emu.Options{Dir: t.TempDir(), Now: func() time.Time { return rotationNow }})
	if err != nil {
		t.Skipf("the emulator cannot start here (needs git, git-upload-pack, git http-backend): %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{
		conntest.EnvCloudURL: srv.CloudURL, conntest.EnvCloudAPIURL: srv.CloudAPIURL, conntest.EnvCloudSSH: srv.SSHAddr,
		conntest.EnvCAFile: srv.CAFile, conntest.EnvKnownHosts: srv.KnownHostsFile,
		harnessapi.EnvAPIKey: srv.Harness.APIKey,
	}
	f := &cli.Factory{Getenv: func(k string) string { return env[k] }}
	gokeyring.MockInit()
	kc := keychain.New(keychain.WithBackend(keychain.GoKeyring()))
	dir := t.TempDir()
	cfg := conntest.ConfigFromEnv(f.Getenv)
	cfg.Now = func() time.Time { return rotationNow }
	req := cli.WizardRequest{Now: rotationNow, ProfileDir: dir, Keychain: kc, Test: cfg, Remote: f.HarnessRemote()}
	return &rotationWorld{srv: srv, kc: kc, dir: dir, deps: wizardDeps(context.Background(), f, req)}
}

// save stores c with its secrets as the wizard saves a new connector.
func (w *rotationWorld) save(t *testing.T, c wizard.Connector, secrets map[wizard.SecretSlot]string) {
	t.Helper()
	var fresh []wizard.SecretSlot
	for slot, v := range secrets {
		if err := w.kc.Set(context.Background(), c.ID, slot, v); err != nil {
			t.Fatal(err)
		}
		fresh = append(fresh, slot)
	}
	if _, err := w.deps.Profiles.Save(c, tui.SaveMeta{NewTokens: fresh}); err != nil {
		t.Fatal(err)
	}
}

func (w *rotationWorld) secret(t *testing.T, id string, slot wizard.SecretSlot) string {
	t.Helper()
	v, err := w.kc.Get(context.Background(), id, slot)
	if errors.Is(err, keychain.ErrNotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (w *rotationWorld) load(t *testing.T, id string) profile.Profile {
	t.Helper()
	p, err := profile.Store{Dir: w.dir}.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *rotationWorld) cloudConnector(id string) wizard.Connector {
	c := wizard.NewConnector()
	c.ID, c.Name = id, id
	c.URLType, c.URL = wizard.Repository, "https://bitbucket.org/"+w.srv.Demo.Workspace+"/"+w.srv.Demo.Repo+".git"
	c.Username = w.srv.Demo.Username
	return c
}

// A wizard rotation goes through the journaled rotator: a new token that
// fails the live test changes nothing (old secret, profile, no staging item,
// no journal); one that passes replaces the old one and dates it.
func TestWizardRotationUsesTheJournaledRotator(t *testing.T) {
	w := newRotationWorld(t)
	d := w.srv.Demo
	c := w.cloudConnector("cloud_rot")
	const oldToken = "ATATT3xOLDTOKEN-still-in-use"
	w.save(t, c, map[wizard.SecretSlot]string{wizard.SlotPassword: oldToken})
	before := w.load(t, c.ID)
	ctx := context.Background()

	res, err := w.deps.Rotator.Rotate(ctx, tui.Rotation{Connector: c, Secrets: wizard.Secrets{Password: "ATATT3xWRONG-new-token"}})
	if err == nil || !strings.Contains(err.Error(), "the new token failed the connection test") || !strings.Contains(err.Error(), "old token is still in use") {
		t.Fatalf("Rotate = %+v, %v", res, err)
	}
	if strings.Contains(err.Error(), "ATATT3xWRONG-new-token") {
		t.Fatalf("the error shows the new token: %v", err)
	}
	if got := w.secret(t, c.ID, wizard.SlotPassword); got != oldToken {
		t.Fatalf("keychain holds %q after a failed rotation", got)
	}
	if got := w.secret(t, c.ID, keychain.StagingSlot(wizard.SlotPassword)); got != "" {
		t.Fatal("a staging item was left behind")
	}
	if _, err := os.Stat(profile.Store{Dir: w.dir}.JournalPath(c.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("journal left behind: %v", err)
	}
	if after := w.load(t, c.ID); after.LastTest != nil || !after.Tokens[wizard.SlotPassword].Created.Equal(before.Tokens[wizard.SlotPassword].Created) {
		t.Fatalf("profile changed: %+v", after)
	}

	expires := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	res, err = w.deps.Rotator.Rotate(ctx, tui.Rotation{Connector: c, Secrets: wizard.Secrets{Password: d.APIToken, PasswordExpires: expires}})
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	if !res.Tested || !strings.Contains(res.Summary, "passed the connection test and replaced the old one") ||
		len(res.Keychain) != 1 || res.ProfilePath != (profile.Store{Dir: w.dir}).Path(c.ID) {
		t.Fatalf("result = %+v", res)
	}
	if got := w.secret(t, c.ID, wizard.SlotPassword); got != d.APIToken {
		t.Fatal("the new token is not in place")
	}
	p := w.load(t, c.ID)
	m := p.Tokens[wizard.SlotPassword]
	if !m.Expires.Equal(expires) || m.LastRotated.IsZero() || p.LastTest == nil || !p.LastTest.OK {
		t.Fatalf("profile after rotation: %+v, last test %+v", m, p.LastTest)
	}
}

// The wizard's App Password migration, rotated through the wiring: the
// settings move to an API token with Email and API Token API access (one
// token), the old App Password API item goes, and the profile says so.
func TestWizardRotationMigratesAppPasswords(t *testing.T) {
	w := newRotationWorld(t)
	d := w.srv.Demo
	old := w.cloudConnector("legacy")
	old.PasswordKind = wizard.AppPassword
	old.APIAccess, old.APIUsername = wizard.APIUsernameAppPassword, d.Username
	w.save(t, old, map[wizard.SecretSlot]string{wizard.SlotPassword: "app-password-1", wizard.SlotAPIToken: "app-password-2"})

	need, steps := rotate.MigrationPlan(old, rotationNow)
	if !need || len(steps) == 0 {
		t.Fatal("no migration planned for an app password connector")
	}
	c := rotate.MigrateFromAppPassword(old, "")
	c.APIEmail = d.Email // the wizard's API access step asks it
	res, err := w.deps.Rotator.Rotate(context.Background(), tui.Rotation{Connector: c, Secrets: wizard.Secrets{Password: d.APIToken}})
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	if !strings.Contains(res.Summary, "it now uses an api token instead of an app password") {
		t.Fatalf("summary = %q", res.Summary)
	}
	p := w.load(t, "legacy")
	if p.Connector.PasswordKind != wizard.APIToken || p.Connector.APIAccess != wizard.APIEmailAPIToken || p.Connector.APIEmail != d.Email ||
		!p.Connector.APITokenSameAsPassword || p.Connector.Username != d.Username {
		t.Fatalf("saved connector = %+v", p.Connector)
	}
	if _, kept := p.Tokens[wizard.SlotAPIToken]; kept || p.Tokens[wizard.SlotPassword].Kind != string(wizard.APIToken) {
		t.Fatalf("tokens = %+v", p.Tokens)
	}
	if w.secret(t, "legacy", wizard.SlotAPIToken) != "" {
		t.Fatal("the old app password of api access is still in the keychain")
	}
}

// The wizard's profile save: new tokens dated now with the asked expiry,
// kept tokens untouched, the last test recorded.
func TestWizardProfileSave(t *testing.T) {
	dir := t.TempDir()
	now := rotationNow
	store := profile.Store{Dir: dir, Now: func() time.Time { return now }}
	p := tuiProfiles{ctx: context.Background(), store: store}
	c := wizard.NewConnector()
	c.ID, c.Name, c.URL, c.Username = "saved_one", "saved one", "https://bitbucket.org/acme", "jdoe"
	c.APIAccess, c.APIEmail = wizard.APIEmailAPIToken, "jdoe@example.com"
	exp := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, err := p.Save(c, tui.SaveMeta{
		NewTokens: []wizard.SecretSlot{wizard.SlotPassword, wizard.SlotAPIToken},
		Expires:   map[wizard.SecretSlot]time.Time{wizard.SlotPassword: exp},
	}); err != nil {
		t.Fatal(err)
	}
	first, err := store.Load(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Tokens[wizard.SlotPassword].Expires.Equal(exp) || !first.Tokens[wizard.SlotAPIToken].Expires.Equal(now.AddDate(1, 0, 0)) || first.LastTest != nil {
		t.Fatalf("first save: %+v", first)
	}
	now = now.Add(48 * time.Hour)
	test := &tui.TestResult{At: now, OK: false, Summary: "git read access: wrong password"}
	if _, err := p.Save(c, tui.SaveMeta{NewTokens: []wizard.SecretSlot{wizard.SlotAPIToken}, LastTest: test}); err != nil {
		t.Fatal(err)
	}
	second, err := store.Load(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if second.Tokens[wizard.SlotPassword] != first.Tokens[wizard.SlotPassword] {
		t.Fatalf("the kept token changed: %+v", second.Tokens[wizard.SlotPassword])
	}
	api := second.Tokens[wizard.SlotAPIToken]
	if !api.Created.Equal(now) || !api.LastRotated.Equal(now) {
		t.Fatalf("the new api token: %+v", api)
	}
	if second.LastTest == nil || second.LastTest.OK || second.LastTest.Summary != test.Summary || !second.LastTest.At.Equal(now) {
		t.Fatalf("last test = %+v", second.LastTest)
	}
	if _, err := p.Save(c, tui.SaveMeta{
		NewTokens: []wizard.SecretSlot{wizard.SlotPassword},
		Expires:   map[wizard.SecretSlot]time.Time{wizard.SlotPassword: now.AddDate(2, 0, 0)},
	}); err == nil || !strings.Contains(err.Error(), "within one year") {
		t.Fatalf("a two-year api token was saved: %v", err)
	}
}

// Each failing check of a real report points at the field that fixes it.
func TestWizardChecksNameTheirField(t *testing.T) {
	w := newRotationWorld(t)
	c := w.cloudConnector("fields")
	c.Username = w.srv.Demo.Email // the email where the username belongs
	r := w.deps.Tester.Run(context.Background(), c, wizard.Secrets{Password: w.srv.Demo.APIToken}, nil)
	for _, ch := range r.Checks {
		if ch.Name == conntest.CheckGit {
			if ch.Status != conntest.Fail || conntest.FixField(c, ch) != wizard.FieldUsername {
				t.Fatalf("git check = %+v", ch)
			}
			return
		}
	}
	t.Fatalf("no git check in %+v", r)
}

// The wizard's rotation of a connector pushed to Harness goes through the
// same Harness step as bbconnect rotate: the secret in Harness gets the
// new token and Harness's test passes before the keychain takes it.
func TestWizardRotationUpdatesHarness(t *testing.T) {
	w := newRotationWorld(t)
	d := w.srv.Demo
	c := w.cloudConnector("cloud_harness")
	w.save(t, c, map[wizard.SecretSlot]string{wizard.SlotPassword: d.APIToken})
	ctx := context.Background()
	hc, err := harnessapi.New(harnessapi.Config{Endpoint: w.srv.HarnessURL, APIKey: harnessapi.APIKey(w.srv.Harness.APIKey)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := hc.Push(ctx, harnessapi.PushInput{Connector: c, Secrets: wizard.Secrets{Password: d.APIToken}})
	if err != nil || !res.Test.Passed() {
		t.Fatalf("push: %v %+v", err, res.Test)
	}
	link := profile.HarnessLink{Account: hc.Account(), URL: hc.Endpoint(), SecretIDs: res.SecretIDs()}
	if _, err := (profile.Store{Dir: w.dir}).RecordHarness(ctx, c.ID, link); err != nil {
		t.Fatal(err)
	}
	out, err := w.deps.Rotator.Rotate(ctx, tui.Rotation{Connector: c, Secrets: wizard.Secrets{Password: d.APITokenNext}})
	if err != nil || !out.InHarness || !strings.Contains(out.Summary, "in harness, secret account.cloud_harness_password now holds it and harness's test passed") {
		t.Fatalf("Rotate = %+v, %v", out, err)
	}
	if !w.srv.HarnessSecretIs("", "", "cloud_harness_password", d.APITokenNext) || w.secret(t, c.ID, wizard.SlotPassword) != d.APITokenNext {
		t.Fatal("harness and the keychain do not both hold the new token")
	}
	if p := w.load(t, c.ID); p.Harness == nil || p.Harness.LastTest == nil || !p.Harness.LastTest.OK {
		t.Fatalf("harness test not recorded: %+v", p.Harness)
	}
}
