package wizard

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// URLFormat returns the expected URL format for a combination of edition,
// URL type and connection, for the UI to show while the user types. It
// returns "" for an unknown combination.
func URLFormat(e Edition, t URLType, c Connection) string {
	switch {
	case e == Cloud && t == Account && c == HTTP:
		return "https://bitbucket.org/WORKSPACE (or just https://bitbucket.org, with WORKSPACE/REPO-NAME.git as test repository)"
	case e == Cloud && t == Repository && c == HTTP:
		return "https://bitbucket.org/WORKSPACE/REPO-NAME.git"
	case e == Cloud && t == Account && c == SSH:
		return "git@bitbucket.org:WORKSPACE/"
	case e == Cloud && t == Repository && c == SSH:
		return "git@bitbucket.org:WORKSPACE/REPO-NAME.git"
	case e == DataCenter && t == Account && c == HTTP:
		return "https://bitbucket.YOUR-ORG.com/scm"
	case e == DataCenter && t == Repository && c == HTTP:
		return "https://bitbucket.YOUR-ORG.com/scm/PROJECT-ID/REPO-NAME.git"
	case e == DataCenter && t == Account && c == SSH:
		return "ssh://git@bitbucket.YOUR-ORG.com:7999/"
	case e == DataCenter && t == Repository && c == SSH:
		return "ssh://git@bitbucket.YOUR-ORG.com:7999/PROJECT-ID/REPO-NAME.git"
	}
	return ""
}

// TestRepoFormat returns the expected test repository format: Cloud
// "REPO-NAME.git", Data Center "PROJECT-ID/REPO-NAME.git".
func TestRepoFormat(e Edition) string {
	if e == DataCenter {
		return "PROJECT-ID/REPO-NAME.git"
	}
	return "REPO-NAME.git"
}

// TestURL is the URL the git check of the connection test uses, built the
// way Harness builds it: the URL itself for a repository connector, or
// stripEnd(url, "/") + "/" + stripStart(testRepo, "/") for an account
// connector. It is "" when an account connector has no test repository
// (Harness then skips the git check) or there is no URL. A password left in
// the URL is dropped.
func (c Connector) TestURL() string {
	u := redactUserinfo(strings.TrimSpace(c.URL))
	if u == "" || c.URLType != Account {
		return u
	}
	repo := strings.TrimSpace(c.TestRepo)
	if repo == "" {
		return ""
	}
	return strings.TrimRight(u, "/") + "/" + strings.TrimLeft(repo, "/")
}

// RepoRef returns the repository the test URL points at, for API calls:
// the Cloud workspace and slug, or the Data Center project key (upper
// case; personal projects keep their ~user form) and slug. It fails when
// the URL cannot be parsed or names no repository.
func (c Connector) RepoRef() (owner, slug string, err error) {
	switch {
	case strings.TrimSpace(c.URL) == "":
		return "", "", errors.New("enter the url first")
	case c.URLType == Account && strings.TrimSpace(c.TestRepo) == "":
		return "", "", errors.New("enter a test repository: an account url names no repository")
	}
	p, err := ParseCloneURL(c.TestURL())
	if err != nil {
		return "", "", err
	}
	if p.Repo == "" {
		return "", "", errors.New("the url names no repository; use a repository url or an account url with a test repository")
	}
	owner = p.Owner
	if p.Edition == DataCenter && !strings.HasPrefix(owner, "~") {
		owner = strings.ToUpper(owner)
	}
	return owner, p.Repo, nil
}

// ServerBase is the web and REST base of the server: "https://bitbucket.org"
// for Cloud, and for Data Center "https://host[:port][/context]" (http
// when the URL says so). From an SSH URL it is "https://host": the SSH port
// says nothing about the web port. It is "" when the URL cannot be parsed.
func (c Connector) ServerBase() string {
	if c.Edition == Cloud {
		return cloudBase
	}
	p, err := ParseCloneURL(c.URL)
	switch {
	case err != nil:
		return ""
	case p.Edition == Cloud:
		return cloudBase
	case p.Connection == SSH:
		return "https://" + joinHostPort(p.Host, "")
	case p.Scheme == "http":
		return "http://" + joinHostPort(p.Host, p.Port) + p.ContextPath
	}
	return "https://" + joinHostPort(p.Host, p.Port) + p.ContextPath
}

// Apply fills c with what p implies: edition, connection, URL type, the
// URL (normalised) and, for an account connector given a repository URL,
// the account URL plus the repository as test repository. A repository
// URL turns the connector into a repository connector only when it is not
// already an account connector. Over HTTP a username in the URL fills an
// empty username. It returns one short line per field it changed.
func (p ParsedURL) Apply(c *Connector) []string {
	if c == nil || p.Host == "" {
		return nil
	}
	var lines []string
	if c.Edition != p.Edition {
		c.Edition = p.Edition
		lines = append(lines, "edition: "+p.Edition.Label())
	}
	if c.Connection != p.Connection {
		c.Connection = p.Connection
		lines = append(lines, "connection: "+p.Connection.Label())
	}
	q := p.saved()
	u, typ, testRepo, note := q.String(), Account, "", ""
	switch {
	case p.Repo != "" && c.URLType == Account:
		u, testRepo = q.account().String(), q.testRepoPath()
		if p.Extra != "" {
			note = " (dropped " + p.Extra + " before the project)"
		}
	case p.Repo != "":
		typ = Repository
	case p.Edition == DataCenter && p.Owner != "":
		u = q.account().String()
		note = fmt.Sprintf(" (put %s/REPO-NAME.git in test repository)", p.Owner)
	}
	if c.URLType != typ {
		c.URLType = typ
		lines = append(lines, "url type: "+typ.Label())
	}
	if c.URL != u {
		c.URL = u
		lines = append(lines, "url: "+u+note)
	}
	if testRepo != "" && c.TestRepo != testRepo {
		c.TestRepo = testRepo
		lines = append(lines, "test repository: "+testRepo)
	}
	if p.Connection == HTTP && c.Username == "" && p.User != AccessTokenUsername && validUsername(p.User) {
		c.Username = p.User
		lines = append(lines, "username: "+p.User)
	}
	if p.PasswordDropped {
		lines = append(lines, "password: not taken from the url; enter it in the password field")
	}
	return lines
}

// saved is p as the connector stores it: over HTTP the username lives in
// its own field, never in the URL.
func (p ParsedURL) saved() ParsedURL {
	if p.Connection == HTTP {
		p.User = ""
	}
	p.PasswordDropped = false
	return p
}

// account is the account URL of p: the Cloud workspace, or the Data Center
// server (SSH in the ssh:// form, so the test repository appends cleanly).
func (p ParsedURL) account() ParsedURL {
	p.Repo, p.Extra = "", ""
	if p.Edition == DataCenter {
		p.Owner = ""
		p.SCPStyle = false
	}
	return p
}

// testRepoPath is the test repository naming p's repository: "repo.git" on
// Cloud, "PRJ/repo.git" on Data Center.
func (p ParsedURL) testRepoPath() string {
	if p.Edition == Cloud {
		return p.Repo + ".git"
	}
	return p.Owner + "/" + p.Repo + ".git"
}

// withConnection converts p to the other connection type, on Data Center
// assuming the default ports (HTTPS 443, SSH 7999) and no context path.
func (p ParsedURL) withConnection(c Connection) ParsedURL {
	p.Connection, p.Port, p.ContextPath, p.User = c, "", "", ""
	switch {
	case c == HTTP:
		p.Scheme, p.SCPStyle = "https", false
		if p.Edition == Cloud {
			p.Host = cloudHost
		}
	case p.Edition == Cloud:
		p.Scheme, p.User, p.SCPStyle, p.Host = "ssh", "git", true, cloudHost
	default:
		p.Scheme, p.User, p.SCPStyle, p.Port = "ssh", "git", false, dcSSHPort
	}
	return p
}

// redactUserinfo drops a password from the userinfo of a URL, leaving the
// rest of the text as it is.
func redactUserinfo(s string) string {
	start, stops := 0, "/" // as splitSCP reads it
	if i := schemeEnd(s); i >= 0 {
		start, stops = i+3, "/?#" // as splitSchemeURL reads it
	}
	end := len(s)
	if i := strings.IndexAny(s[start:], stops); i >= 0 {
		end = start + i
	}
	at := strings.LastIndexByte(s[start:end], '@')
	if at < 0 {
		return s
	}
	at += start
	user, _, hasPass := strings.Cut(s[start:at], ":")
	if !hasPass {
		return s
	}
	return s[:start] + user + s[at:]
}

// String renders p as its canonical URL: https://bitbucket.org/ws[/repo.git],
// git@bitbucket.org:ws/[repo.git], https://host[:port][/ctx]/scm[/PRJ[/repo.git]],
// ssh://git@host[:port]/[PRJ/[repo.git]]. A password is never rendered.
func (p ParsedURL) String() string {
	if p.Host == "" {
		return ""
	}
	owner := p.Owner
	if p.Extra != "" {
		owner = p.Extra + "/" + owner
	}
	if p.Connection == SSH {
		user := p.User
		if user == "" {
			user = "git"
		}
		rel := ""
		switch {
		case p.Repo != "":
			rel = owner + "/" + p.Repo + ".git"
		case p.Owner != "":
			rel = owner + "/"
		}
		if p.SCPStyle && p.Port == "" && !strings.Contains(p.Host, ":") {
			return user + "@" + p.Host + ":" + rel
		}
		return "ssh://" + user + "@" + joinHostPort(p.Host, p.Port) + "/" + rel
	}
	s := "https://"
	if p.Scheme == "http" && p.Edition != Cloud {
		s = "http://"
	}
	if p.User != "" {
		s += url.User(p.User).String() + "@"
	}
	s += joinHostPort(p.Host, p.Port)
	if p.Edition != Cloud {
		s += p.ContextPath + "/scm"
	}
	if p.Owner != "" {
		s += "/" + owner
		if p.Repo != "" {
			s += "/" + p.Repo + ".git"
		}
	}
	return s
}

func joinHostPort(host, port string) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return host
}

func defaultPort(scheme string) string {
	switch scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return "22"
}
