package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/lock"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// Environment variables bbconnect reads.
const (
	// EnvConfigDir overrides the folder that holds the bbconnect folder
	// (default: the OS user config dir). The --config-dir flag wins.
	EnvConfigDir = "BBCONNECT_CONFIG_DIR"
	// EnvNow fixes the clock, as RFC 3339 or YYYY-MM-DD. A testing aid:
	// App Password dates and token expiry are computed from it.
	EnvNow = "BBCONNECT_NOW"
	// EnvKeyring set to "mock" keeps secrets in memory for this process
	// only. A testing aid for the end-to-end tests; never use it for real.
	EnvKeyring = "BBCONNECT_KEYRING"
	// EnvPassword holds the HTTP password for setup and rotate.
	EnvPassword = "BBCONNECT_PASSWORD"
	// EnvAPIToken holds the API access token for setup and rotate.
	EnvAPIToken = "BBCONNECT_API_TOKEN"
	// EnvSSHPassphrase holds the passphrase of an encrypted SSH key.
	EnvSSHPassphrase = "BBCONNECT_SSH_PASSPHRASE"
)

// Factory holds the infrastructure every command shares, in the shape of
// cli/cli's cmdutil.Factory: the IO streams, the environment, the clock
// (Now), where the saved connectors live (ProfileDir, profileStore), the
// keychain and the terminal wizard's runner. The commands call the domain
// packages (conntest, sshkey, export, rotate, harness) themselves.
type Factory struct {
	IO      *IOStreams
	Version string

	// Getenv reads the environment (os.Getenv; tests pass a map).
	Getenv func(string) string
	// Unsetenv drops a secret variable once read, so no child process
	// inherits it (os.Unsetenv; nil in tests).
	Unsetenv func(string) error

	// ConfigDirFlag is the --config-dir value ("" when not given).
	ConfigDirFlag string
	// Running is the command being run ("bbconnect rotate"), recorded in
	// the lock of a connector it changes, so that another process can say
	// who holds it. Set when the command starts; never holds arguments.
	Running string

	// Keychain opens the keychain; nil opens the OS keychain (or, with
	// BBCONNECT_KEYRING=mock, an in-memory one). Tests pass a fake.
	Keychain func() (SecretStore, error)
	// Wizard runs the terminal wizard (package wire connects it).
	Wizard WizardFunc

	// remote is the connectors' copy in Harness (harnessRemote), made once.
	remote     *harnessRemote
	remoteOnce sync.Once
}

// SecretStore is the OS keychain as the commands use it;
// *keychain.Keychain satisfies it.
type SecretStore interface {
	// Probe proves the keychain works (write, read back, delete).
	Probe(ctx context.Context) error
	// Set stores the secret of a connector's slot.
	Set(ctx context.Context, id string, slot wizard.SecretSlot, secret string) error
	// Get reads the secret of a connector's slot.
	Get(ctx context.Context, id string, slot wizard.SecretSlot) (string, error)
	// Delete removes one item; a missing one is an error matching the
	// keychain's not-found error.
	Delete(ctx context.Context, id string, slot wizard.SecretSlot) error
	// DeleteAll removes every item of a connector and names what it removed.
	DeleteAll(ctx context.Context, id string) ([]string, error)
	// SetHarnessKey stores the Harness API key of account.
	SetHarnessKey(ctx context.Context, account, key string) error
	// HarnessKey reads the key of account; "" when none is stored.
	HarnessKey(ctx context.Context, account string) (string, error)
	// DeleteHarnessKey removes the key of account and says whether there was one.
	DeleteHarnessKey(ctx context.Context, account string) (bool, error)
}

// NewFactory returns the factory of this process: the system streams, the
// real environment and the OS keychain. Package wire connects the wizard.
func NewFactory(version string) *Factory {
	return &Factory{
		IO:       System(),
		Version:  version,
		Getenv:   os.Getenv,
		Unsetenv: os.Unsetenv,
	}
}

// Now returns the clock: BBCONNECT_NOW when set (a testing aid), else the
// real time.
func (f *Factory) Now() (time.Time, error) {
	v := strings.TrimSpace(f.getenv(EnvNow))
	if v == "" {
		return time.Now(), nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, usageErrorf("%s: %q is not a time; use RFC 3339 (2026-11-22T00:00:00Z) or YYYY-MM-DD, or unset it", EnvNow, v)
}

// ConfigDir is the folder that holds the bbconnect folder: --config-dir,
// else BBCONNECT_CONFIG_DIR, else the OS user config dir.
func (f *Factory) ConfigDir() (string, error) {
	if f.ConfigDirFlag != "" {
		return f.ConfigDirFlag, nil
	}
	if v := f.getenv(EnvConfigDir); v != "" {
		return v, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", failuref("cannot find your config folder (%v); give one with --config-dir or %s", err, EnvConfigDir)
	}
	return d, nil
}

// ProfileDir is where profiles and default exports live: <config dir>/bbconnect.
func (f *Factory) ProfileDir() (string, error) {
	d, err := f.ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "bbconnect"), nil
}

func (f *Factory) getenv(name string) string {
	if f.Getenv == nil {
		return ""
	}
	return f.Getenv(name)
}

// openKeychain opens the keychain and proves it works before any secret
// is asked for or read. Without one it stops with the reason and the ways
// to get one: there is no plaintext fallback.
func (f *Factory) openKeychain(ctx context.Context) (SecretStore, error) {
	kc, err := f.keychain()
	if err == nil {
		err = kc.Probe(ctx)
	}
	if err != nil {
		return nil, failuref("no usable keychain: %s\nnothing was saved", keychain.Explain(err))
	}
	return kc, nil
}

// mockOnce installs go-keyring's mock once per process, so every command
// of one process sees the same in-memory items.
var mockOnce sync.Once

// keychain opens the keychain: Keychain when set, else the OS keychain,
// or go-keyring's in-memory mock when BBCONNECT_KEYRING=mock (a testing
// aid for the end-to-end tests: the secrets live in this process only and
// are lost at exit). Nothing is called on the OS yet.
func (f *Factory) keychain() (SecretStore, error) {
	if f.Keychain != nil {
		return f.Keychain()
	}
	switch v := f.getenv(EnvKeyring); v {
	case "":
		return keychain.New(), nil
	case "mock":
		mockOnce.Do(func() {
			gokeyring.MockInit()
			fmt.Fprintf(f.IO.ErrOut, "! %s=mock: secrets are kept in memory for this run only (testing aid)\n", EnvKeyring)
		})
		return keychain.New(keychain.WithBackend(keychain.GoKeyring())), nil
	}
	return nil, fmt.Errorf("%s is set to an unknown value; unset it (only \"mock\", a testing aid, is known)", EnvKeyring)
}

// clock is the factory's clock as a func, falling back to the real time
// when BBCONNECT_NOW cannot be read.
func (f *Factory) clock() func() time.Time {
	return func() time.Time {
		if t, err := f.Now(); err == nil {
			return t
		}
		return time.Now()
	}
}

// profileStore is the profile store of dir as the commands use it: the
// factory's clock; a connector's lock records the running command, and a
// command that has to wait for another says so on stderr.
func (f *Factory) profileStore(dir string) profile.Store {
	return profile.Store{
		Dir: dir, Now: f.clock(), Owner: f.Running,
		OnLockWait: func(o lock.Owner) {
			fmt.Fprintf(f.IO.ErrOut, "… another bbconnect (%s) is changing this connector; waiting for it\n", o)
		},
	}
}
