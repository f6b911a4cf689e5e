package conntest

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// Environment variables of the testing aids that make a run reproducible
// (pinned screenshots, demos). Neither changes what is checked: TLS
// certificates are verified against the host name of the URL as always.
const (
	// EnvConnectTo sends traffic for host:port to another address, like
	// curl's --connect-to: "bitbucket.org:443=127.0.0.1:4431,bitbucket.example.com:7999=127.0.0.1:2222".
	// The URLs typed and shown keep their host names.
	EnvConnectTo = "BBCONNECT_CONNECT_TO"
	// EnvElapsed makes every duration a test reports read as this value
	// ("12ms"), so the screens of two runs are byte-identical.
	EnvElapsed = "BBCONNECT_ELAPSED"
)

// ParseConnectTo reads EnvConnectTo's "host:port=ip:port,…" (commas or
// spaces between pairs) into Config.ConnectTo's map. The target must be a
// loopback address: the aid exists for emulators on this machine.
func ParseConnectTo(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		from, to, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("%s: %q is not host:port=ip:port", EnvConnectTo, wizard.OneLine(pair, 80))
		}
		fh, _, err1 := net.SplitHostPort(from)
		th, _, err2 := net.SplitHostPort(to)
		if err1 != nil || err2 != nil || fh == "" {
			return nil, fmt.Errorf("%s: %q is not host:port=ip:port", EnvConnectTo, wizard.OneLine(pair, 80))
		}
		if ip := net.ParseIP(th); ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("%s: %q must be a loopback address (127.0.0.1:port): the aid is for local emulators", EnvConnectTo, wizard.OneLine(to, 80))
		}
		out[strings.ToLower(from)] = to
	}
	return out, nil
}

// FormatConnectTo is the inverse of ParseConnectTo, sorted.
func FormatConnectTo(m map[string]string) string {
	pairs := make([]string, 0, len(m))
	for from, to := range m {
		pairs = append(pairs, from+"="+to)
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ",")
}

// errNotMapped refuses a host that ConnectTo redirects on other ports:
// the aid never lets test traffic leave for the real host by accident.
var errNotMapped = errors.New("this port of the host is not mapped by " + EnvConnectTo)

// mappedHost reports whether ConnectTo redirects any port of host.
func (e *env) mappedHost(host string) bool {
	host = strings.ToLower(host)
	for from := range e.cfg.ConnectTo {
		if h, _, _ := net.SplitHostPort(from); h == host {
			return true
		}
	}
	return false
}

// connectTo returns where ConnectTo sends addr, if it does.
func (e *env) connectTo(addr string) (string, bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !e.mappedHost(host) {
		return "", false, nil //nolint:nilerr // not host:port: not mapped
	}
	to, ok := e.cfg.ConnectTo[strings.ToLower(addr)]
	if !ok {
		return "", true, errNotMapped
	}
	return to, true, nil
}

// certNow is the time certificate dates are checked at: the real time, or
// the test's clock with ConnectTo.
func (e *env) certNow() time.Time {
	if e.tls.Time != nil {
		return e.tls.Time()
	}
	return time.Now()
}

// since is time.Since, or Config.Elapsed when that testing aid is set.
func (e *env) since(start time.Time) time.Duration {
	if e.cfg.Elapsed > 0 {
		return e.cfg.Elapsed
	}
	return time.Since(start)
}
