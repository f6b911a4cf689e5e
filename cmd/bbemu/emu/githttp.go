package emu

import (
	"io"
	"net/http"
	"net/http/cgi" //nolint:gosec // G504 is about Go < 1.6.3 (httpoxy); the handler runs git http-backend only, without the Proxy header
	"net/url"
	"strings"
)

// gitPath is a parsed git smart-HTTP request path: owner/slug(.git)/rest.
type gitPath struct {
	owner, slug string // slug without ".git"
	rest        string // "/info/refs", "/git-upload-pack", …
}

// parseGitPath splits "/owner/slug.git/info/refs" (the ".git" is
// optional, as on Bitbucket). It refuses empty segments, dot segments and
// anything but a known smart-HTTP suffix.
func parseGitPath(p string) (gitPath, bool) {
	p = strings.TrimPrefix(p, "/")
	owner, rest, ok := strings.Cut(p, "/")
	if !ok {
		return gitPath{}, false
	}
	slug, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return gitPath{}, false
	}
	slug = strings.TrimSuffix(slug, ".git")
	if !validSegment(owner) || !validSegment(slug) {
		return gitPath{}, false
	}
	rest = "/" + rest
	switch rest {
	case "/info/refs", "/git-upload-pack", "/git-receive-pack":
		return gitPath{owner: owner, slug: slug, rest: rest}, true
	}
	return gitPath{}, false
}

// validSegment accepts a repository path segment: letters, digits, "-",
// "_" and ".", not starting with ".".
func validSegment(s string) bool {
	if s == "" || s[0] == '.' || len(s) > 128 {
		return false
	}
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// checkService allows only fetches over the smart protocol. It writes the
// refusal and reports false otherwise.
func checkService(w http.ResponseWriter, r *http.Request, gp gitPath) bool {
	switch {
	case gp.rest == "/info/refs" && r.Method == http.MethodGet && r.URL.Query().Get("service") == "git-upload-pack":
		return true
	case gp.rest == "/git-upload-pack" && r.Method == http.MethodPost:
		return true
	case gp.rest == "/git-receive-pack" || r.URL.Query().Get("service") == "git-receive-pack":
		writeText(w, http.StatusForbidden, "push is not supported by the bbconnect emulator: it serves fetches only\n")
	default:
		writeText(w, http.StatusForbidden, "only the smart HTTP protocol (git-upload-pack) is served\n")
	}
	return false
}

func writeText(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}

// gitChallenge is the 401 git answers with so the client asks for (or
// sends) credentials.
func gitChallenge(w http.ResponseWriter, realm string) {
	w.Header().Set("WWW-Authenticate", realm)
	writeText(w, http.StatusUnauthorized, "Invalid credentials\n")
}

// cloudGitHandler serves bitbucket.org: git smart HTTP for /{ws}/{slug}.git
// and the host keys at /site/ssh.
func (st *state) cloudGitHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/site/ssh" {
			writeText(w, http.StatusOK, string(knownHostsLines(st.sshAddr, st.hostSigner.PublicKey())))
			return
		}
		gp, ok := parseGitPath(r.URL.Path)
		if !ok {
			writeText(w, http.StatusNotFound, "Resource not found\n")
			return
		}
		if !checkService(w, r, gp) {
			return
		}
		if r.Header.Get("Authorization") == "" {
			gitChallenge(w, cloudRealm)
			return
		}
		c := st.cloudGitAuth(r)
		if c == nil {
			gitChallenge(w, cloudRealm)
			return
		}
		noteCred(w, c)
		rp := st.cat.cloudRepo(gp.owner, gp.slug)
		if rp == nil || !rp.onDisk {
			writeText(w, http.StatusNotFound, "Repository not found\n")
			return
		}
		if !cloudCanSee(c, rp) || !c.hasScope("read:repository:bitbucket", "repository") {
			writeText(w, http.StatusForbidden, "Forbidden\n")
			return
		}
		st.serveGit(w, r, st.cloudRoot(), rp.rel, gp.rest)
	})
}

// serveGit hands the request to the real `git http-backend` through CGI.
// The Authorization and Cookie headers are removed first so no secret
// reaches the child's environment.
func (st *state) serveGit(w http.ResponseWriter, r *http.Request, root, rel, rest string) {
	r2 := r.Clone(r.Context())
	r2.Header.Del("Authorization")
	r2.Header.Del("Cookie")
	r2.Header.Del("Proxy-Authorization")
	r2.URL = &url.URL{Path: "/" + rel + rest, RawQuery: r.URL.RawQuery}
	r2.RequestURI = r2.URL.RequestURI()
	h := &cgi.Handler{
		Path:   st.git.git,
		Root:   "/",
		Dir:    root,
		Args:   []string{"http-backend"},
		Env:    st.gitEnv("GIT_PROJECT_ROOT="+root, "GIT_HTTP_EXPORT_ALL=1"),
		Stderr: io.Discard,
	}
	h.ServeHTTP(w, r2)
}

// dcGit serves git smart HTTP at /scm/{project}/{slug}.git (the project key
// is case-insensitive). Personal tokens work as Basic user:token or
// Bearer; project tokens only as Bearer.
func (st *state) dcGit(w http.ResponseWriter, r *http.Request) {
	gp, ok := parseGitPath(strings.TrimPrefix(r.URL.Path, "/scm"))
	if !ok {
		writeDCError(w, http.StatusNotFound, "The requested resource does not exist.", "")
		return
	}
	if !checkService(w, r, gp) {
		return
	}
	c, fail := st.dcAuth(r, r.URL.Path)
	if fail != authOK || c == nil {
		gitChallenge(w, dcRealm)
		return
	}
	noteCred(w, c)
	rp := st.cat.dcRepo(gp.owner, gp.slug)
	if rp == nil || !rp.onDisk || !dcCanSee(c, rp) {
		writeText(w, http.StatusNotFound, "Repository not found\n")
		return
	}
	st.serveGit(w, r, st.dcRoot(), rp.rel, gp.rest)
}
