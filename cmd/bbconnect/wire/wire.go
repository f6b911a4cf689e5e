// Package wire connects the real services of bbconnect (the OS keychain,
// the saved connectors, the export, the live connection test, the SSH key
// check and the terminal wizard) to the command line. Package cli knows
// them only through small interfaces, so its commands are tested with
// fakes and a part that is not built yet is simply left nil and said so.
package wire

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/lock"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/keychain/rotate"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// Wire connects the real services to f.
func Wire(f *cli.Factory) {
	// Harness, for rotations of pushed connectors and their recovery; it
	// reads HARNESS_PLATFORM_API_KEY now, before a command unsets it.
	remote := newHarnessRemote(f)
	f.Keychain = func() (cli.SecretStore, error) { return openKeychain(f) }
	f.Profiles = func(dir string) (cli.ProfileStore, error) { return store(f, dir), nil }
	f.Test = func(ctx context.Context, c wizard.Connector, s wizard.Secrets, ts cli.TestSettings, progress func(conntest.Event)) conntest.Report {
		return conntest.Run(ctx, c, s, testConfig(f, ts), progress)
	}
	f.InspectKey = inspectKey
	f.Wizard = func(ctx context.Context, ios *cli.IOStreams, req cli.WizardRequest) error {
		return runWizard(ctx, f, req, remote)
	}
	f.Rotate = func(ctx context.Context, dir string, kc cli.SecretStore, req cli.RotateRequest) (cli.RotateResult, error) {
		return rotateSecrets(ctx, f, dir, kc, req, remote)
	}
	f.Pending = func(dir string) ([]string, error) { return pending(store(f, dir)) }
	f.Recover = func(ctx context.Context, dir string, kc cli.SecretStore) ([]string, []error) {
		st := store(f, dir)
		r := rotate.Rotator{Store: st, Secrets: kc, Now: clock(f), Remote: remote}
		said, errs := r.RecoverAll(ctx)
		s2, e2 := st.FinishRemovals(ctx, kc)
		return append(said, s2...), append(errs, e2...)
	}
}

// store is the profile store of dir as the commands use it: the
// factory's clock; a connector's lock records the running command, and a
// command that has to wait for another says so on stderr.
func store(f *cli.Factory, dir string) profile.Store {
	return profile.Store{
		Dir: dir, Now: clock(f), Owner: f.Running,
		OnLockWait: func(o lock.Owner) {
			fmt.Fprintf(f.IO.ErrOut, "… another bbconnect (%s) is changing this connector; waiting for it\n", o)
		},
	}
}

// pending lists the connectors with an unfinished rotation or removal.
func pending(st profile.Store) ([]string, error) {
	ids, err := (&rotate.Rotator{Store: st}).Pending()
	if err != nil {
		return nil, err
	}
	more, err := st.PendingRemovals()
	return append(ids, more...), err
}

// rotateSecrets runs keychain/rotate with the command's live test and, for
// a connector in Harness (unless req.LocalOnly), the Harness step.
func rotateSecrets(ctx context.Context, f *cli.Factory, dir string, kc cli.SecretStore, req cli.RotateRequest, remote *harnessRemote) (cli.RotateResult, error) {
	r := rotate.Rotator{Store: store(f, dir), Secrets: kc, Now: clock(f)}
	if !req.LocalOnly {
		r.Remote = remote
	}
	if req.Test != nil {
		r.Tester = rotate.Tester(req.Test)
	}
	res, err := r.Rotate(ctx, rotate.Request{ID: req.ID, Secrets: req.Secrets, Connector: req.Connector, Expires: req.Expires})
	out := cli.RotateResult{
		Recovered: res.Recovered, Summary: res.Summary, Replaced: res.Replaced, Tested: res.Tested, Migrated: res.Migrated,
		Harness: harnessRotation(res),
	}
	if h := out.Harness; err == nil && h != nil && req.DeleteOldSecret && len(h.OldSecrets) > 0 {
		h.Deleted, h.DeleteErr = remote.DeleteOldSecrets(context.WithoutCancel(ctx), *res.Remote)
	}
	return out, err
}

// harnessRotation is the Harness part of a rotation's result.
func harnessRotation(res rotate.Result) *cli.HarnessRotation {
	st := res.Remote
	if st == nil {
		return nil
	}
	h := &cli.HarnessRotation{
		Account: st.Account, Connector: st.Connector, Scope: harnessapi.Scope{Org: st.Org, Project: st.Project}.String(),
		Created: st.Kind == rotate.RemoteRepoint, OldSecrets: st.OldSecrets, Test: res.RemoteTest,
	}
	for _, s := range rotate.AllSlotsOf(st.Secrets) {
		if ref := st.Secrets[s]; !slices.Contains(h.Secrets, ref) {
			h.Secrets = append(h.Secrets, ref)
		}
	}
	return h
}

// mockOnce installs go-keyring's mock once per process, so every command
// of one process sees the same in-memory items.
var mockOnce sync.Once

// openKeychain returns the OS keychain, or go-keyring's in-memory mock
// when BBCONNECT_KEYRING=mock: a testing aid for the end-to-end tests, the
// secrets then live in this process only and are lost at exit.
func openKeychain(f *cli.Factory) (cli.SecretStore, error) {
	switch v := f.Getenv(cli.EnvKeyring); v {
	case "":
		return keychain.New(), nil
	case "mock":
		mockOnce.Do(func() {
			gokeyring.MockInit()
			fmt.Fprintf(f.IO.ErrOut, "! %s=mock: secrets are kept in memory for this run only (testing aid)\n", cli.EnvKeyring)
		})
		return keychain.New(keychain.WithBackend(keychain.GoKeyring())), nil
	}
	return nil, fmt.Errorf("%s is set to an unknown value; unset it (only \"mock\", a testing aid, is known)", cli.EnvKeyring)
}

// clock is the factory's clock as a func, falling back to the real time.
func clock(f *cli.Factory) func() time.Time {
	return func() time.Time {
		if t, err := f.Now(); err == nil {
			return t
		}
		return time.Now()
	}
}

func inspectKey(path string) (cli.KeyInfo, error) {
	info, err := sshkey.Inspect(path)
	if err != nil {
		return cli.KeyInfo{}, err
	}
	return cli.KeyInfo{Encrypted: info.Encrypted, Fingerprint: info.Fingerprint}, nil
}

// testConfig is the connection-test configuration: the environment
// (BBCONNECT_CLOUD_URL and friends, read through the factory), then what
// the command line says.
func testConfig(f *cli.Factory, ts cli.TestSettings) conntest.Config {
	cfg := conntest.ConfigFromEnv(f.Getenv)
	if ts.CAFile != "" {
		cfg.CAFile = ts.CAFile
	}
	if ts.CloudURL != "" {
		cfg.CloudURL = ts.CloudURL
	}
	if ts.CloudAPIURL != "" {
		cfg.CloudAPIURL = ts.CloudAPIURL
	}
	if !ts.Now.IsZero() {
		start, now := time.Now(), ts.Now
		cfg.Now = func() time.Time { return now.Add(time.Since(start)) }
	}
	cfg.TokenExpires = ts.TokenExpires
	cfg.APITokenExpires = ts.APITokenExpires
	applyTestAids(f, &cfg)
	return cfg
}

// applyTestAids reads the connection test's testing aids: BBCONNECT_CONNECT_TO
// (traffic for a host name goes to a loopback emulator; the name is kept in
// the URL, the TLS check and the texts) and BBCONNECT_ELAPSED (every
// duration shown reads as this). A malformed aid fails every dial with its
// problem, so no test traffic goes anywhere by mistake.
func applyTestAids(f *cli.Factory, cfg *conntest.Config) {
	if v := f.Getenv(conntest.EnvConnectTo); v != "" {
		m, err := conntest.ParseConnectTo(v)
		if err != nil {
			cfg.LookupHost = func(context.Context, string) ([]string, error) { return nil, err }
			cfg.DialContext = func(context.Context, string, string) (net.Conn, error) { return nil, err }
		}
		cfg.ConnectTo = m
	}
	if v := f.Getenv(conntest.EnvElapsed); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			cfg.Elapsed = d
		}
	}
}
