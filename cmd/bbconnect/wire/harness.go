package wire

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/tui"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/harness"
)

// tuiHarness is the push to Harness as the wizard sees it: the same
// login (harness.LogIn) and push (harness.Stored, profile.Pushed) as
// bbconnect harness login and bbconnect push, with the environment's
// HARNESS_* settings (read once; the key is then unset, so no child such
// as ssh-keygen inherits it) and the saved login.
type tuiHarness struct {
	// mu guards env: a key proved in the wizard replaces the
	// environment's for the rest of the run.
	mu    sync.Mutex
	store profile.Store
	kc    cli.SecretStore
	env   harness.Config
	now   func() time.Time
	// http is the client under the testing aids (nil: the usual one).
	http *http.Client
}

// newTUIHarness reads the HARNESS_* environment through f and drops the
// key from the process environment.
func newTUIHarness(f *cli.Factory, store profile.Store, kc cli.SecretStore) *tuiHarness {
	env := harness.ConfigFromEnv(f.Getenv)
	if env.APIKey != "" && f.Unsetenv != nil {
		_ = f.Unsetenv(harness.EnvAPIKey)
	}
	return &tuiHarness{store: store, kc: kc, env: env, now: store.Now, http: f.HarnessHTTPClient()}
}

// login is the account harness login proved last (none when unreadable).
func (h *tuiHarness) login() harness.Login {
	l, _, _ := h.store.LoadHarnessLogin()
	return harness.Login(l)
}

// config is where a push goes, with the key at hand ("" when none).
func (h *tuiHarness) config(ctx context.Context) (harness.Config, error) {
	cfg := harness.Resolve(harness.Config{}, h.environment(), h.login())
	cfg.HTTPClient = h.http
	if cfg.APIKey != "" || cfg.Account == "" {
		return cfg, nil
	}
	key, err := h.kc.HarnessKey(ctx, cfg.Account)
	cfg.APIKey = harness.APIKey(key)
	return cfg, err
}

// environment is the HARNESS_* settings read at start, without the key
// once a key was proved in the wizard.
func (h *tuiHarness) environment() harness.Config {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.env
}

func (h *tuiHarness) Access(ctx context.Context) tui.HarnessAccess {
	cfg, err := h.config(ctx)
	return tui.HarnessAccess{
		Account: cfg.Account, Endpoint: cfg.Endpoint, HaveKey: cfg.APIKey != "",
		FromEnv: h.environment().APIKey != "", Who: h.login().User, Err: err,
	}
}

func (h *tuiHarness) LogIn(ctx context.Context, key, account, endpoint string) (tui.HarnessAccess, error) {
	// As harness login: what was typed, then the environment, then the
	// key's own account, then the last login.
	env := h.environment()
	cfg := harness.Resolve(harness.Config{Endpoint: endpoint, Account: account},
		harness.Config{Endpoint: env.Endpoint, Account: env.Account, APIKey: harness.APIKey(key)}, h.login())
	cfg.HTTPClient = h.http
	save := func(l harness.Login) error { return h.store.SaveHarnessLogin(profile.HarnessLogin(l)) }
	c, id, err := harness.LogIn(ctx, cfg, h.kc, save)
	if err != nil {
		return tui.HarnessAccess{}, err
	}
	// The key just proved (now in the keychain, for the login's account)
	// is the one to push with, not the environment's.
	h.mu.Lock()
	h.env.APIKey, h.env.Account, h.env.Endpoint = "", c.Account(), c.Endpoint()
	h.mu.Unlock()
	return tui.HarnessAccess{Account: c.Account(), Endpoint: c.Endpoint(), HaveKey: true, Who: id.Who()}, nil
}

func (h *tuiHarness) Push(ctx context.Context, id string, observe harness.Observer) (*harness.PushResult, error) {
	p, err := h.store.Load(id)
	if err != nil {
		return nil, err
	}
	cfg, err := h.config(ctx)
	if err != nil {
		return nil, fmt.Errorf("cannot read the harness api key of account %s from the keychain: %w", cfg.Account, err)
	}
	c, err := harness.New(cfg)
	if err != nil {
		return nil, err
	}
	s := harness.Stored{
		Connector: p.Connector, PassphraseStored: p.Tokens[wizard.SlotSSHKey].Kind != "",
		Secret: func(ctx context.Context, slot wizard.SecretSlot) (string, error) { return h.kc.Get(ctx, id, slot) },
	}
	if p.Harness != nil {
		s.Identifier = p.Harness.Identifier
	}
	in, err := s.Input(ctx, false)
	if err != nil {
		return nil, err
	}
	res, err := c.Push(harness.WithObserver(ctx, observe), in)
	if res.Connector != "" {
		// Recorded even when the push was stopped after the connector:
		// the connector is in Harness.
		rctx := context.WithoutCancel(ctx)
		if _, rerr := h.store.RecordHarness(rctx, id, profile.Pushed(p.Harness, c.Account(), c.Endpoint(), res, h.now())); rerr != nil && err == nil {
			err = fmt.Errorf("pushed, but the profile could not record it: %w", rerr)
		}
	}
	return res, err
}

// harnessStatus is the Harness link of a saved profile as the picker shows it.
func harnessStatus(l *profile.HarnessLink) *tui.HarnessStatus {
	if l == nil {
		return nil
	}
	st := &tui.HarnessStatus{Account: wizard.Printable(l.Account), Pushed: l.PushedAt, Imported: l.Imported}
	if t := l.LastTest; t != nil {
		st.LastTest = &tui.TestResult{At: t.At, OK: t.OK, Summary: wizard.Printable(t.Summary)}
	}
	return st
}
