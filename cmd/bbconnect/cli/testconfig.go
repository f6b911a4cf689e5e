package cli

import (
	"context"
	"net"
	"time"

	"github.com/spf13/pflag"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// testFlags are the connection-test flags of setup, test and rotate.
type testFlags struct {
	CAFile      string
	CloudURL    string
	CloudAPIURL string
}

// register adds the flags to fs: --cloud-url and --cloud-api-url, and
// --ca-file unless the command takes the connector's CA file instead.
func (fl *testFlags) register(fs *pflag.FlagSet, caFile bool) {
	if caFile {
		fs.StringVar(&fl.CAFile, "ca-file", "", "extra PEM CA bundle the connection test trusts (also BBCONNECT_CA_FILE)")
	}
	fs.StringVar(&fl.CloudURL, "cloud-url", "", "send Bitbucket Cloud git traffic here instead (emulators, gateways; also BBCONNECT_CLOUD_URL)")
	fs.StringVar(&fl.CloudAPIURL, "cloud-api-url", "", "send Bitbucket Cloud API traffic here instead, with or without /2.0 (also BBCONNECT_CLOUD_API_URL)")
}

// testConfig is the connection-test configuration: the environment
// (BBCONNECT_CLOUD_URL and friends, read through the factory), then the
// flags, at the clock now (zero: the real time).
func (f *Factory) testConfig(fl testFlags, now time.Time) conntest.Config {
	cfg := conntest.ConfigFromEnv(f.getenv)
	if fl.CAFile != "" {
		cfg.CAFile = fl.CAFile
	}
	if fl.CloudURL != "" {
		cfg.CloudURL = fl.CloudURL
	}
	if fl.CloudAPIURL != "" {
		cfg.CloudAPIURL = fl.CloudAPIURL
	}
	if !now.IsZero() {
		start := time.Now()
		cfg.Now = func() time.Time { return now.Add(time.Since(start)) }
	}
	f.applyTestAids(&cfg)
	return cfg
}

// applyTestAids reads the connection test's testing aids: BBCONNECT_CONNECT_TO
// (traffic for a host name goes to a loopback emulator; the name is kept in
// the URL, the TLS check and the texts) and BBCONNECT_ELAPSED (every
// duration shown reads as this). A malformed aid fails every dial with its
// problem, so no test traffic goes anywhere by mistake.
func (f *Factory) applyTestAids(cfg *conntest.Config) {
	if v := f.getenv(conntest.EnvConnectTo); v != "" {
		m, err := conntest.ParseConnectTo(v)
		if err != nil {
			cfg.LookupHost = func(context.Context, string) ([]string, error) { return nil, err }
			cfg.DialContext = func(context.Context, string, string) (net.Conn, error) { return nil, err }
		}
		cfg.ConnectTo = m
	}
	if v := f.getenv(conntest.EnvElapsed); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			cfg.Elapsed = d
		}
	}
}

// runTest runs the live test of c with cfg. Ctrl+C during the test is
// ErrInterrupted; the report never holds a secret of s (conntest.Run
// redacts every check).
func runTest(ctx context.Context, c wizard.Connector, s Secrets, cfg conntest.Config) (conntest.Report, error) {
	report := conntest.Run(ctx, c, s, cfg, nil)
	if ctx.Err() != nil {
		return conntest.Report{}, ErrInterrupted
	}
	if report.Connector == "" {
		report.Connector = c.ID
	}
	return report, nil
}
