package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// testNow is the fixed clock of the tests (after App Passwords were removed).
const testNow = "2026-11-22T00:00:00Z"

// env is a test environment: a map read through Factory.Getenv.
type env map[string]string

// harness is one command-line invocation's world: streams, environment,
// fakes for every service and a temporary config dir.
type harness struct {
	t         *testing.T
	f         *Factory
	env       env
	configDir string
	kc        *fakeKeychain
	store     profile.Store
	tests     *fakeTester
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ios, _, _, _ := BufferStreams()
	h := &harness{
		t:         t,
		env:       env{EnvNow: testNow},
		configDir: t.TempDir(),
		kc:        newFakeKeychain(),
		tests:     &fakeTester{},
	}
	clock, _ := time.Parse(time.RFC3339, testNow)
	h.store = profile.Store{Dir: filepath.Join(h.configDir, "bbconnect"), Now: func() time.Time { return clock }}
	h.f = &Factory{
		IO:      ios,
		Version: "1.2.3",
		Getenv:  func(k string) string { return h.env[k] },
		Unsetenv: func(k string) error {
			delete(h.env, k)
			return nil
		},
		Keychain:   func() (SecretStore, error) { return h.kc, nil },
		Profiles:   func(string) (ProfileStore, error) { return h.store, nil },
		Test:       h.tests.run,
		InspectKey: fakeInspectKey,
	}
	h.env[EnvConfigDir] = h.configDir
	return h
}

// result is what one run printed and returned.
type result struct {
	code   ExitCode
	stdout string
	stderr string
	stdin  string // what was left unread on stdin
}

func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	return h.runCtx(context.Background(), stdin, args...)
}

func (h *harness) runCtx(ctx context.Context, stdin string, args ...string) result {
	h.t.Helper()
	ios, in, out, errOut := BufferStreams()
	ios.SetStdinTTY(h.f.IO.IsStdinTTY())
	ios.SetStdoutTTY(h.f.IO.IsStdoutTTY())
	ios.termWidth = h.f.IO.termWidth
	in.WriteString(stdin)
	h.f.IO = ios
	code := Run(ctx, h.f, args)
	return result{code: code, stdout: out.String(), stderr: errOut.String(), stdin: in.String()}
}

func fakeInspectKey(path string) (KeyInfo, error) {
	switch {
	case strings.Contains(path, "openssh"):
		return KeyInfo{}, errors.New(path + " is in openssh format; harness needs pem: back it up, then run: ssh-keygen -p -m PEM -f " + path)
	case strings.Contains(path, "encrypted"):
		return KeyInfo{Encrypted: true, Fingerprint: "SHA256:enc"}, nil
	}
	return KeyInfo{Fingerprint: "SHA256:plain"}, nil
}

// fakeKeychain is an in-memory keychain that can be made to fail.
type fakeKeychain struct {
	mu       sync.Mutex
	items    map[string]string
	probeErr error
	setErr   error
	probed   int
}

func newFakeKeychain() *fakeKeychain { return &fakeKeychain{items: map[string]string{}} }

type unavailable struct{ reason string }

func (u unavailable) Error() string { return "keychain unavailable: " + u.reason }
func (u unavailable) Help() []string {
	return []string{"start a secret service", "or use dbus-run-session"}
}

func (k *fakeKeychain) Probe(context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.probed++
	return k.probeErr
}

func (k *fakeKeychain) Set(_ context.Context, id string, slot wizard.SecretSlot, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.setErr != nil {
		return k.setErr
	}
	k.items[id+"/"+string(slot)] = secret
	return nil
}

func (k *fakeKeychain) Get(_ context.Context, id string, slot wizard.SecretSlot) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.items[id+"/"+string(slot)]
	if !ok {
		return "", fmt.Errorf("%s/%s is not in the keychain", id, slot)
	}
	return v, nil
}

func (k *fakeKeychain) DeleteAll(_ context.Context, id string) ([]string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var removed []string
	for name := range k.items {
		if strings.HasPrefix(name, id+"/") {
			removed = append(removed, name)
			delete(k.items, name)
		}
	}
	sort.Strings(removed)
	return removed, nil
}

// saved reads every saved profile by Id.
func (h *harness) saved() map[string]Profile {
	h.t.Helper()
	ps, errs := h.store.List()
	if len(errs) > 0 {
		h.t.Fatalf("profiles unreadable: %v", errs)
	}
	m := map[string]Profile{}
	for _, p := range ps {
		m[p.Connector.ID] = p
	}
	return m
}

// fakeTester records what it was given and answers with a canned report.
type fakeTester struct {
	mu       sync.Mutex
	fail     bool
	calls    []Secrets
	settings []TestSettings
	leak     bool // put the password into a diagnosis, to prove redaction
}

func (ft *fakeTester) run(_ context.Context, c wizard.Connector, s Secrets, ts TestSettings, _ func(conntest.Event)) conntest.Report {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.calls = append(ft.calls, s)
	ft.settings = append(ft.settings, ts)
	r := conntest.Report{Connector: c.ID, OK: !ft.fail, Checks: []conntest.Check{
		{Name: "reach git host", Status: conntest.Pass, Diagnosis: "tls ok", DurationMS: 12},
		{Name: "api access", Status: conntest.Skipped, Diagnosis: "api access is off"},
	}}
	if ft.fail {
		diag := "wrong password"
		if ft.leak {
			diag += " " + s.Password
		}
		r.Checks = append(r.Checks, conntest.Check{Name: "git read access", Status: conntest.Fail, Diagnosis: diag, Fix: "paste the token again", DurationMS: 40})
	}
	return r
}

func (k *fakeKeychain) Delete(_ context.Context, id string, slot wizard.SecretSlot) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.items[id+"/"+string(slot)]; !ok {
		return fmt.Errorf("%s/%s is not in the keychain", id, slot)
	}
	delete(k.items, id+"/"+string(slot))
	return nil
}
