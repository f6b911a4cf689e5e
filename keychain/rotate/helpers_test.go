package rotate

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	gokeyring "github.com/zalando/go-keyring"
)

// The test clock: before the App Password removal, so legacy connectors
// can still be saved and rotated away from.
var (
	created = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	rotated = time.Date(2026, 4, 20, 14, 0, 0, 0, time.UTC)
)

const (
	oldToken = "ATATT3xOLD-token-value"
	newToken = "ATATT3xNEW-token-value"
	oldAPI   = "old-app-password-for-api"
)

// fileBackend is a keychain.Backend kept in one JSON file, replaced
// atomically on every change, so that several processes (the kill -9
// tests) share it and a killed writer leaves the old or the new state. It
// is test-only: real secrets never go to a file.
type fileBackend struct {
	path string
	mu   sync.Mutex
}

func (f *fileBackend) load() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	return m, json.Unmarshal(b, &m)
}

func (f *fileBackend) save(m map[string]string) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return profile.WriteFileAtomic(f.path, b)
}

func (f *fileBackend) Set(service, user, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	m[service+"|"+user] = secret
	return f.save(m)
}

func (f *fileBackend) Get(service, user string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return "", err
	}
	v, ok := m[service+"|"+user]
	if !ok {
		return "", gokeyring.ErrNotFound
	}
	return v, nil
}

func (f *fileBackend) Delete(service, user string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	if _, ok := m[service+"|"+user]; !ok {
		return gokeyring.ErrNotFound
	}
	delete(m, service+"|"+user)
	return f.save(m)
}

// faultyBackend fails the failAt-th call (1-based) with a keychain error,
// or, with corruptGets, returns a wrong value from Get of staging items.
type faultyBackend struct {
	keychain.Backend
	mu          sync.Mutex
	calls       int
	failAt      int
	failOn      bool // fail every call from failAt on, not just that one
	corruptGets bool
}

func (f *faultyBackend) next() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.calls == f.failAt || (f.failOn && f.failAt > 0 && f.calls > f.failAt)
}

var errLocked = errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")

func (f *faultyBackend) Set(service, user, secret string) error {
	if f.next() {
		return errLocked
	}
	return f.Backend.Set(service, user, secret)
}

func (f *faultyBackend) Get(service, user string) (string, error) {
	if f.next() {
		return "", errLocked
	}
	v, err := f.Backend.Get(service, user)
	if f.corruptGets && err == nil && filepath.Ext(user) == ".next" {
		v += "-garbled"
	}
	return v, err
}

func (f *faultyBackend) Delete(service, user string) error {
	if f.next() {
		return errLocked
	}
	return f.Backend.Delete(service, user)
}

// fixture is a store and keychain holding one saved connector with its
// old secrets.
type fixture struct {
	store profile.Store
	kc    *keychain.Keychain
	id    string
	conn  wizard.Connector
	// remote, when not nil, is the connector's copy in (a fake) Harness.
	remote *fileRemote
}

func cloudConnector(id string) wizard.Connector {
	c := wizard.NewConnector()
	c.Name, c.ID = id, id
	c.URL, c.TestRepo, c.Username = "https://bitbucket.org/acme", "widgets.git", "alice"
	c.APIAccess, c.APIEmail, c.APITokenSameAsPassword = wizard.APIEmailAPIToken, "alice@example.com", true
	c.Org, c.Project = "default", "proj"
	return c
}

// legacyConnector uses App Passwords for HTTP and, separately, for API access.
func legacyConnector(id string) wizard.Connector {
	c := cloudConnector(id)
	c.PasswordKind = wizard.AppPassword
	c.APIAccess, c.APIEmail, c.APIUsername, c.APITokenSameAsPassword = wizard.APIUsernameAppPassword, "", "alice", false
	return c
}

func newFixture(t *testing.T, dir string, backend keychain.Backend, c wizard.Connector) fixture {
	t.Helper()
	f := fixture{
		store: profile.Store{Dir: filepath.Join(dir, "profiles"), Now: func() time.Time { return created }},
		kc:    keychain.New(keychain.WithBackend(backend)),
		id:    c.ID,
		conn:  c,
	}
	toks, err := profile.SavedTokens(c, nil, c.SecretSlots(), nil, created)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Create(profile.Profile{Connector: c, Tokens: toks}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := f.kc.Set(ctx, f.id, wizard.SlotPassword, oldToken); err != nil {
		t.Fatal(err)
	}
	if c.NeedsSeparateAPIToken() {
		if err := f.kc.Set(ctx, f.id, wizard.SlotAPIToken, oldAPI); err != nil {
			t.Fatal(err)
		}
	}
	f.store.Now = func() time.Time { return rotated }
	return f
}

func (f fixture) rotator(tester Tester) *Rotator {
	r := &Rotator{Store: f.store, Secrets: f.kc, Tester: tester, Now: func() time.Time { return rotated }}
	if f.remote != nil {
		r.Remote = f.remote
	}
	return r
}

// remotePath is where a fixture in dir keeps its fake Harness.
func remotePath(dir string) string { return filepath.Join(dir, "remote.json") }

// withRemote links the fixture's connector to a fake Harness in dir that
// holds its old values.
func (f fixture) withRemote(t *testing.T, dir string) fixture {
	t.Helper()
	f.remote = &fileRemote{path: remotePath(dir)}
	if err := f.remote.seed(f.id, f.conn.NeedsSeparateAPIToken()); err != nil {
		t.Fatal(err)
	}
	link := profile.HarnessLink{Account: "acme", URL: "http://127.0.0.1:1/gateway", SecretIDs: []string{f.id + "_pw"}}
	if f.conn.NeedsSeparateAPIToken() {
		link.SecretIDs = append(link.SecretIDs, f.id+"_api")
	}
	if _, err := f.store.RecordHarness(context.Background(), f.id, link); err != nil {
		t.Fatal(err)
	}
	return f
}

// request is the rotation the fixture's tests run: a new HTTP password
// and, for a legacy connector, the App Password migration.
func (f fixture) request(migrate bool) Request {
	req := Request{ID: f.id, Secrets: map[wizard.SecretSlot]string{wizard.SlotPassword: newToken}}
	if migrate {
		c := MigrateFromAppPassword(f.conn, "alice@example.com")
		req.Connector = &c
	}
	return req
}

func okTester(t *testing.T) Tester {
	return func(_ context.Context, c wizard.Connector, s wizard.Secrets) error {
		if s.Password != newToken {
			t.Errorf("tester got password %q, want the new token", s.Password)
		}
		return nil
	}
}

// assertConsistent checks the state after a finished, failed, interrupted
// or recovered rotation: the main item holds the old or the new secret;
// with settled=true (nothing pending) the profile matches it and no
// staging item is left. It returns whether the new secret is in place.
func (f fixture) assertConsistent(t *testing.T, settled bool) bool {
	t.Helper()
	ctx := context.Background()
	main, err := f.kc.Get(ctx, f.id, wizard.SlotPassword)
	if err != nil || (main != oldToken && main != newToken) {
		t.Fatalf("main item = %q, %v: the connector has neither the old nor the new token", main, err)
	}
	isNew := main == newToken
	if !settled {
		return isNew
	}
	if _, err := os.Stat(f.store.JournalPath(f.id)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("journal still there after recovery: %v", err)
	}
	if f.remote != nil {
		f.assertRemote(t, isNew)
	}
	for _, s := range keychain.Slots {
		if v, err := f.kc.Get(ctx, f.id, keychain.StagingSlot(s)); !errors.Is(err, keychain.ErrNotFound) {
			t.Fatalf("staging item %s left: %q %v", s, v, err)
		}
	}
	p, err := f.store.Load(f.id)
	if err != nil {
		t.Fatal(err)
	}
	meta := p.Tokens[wizard.SlotPassword]
	if isNew != meta.LastRotated.Equal(rotated) {
		t.Fatalf("profile says rotated=%v but main item new=%v", meta.LastRotated.Equal(rotated), isNew)
	}
	legacy := profile.UsesAppPassword(f.conn)
	if legacy {
		if profile.UsesAppPassword(p.Connector) == isNew {
			t.Fatalf("profile connector app password=%v but new token=%v", profile.UsesAppPassword(p.Connector), isNew)
		}
		api, apiErr := f.kc.Get(ctx, f.id, wizard.SlotAPIToken)
		switch {
		case isNew && !errors.Is(apiErr, keychain.ErrNotFound):
			t.Fatalf("migrated, but the old api app password is still stored: %q %v", api, apiErr)
		case !isNew && api != oldAPI:
			t.Fatalf("not migrated, but the api app password is %q %v", api, apiErr)
		}
	}
	return isNew
}

// assertRemote checks that the fake Harness holds the same token as the
// keychain (new or old) and, for the old one, nothing a rotation created.
func (f fixture) assertRemote(t *testing.T, isNew bool) {
	t.Helper()
	st := f.remote.state(t)
	want := oldToken
	if isNew {
		want = newToken
	}
	if got := f.remote.remotePassword(t); got != want {
		t.Fatalf("harness holds %q but the keychain %q", got, want)
	}
	if !isNew && len(st.Tags) > 0 {
		t.Fatalf("rolled back, but harness keeps the secrets a rotation created: %v", st.Tags)
	}
	p, err := f.store.Load(f.id)
	if err != nil || p.Harness == nil {
		t.Fatalf("profile lost its harness link: %v", err)
	}
	if isNew != (p.Harness.LastTest != nil && p.Harness.LastTest.OK) {
		t.Fatalf("profile's harness test = %+v, new token in place %v", p.Harness.LastTest, isNew)
	}
}
