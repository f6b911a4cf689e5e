package conntest

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// gitURL is the test URL split the way git uses it.
type gitURL struct {
	ssh  bool
	host string // host name, no port
	port string // "" for the scheme's default
	path string // what git sends: "/ws/repo.git" (HTTP and ssh://), "ws/repo.git" (scp-style)
	raw  *url.URL
}

// addr is host:port with the default port filled in.
func (g gitURL) addr() string {
	port := g.port
	if port == "" {
		port = "22"
		if !g.ssh {
			port = "443"
			if g.raw != nil && g.raw.Scheme == "http" {
				port = "80"
			}
		}
	}
	return net.JoinHostPort(g.host, port)
}

// parseGitURL splits a clone URL: https://…, ssh://…, or scp-style
// user@host:path. User information is dropped.
func parseGitURL(raw string) (gitURL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return gitURL{}, errors.New("the connector has no url")
	}
	if !strings.Contains(raw, "://") {
		// scp-style: [user@]host:path, also the seed's git@host/path.
		rest := raw
		if i := strings.LastIndex(rest, "@"); i >= 0 {
			rest = rest[i+1:]
		}
		host, path, ok := strings.Cut(rest, ":")
		if !ok {
			host, path, ok = strings.Cut(rest, "/")
			path = "/" + path
		}
		if !ok || host == "" {
			return gitURL{}, errors.New("the url is not a clone url (expected git@host:workspace/repo.git)")
		}
		return gitURL{ssh: true, host: host, path: path}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return gitURL{}, errors.New("the url is not a clone url (expected https://host/… or ssh://git@host/…)")
	}
	u.User = nil
	u.RawQuery, u.Fragment = "", ""
	g := gitURL{host: u.Hostname(), port: u.Port(), path: u.Path, raw: u}
	switch u.Scheme {
	case "ssh":
		g.ssh = true
	case "https", "http":
	default:
		return gitURL{}, fmt.Errorf("url scheme %q is not https, http or ssh", wizard.OneLine(u.Scheme, 10))
	}
	return g, nil
}

// testGitURL is the connector's test URL (the repository URL, or the
// account URL plus the test repository), parsed.
func (e *env) testGitURL() (gitURL, error) {
	raw := e.c.TestURL()
	if raw == "" {
		return gitURL{}, errors.New("the url names no repository: give a test repository for account urls")
	}
	g, err := parseGitURL(raw)
	if err == nil && strings.Trim(g.path, "/") == "" {
		err = errors.New("the url names no repository: give a test repository for account urls")
	}
	return g, err
}

// hostGitURL is the test URL, or the connector's URL when there is no
// test repository: enough to know the git host.
func (e *env) hostGitURL() (gitURL, error) {
	raw := e.c.TestURL()
	if raw == "" {
		raw = e.c.URL
	}
	return parseGitURL(raw)
}

// gitHTTPURL is where the git smart-HTTP check goes: the test URL, with
// Cloud traffic redirected to Config.CloudURL.
func (e *env) gitHTTPURL() (*url.URL, error) {
	g, err := e.testGitURL()
	if err != nil {
		return nil, err
	}
	return e.httpTarget(g)
}

// httpTarget redirects Cloud HTTP traffic to Config.CloudURL.
func (e *env) httpTarget(g gitURL) (*url.URL, error) {
	if g.ssh {
		return nil, errors.New("the url is an ssh url but the connection type is http")
	}
	u := *g.raw
	if e.c.Edition == wizard.Cloud {
		base, err := parseBase(e.cfg.CloudURL, "cloud url ("+EnvCloudURL+")")
		if err != nil {
			return nil, err
		}
		u.Scheme, u.Host = base.Scheme, base.Host
		u.Path = strings.TrimRight(base.Path, "/") + u.Path
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return &u, nil
}

// sshTarget is where the SSH check goes and what it asks for.
type sshTarget struct {
	addr      string // host:port dialed
	path      string // repository path sent to git-upload-pack
	bitbucket bool   // the real bitbucket.org: check Atlassian's published keys
}

func (e *env) sshTarget() (sshTarget, error) {
	g, err := e.testGitURL()
	if err != nil {
		return sshTarget{}, err
	}
	return e.sshTargetOf(g)
}

// sshTargetOf redirects Cloud SSH traffic to Config.CloudSSHAddr.
func (e *env) sshTargetOf(g gitURL) (sshTarget, error) {
	if !g.ssh {
		return sshTarget{}, errors.New("the url is an http url but the connection type is ssh")
	}
	t := sshTarget{addr: g.addr(), path: strings.TrimRight(g.path, "/")}
	if e.c.Edition == wizard.Cloud {
		t.addr = e.cfg.CloudSSHAddr
		if _, _, err := net.SplitHostPort(t.addr); err != nil {
			t.addr = net.JoinHostPort(t.addr, "22")
		}
	}
	host, _, _ := net.SplitHostPort(t.addr)
	t.bitbucket = (host == "bitbucket.org" || host == "altssh.bitbucket.org") && !e.mappedHost(host)
	return t, nil
}

// apiBase is the REST root: Config.CloudAPIURL for Cloud, the server base
// for Data Center. Paths /2.0/… and /rest/api/1.0/… are appended.
func (e *env) apiBase() (string, error) {
	raw, what := e.c.ServerBase(), "server url"
	if e.cfg.DCAPIURL != "" && e.c.Connection == wizard.SSH {
		raw, what = e.cfg.DCAPIURL, "data center api url"
	}
	if e.c.Edition == wizard.Cloud {
		raw, what = e.cfg.CloudAPIURL, "cloud api url ("+EnvCloudAPIURL+")"
	}
	u, err := parseBase(raw, what)
	if err != nil {
		return "", err
	}
	base := strings.TrimRight(u.String(), "/")
	if e.c.Edition == wizard.Cloud {
		// Bitbucket's docs print the API root as https://api.bitbucket.org/2.0;
		// the paths appended carry /2.0 themselves.
		base = strings.TrimRight(strings.TrimSuffix(base, "/2.0"), "/")
	}
	return base, nil
}

func parseBase(raw, what string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("the %s %q is not an http(s) url", what, wizard.OneLine(raw, 80))
	}
	u.User = nil
	return u, nil
}

// targetOf is the host:port of an http(s) URL, for diagnoses.
func targetOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return hostPort(u)
}

// hostPort is the host:port of an http(s) URL, with the default port.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "http" {
		return net.JoinHostPort(u.Hostname(), "80")
	}
	return net.JoinHostPort(u.Hostname(), "443")
}
