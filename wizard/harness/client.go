// Package harness is a small client of the Harness Platform (NextGen) REST
// API: organisations and projects, secrets (text, file, SSH credential),
// Bitbucket connectors (get, create, update by merging, test, list) and a
// scan of an account for connectors still on App Passwords.
//
// The API key travels only in the x-api-key header and secret values only
// in request bodies: never in a URL, an error or a log. Errors decode both
// Harness envelopes and name the call, the HTTP status, Harness's code and
// message and the correlation id.
package harness

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// DefaultEndpoint is the Harness SaaS gateway, as the Terraform provider
// and the Go SDK use it.
const DefaultEndpoint = "https://app.harness.io/gateway"

// The environment variables of the Harness Terraform provider.
const (
	EnvEndpoint = "HARNESS_ENDPOINT"
	EnvAccount  = "HARNESS_ACCOUNT_ID"
	EnvAPIKey   = "HARNESS_PLATFORM_API_KEY"
)

// APIKey is a Harness personal (pat.) or service-account (sat.) token. It
// formats as [redacted] with every verb, so a stray %v prints no key.
type APIKey string

// Format implements fmt.Formatter: the key never prints.
func (k APIKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redactedKey(k)) }

// String redacts the key.
func (k APIKey) String() string { return redactedKey(k) }

// GoString redacts the key.
func (k APIKey) GoString() string { return redactedKey(k) }

func redactedKey(k APIKey) string {
	if k == "" {
		return `""`
	}
	return "[redacted]"
}

// Account is the account id inside a pat.<account>.<id>.<secret> or
// sat.<account>.<id>.<secret> token, "" when the key has another shape.
func (k APIKey) Account() string {
	parts := strings.Split(string(k), ".")
	if len(parts) != 4 || (parts[0] != "pat" && parts[0] != "sat") || parts[1] == "" {
		return ""
	}
	return parts[1]
}

// Personal reports whether the key is a personal access token (pat.).
func (k APIKey) Personal() bool { return strings.HasPrefix(string(k), "pat.") }

// Config says where and as whom the client talks.
type Config struct {
	Endpoint string // base URL, e.g. https://app.harness.io/gateway; "" is DefaultEndpoint
	Account  string // account identifier; "" takes the one inside the key
	APIKey   APIKey // x-api-key
	CAFile   string // extra PEM roots for the endpoint (self-managed Harness)

	// HTTPClient replaces the client built from CAFile (tests).
	HTTPClient *http.Client
	// Timeout bounds one ordinary call (default 30 s).
	Timeout time.Duration
	// TestTimeout bounds a testConnection call (default 3 min, never under 2 min
	// unless a test sets it).
	TestTimeout time.Duration
	// Retries is how often a 429/502/503/504 is retried (default 3; -1 none).
	Retries int
	// Backoff is the first wait before a retry, doubled each time with jitter
	// (default 1 s, capped at 8 s).
	Backoff time.Duration
}

// ConfigFromEnv reads HARNESS_ENDPOINT, HARNESS_ACCOUNT_ID and
// HARNESS_PLATFORM_API_KEY through getenv (os.Getenv when nil).
func ConfigFromEnv(getenv func(string) string) Config {
	if getenv == nil {
		getenv = os.Getenv
	}
	return Config{
		Endpoint: strings.TrimSpace(getenv(EnvEndpoint)),
		Account:  strings.TrimSpace(getenv(EnvAccount)),
		APIKey:   APIKey(strings.TrimSpace(getenv(EnvAPIKey))),
	}
}

// Client calls the Harness API. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	account string
	key     APIKey
	http    *http.Client
	cfg     Config
}

// New checks cfg and returns a client: the endpoint must be https (http
// only on a loopback host), carry no credentials or query, and an account
// must be given or inside the key.
func New(cfg Config) (*Client, error) {
	base, err := ParseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.APIKey == "" {
		return nil, errors.New("harness api key is missing: run bbconnect harness login or set " + EnvAPIKey)
	}
	if strings.ContainsAny(string(cfg.APIKey), " \t\r\n") {
		return nil, errors.New("harness api key holds spaces or line breaks: paste the token alone")
	}
	account := strings.TrimSpace(cfg.Account)
	if account == "" {
		account = cfg.APIKey.Account()
	}
	if account == "" {
		return nil, errors.New("harness account is unknown: give --harness-account or set " + EnvAccount + " (the key does not name it)")
	}
	if !validAccount(account) {
		return nil, fmt.Errorf("harness account %q is not an account id: copy it from the harness url (…/account/ID/…)", account)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.TestTimeout <= 0 {
		cfg.TestTimeout = 3 * time.Minute
	}
	if cfg.Retries == 0 {
		cfg.Retries = 3
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	hc := cfg.HTTPClient
	if hc == nil {
		if hc, err = httpClient(cfg.CAFile); err != nil {
			return nil, err
		}
	}
	return &Client{base: base, account: account, key: cfg.APIKey, http: hc, cfg: cfg}, nil
}

// Account is the account identifier the client works in.
func (c *Client) Account() string { return c.account }

// Endpoint is the base URL, without a trailing slash.
func (c *Client) Endpoint() string { return c.base.String() }

// ParseEndpoint checks a Harness base URL: https, or http on a loopback
// host; no user, query or fragment. "" is DefaultEndpoint.
func ParseEndpoint(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = DefaultEndpoint
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("harness url %q is not a url: give e.g. %s", redactURL(s), DefaultEndpoint)
	}
	if u.User != nil {
		return nil, errors.New("harness url holds a user or password: give the url alone, the key goes in " + EnvAPIKey)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("harness url %s has a query or fragment: give the base url only, e.g. %s", redactURL(s), DefaultEndpoint)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("harness url %s is not https: the api key would travel in clear; use https (http only on localhost)", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// redactURL drops everything after the host of a URL that did not parse.
func redactURL(s string) string {
	if i := strings.IndexAny(s, "@?#"); i >= 0 {
		return s[:i] + "…"
	}
	return s
}

// IsLoopback reports whether host is localhost or a loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// httpClient is a client trusting the system roots plus caFile, never
// following a redirect (it could carry the key elsewhere).
func httpClient(caFile string) (*http.Client, error) {
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		data, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("ca file %s cannot be read: check the path given with --ca-file", caFile)
		}
		if !pool.AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("ca file %s holds no pem certificate: give a pem bundle (-----BEGIN CERTIFICATE-----)", caFile)
		}
		tlsCfg.RootCAs = pool
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     tlsCfg,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 2 * DefaultScanWorkers,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}

// validAccount reports whether s looks like a Harness account id
// (letters, digits, - and _).
func validAccount(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}
