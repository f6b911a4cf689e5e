package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
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

// Factory holds the dependencies every command shares. A nil service
// means that part of bbconnect is not available yet: the command says so
// plainly and exits non-zero rather than pretend.
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

	// Keychain opens the OS keychain.
	Keychain func() (SecretStore, error)
	// Profiles opens the saved connectors in dir.
	Profiles func(dir string) (ProfileStore, error)
	// Test runs the live connection test.
	Test TestFunc
	// InspectKey checks an SSH private key file.
	InspectKey func(path string) (KeyInfo, error)
	// Rotate replaces a connector's secret after testing the new one.
	Rotate RotateFunc
	// Pending lists the connectors of dir with an unfinished rotation.
	Pending func(dir string) ([]string, error)
	// Recover finishes or rolls back unfinished rotations.
	Recover RecoverFunc
	// Wizard runs the terminal wizard.
	Wizard WizardFunc
}

// SecretStore is the OS keychain as the commands use it.
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
}

// TestSettings are the connection-test options a command passes on.
type TestSettings struct {
	CAFile          string    // extra CA bundle (PEM)
	CloudURL        string    // where Bitbucket Cloud git traffic goes ("" = bitbucket.org)
	CloudAPIURL     string    // where Bitbucket Cloud API traffic goes ("" = api.bitbucket.org)
	Now             time.Time // the clock
	TokenExpires    time.Time // expiry of the HTTP password token, zero when unknown
	APITokenExpires time.Time // expiry of a separate API token, zero when unknown
}

// TestFunc runs the live connection test of c with its secrets.
type TestFunc func(ctx context.Context, c wizard.Connector, s Secrets, ts TestSettings, progress func(conntest.Event)) conntest.Report

// KeyInfo is what InspectKey learns about an SSH private key.
type KeyInfo struct {
	Encrypted   bool   // a passphrase is needed
	Fingerprint string // SHA256:…
}

// NewFactory returns the factory of this process: the system streams and
// the real environment. The caller wires in the services (package main's
// wire.go), so this package builds on nothing but the domain.
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

// errNotAvailable says plainly that a part of bbconnect does not exist yet.
func errNotAvailable(what, instead string) error {
	msg := what + " is not available yet in this build of bbconnect"
	if instead != "" {
		msg += "; " + instead
	}
	return failuref("%s", msg)
}

// openKeychain opens the keychain and proves it works before any secret
// is asked for or read. Without one it stops with the reason and the ways
// to get one: there is no plaintext fallback.
func (f *Factory) openKeychain(ctx context.Context) (SecretStore, error) {
	if f.Keychain == nil {
		return nil, errNotAvailable("the keychain", "nothing was saved (use --dry-run to print the export)")
	}
	kc, err := f.Keychain()
	if err == nil {
		err = kc.Probe(ctx)
	}
	if err != nil {
		return nil, failuref("no usable keychain: %s\nnothing was saved", keychain.Explain(err))
	}
	return kc, nil
}
