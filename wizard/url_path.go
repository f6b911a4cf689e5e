package wizard

import (
	"net/url"
	"strings"
)

// parseCloud gives Bitbucket Cloud meaning to the path: /ws, /ws/repo.git,
// /ws/repo/src/main/… (a browser URL), or the api.bitbucket.org forms.
func (p *ParsedURL) parseCloud(segs []string) error {
	p.Edition = Cloud
	switch p.Host {
	case cloudHost, "www." + cloudHost:
	case cloudAltSSH:
	case cloudAPIHost:
		if p.Connection != HTTP || len(segs) < 3 || segs[0] != "2.0" || (segs[1] != "repositories" && segs[1] != "workspaces") {
			return errURL("this is an api url; copy the clone url from the repository's clone button")
		}
		keep := 2 // repositories/ws/repo
		if segs[1] == "workspaces" {
			keep = 1
		}
		segs = segs[2:]
		if len(segs) > keep {
			segs = segs[:keep]
		}
	default:
		return errURL("bitbucket cloud's git host is bitbucket.org; use https://bitbucket.org/WORKSPACE")
	}
	if p.Connection == SSH && p.Host == cloudAltSSH {
		p.Port, p.SCPStyle = altSSHPort, false
	} else {
		p.Host = cloudHost
	}
	if p.Connection == HTTP {
		p.Scheme = "https"
	}
	if len(segs) > 0 {
		ws, err := urlSegment(segs[0])
		if err != nil {
			return err
		}
		if cloudReserved[strings.ToLower(ws)] {
			return errURL("this is a bitbucket page, not a repository; copy the url from the clone button")
		}
		if !validWorkspace(ws) {
			return errURL("the workspace is not valid; it has letters, digits, - and _")
		}
		p.Owner = ws
	}
	workspacePage := len(segs) > 2 && segs[1] == "workspace" // /ws/workspace/overview
	if len(segs) > 1 && !workspacePage {
		repo, err := repoSegment(segs[1])
		if err != nil {
			return err
		}
		p.Repo = repo
	}
	if p.Port != "" && p.Host == cloudHost {
		q := *p
		q.Port = ""
		return errURLUse("bitbucket.org takes no port", q)
	}
	return nil
}

// cloudReserved are first path segments of bitbucket.org pages that are
// not workspaces.
var cloudReserved = map[string]bool{
	"account": true, "dashboard": true, "repo": true, "site": true, "snippets": true,
	"socialauth": true, "support": true, "product": true, "login": true, "signup": true,
}

// parseDC gives Bitbucket Data Center meaning to the path.
func (p *ParsedURL) parseDC(segs []string) error {
	p.Edition = DataCenter
	if p.Connection == SSH {
		err := p.setDCPath(segs)
		if first, _, _ := strings.Cut(p.Extra, "/"); len(segs) == 0 || isDigits(first) {
			// git@host: is ssh://git@host/, and git@host:/7999/… cannot
			// drop its slash without reading as a port.
			p.SCPStyle = false
		}
		return err
	}
	for i, s := range segs {
		switch {
		case s == "scm":
			if err := p.setContext(segs[:i]); err != nil {
				return err
			}
			return p.setDCPath(segs[i+1:])
		case s == "projects" || s == "users":
			if err := p.setContext(segs[:i]); err != nil {
				return err
			}
			return p.setDCBrowse(segs[i:])
		case s == "rest":
			if err := p.setContext(segs[:i]); err != nil {
				return err
			}
			for j := i + 1; j < len(segs); j++ {
				if segs[j] == "projects" || segs[j] == "users" {
					return p.setDCBrowse(segs[j:])
				}
			}
			return nil
		case isDCWebRoot(s):
			return p.setContext(segs[:i])
		}
	}
	if n := len(segs); n >= 2 && strings.HasSuffix(segs[n-1], ".git") {
		q := *p
		if q.setContext(segs[:n-2]) == nil && q.setDCPath(segs[n-2:]) == nil {
			return errURLUse("data center http urls have /scm before the project", q)
		}
		return errURL("data center http urls have /scm before the project, e.g. " + URLFormat(DataCenter, Repository, HTTP))
	}
	return p.setContext(segs)
}

// isDCWebRoot reports whether s starts a Data Center page path (after any
// context path) rather than being part of the context path.
func isDCWebRoot(s string) bool {
	switch s {
	case "scm", "projects", "users", "rest", "dashboard", "profile", "account",
		"plugins", "admin", "login", "repos", "getting-started", "mvc":
		return true
	}
	return false
}

func (p *ParsedURL) setContext(segs []string) error {
	p.ContextPath = ""
	for _, s := range segs {
		d, err := urlSegment(s)
		if err != nil {
			return err
		}
		if !validPathSegment(d) || isDCWebRoot(d) {
			return errURL("the server path before /scm is not valid; check the url for typos")
		}
		p.ContextPath += "/" + d
	}
	return nil
}

// setDCBrowse reads projects/KEY[/repos/slug/…] or users/slug[/repos/slug/…].
func (p *ParsedURL) setDCBrowse(segs []string) error {
	if len(segs) < 2 {
		return nil
	}
	owner := segs[1]
	if segs[0] == "users" {
		owner = "~" + owner
	}
	path := []string{owner}
	if len(segs) > 3 && segs[2] == "repos" {
		path = append(path, segs[3])
	}
	return p.setDCPath(path)
}

// setDCPath reads what follows /scm (HTTP) or the host (SSH): nothing, the
// project, or [extra/…]project/repo[.git].
func (p *ParsedURL) setDCPath(segs []string) error {
	n := len(segs)
	if n == 0 {
		return nil
	}
	if n == 1 && strings.HasSuffix(segs[0], ".git") {
		return errURL("add the project key before the repository, e.g. " + URLFormat(DataCenter, Repository, p.Connection))
	}
	ownerAt := n - 1
	if n >= 2 {
		ownerAt = n - 2
		repo, err := repoSegment(segs[n-1])
		if err != nil {
			return err
		}
		p.Repo = repo
	}
	owner, err := urlSegment(segs[ownerAt])
	if err != nil {
		return err
	}
	if !validProjectKey(owner) {
		return errURL("the project key is not valid; it starts with a letter (or ~ for a personal project)")
	}
	p.Owner = owner
	extra := make([]string, 0, ownerAt)
	for _, s := range segs[:ownerAt] {
		d, err := urlSegment(s)
		if err != nil {
			return err
		}
		if !validPathSegment(d) {
			return errURL("a path segment before the project is not valid; check the url for typos")
		}
		extra = append(extra, d)
	}
	p.Extra = strings.Join(extra, "/")
	return nil
}

func repoSegment(s string) (string, error) {
	d, err := urlSegment(s)
	if err != nil {
		return "", err
	}
	d = strings.TrimSuffix(d, ".git")
	if !validRepoSlug(d) {
		return "", errURL("the repository name is not valid; it has letters, digits, ., - and _")
	}
	return d, nil
}

func urlSegment(s string) (string, error) {
	d, err := url.PathUnescape(s)
	if err != nil {
		return "", errURL("the url has a broken %-escape; paste it again")
	}
	return d, nil
}

func splitSegments(path string) []string {
	var segs []string
	for _, s := range strings.Split(path, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	return segs
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isHostByte(b byte) bool {
	return b >= 'a' && b <= 'z' || IsDigit(b) || b == '.' || b == '-' || b == '_'
}

func isIPv6Byte(b byte) bool { return IsDigit(b) || b >= 'a' && b <= 'f' || b == ':' || b == '.' }

// isVisibleASCII accepts printable ASCII but the space.
func isVisibleASCII(b byte) bool { return b > ' ' && b < 0x7f }

// isKeyByte accepts the bytes of workspace IDs and project keys.
func isKeyByte(b byte) bool { return isAlnum(b) || b == '-' || b == '_' }

func isSegmentByte(b byte) bool { return isNameByte(b) || b == '~' }

func validHostName(h string) bool {
	if strings.Contains(h, "..") || strings.HasPrefix(h, ".") || strings.HasPrefix(h, "-") ||
		strings.HasSuffix(h, ".") || strings.HasSuffix(h, "-") {
		return false
	}
	return Word(h, maxHostNameLen, isHostByte, isHostByte)
}

func validIPv6(h string) bool {
	return strings.Contains(h, ":") && Word(h, 45, isIPv6Byte, isIPv6Byte)
}

// validSSHUser accepts plain user names only: never one that starts with a
// dash, which ssh would read as an option.
func validSSHUser(u string) bool {
	return !strings.HasPrefix(u, "-") && Word(u, 64, isNameByte, isNameByte)
}

func validHTTPUser(u string) bool {
	return Word(u, maxSegmentLen, isVisibleASCII, isVisibleASCII)
}

// validWorkspace accepts a Bitbucket Cloud workspace ID.
func validWorkspace(s string) bool {
	return Word(s, maxSegmentLen, isKeyByte, isKeyByte)
}

// validProjectKey accepts a Data Center project key (a letter, then
// letters, digits, _ and -) or a personal project (~user).
func validProjectKey(s string) bool {
	if rest, ok := strings.CutPrefix(s, "~"); ok {
		return validRepoSlug(rest)
	}
	return Word(s, maxSegmentLen, IsLetter, isKeyByte)
}

// validRepoSlug accepts a repository slug: letters, digits, ., - and _.
func validRepoSlug(s string) bool {
	return s != "." && s != ".." && Word(s, maxSegmentLen, isNameByte, isNameByte)
}

// validPathSegment accepts a context path or extra segment.
func validPathSegment(s string) bool {
	return s != "." && s != ".." && Word(s, maxSegmentLen, isSegmentByte, isSegmentByte)
}
