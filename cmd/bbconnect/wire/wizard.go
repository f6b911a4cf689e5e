package wire

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/tui"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// runWizard runs the terminal wizard with the real services: the probed
// keychain, the saved connectors and the live connection test.
func runWizard(ctx context.Context, f *cli.Factory, req cli.WizardRequest) error {
	ios := f.IO
	deps := wizardDeps(ctx, f, req)
	// The wizard's Saved screen (or, line by line, its Saved summary) says
	// where everything went: nothing is printed again here.
	_, err := tui.Run(ctx, tui.Options{
		Deps: deps, In: ios.In, Out: ios.Out, Accessible: req.Accessible, Mode: tui.ModePicker,
	})
	switch {
	case errors.Is(err, tui.ErrInterrupted):
		return cli.ErrInterrupted
	case err != nil:
		return err
	}
	return nil
}

// wizardDeps are the real services as the wizard sees them: the probed
// keychain, the saved connectors, the live connection test, the journaled
// rotation of keychain/rotate (with remote, the connector's copy in
// Harness), the export folder and the repository list.
func wizardDeps(ctx context.Context, f *cli.Factory, req cli.WizardRequest) tui.Deps {
	now := req.Now
	start := time.Now()
	clock := func() time.Time { return now.Add(time.Since(start)) }
	store := profile.Store{Dir: req.ProfileDir, Now: clock, Owner: f.Running}
	home, _ := os.UserHomeDir()
	tester := tuiTester{cfg: req.Test, store: store}
	return tui.Deps{
		Now:      clock,
		Profiles: tuiProfiles{ctx: ctx, store: store, kc: req.Keychain},
		Secrets:  tuiSecrets{ctx: ctx, kc: req.Keychain},
		Tester:   tester,
		Rotator:  newTUIRotator(store, req.Keychain, tester, req.Remote),
		Exports:  tuiExports{dir: req.ProfileDir},
		Home:     home,
		Repos:    tuiRepos{cfg: req.Test},
		Lock:     store.Lock,
		Harness:  newTUIHarness(f, store, req.Keychain),
		Startup:  req.Startup,
	}
}

// tuiProfiles is the profile store as the wizard sees it.
type tuiProfiles struct {
	ctx   context.Context
	store profile.Store
	kc    cli.SecretStore
}

func (p tuiProfiles) List() ([]tui.Profile, error) {
	ps, errs := p.store.List()
	if len(ps) == 0 && len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make([]tui.Profile, 0, len(ps))
	for _, sp := range ps {
		// Read from files: shown without control characters.
		tp := tui.Profile{Connector: sp.Connector.Printable(), SlotExpires: map[wizard.SecretSlot]time.Time{}}
		for slot, m := range sp.Tokens {
			if !m.Expires.IsZero() {
				tp.SlotExpires[slot] = m.Expires
			}
		}
		if m, ok := sp.Tokens[wizard.SlotPassword]; ok {
			tp.TokenExpires = m.Expires
		} else if m, ok := sp.Tokens[wizard.SlotAPIToken]; ok {
			tp.TokenExpires = m.Expires
		}
		if sp.LastTest != nil {
			tp.LastTest = wizard.Printable(sp.Status(p.store.Now()).LastTestText)
		}
		tp.Harness = harnessStatus(sp.Harness)
		tp.HarnessOnly = sp.HarnessOnly()
		out = append(out, tp)
	}
	return out, nil
}

// Save creates the profile of a new connector or updates a saved one,
// with the token metadata profile.SavedTokens gives (the tokens typed in
// this run are new) and the last test.
func (p tuiProfiles) Save(c wizard.Connector, meta tui.SaveMeta) (string, error) {
	now := p.store.Now().UTC()
	old, err := p.store.Load(c.ID)
	exists := err == nil
	if err != nil && !errors.Is(err, profile.ErrNotExist) {
		return "", err
	}
	tokens, err := profile.SavedTokens(c, old.Tokens, meta.NewTokens, meta.Expires, now)
	if err != nil {
		return "", err
	}
	pr := old
	if !exists {
		pr = profile.Profile{}
	}
	pr.Connector, pr.Tokens = c, tokens
	if t := meta.LastTest; t != nil {
		pr.LastTest = &profile.TestResult{At: t.At.UTC(), OK: t.OK, Summary: t.Summary}
	}
	if exists {
		_, err = p.store.Save(pr)
	} else {
		_, err = p.store.Create(pr)
	}
	return p.store.Path(c.ID), err
}

// Delete removes the keychain items first, then the profile.
func (p tuiProfiles) Delete(id string) error {
	_, err := p.store.Remove(p.ctx, id, p.kc)
	return err
}

// tuiSecrets is the keychain as the wizard sees it.
type tuiSecrets struct {
	ctx context.Context
	kc  cli.SecretStore
}

func (s tuiSecrets) Set(id string, slot wizard.SecretSlot, value string) (string, error) {
	if err := s.kc.Set(s.ctx, id, slot, value); err != nil {
		return "", err
	}
	return keychain.ItemPlace(id, slot), nil
}

func (s tuiSecrets) Get(id string, slot wizard.SecretSlot) (string, error) {
	return s.kc.Get(s.ctx, id, slot)
}

func (s tuiSecrets) Delete(id string, slot wizard.SecretSlot) error {
	if err := s.kc.Delete(s.ctx, id, slot); err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return err
	}
	return nil
}

// tuiTester is the live connection test as the wizard sees it.
type tuiTester struct {
	cfg   conntest.Config
	store profile.Store
	// hostKey is the fingerprint of an SSH host key the user trusted (RunWithHostKey).
	hostKey string
}

func (t tuiTester) Plan(c wizard.Connector) []string { return conntest.Plan(c) }

func (t tuiTester) Run(ctx context.Context, c wizard.Connector, s wizard.Secrets, progress func(conntest.Event)) conntest.Report {
	cfg := t.cfg
	cfg.TokenExpires, cfg.APITokenExpires = t.expiries(c)
	if !s.PasswordExpires.IsZero() {
		cfg.TokenExpires = s.PasswordExpires
	}
	if !s.APITokenExpires.IsZero() {
		cfg.APITokenExpires = s.APITokenExpires
	}
	cfg.ConfirmedHostKey = t.hostKey
	var p func(conntest.Event)
	if progress != nil {
		p = func(e conntest.Event) {
			e.Check = printableCheck(e.Check)
			progress(e)
		}
	}
	r := conntest.Run(ctx, c, s, cfg, p)
	for i := range r.Checks {
		r.Checks[i] = printableCheck(r.Checks[i])
	}
	return r
}

// printableCheck is c as the test screen shows it: diagnoses quote
// servers, so they are shown without control characters.
func printableCheck(c conntest.Check) conntest.Check {
	c.Diagnosis, c.Fix = wizard.Printable(c.Diagnosis), wizard.Printable(c.Fix)
	return c
}

// expiries are the token expiry dates the credential-age check uses when
// the wizard knows none (profile.TestExpiries).
func (t tuiTester) expiries(c wizard.Connector) (password, apiToken time.Time) {
	saved, _ := t.store.Load(c.ID)
	return profile.TestExpiries(c, saved.Tokens, t.store.Now())
}

// tuiExports writes the wizard's export next to the profiles.
type tuiExports struct{ dir string }

func (e tuiExports) WriteExport(id string, data []byte) (string, error) {
	path := filepath.Join(e.dir, export.FormatHarness.FileName(id))
	if err := os.MkdirAll(e.dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create %s: %w", e.dir, err)
	}
	if err := profile.WriteFileAtomic(path, data); err != nil {
		return "", err
	}
	return path, nil
}
