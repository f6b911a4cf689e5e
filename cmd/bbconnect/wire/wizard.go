package wire

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/tui"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// runWizard runs the terminal wizard with the real services: the probed
// keychain, the saved connectors and the live connection test.
func runWizard(ctx context.Context, f *cli.Factory, req cli.WizardRequest) error {
	ios := f.IO
	now := req.Now
	start := time.Now()
	clock := func() time.Time { return now.Add(time.Since(start)) }
	store := profile.Store{Dir: req.ProfileDir, Now: clock}
	home, _ := os.UserHomeDir()
	stored := &storedSlots{m: map[string]map[wizard.SecretSlot]bool{}}
	deps := tui.Deps{
		Now:      clock,
		Profiles: tuiProfiles{ctx: ctx, store: store, kc: req.Keychain, stored: stored},
		Secrets:  tuiSecrets{ctx: ctx, kc: req.Keychain, stored: stored},
		Tester:   tuiTester{ts: req.TestSettings, store: store, f: f},
		Exports:  tuiExports{dir: req.ProfileDir},
		Home:     home,
	}
	r, err := tui.Run(ctx, tui.Options{
		Deps: deps, In: ios.In, Out: ios.Out, Accessible: req.Accessible, Mode: tui.ModePicker,
	})
	switch {
	case errors.Is(err, tui.ErrInterrupted):
		return cli.ErrInterrupted
	case err != nil:
		return err
	}
	if r.Saved {
		fmt.Fprintf(ios.Out, "✓ saved connector %s\n", r.Connector.ID)
		if r.ProfilePath != "" {
			fmt.Fprintf(ios.Out, "  profile:  %s\n", r.ProfilePath)
		}
		if len(r.Keychain) > 0 {
			fmt.Fprintf(ios.Out, "  keychain: %s\n", strings.Join(r.Keychain, ", "))
		}
		if r.ExportPath != "" {
			fmt.Fprintf(ios.Out, "  export:   %s\n", r.ExportPath)
		}
	}
	return nil
}

// storedSlots remembers which secrets the wizard stored in this run, so
// that saving the profile dates exactly those tokens as new.
type storedSlots struct {
	mu sync.Mutex
	m  map[string]map[wizard.SecretSlot]bool
}

func (s *storedSlots) add(id string, slot wizard.SecretSlot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[id] == nil {
		s.m[id] = map[wizard.SecretSlot]bool{}
	}
	s.m[id][slot] = true
}

func (s *storedSlots) has(id string, slot wizard.SecretSlot) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[id][slot]
}

// tuiProfiles is the profile store as the wizard sees it.
type tuiProfiles struct {
	ctx    context.Context
	store  profile.Store
	kc     cli.SecretStore
	stored *storedSlots
}

func (p tuiProfiles) List() ([]tui.Profile, error) {
	ps, errs := p.store.List()
	if len(ps) == 0 && len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make([]tui.Profile, 0, len(ps))
	for _, sp := range ps {
		tp := tui.Profile{Connector: sp.Connector}
		if m, ok := sp.Tokens[wizard.SlotPassword]; ok {
			tp.TokenCreated, tp.TokenExpires = m.Created, m.Expires
		} else if m, ok := sp.Tokens[wizard.SlotAPIToken]; ok {
			tp.TokenCreated, tp.TokenExpires = m.Created, m.Expires
		}
		if sp.LastTest != nil {
			tp.LastTest = sp.Status(p.store.Now()).LastTestText
		}
		out = append(out, tp)
	}
	return out, nil
}

// Save creates the profile of a new connector or updates a saved one. A
// token the wizard stored in this run is dated now (and marked rotated when
// it replaced one); the others keep what is known about them.
func (p tuiProfiles) Save(c wizard.Connector) (string, error) {
	now := p.store.Now()
	fresh, err := profile.TokensFor(c, now, nil)
	if err != nil {
		return "", err
	}
	if p.stored.has(c.ID, wizard.SlotSSHKey) {
		fresh[wizard.SlotSSHKey] = profile.TokenMeta{Kind: profile.KindSSHPassphrase, Created: now.UTC()}
	}
	old, err := p.store.Load(c.ID)
	switch {
	case errors.Is(err, profile.ErrNotExist):
		_, err = p.store.Create(profile.Profile{Connector: c, Tokens: fresh})
		return p.store.Path(c.ID), err
	case err != nil:
		return "", err
	}
	for slot, m := range fresh {
		prev, ok := old.Tokens[slot]
		switch {
		case ok && !p.stored.has(c.ID, slot) && prev.Kind == m.Kind:
			fresh[slot] = prev
		case ok:
			m.LastRotated = now.UTC()
			fresh[slot] = m
		}
	}
	old.Connector, old.Tokens = c, fresh
	_, err = p.store.Save(old)
	return p.store.Path(c.ID), err
}

// Delete removes the keychain items first, then the profile.
func (p tuiProfiles) Delete(id string) error {
	_, err := p.store.Remove(p.ctx, id, p.kc)
	return err
}

// tuiSecrets is the keychain as the wizard sees it.
type tuiSecrets struct {
	ctx    context.Context
	kc     cli.SecretStore
	stored *storedSlots
}

func (s tuiSecrets) Set(id string, slot wizard.SecretSlot, value string) (string, error) {
	if err := s.kc.Set(s.ctx, id, slot, value); err != nil {
		return "", err
	}
	s.stored.add(id, slot)
	return keychain.ItemName(id, slot) + " (service " + keychain.Service + ")", nil
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
	ts    cli.TestSettings
	store profile.Store
	f     *cli.Factory
}

func (t tuiTester) Plan(c wizard.Connector) []string { return conntest.Plan(c) }

func (t tuiTester) Run(ctx context.Context, c wizard.Connector, s tui.Secrets, progress func(tui.TestEvent)) tui.TestReport {
	var p func(conntest.Event)
	if progress != nil {
		p = func(e conntest.Event) {
			progress(tui.TestEvent{Name: e.Name, Done: e.Done, Check: toTUICheck(e.Check)})
		}
	}
	ts := t.ts
	ts.TokenExpires, ts.APITokenExpires = t.expiries(c)
	r := conntest.Run(ctx, c, conntest.Secrets{Password: s.Password, APIToken: s.APIToken, SSHPassphrase: s.SSHPassphrase}, testConfig(t.f, ts), p)
	out := tui.TestReport{OK: r.OK}
	for _, ch := range r.Checks {
		out.Checks = append(out.Checks, toTUICheck(ch))
	}
	return out
}

// expiries are the token expiry dates the credential-age check uses: the
// saved ones for a saved connector whose token kinds did not change, else
// the defaults of new tokens (one year for API tokens).
func (t tuiTester) expiries(c wizard.Connector) (password, apiToken time.Time) {
	tokens, err := profile.TokensFor(c, t.store.Now(), nil)
	if err != nil {
		tokens = nil
	}
	if saved, err := t.store.Load(c.ID); err == nil {
		for slot, m := range saved.Tokens {
			if fresh, ok := tokens[slot]; ok && fresh.Kind == m.Kind {
				tokens[slot] = m
			}
		}
	}
	return tokens[wizard.SlotPassword].Expires, tokens[wizard.SlotAPIToken].Expires
}

func toTUICheck(c conntest.Check) tui.Check {
	return tui.Check{
		Name: c.Name, Status: tui.CheckStatus(c.Status), Diagnosis: c.Diagnosis, Fix: c.Fix,
		Duration: time.Duration(c.DurationMS) * time.Millisecond,
	}
}

// tuiExports writes the wizard's export next to the profiles.
type tuiExports struct{ dir string }

func (e tuiExports) WriteExport(id string, data []byte) (string, error) {
	path := filepath.Join(e.dir, id+".harness.yaml")
	if err := os.MkdirAll(e.dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create %s: %w", e.dir, err)
	}
	if err := profile.WriteFileAtomic(path, data); err != nil {
		return "", err
	}
	return path, nil
}
