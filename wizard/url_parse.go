package wizard

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// Bitbucket Cloud hosts and the limits of a pasted URL.
const (
	cloudHost      = "bitbucket.org"
	cloudAltSSH    = "altssh.bitbucket.org" // SSH over port 443
	cloudAPIHost   = "api.bitbucket.org"
	cloudBase      = "https://" + cloudHost
	altSSHPort     = "443"
	dcSSHPort      = "7999" // the Data Center default SSH port
	maxURLLen      = 2048
	maxSegmentLen  = 128
	maxHostNameLen = 253
)

// urlError is a URL that cannot be used, with the corrected URL when one can
// be proposed. Its message never quotes the input: only fixed text and parts
// that parsed cleanly, so a password typed into a URL is never echoed.
type urlError struct {
	msg string
	fix string
}

func (e *urlError) Error() string { return e.msg }

func errURL(msg string) error { return &urlError{msg: msg} }

// errURLUse is an error whose message ends with "use <fix>", fix being
// rendered as the connector saves it.
func errURLUse(msg string, fix ParsedURL) error {
	f := fix.saved().String()
	return &urlError{msg: msg + "; use " + f, fix: f}
}

// urlFixOf returns the corrected URL err carries, or "".
func urlFixOf(err error) string {
	var ue *urlError
	if errors.As(err, &ue) {
		return ue.fix
	}
	return ""
}

// rawURL is a clone URL cut into parts, before any Bitbucket meaning is
// given to them.
type rawURL struct {
	scheme  string   // "https", "http" or "ssh"
	user    string   // decoded
	hadPass bool     // a password was present (and is dropped)
	host    string   // lowercase, IPv6 without brackets
	port    string   // digits, "" when absent
	segs    []string // path segments, still %-encoded, empty ones dropped
	scp     bool     // [user@]host:path
}

// ParseCloneURL reads any Bitbucket clone or browser URL a user may paste:
// https://user@bitbucket.org/ws/repo.git, git@bitbucket.org:ws/repo.git,
// ssh://git@bitbucket.org/ws/repo.git, https://bitbucket.org/ws/repo/src/main/,
// https://host[:port][/context]/scm/PRJ/repo.git, ssh://git@host:7999/prj/repo.git,
// https://host/projects/PRJ/repos/repo/browse and their account forms. A
// password in the URL is dropped (PasswordDropped tells) and never appears
// in the result or in an error.
func ParseCloneURL(raw string) (ParsedURL, error) {
	r, err := splitURL(strings.TrimSpace(raw))
	if err != nil {
		return ParsedURL{}, err
	}
	p := ParsedURL{
		Scheme: r.scheme, Host: r.host, Port: r.port, User: r.user,
		SCPStyle: r.scp, PasswordDropped: r.hadPass, Connection: HTTP,
	}
	if r.scheme == "ssh" {
		p.Connection = SSH
	}
	if defaultPort(p.Scheme) == p.Port {
		p.Port = ""
	}
	if p.Host == cloudHost || strings.HasSuffix(p.Host, "."+cloudHost) {
		err = p.parseCloud(r.segs)
	} else {
		err = p.parseDC(r.segs)
	}
	if err != nil {
		return ParsedURL{}, err
	}
	if p.Connection == SSH {
		if p.User == "" {
			p.User = "git"
		}
		if !validSSHUser(p.User) {
			q := p
			q.User = "git"
			return ParsedURL{}, errURLUse("bitbucket ssh urls use the user git", q)
		}
	} else if !validHTTPUser(p.User) {
		p.User = "" // only informative over HTTP: the username has its own field
	}
	return p, nil
}

func splitURL(s string) (rawURL, error) {
	switch {
	case s == "":
		return rawURL{}, errURL("enter a clone url")
	case len(s) > maxURLLen:
		return rawURL{}, errURL("the url is too long; copy the clone url from bitbucket")
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return rawURL{}, errURL("the url has spaces or unusual characters; paste it again")
		}
	}
	if i := schemeEnd(s); i >= 0 {
		return splitSchemeURL(s[:i], s[i+3:])
	}
	return splitSCP(s)
}

// schemeEnd returns the index of the "://" that ends a URL scheme, or -1
// when s does not start with a scheme.
func schemeEnd(s string) int {
	i := strings.Index(s, "://")
	if i <= 0 {
		return -1
	}
	for j := 0; j < i; j++ {
		if b := s[j]; !IsLetter(b) && (j == 0 || !isAlnum(b) && b != '+' && b != '.' && b != '-') {
			return -1
		}
	}
	return i
}

func splitSchemeURL(scheme, rest string) (rawURL, error) {
	var r rawURL
	switch strings.ToLower(scheme) {
	case "https":
		r.scheme = "https"
	case "http":
		r.scheme = "http"
	case "ssh", "git+ssh", "ssh+git":
		r.scheme = "ssh"
	default:
		return r, errURL("use an https:// or ssh:// url")
	}
	authority, path := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		if err := r.setUserInfo(authority[:at]); err != nil {
			return r, err
		}
		authority = authority[at+1:]
	}
	if err := r.setHostPort(authority); err != nil {
		return r, err
	}
	r.segs = splitSegments(path)
	return r, nil
}

// splitSCP reads a URL without a scheme: git@host:path (scp-style SSH),
// git@host/path (the Harness page's Data Center form), host:7999/path
// (a port written scp-style) or host/path (HTTPS without the scheme).
func splitSCP(s string) (rawURL, error) {
	var r rawURL
	head := s
	if i := strings.IndexByte(s, '/'); i >= 0 {
		head = s[:i]
	}
	rest := s
	if at := strings.LastIndexByte(head, '@'); at >= 0 {
		if err := r.setUserInfo(s[:at]); err != nil {
			return r, err
		}
		rest = s[at+1:]
	}
	hostEnd := strings.IndexAny(rest, ":/")
	if strings.HasPrefix(rest, "[") {
		hostEnd = strings.IndexByte(rest, ']') + 1
		if hostEnd == 0 {
			return r, errURL("the ipv6 address needs a closing ]")
		}
	}
	host, after := rest, ""
	if hostEnd >= 0 {
		host, after = rest[:hostEnd], rest[hostEnd:]
	}
	if err := r.setHostPort(host); err != nil {
		return r, err
	}
	if i := strings.IndexAny(after, "?#"); i >= 0 {
		after = after[:i]
	}
	if !strings.HasPrefix(after, ":") {
		if after != "" && after[0] != '/' {
			return r, errURL("the server name is not valid; check the url for typos")
		}
		// No colon: git@host/path is SSH; anything else is HTTPS.
		r.scheme, r.scp = "https", false
		if r.user == "git" {
			r.scheme, r.scp = "ssh", true
		}
		r.segs = splitSegments(after)
		return r, nil
	}
	after = after[1:]
	first, _, _ := strings.Cut(after, "/")
	if first != "" && isDigits(first) && r.host != cloudHost && r.host != "www."+cloudHost {
		// host:7999/prj/repo.git: a port, not an scp path (Data Center
		// project keys start with a letter).
		if err := r.setPort(first); err != nil {
			return r, err
		}
		r.segs = splitSegments(after[len(first):])
		r.scheme = "ssh"
		if r.user == "" && (len(r.segs) == 0 || isDCWebRoot(r.segs[0])) {
			r.scheme = "https"
		}
		return r, nil
	}
	r.scheme, r.scp = "ssh", true
	r.segs = splitSegments(after)
	return r, nil
}

func (r *rawURL) setUserInfo(ui string) error {
	user, pass, hasPass := strings.Cut(ui, ":")
	r.hadPass = hasPass && pass != ""
	u, err := url.PathUnescape(user)
	if err != nil {
		return errURL("the user name in the url has a broken %-escape; remove it")
	}
	r.user = u
	return nil
}

func (r *rawURL) setHostPort(hp string) error {
	if hp == "" {
		return errURL("the url has no server name, e.g. https://bitbucket.org/WORKSPACE")
	}
	var host, port string
	var hasPort bool
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return errURL("the ipv6 address needs a closing ]")
		}
		host = strings.ToLower(hp[1:end])
		switch tail := hp[end+1:]; {
		case strings.HasPrefix(tail, ":"):
			port, hasPort = tail[1:], true
		case tail != "":
			return errURL("the server name is not valid; check the url for typos")
		}
		if !validIPv6(host) {
			return errURL("the ipv6 address is not valid")
		}
	} else {
		host, port, hasPort = strings.Cut(hp, ":")
		host = strings.ToLower(host)
		if !validHostName(host) {
			return errURL("the server name is not valid; check the url for typos")
		}
	}
	r.host = host
	if hasPort && port != "" {
		return r.setPort(port)
	}
	return nil
}

func (r *rawURL) setPort(port string) error {
	n, err := strconv.Atoi(port)
	if err != nil || !isDigits(port) || n < 1 || n > 65535 {
		return errURL("the port must be a number from 1 to 65535")
	}
	r.port = strconv.Itoa(n)
	return nil
}
