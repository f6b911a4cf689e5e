package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

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
	if st, err := f.openProfiles(); err == nil {
		hs.login, _, _ = st.LoadHarnessLogin()
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
	keys, err := f.openKeychain(ctx)
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

// HarnessHTTPClient is the Harness client's transport under the testing aid
// BBCONNECT_CONNECT_TO (pinned screenshots, demos): traffic for a mapped
// host:port goes to its loopback address, the URL keeping its host name,
// which TLS checks against BBCONNECT_CA_FILE at the BBCONNECT_NOW clock.
// A host the aid does not map is dialled as usual. Nil without the aid;
// a malformed aid fails every call with its problem.
func (f *Factory) HarnessHTTPClient() *http.Client {
	v := f.getenv(conntest.EnvConnectTo)
	if v == "" {
		return nil
	}
	m, err := conntest.ParseConnectTo(v)
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca := f.getenv(conntest.EnvCAFile); ca != "" {
		pool := x509.NewCertPool()
		if data, rerr := os.ReadFile(ca); rerr == nil && pool.AppendCertsFromPEM(data) {
			tlsCfg.RootCAs = pool
		}
	}
	if now, nerr := f.Now(); nerr == nil {
		start := time.Now()
		tlsCfg.Time = func() time.Time { return now.Add(time.Since(start)) }
	}
	tr := &http.Transport{
		TLSClientConfig: tlsCfg,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if err != nil {
				return nil, err
			}
			if to, ok := m[strings.ToLower(addr)]; ok {
				addr = to
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
