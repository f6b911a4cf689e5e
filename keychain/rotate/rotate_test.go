package rotate

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	gokeyring "github.com/zalando/go-keyring"
)

func mockFixture(t *testing.T, c wizard.Connector) fixture {
	t.Helper()
	gokeyring.MockInit()
	return newFixture(t, t.TempDir(), keychain.GoKeyring(), c)
}

func TestRotate(t *testing.T) {
	f := mockFixture(t, cloudConnector("cloud1"))
	exp := rotated.AddDate(0, 6, 0)
	req := f.request(false)
	req.Expires = map[wizard.SecretSlot]time.Time{wizard.SlotPassword: exp}
	ok := okTester(t)
	tester := func(ctx context.Context, c wizard.Connector, s wizard.Secrets) error {
		if !s.PasswordExpires.Equal(exp) {
			t.Errorf("the tester sees the new token expire on %v, want %v", s.PasswordExpires, exp)
		}
		return ok(ctx, c, s)
	}
	res, err := f.rotator(tester).Rotate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !f.assertConsistent(t, true) {
		t.Fatal("the new token is not in place")
	}
	if !res.Tested || res.Migrated || res.Recovered != "" || len(res.Replaced) != 1 {
		t.Fatalf("result = %+v", res)
	}
	if want := "the new token of cloud1 passed the connection test and replaced the old one"; res.Summary != want {
		t.Fatalf("summary %q, want %q", res.Summary, want)
	}
	p, _ := f.store.Load(f.id)
	m := p.Tokens[wizard.SlotPassword]
	if !m.Created.Equal(rotated) || !m.Expires.Equal(exp) || m.Kind != "api-token" {
		t.Fatalf("token meta = %+v", m)
	}
	if p.LastTest == nil || !p.LastTest.OK || !p.LastTest.At.Equal(rotated) || !p.Created.Equal(created) {
		t.Fatalf("profile = %+v", p)
	}
}

func TestRotateWithoutTester(t *testing.T) {
	f := mockFixture(t, cloudConnector("untested"))
	res, err := f.rotator(nil).Rotate(context.Background(), f.request(false))
	if err != nil {
		t.Fatal(err)
	}
	if res.Tested || !strings.Contains(res.Summary, "without a connection test (test skipped)") || !strings.Contains(res.Summary, "bbconnect test untested") {
		t.Fatalf("result = %+v", res)
	}
	if !f.assertConsistent(t, true) {
		t.Fatal("not rotated")
	}
	p, _ := f.store.Load(f.id)
	if p.LastTest != nil {
		t.Fatalf("a skipped test was recorded: %+v", p.LastTest)
	}
}

func TestRotateTestFailureChangesNothing(t *testing.T) {
	f := mockFixture(t, cloudConnector("failing"))
	before, _ := os.ReadFile(f.store.Path(f.id))
	tester := func(_ context.Context, _ wizard.Connector, s wizard.Secrets) error {
		return errors.New("401 unauthorized for token " + s.Password)
	}
	_, err := f.rotator(tester).Rotate(context.Background(), f.request(false))
	var tf *TestFailedError
	if !errors.As(err, &tf) {
		t.Fatalf("Rotate = %v, want TestFailedError", err)
	}
	if strings.Contains(err.Error(), newToken) || !strings.Contains(err.Error(), "[redacted]") || !strings.Contains(err.Error(), "old token is still in use") {
		t.Fatalf("error text: %v", err)
	}
	if f.assertConsistent(t, true) {
		t.Fatal("the untested token replaced the old one")
	}
	after, _ := os.ReadFile(f.store.Path(f.id))
	if string(before) != string(after) {
		t.Fatal("the profile changed")
	}
}

func TestRotateCancelledDuringTest(t *testing.T) {
	f := mockFixture(t, cloudConnector("cancelled"))
	ctx, cancel := context.WithCancel(context.Background())
	tester := func(ctx context.Context, _ wizard.Connector, _ wizard.Secrets) error {
		cancel() // Ctrl+C while the live test runs
		return ctx.Err()
	}
	if _, err := f.rotator(tester).Rotate(ctx, f.request(false)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Rotate = %v", err)
	}
	if f.assertConsistent(t, true) {
		t.Fatal("rotated although cancelled")
	}
}

func TestRotateRefuses(t *testing.T) {
	removed := wizard.AppPasswordRemoved.AddDate(0, 0, 1)
	other := cloudConnector("renamed")
	badEmail := MigrateFromAppPassword(legacyConnector("legacy"), "not-an-email")
	noPassword := MigrateFromAppPassword(legacyConnector("legacy"), "a@example.com")
	tests := []struct {
		name string
		conn wizard.Connector
		now  time.Time
		req  func(f fixture) Request
		want string
	}{
		{"no secrets", cloudConnector("c"), rotated, func(f fixture) Request { return Request{ID: f.id} }, "no new token"},
		{"empty secret", cloudConnector("c"), rotated, func(f fixture) Request {
			return Request{ID: f.id, Secrets: map[wizard.SecretSlot]string{wizard.SlotPassword: "  "}}
		}, "is empty"},
		{"slot not used", cloudConnector("c"), rotated, func(f fixture) Request {
			return Request{ID: f.id, Secrets: map[wizard.SecretSlot]string{wizard.SlotAPIToken: "x"}}
		}, "does not use an api-token"},
		{"id change", cloudConnector("c"), rotated, func(f fixture) Request {
			r := f.request(false)
			r.Connector = &other
			return r
		}, "locked"},
		{"too long expiry", cloudConnector("c"), rotated, func(f fixture) Request {
			r := f.request(false)
			r.Expires = map[wizard.SecretSlot]time.Time{wizard.SlotPassword: rotated.AddDate(2, 0, 0)}
			return r
		}, "within one year"},
		{"app password after removal", legacyConnector("legacy"), removed, func(f fixture) Request { return f.request(false) }, "migrate it"},
		{"migration without email", legacyConnector("legacy"), rotated, func(f fixture) Request {
			r := f.request(false)
			r.Connector = &badEmail
			return r
		}, "not an email"},
		{"migration without the new token", legacyConnector("legacy"), rotated, func(f fixture) Request {
			return Request{ID: f.id, Connector: &noPassword, Secrets: map[wizard.SecretSlot]string{wizard.SlotSSHKey: "x"}}
		}, "does not use an ssh-key"},
		{"unknown id", cloudConnector("c"), rotated, func(f fixture) Request {
			return Request{ID: "nope", Secrets: map[wizard.SecretSlot]string{wizard.SlotPassword: "x"}}
		}, "no saved connector"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mockFixture(t, tt.conn)
			r := f.rotator(okTester(t))
			r.Now = func() time.Time { return tt.now }
			_, err := r.Rotate(context.Background(), tt.req(f))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Rotate = %v, want %q", err, tt.want)
			}
			if f.assertConsistent(t, true) {
				t.Fatal("rotated anyway")
			}
		})
	}
}

func TestRotateKindChangeNeedsToken(t *testing.T) {
	c := cloudConnector("at")
	c.PasswordKind, c.APIAccess, c.APITokenSameAsPassword = wizard.APIToken, wizard.APIAccessToken, false
	f := mockFixture(t, c)
	n := c
	n.APIAccess, n.APIEmail = wizard.APIEmailAPIToken, "a@example.com"
	req := f.request(false)
	req.Connector = &n
	_, err := f.rotator(okTester(t)).Rotate(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "changes from access-token to api-token") {
		t.Fatalf("Rotate = %v", err)
	}
}

func TestRotateReadBackMismatch(t *testing.T) {
	gokeyring.MockInit()
	fb := &faultyBackend{Backend: keychain.GoKeyring(), corruptGets: true}
	f := newFixture(t, t.TempDir(), fb, cloudConnector("garbled"))
	_, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(false))
	if err == nil || !strings.Contains(err.Error(), "different password") {
		t.Fatalf("Rotate = %v", err)
	}
	fb.corruptGets = false
	if f.assertConsistent(t, true) {
		t.Fatal("rotated with a garbled read-back")
	}
}

func TestMigrationRotation(t *testing.T) {
	f := mockFixture(t, legacyConnector("legacy"))
	res, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(true))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Migrated || !strings.Contains(res.Summary, "instead of an app password") {
		t.Fatalf("result = %+v", res)
	}
	if _, err := f.kc.Get(context.Background(), f.id, wizard.SlotAPIToken); !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("the app password's api-token item is still there: %v", err)
	}
	if !f.assertConsistent(t, true) {
		t.Fatal("not migrated")
	}
	p, _ := f.store.Load(f.id)
	c := p.Connector
	if c.PasswordKind != wizard.APIToken || c.Username != "alice" || c.APIAccess != wizard.APIEmailAPIToken ||
		c.APIEmail != "alice@example.com" || !c.APITokenSameAsPassword || c.APIUsername != "" {
		t.Fatalf("connector = %+v", c)
	}
	if _, ok := p.Tokens[wizard.SlotAPIToken]; ok || p.Tokens[wizard.SlotPassword].Kind != "api-token" {
		t.Fatalf("tokens = %+v", p.Tokens)
	}
	if p.Status(rotated).AppPassword {
		t.Fatal("list still flags the migrated connector")
	}
}

func TestMigrationRotationSSH(t *testing.T) {
	c := legacyConnector("legacy_ssh")
	c.Connection, c.PasswordKind, c.Username, c.SSHKeyPath = wizard.SSH, "", "", "/home/alice/.ssh/id_rsa"
	gokeyring.MockInit()
	dir := t.TempDir()
	store := profile.Store{Dir: dir, Now: func() time.Time { return created }}
	kc := keychain.New(keychain.WithBackend(keychain.GoKeyring()))
	toks, _ := profile.SavedTokens(c, nil, c.SecretSlots(), nil, created)
	if _, err := store.Create(profile.Profile{Connector: c, Tokens: toks}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := kc.Set(ctx, c.ID, wizard.SlotAPIToken, oldAPI); err != nil {
		t.Fatal(err)
	}
	m := MigrateFromAppPassword(c, "alice@example.com")
	r := &Rotator{Store: store, Secrets: kc, Now: func() time.Time { return rotated }}
	res, err := r.Rotate(ctx, Request{ID: c.ID, Connector: &m, Secrets: map[wizard.SecretSlot]string{wizard.SlotAPIToken: newToken}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := kc.Get(ctx, c.ID, wizard.SlotAPIToken); got != newToken || !res.Migrated {
		t.Fatalf("api token %q, result %+v", got, res)
	}
	p, _ := store.Load(c.ID)
	if p.Connector.APITokenSameAsPassword || p.Tokens[wizard.SlotAPIToken].Kind != "api-token" || p.Tokens[wizard.SlotAPIToken].Expires.IsZero() {
		t.Fatalf("profile = %+v", p)
	}
}

func TestRotateRecoversFirst(t *testing.T) {
	f := mockFixture(t, cloudConnector("pending"))
	r := f.rotator(okTester(t))
	j, _, err := r.plan(mustLoad(t, f), f.request(false), rotated)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.writeJournal(j); err != nil {
		t.Fatal(err)
	}
	if err := f.kc.Set(context.Background(), f.id, keychain.StagingSlot(wizard.SlotPassword), "half-staged"); err != nil {
		t.Fatal(err)
	}
	ids, err := r.Pending()
	if err != nil || len(ids) != 1 || ids[0] != f.id {
		t.Fatalf("Pending = %v, %v", ids, err)
	}
	res, err := r.Rotate(context.Background(), f.request(false))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Recovered, "rolled back") || !f.assertConsistent(t, true) {
		t.Fatalf("result = %+v", res)
	}
}

func mustLoad(t *testing.T, f fixture) profile.Profile {
	t.Helper()
	p, err := f.store.Load(f.id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRecoverStates(t *testing.T) {
	for _, state := range []string{stateStaging, stateSwapping} {
		t.Run(state, func(t *testing.T) {
			f := mockFixture(t, legacyConnector("legacy"))
			r := f.rotator(okTester(t))
			j, values, err := r.plan(mustLoad(t, f), f.request(true), rotated)
			if err != nil {
				t.Fatal(err)
			}
			j.State, j.Tested = state, state == stateSwapping
			if err := r.writeJournal(j); err != nil {
				t.Fatal(err)
			}
			if err := f.kc.Set(context.Background(), f.id, keychain.StagingSlot(wizard.SlotPassword), values[wizard.SlotPassword]); err != nil {
				t.Fatal(err)
			}
			said, errs := r.RecoverAll(context.Background())
			if len(errs) != 0 || len(said) != 1 {
				t.Fatalf("RecoverAll = %v, %v", said, errs)
			}
			isNew := f.assertConsistent(t, true)
			if isNew != (state == stateSwapping) {
				t.Fatalf("state %s: new token in place = %v (%s)", state, isNew, said[0])
			}
			want := map[string]string{stateStaging: "was rolled back", stateSwapping: "was finished"}[state]
			if !strings.Contains(said[0], want) {
				t.Fatalf("said %q, want %q", said[0], want)
			}
			if s, err := r.Recover(context.Background(), f.id); s != "" || err != nil {
				t.Fatalf("second Recover = %q, %v", s, err)
			}
		})
	}
}

func TestRecoverBadJournal(t *testing.T) {
	f := mockFixture(t, cloudConnector("bad"))
	r := f.rotator(nil)
	if err := os.WriteFile(f.store.JournalPath(f.id), []byte("{garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := r.Recover(context.Background(), f.id)
	if err == nil || !strings.Contains(err.Error(), "not a rotation record") || !strings.Contains(err.Error(), "bbconnect test bad") {
		t.Fatalf("Recover = %v", err)
	}
	if _, err := os.Stat(f.store.JournalPath(f.id)); err != nil {
		t.Fatal("a bad journal must be left for the user")
	}
	if _, err := r.Rotate(context.Background(), f.request(false)); err == nil {
		t.Fatal("Rotate went ahead over an unreadable journal")
	}
	_, errs := r.RecoverAll(context.Background())
	if len(errs) != 1 {
		t.Fatalf("RecoverAll errors = %v", errs)
	}
}

func TestPendingEmpty(t *testing.T) {
	r := &Rotator{Store: profile.Store{Dir: t.TempDir() + "/none"}}
	if ids, err := r.Pending(); ids != nil || err != nil {
		t.Fatalf("Pending = %v, %v", ids, err)
	}
}

// TestKeychainFailureAtEveryCall fails the n-th keychain call of a
// migration for every n, then recovers with a working keychain: the
// connector always has the old or the new token, and recovery always
// settles it.
func TestKeychainFailureAtEveryCall(t *testing.T) {
	for _, from := range []bool{false, true} {
		for n := 1; ; n++ {
			gokeyring.MockInit()
			fb := &faultyBackend{Backend: keychain.GoKeyring()}
			f := newFixture(t, t.TempDir(), fb, legacyConnector("legacy"))
			fb.calls, fb.failAt, fb.failOn = 0, n, from
			_, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(true))
			if err == nil {
				if n < 3 {
					t.Fatalf("only %d keychain calls", n)
				}
				break // n is past the last call
			}
			if !strings.Contains(err.Error(), "locked") {
				t.Fatalf("call %d: error %v", n, err)
			}
			if from {
				// The keychain is still down: recovery waits for it.
				if said, err := f.rotator(okTester(t)).Recover(context.Background(), f.id); said != "" || (err == nil) != !exists(f.store.JournalPath(f.id)) {
					t.Fatalf("call %d: Recover on a dead keychain = %q, %v", n, said, err)
				}
			}
			fb.failAt, fb.failOn = -1, false
			f.assertConsistent(t, false)
			said, err := f.rotator(okTester(t)).Recover(context.Background(), f.id)
			if err != nil {
				t.Fatalf("call %d: Recover: %v", n, err)
			}
			isNew := f.assertConsistent(t, true)
			t.Logf("failure at call %d (and after: %v): new=%v; %s", n, from, isNew, said)
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
