package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

// NewCmdHarnessLogin returns `bbconnect harness login`.
func NewCmdHarnessLogin(f *Factory) *cobra.Command {
	var hf harnessFlags
	var keyStdin bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Prove a Harness API key and keep it in the OS keychain",
		Long: `Read a Harness API key (a personal access token pat.… or a service account token
sat.…) from standard input (--api-key-stdin) or a prompt that does not echo, prove it
with one read call (the first organisation; for a personal token also the current
user), then keep it in the OS keychain, one item per Harness account, and remember
the account and URL for the next commands. Never pass a key as a flag value.

With HARNESS_PLATFORM_API_KEY set, that key is proved and nothing is stored: every
command uses the variable as is (CI).`,
		Example: `  bbconnect harness login
  my-secret-tool get harness-key | bbconnect harness login --api-key-stdin
  bbconnect harness login --harness-url https://harness.acme.com/gateway --ca-file acme-ca.pem`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return harnessLoginRun(cmd.Context(), f, hf, keyStdin)
		},
	}
	hf.register(cmd.Flags())
	cmd.Flags().BoolVar(&keyStdin, "api-key-stdin", false, "read the Harness API key from standard input (one line)")
	return cmd
}

func harnessLoginRun(ctx context.Context, f *Factory, hf harnessFlags, keyStdin bool) error {
	hs, err := f.resolveHarness(ctx, hf, false)
	if err != nil {
		return err
	}
	fromEnv := hs.cfg.APIKey != ""
	if !fromEnv {
		key, err := readHarnessKey(f, keyStdin)
		if err != nil {
			return err
		}
		hs.cfg.APIKey = harnessapi.APIKey(key)
		if hf.Account == "" && f.getenv(harnessapi.EnvAccount) == "" {
			hs.cfg.Account = harnessapi.APIKey(key).Account()
		}
		if hs.cfg.Account == "" {
			hs.cfg.Account = hs.login.Account
		}
	}
	var keys harnessapi.KeyKeeper
	var save func(harnessapi.Login) error
	if !fromEnv {
		kk, err := f.openKeychain(ctx)
		if err != nil {
			return err
		}
		ls, err := f.openProfiles()
		if err != nil {
			return err
		}
		keys, save = kk, func(l harnessapi.Login) error { return ls.SaveHarnessLogin(profile.HarnessLogin(l)) }
	}
	c, id, err := harnessapi.LogIn(ctx, hs.cfg, keys, save)
	if err != nil {
		return failuref("%s", keychain.Explain(err))
	}
	if fromEnv {
		fmt.Fprintf(f.IO.Out, "✓ %s works for account %s at %s (%s); nothing stored: commands use the variable\n",
			harnessapi.EnvAPIKey, c.Account(), c.Endpoint(), id.Who())
		return nil
	}
	fmt.Fprintf(f.IO.Out, "✓ logged in to harness account %s at %s as %s; the key is in the OS keychain\n", c.Account(), c.Endpoint(), id.Who())
	return nil
}

// readHarnessKey reads the key from one line of stdin, or from a prompt
// that does not echo.
func readHarnessKey(f *Factory, keyStdin bool) (string, error) {
	var key string
	switch {
	case keyStdin:
		if f.IO.IsStdinTTY() {
			return "", usageErrorf("--api-key-stdin: standard input is a terminal, where the key would show as you type; pipe it in, or leave the flag out to be asked without echo")
		}
		line, err := bufio.NewReader(f.IO.In).ReadString('\n')
		if err != nil && line == "" {
			return "", usageErrorf("--api-key-stdin: no key on standard input; pipe it in, one line")
		}
		key = strings.TrimSpace(line)
	case f.IO.CanPrompt():
		v, err := f.IO.ReadSecret("Harness API key (pat.… or sat.…, not shown): ")
		if err != nil {
			return "", failuref("cannot read the key: %v", err)
		}
		key = v
	default:
		return "", usageErrorf("no terminal to ask for the key: pipe it with --api-key-stdin or set %s", harnessapi.EnvAPIKey)
	}
	if key == "" {
		return "", usageErrorf("the harness api key is empty: paste the whole token (pat.… or sat.…)")
	}
	return key, nil
}

// NewCmdHarnessLogout returns `bbconnect harness logout`.
func NewCmdHarnessLogout(f *Factory) *cobra.Command {
	var hf harnessFlags
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Remove the Harness API key of an account from the OS keychain",
		Long: `Remove the Harness API key that bbconnect harness login kept for the account
(--harness-account, else HARNESS_ACCOUNT_ID, else the account logged in last).
The key itself stays valid in Harness: revoke it there if it leaked.`,
		Example: `  bbconnect harness logout
  bbconnect harness logout --harness-account abcDEF123`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return harnessLogoutRun(cmd.Context(), f, hf)
		},
	}
	cmd.Flags().StringVar(&hf.Account, "harness-account", "", "Harness account id (default: HARNESS_ACCOUNT_ID, else the last login)")
	return cmd
}

func harnessLogoutRun(ctx context.Context, f *Factory, hf harnessFlags) error {
	ls, err := f.openProfiles()
	if err != nil {
		return err
	}
	login, _, _ := ls.LoadHarnessLogin()
	account := hf.Account
	if account == "" {
		account = strings.TrimSpace(f.getenv(harnessapi.EnvAccount))
	}
	if account == "" {
		account = login.Account
	}
	if account == "" {
		return usageErrorf("no harness login to remove; give --harness-account to remove the key of an account")
	}
	keys, err := f.openKeychain(ctx)
	if err != nil {
		return err
	}
	removed, err := keys.DeleteHarnessKey(ctx, account)
	if err != nil {
		return failuref("cannot remove the key from the keychain: %s", keychain.Explain(err))
	}
	if login.Account == account {
		if err := ls.RemoveHarnessLogin(); err != nil {
			return failuref("the key is gone, but %s could not be removed: %v", ls.HarnessLoginPath(), err)
		}
	}
	if !removed {
		fmt.Fprintf(f.IO.Out, "no harness api key was stored for account %s\n", account)
		return nil
	}
	fmt.Fprintf(f.IO.Out, "✓ removed the harness api key of account %s from the keychain (it stays valid in harness until revoked there)\n", account)
	return nil
}
