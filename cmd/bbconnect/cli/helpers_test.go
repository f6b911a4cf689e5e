package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// testNow is the fixed clock of the tests (after App Passwords were removed).
const testNow = "2026-11-22T00:00:00Z"

// testEmu is the local Bitbucket every test's connection test runs
// against (at the clock testNow); tokenA and tokenB are two of its API
// tokens with every scope.
var (
	testEmu        *emu.Server
	tokenA, tokenB string
)

func TestMain(m *testing.M) {
	clock, _ := time.Parse(time.RFC3339, testNow)
	srv, err := emu.Start(emu.Options{Now: func() time.Time { return clock }})
	if err != nil {
		fmt.Fprintf(os.Stderr, "the emulator cannot start: %v\n", err)
		os.Exit(1)
	}
	testEmu, tokenA, tokenB = srv, srv.Demo.APIToken, srv.Demo.APITokenNext
	dcSSHArgs[len(dcSSHArgs)-1] = srv.Demo.SSHKeyPath
	encryptedKey = filepath.Join(filepath.Dir(srv.Demo.SSHKeyPath), "encrypted_rsa")
	out, err := exec.Command("ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-m", "PEM", "-N", keyPassphrase, "-f", encryptedKey).CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "ssh-keygen: %v: %s\n", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = srv.Close()
	os.Exit(code)
}

// env is a test environment: a map read through Factory.Getenv.
type env map[string]string

// harness is one command-line invocation's world: streams, environment,
// a fake keychain, a temporary config dir and the connection test pointed
// at the emulator (every duration shown reads 12ms).
type harness struct {
	t         *testing.T
	f         *Factory
	env       env
	configDir string
	kc        *fakeKeychain
	store     profile.Store
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ios, _, _, _ := BufferStreams()
	h := &harness{
		t: t,
		env: env{
			EnvNow: testNow, conntest.EnvCloudURL: testEmu.CloudURL, conntest.EnvCloudAPIURL: testEmu.CloudAPIURL,
			conntest.EnvCAFile: testEmu.CAFile, conntest.EnvElapsed: "12ms",
		},
		configDir: t.TempDir(),
		kc:        newFakeKeychain(),
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
		Keychain: func() (SecretStore, error) { return h.kc, nil },
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

func (k *fakeKeychain) Delete(_ context.Context, id string, slot wizard.SecretSlot) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.items[id+"/"+string(slot)]; !ok {
		return fmt.Errorf("%s/%s is not in the keychain", id, slot)
	}
	delete(k.items, id+"/"+string(slot))
	return nil
}
