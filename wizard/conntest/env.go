package conntest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// env is what every check of one run shares: the connector, its secrets,
// the configuration with defaults and one HTTP client.
type env struct {
	c      wizard.Connector
	s      Secrets
	cfg    Config
	client *http.Client
	tls    *tls.Config
	caErr  *finding // a CA file that cannot be used: every TLS check reports it
}

func newEnv(c wizard.Connector, s Secrets, cfg Config) *env {
	e := &env{c: c, s: s, cfg: cfg.withDefaults()}
	pool, ferr := loadPool(e.cfg.CAFile, c.CAFile)
	if ferr != nil {
		e.caErr = ferr
	}
	e.tls = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if len(e.cfg.ConnectTo) > 0 {
		// The testing aid's emulator dates its certificates by the fixed
		// clock (BBCONNECT_NOW): check their dates at that clock, so they
		// stay valid as real time moves on. Only with ConnectTo.
		e.tls.Time = e.cfg.Now
	}
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         e.dial,
		TLSClientConfig:     e.tls.Clone(), // the transport edits its copy
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 2 * DefaultPageWorkers,
		IdleConnTimeout:     30 * time.Second,
	}
	e.client = &http.Client{
		Transport: tr,
		// Never follow a redirect: it could carry the credential elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return e
}

func (e *env) close() { e.client.CloseIdleConnections() }

// loadPool returns the system roots plus every CA file given.
func loadPool(files ...string) (*x509.CertPool, *finding) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, f := range files {
		if f == "" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			bad := failf("check the path given with --ca-file or in the connectivity step", "ca file %s cannot be read", f)
			return pool, &bad
		}
		if !pool.AppendCertsFromPEM(data) {
			bad := failf("give a pem bundle (-----BEGIN CERTIFICATE-----), e.g. the server's ca exported from the browser", "ca file %s holds no pem certificate", f)
			return pool, &bad
		}
	}
	return pool, nil
}

// lookup resolves host through the configured resolver.
func (e *env) lookup(ctx context.Context, host string) ([]string, error) {
	if e.mappedHost(host) {
		return []string{host}, nil // dialIP sends it where ConnectTo says
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		return []string{ip.String()}, nil
	}
	if e.cfg.LookupHost != nil {
		return e.cfg.LookupHost(ctx, host)
	}
	return net.DefaultResolver.LookupHost(ctx, host)
}

// dial resolves addr's host and connects to the first address that answers.
func (e *env) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := e.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(ips) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var last error
	for _, ip := range ips {
		conn, err := e.dialIP(ctx, network, net.JoinHostPort(ip, port))
		if err == nil {
			return conn, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

func (e *env) dialIP(ctx context.Context, network, addr string) (net.Conn, error) {
	if to, ok, err := e.connectTo(addr); ok {
		if err != nil {
			return nil, err
		}
		addr = to
	}
	if e.cfg.DialContext != nil {
		return e.cfg.DialContext(ctx, network, addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// credential is how a request authenticates. It never leaves a header.
type credential struct {
	scheme string // "basic", "bearer" or "" (anonymous)
	user   string
	secret string
}

func basic(user, secret string) credential { return credential{"basic", user, secret} }
func bearer(secret string) credential      { return credential{"bearer", "", secret} }

func (cr credential) apply(req *http.Request) {
	switch cr.scheme {
	case "basic":
		req.SetBasicAuth(cr.user, cr.secret)
	case "bearer":
		req.Header.Set("Authorization", "Bearer "+cr.secret)
	}
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
	tries  int           // requests sent (1 when not retried)
	retry  int           // the status that caused the last retry
	waited time.Duration // time spent backing off
	url    string        // the URL asked, without query
}

const maxBody = 4 << 20

// retryable reports whether a status is worth another try.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusInternalServerError ||
		status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// do sends a GET, retrying 429 and 5xx with bounded exponential backoff.
// On success the caller owns resp.Body; every earlier response is closed.
func (e *env) do(ctx context.Context, rawURL string, cr credential, hdr map[string]string) (*http.Response, *response, error) {
	meta := &response{url: stripQuery(rawURL)}
	delay := e.cfg.Backoff
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, meta, err
		}
		req.Header.Set("User-Agent", "bbconnect-conntest")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		cr.apply(req)
		meta.tries++
		resp, err := e.client.Do(req)
		if err != nil {
			return nil, meta, err
		}
		meta.status, meta.header = resp.StatusCode, resp.Header
		if !retryable(resp.StatusCode) || meta.tries > e.cfg.Retries {
			return resp, meta, nil
		}
		meta.retry = resp.StatusCode
		drain(resp)
		t := time.NewTimer(delay)
		start := time.Now()
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, meta, ctx.Err()
		case <-t.C:
		}
		meta.waited += time.Since(start)
		delay = min(2*delay, maxBackoff)
	}
}

// fetch is do plus reading the (bounded) body.
func (e *env) fetch(ctx context.Context, rawURL string, cr credential) (*response, error) {
	r, _, err := e.fetchN(ctx, rawURL, cr, maxBody)
	return r, err
}

// fetchN is do plus reading at most limit bytes of the body; over is set
// when the body is longer (the body then holds its first limit bytes).
func (e *env) fetchN(ctx context.Context, rawURL string, cr credential, limit int64) (r *response, over bool, err error) {
	resp, meta, err := e.do(ctx, rawURL, cr, map[string]string{"Accept": "application/json"})
	if err != nil {
		return meta, false, err
	}
	defer resp.Body.Close()
	meta.body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return meta, false, err
	}
	if int64(len(meta.body)) > limit {
		meta.body = meta.body[:limit]
		return meta, true, nil
	}
	return meta, false, nil
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

func stripQuery(u string) string {
	u, _, _ = strings.Cut(u, "?")
	return u
}

// retryNote says how a request was retried, for a passing diagnosis.
func (r *response) retryNote() string {
	if r == nil || r.tries <= 1 {
		return ""
	}
	why := "server error"
	if r.retry == http.StatusTooManyRequests {
		why = "rate limited"
	}
	return fmt.Sprintf(" (after %d retries: %s)", r.tries-1, why)
}
