package conntest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// finding is how a check ended, before the runner names and times it.
type finding struct {
	status Status
	diag   string
	fix    string
	hostFP string // unknown SSH host key fingerprint, for the user to confirm
}

func passf(format string, a ...any) finding {
	return finding{status: Pass, diag: fmt.Sprintf(format, a...)}
}

func skip(reason string) finding { return finding{status: Skipped, diag: reason} }

func failf(fix, format string, a ...any) finding {
	return finding{status: Fail, diag: fmt.Sprintf(format, a...), fix: fix}
}

func warnf(fix, format string, a ...any) finding {
	return finding{status: Warn, diag: fmt.Sprintf(format, a...), fix: fix}
}

// errCancelledFinding marks a check the user cancelled.
var cancelled = finding{status: Skipped, diag: "cancelled before it finished"}

// Fixes shared by several diagnoses.
const (
	fixCAFile    = "give the server's ca bundle with --ca-file (or the ca bundle field of the connectivity step)"
	fixTimeout   = "check that this machine (or the delegate) can reach the host: firewall, vpn or proxy (https_proxy)"
	fixRefused   = "check the host and port in the url, and that the server is running and reachable from here"
	fixNotFound  = "check the host name in the url for typos; for data center, check dns or the vpn"
	fixRateLimit = "wait a few minutes, then test again: bitbucket counts requests per hour (an access token has its own allowance)"
	fixURL       = "fix the url in the details step"
)

// netFinding names a transport failure talking to target ("host:port").
func netFinding(err error, target string, elapsed time.Duration) finding {
	var (
		dnsErr   *net.DNSError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		timeoutE interface{ Timeout() bool }
	)
	host := target
	if h, _, splitErr := net.SplitHostPort(target); splitErr == nil {
		host = h
	}
	switch {
	case errors.Is(err, context.Canceled):
		return cancelled
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return failf(fixNotFound, "host not found: %s does not resolve", host)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &timeoutE) && timeoutE.Timeout()):
		return failf(fixTimeout, "timed out after %s waiting for %s", round(elapsed), target)
	case errors.As(err, &dnsErr):
		return failf(fixNotFound, "dns lookup of %s failed: %s", host, wizard.OneLine(dnsErr.Err, 80))
	case errors.Is(err, syscall.ECONNREFUSED):
		return failf(fixRefused, "connection refused by %s", target)
	case errors.As(err, &unknown):
		return failf(fixCAFile, "certificate of %s is not trusted: it is signed by %s, which is not in the trust store",
			host, issuerName(unknown.Cert))
	case errors.As(err, &hostErr):
		return failf("use the host name the certificate names in the url, or have the server's certificate reissued for "+host,
			"hostname mismatch: the certificate of %s is for %s", target, certNames(hostErr.Certificate))
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return failf("have the server's certificate renewed (or check this machine's clock)",
			"certificate of %s has expired or is not yet valid", host)
	case errors.As(err, &invalid):
		return failf(fixCAFile, "certificate of %s is not valid: %s", host, wizard.OneLine(invalid.Error(), 100))
	case errors.As(err, &recErr):
		return failf("use https:// only for a tls port (or http:// for a plain one)", "%s does not speak tls", target)
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return failf(fixTimeout, "%s closed the connection unexpectedly", target)
	}
	return failf(fixRefused, "could not talk to %s: %s", target, wizard.OneLine(unwrapURLErr(err).Error(), 120))
}

func unwrapURLErr(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

func issuerName(c *x509.Certificate) string {
	if c == nil {
		return "an unknown authority"
	}
	if n := c.Issuer.CommonName; n != "" {
		return fmt.Sprintf("%q", wizard.OneLine(n, 60))
	}
	return "an unknown authority"
}

func certNames(c *x509.Certificate) string {
	if c == nil {
		return "another host"
	}
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if len(names) == 0 {
		return "another host"
	}
	return wizard.OneLine(strings.Join(names, ", "), 100)
}

func round(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return time.Millisecond
	}
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	if d >= 100*time.Millisecond {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// statusFinding covers the answers every check treats alike: rate limits
// and server errors after retrying, redirects, and anything unexpected.
func statusFinding(r *response, elapsed time.Duration, dc bool) finding {
	switch {
	case r.status == http.StatusTooManyRequests:
		return failf(fixRateLimit, "rate limited: %s answered 429 to %d tries over %s (it gives no retry-after)",
			hostOf(r.url), r.tries, round(elapsed))
	case r.status >= 500:
		fix := "bitbucket may be having an incident (bitbucket.status.atlassian.com): test again later"
		if dc {
			fix = "check the data center server's health and logs, then test again"
		}
		return failf(fix, "server error %d from %s after %d tries", r.status, hostOf(r.url), r.tries)
	case r.status >= 300 && r.status < 400:
		loc := stripQuery(r.header.Get("Location"))
		return failf("use the url it redirects to: check http or https, the host and the context path",
			"%s redirects (%d) to %s", r.url, r.status, wizard.OneLine(loc, 100))
	}
	return failf("check the url and that it points at bitbucket", "unexpected answer %d from %s", r.status, r.url)
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}
