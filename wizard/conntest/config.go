package conntest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Default endpoints of Bitbucket Cloud and default limits of a test.
const (
	DefaultCloudURL     = "https://bitbucket.org"
	DefaultCloudAPIURL  = "https://api.bitbucket.org"
	DefaultCloudSSHAddr = "bitbucket.org:22"
	DefaultCheckTimeout = 10 * time.Second
	DefaultDeadline     = 30 * time.Second
	DefaultRetries      = 3
	DefaultBackoff      = 500 * time.Millisecond
	DefaultPageWorkers  = 8
	maxBackoff          = 8 * time.Second
)

// Environment variables ConfigFromEnv reads.
const (
	EnvCloudURL    = "BBCONNECT_CLOUD_URL"     // stands in for https://bitbucket.org (git over HTTP)
	EnvCloudAPIURL = "BBCONNECT_CLOUD_API_URL" // stands in for https://api.bitbucket.org
	EnvCloudSSH    = "BBCONNECT_CLOUD_SSH"     // host:port standing in for bitbucket.org:22
	EnvCAFile      = "BBCONNECT_CA_FILE"       // extra PEM CA bundle
	EnvKnownHosts  = "BBCONNECT_KNOWN_HOSTS"   // known_hosts file instead of ~/.ssh/known_hosts
)

// Config tunes a test. The zero value is ready to use: Bitbucket Cloud's
// real endpoints, the system's trust store, ~/.ssh/known_hosts and the
// default timeouts.
type Config struct {
	// CloudURL, CloudAPIURL and CloudSSHAddr redirect Bitbucket Cloud
	// traffic (emulators, gateways). The connector's own URL keeps
	// naming bitbucket.org.
	CloudURL     string
	CloudAPIURL  string
	CloudSSHAddr string
	// DCAPIURL is the Data Center REST base ("https://host[:port][/context]")
	// when the connector's URL cannot tell it: an SSH URL names the SSH
	// port, not the web one. Empty: https://host of the SSH URL.
	DCAPIURL string

	// CAFile is a PEM bundle trusted in addition to the system's (and to
	// the connector's own CA file).
	CAFile string
	// KnownHostsFile replaces ~/.ssh/known_hosts for SSH hosts other than
	// bitbucket.org, whose keys are built in.
	KnownHostsFile string
	// ConfirmedHostKey is the SHA256 fingerprint ("SHA256:…") of an SSH
	// host key the user accepted after a test reported it unknown.
	ConfirmedHostKey string

	// Now is the clock for App Password dates and token expiry.
	Now func() time.Time
	// TokenExpires is when the HTTP password token expires (zero when not
	// known); APITokenExpires the same for a separate API token.
	TokenExpires    time.Time
	APITokenExpires time.Time

	// CheckTimeout bounds each check; Deadline bounds the whole test.
	CheckTimeout time.Duration
	Deadline     time.Duration
	// Retries is how many times a request answered 429 or 5xx is retried
	// (negative: never), with exponential Backoff starting at Backoff.
	Retries int
	Backoff time.Duration
	// PageWorkers is how many repository pages ListRepos fetches at once;
	// 1 follows the next links one page at a time.
	PageWorkers int

	// LookupHost and DialContext replace DNS resolution and TCP dialing
	// (tests, proxies). DialContext receives resolved IP addresses.
	LookupHost  func(ctx context.Context, host string) ([]string, error)
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	// ConnectTo is a testing aid (EnvConnectTo): "host:port" to the
	// loopback "ip:port" that serves it. The URL, the TLS server name and
	// the texts keep the host name; other ports of a mapped host are
	// refused, never sent to the real host. A mapped bitbucket.org is
	// checked against KnownHostsFile, not Atlassian's published keys, and
	// certificate dates are checked at Now (the emulator's fixed clock).
	ConnectTo map[string]string
	// Elapsed is a testing aid (EnvElapsed): when set, every duration the
	// report shows reads as this, so two runs print the same text.
	Elapsed time.Duration
}

// ConfigFromEnv returns a Config with the BBCONNECT_CLOUD_URL,
// BBCONNECT_CLOUD_API_URL, BBCONNECT_CLOUD_SSH, BBCONNECT_CA_FILE and
// BBCONNECT_KNOWN_HOSTS environment variables applied, read with getenv.
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{
		CloudURL:       getenv(EnvCloudURL),
		CloudAPIURL:    getenv(EnvCloudAPIURL),
		CloudSSHAddr:   getenv(EnvCloudSSH),
		CAFile:         getenv(EnvCAFile),
		KnownHostsFile: getenv(EnvKnownHosts),
	}
}

// withDefaults fills every zero field with its default.
func (cfg Config) withDefaults() Config {
	if cfg.CloudURL == "" {
		cfg.CloudURL = DefaultCloudURL
	}
	if cfg.CloudAPIURL == "" {
		cfg.CloudAPIURL = DefaultCloudAPIURL
	}
	if cfg.CloudSSHAddr == "" {
		cfg.CloudSSHAddr = DefaultCloudSSHAddr
	}
	if cfg.KnownHostsFile == "" {
		if home, err := os.UserHomeDir(); err == nil {
			cfg.KnownHostsFile = filepath.Join(home, ".ssh", "known_hosts")
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CheckTimeout <= 0 {
		cfg.CheckTimeout = DefaultCheckTimeout
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = DefaultDeadline
	}
	if cfg.Retries == 0 {
		cfg.Retries = DefaultRetries
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.PageWorkers <= 0 {
		cfg.PageWorkers = DefaultPageWorkers
	}
	return cfg
}
