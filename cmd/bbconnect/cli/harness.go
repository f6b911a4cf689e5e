package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

// HarnessKeyStore keeps Harness API keys in the OS keychain, one item per
// Harness account (keychain.Keychain satisfies it).
type HarnessKeyStore interface {
	// SetHarnessKey stores the key of account.
	SetHarnessKey(ctx context.Context, account, key string) error
	// HarnessKey reads the key of account; "" when none is stored.
	HarnessKey(ctx context.Context, account string) (string, error)
	// DeleteHarnessKey removes the key of account and says whether there was one.
	DeleteHarnessKey(ctx context.Context, account string) (bool, error)
}

// harnessFlags are the flags of every command that talks to Harness.
type harnessFlags struct {
	URL     string
	Account string
	CAFile  string
}

func (h *harnessFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&h.URL, "harness-url", "", "Harness API base URL (env HARNESS_ENDPOINT; default "+harnessapi.DefaultEndpoint+")")
	fs.StringVar(&h.Account, "harness-account", "", "Harness account id (env HARNESS_ACCOUNT_ID; default: the one in the key)")
	fs.StringVar(&h.CAFile, "ca-file", "", "extra CA bundle (PEM) for a self-managed Harness")
}

// harnessSettings is where and as whom bbconnect talks to Harness.
type harnessSettings struct {
	cfg   harnessapi.Config
	login profile.HarnessLogin
}

// resolveHarness works out the Harness URL, account and CA from the
// flags, then the environment, then the saved login; the key comes from
// HARNESS_PLATFORM_API_KEY (read once and unset) or, when needKey, from
// the keychain item of the account.
func (f *Factory) resolveHarness(ctx context.Context, hf harnessFlags, needKey bool) (*harnessSettings, error) {
	env := harnessapi.ConfigFromEnv(f.getenv)
	if env.APIKey != "" && f.Unsetenv != nil {
		_ = f.Unsetenv(harnessapi.EnvAPIKey)
	}
	hs := &harnessSettings{cfg: env}
	if ls, err := f.harnessLogins(); err == nil {
		hs.login, _, _ = ls.LoadHarnessLogin()
	}
	hs.cfg = harnessapi.Resolve(harnessapi.Config{Endpoint: hf.URL, Account: hf.Account, CAFile: hf.CAFile}, env, harnessapi.Login(hs.login))
	if _, err := harnessapi.ParseEndpoint(hs.cfg.Endpoint); err != nil {
		return nil, usageErrorf("--harness-url: %v", err)
	}
	if env.APIKey != "" || !needKey {
		return hs, nil
	}
	if hs.cfg.Account == "" {
		return nil, failuref("no harness account: run bbconnect harness login, or set %s (and %s)", harnessapi.EnvAPIKey, harnessapi.EnvAccount)
	}
	keys, err := f.harnessKeys(ctx)
	if err != nil {
		return nil, err
	}
	key, err := keys.HarnessKey(ctx, hs.cfg.Account)
	if err != nil {
		return nil, failuref("cannot read the harness api key of account %s from the keychain: %s", hs.cfg.Account, keychain.Explain(err))
	}
	if key == "" {
		return nil, failuref("no harness api key stored for account %s: run bbconnect harness login, or set %s", hs.cfg.Account, harnessapi.EnvAPIKey)
	}
	hs.cfg.APIKey = harnessapi.APIKey(key)
	return hs, nil
}

// client builds the Harness client of the settings.
func (hs *harnessSettings) client() (*harnessapi.Client, error) {
	c, err := harnessapi.New(hs.cfg)
	if err != nil {
		return nil, failuref("%v", err)
	}
	return c, nil
}

// harnessLoginStore keeps the account `harness login` proved
// (profile.Store satisfies it).
type harnessLoginStore interface {
	LoadHarnessLogin() (profile.HarnessLogin, bool, error)
	SaveHarnessLogin(l profile.HarnessLogin) error
	RemoveHarnessLogin() error
	HarnessLoginPath() string
}

// harnessLogins opens the saved login beside the saved connectors.
func (f *Factory) harnessLogins() (harnessLoginStore, error) {
	st, _, err := f.openProfiles()
	if err != nil {
		return nil, err
	}
	ls, ok := st.(harnessLoginStore)
	if !ok {
		return nil, errNotAvailable("saving a harness login", "set "+harnessapi.EnvAPIKey+" and "+harnessapi.EnvAccount)
	}
	return ls, nil
}

// harnessKeys opens the keychain as a store of Harness keys.
func (f *Factory) harnessKeys(ctx context.Context) (HarnessKeyStore, error) {
	kc, err := f.openKeychain(ctx)
	if err != nil {
		return nil, err
	}
	keys, ok := kc.(HarnessKeyStore)
	if !ok {
		return nil, errNotAvailable("keeping a harness api key in the keychain", "set "+harnessapi.EnvAPIKey)
	}
	return keys, nil
}

// harnessFailure turns a Harness error into exit status 1 with its text.
func harnessFailure(err error) error {
	if err == nil {
		return nil
	}
	return failuref("%v", err)
}

// NewCmdHarness returns `bbconnect harness` and its subcommands.
func NewCmdHarness(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "harness",
		Short: "Harness: log in, find App Password connectors, import one",
		Long: `Commands that use the Harness Platform API with a Harness API key (a personal access
token pat.… or a service account token sat.…).

The key comes from HARNESS_PLATFORM_API_KEY when set (CI; the keychain is not
touched), else from the OS keychain, where bbconnect harness login keeps it, one
item per Harness account. HARNESS_ENDPOINT and HARNESS_ACCOUNT_ID (or --harness-url
and --harness-account) say where; the account defaults to the one inside the key.
The key travels only in the x-api-key header, over https (http only to localhost).`,
		Example: `  bbconnect harness login
  bbconnect harness scan --json
  bbconnect harness import bb_legacy --org default --project web
  bbconnect push my_connector`,
		Args: noArgs,
	}
	cmd.AddCommand(NewCmdHarnessLogin(f), NewCmdHarnessLogout(f), NewCmdHarnessScan(f), NewCmdHarnessImport(f))
	return cmd
}
