package emu

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DC exception names, as Bitbucket Data Center sends them.
const (
	excAuth        = "com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException"
	excAuthz       = "com.atlassian.bitbucket.AuthorisationException"
	excNoProject   = "com.atlassian.bitbucket.project.NoSuchProjectException"
	excNoRepo      = "com.atlassian.bitbucket.repository.NoSuchRepositoryException"
	excNoUser      = "com.atlassian.bitbucket.user.NoSuchUserException"
	excBadArgument = "com.atlassian.bitbucket.validation.ArgumentValidationException"
	dcAuthFailed   = "Authentication failed. Please check your credentials and try again."
	dcNotPermitted = "You are not permitted to access this resource"
	dcRealm        = `Basic realm="Atlassian Bitbucket"`
)

// normContext cleans a DC context path: "" or "/name[/name…]".
func normContext(s string) (string, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "/")
	if s == "" {
		return "", nil
	}
	if !strings.HasPrefix(s, "/") {
		s = "/" + s
	}
	for _, seg := range strings.Split(s[1:], "/") {
		if !validSegment(seg) {
			return "", fmt.Errorf("dc context %q: use a path like /bitbucket", s)
		}
	}
	return s, nil
}

// writeDCError writes {"errors":[{"context":null,"message":…,"exceptionName":…}]}.
func writeDCError(w http.ResponseWriter, status int, msg, exc string) {
	var name any
	if exc != "" {
		name = exc
	}
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{"context": nil, "message": msg, "exceptionName": name}}})
}

// dcHandler serves Bitbucket Data Center under its context path.
func (st *state) dcHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rest/api/{v}/application-properties", st.dcAppProps)
	mux.HandleFunc("GET /rest/api/{v}/projects", st.dcProjects)
	mux.HandleFunc("GET /rest/api/{v}/projects/{key}", st.dcProject)
	mux.HandleFunc("GET /rest/api/{v}/projects/{key}/repos", st.dcProjectRepos)
	mux.HandleFunc("GET /rest/api/{v}/projects/{key}/repos/{slug}", st.dcRepoGet)
	mux.HandleFunc("GET /rest/api/{v}/projects/{key}/repos/{slug}/branches", st.dcBranches)
	mux.HandleFunc("GET /rest/api/{v}/repos", st.dcAllRepos)
	mux.HandleFunc("GET /rest/api/{v}/users/{slug}", st.dcUserGet)
	mux.HandleFunc("GET /plugins/servlet/applinks/whoami", st.dcWhoami)
	mux.HandleFunc("POST /rest/ssh/{v}/keys", st.dcAddSSHKey)
	mux.HandleFunc("/scm/", st.dcGit)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeDCError(w, http.StatusNotFound, "The requested resource does not exist.", "")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if st.dcContext != "" {
			rest, ok := strings.CutPrefix(p, st.dcContext)
			if !ok || (rest != "" && rest[0] != '/') {
				writeText(w, http.StatusNotFound, "Not found: Bitbucket is served under "+st.dcContext+"\n")
				return
			}
			r2 := r.Clone(r.Context())
			r2.URL.Path, r2.URL.RawPath = rest, ""
			r = r2
		}
		if v := dcVersion(r.URL.Path); v != "" && v != "1.0" && v != "latest" {
			writeDCError(w, http.StatusNotFound, "The requested resource does not exist.", "")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// dcVersion returns the version segment of a /rest/api/{v}/ path.
func dcVersion(p string) string {
	rest, ok := strings.CutPrefix(p, "/rest/api/")
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, "/")
	return v
}

// dcAuthenticate runs dcAuth and writes the 401 on failure. On success it
// sets X-AUSERNAME and X-AUSERID for an authenticated caller.
func (st *state) dcAuthenticate(w http.ResponseWriter, r *http.Request) (*credential, bool) {
	c, fail := st.dcAuth(r, r.URL.Path)
	if fail != authOK {
		w.Header().Set("WWW-Authenticate", dcRealm)
		writeDCError(w, http.StatusUnauthorized, dcAuthFailed, excAuth)
		return nil, false
	}
	if c != nil {
		noteCred(w, c)
		name, id := st.demo.DCUser, "101"
		if c.kind == kindDCProject {
			name, id = "bot-"+strings.ToLower(c.project)+"-token", "201"
		}
		w.Header().Set("X-AUSERNAME", name)
		w.Header().Set("X-AUSERID", id)
	}
	return c, true
}

// dcRequireUser is dcAuthenticate that also refuses anonymous callers.
func (st *state) dcRequireUser(w http.ResponseWriter, r *http.Request) (*credential, bool) {
	c, ok := st.dcAuthenticate(w, r)
	if ok && c == nil {
		writeDCError(w, http.StatusUnauthorized, dcNotPermitted, excAuthz)
		return nil, false
	}
	return c, ok
}

func (st *state) dcAppProps(w http.ResponseWriter, r *http.Request) {
	if _, ok := st.dcAuthenticate(w, r); !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"version": "9.4.22", "buildNumber": "9004022", "buildDate": "1767225600000", "displayName": "Bitbucket",
	})
}

func (st *state) dcWhoami(w http.ResponseWriter, r *http.Request) {
	c, ok := st.dcAuthenticate(w, r)
	if !ok {
		return
	}
	name := ""
	if c != nil && c.kind == kindDCPersonal {
		name = st.demo.DCUser
	}
	writeText(w, http.StatusOK, name)
}

func (st *state) dcUserGet(w http.ResponseWriter, r *http.Request) {
	if _, ok := st.dcRequireUser(w, r); !ok {
		return
	}
	slug := r.PathValue("slug")
	if !strings.EqualFold(slug, st.demo.DCUser) {
		writeDCError(w, http.StatusNotFound, fmt.Sprintf("User %s does not exist.", slug), excNoUser)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name": st.demo.DCUser, "emailAddress": demoEmail, "id": 101, "displayName": demoDisplay,
		"active": true, "slug": st.demo.DCUser, "type": "NORMAL",
		"links": map[string]any{"self": []any{href(st.dcURL + "/users/" + st.demo.DCUser)}},
	})
}

func (st *state) dcProjectJSON(key string) map[string]any {
	return map[string]any{
		"key": key, "id": len(key), "name": strings.ToUpper(key[:1]) + strings.ToLower(key[1:]), "public": false, "type": "NORMAL",
		"links": map[string]any{"self": []any{href(st.dcURL + "/projects/" + key)}},
	}
}

// dcFindProject returns the canonical key of a project c can see.
func (st *state) dcFindProject(w http.ResponseWriter, c *credential, key string) (string, bool) {
	for _, k := range st.cat.dcProjects() {
		if strings.EqualFold(k, key) && (c.kind != kindDCProject || strings.EqualFold(c.project, k)) {
			return k, true
		}
	}
	writeDCError(w, http.StatusNotFound, fmt.Sprintf("Project %s does not exist.", key), excNoProject)
	return "", false
}

func (st *state) dcProjects(w http.ResponseWriter, r *http.Request) {
	c, ok := st.dcRequireUser(w, r)
	if !ok {
		return
	}
	var vals []any
	for _, k := range st.cat.dcProjects() {
		if c.kind != kindDCProject || strings.EqualFold(c.project, k) {
			vals = append(vals, st.dcProjectJSON(k))
		}
	}
	st.writeDCPage(w, r, vals)
}

func (st *state) dcProject(w http.ResponseWriter, r *http.Request) {
	c, ok := st.dcRequireUser(w, r)
	if !ok {
		return
	}
	if key, ok := st.dcFindProject(w, c, r.PathValue("key")); ok {
		writeJSON(w, http.StatusOK, st.dcProjectJSON(key))
	}
}

func (st *state) dcProjectRepos(w http.ResponseWriter, r *http.Request) {
	c, ok := st.dcRequireUser(w, r)
	if !ok {
		return
	}
	key, ok := st.dcFindProject(w, c, r.PathValue("key"))
	if !ok {
		return
	}
	var vals []any
	for _, rp := range st.cat.dc {
		if rp.owner == key {
			vals = append(vals, rp)
		}
	}
	st.writeDCPage(w, r, vals)
}

// dcAllRepos lists every repository the caller can see; anonymous callers
// see the public ones (none), which is why a token served as anonymous
// looks valid here.
func (st *state) dcAllRepos(w http.ResponseWriter, r *http.Request) {
	c, ok := st.dcAuthenticate(w, r)
	if !ok {
		return
	}
	vals := []any{}
	for _, rp := range st.cat.dc {
		if dcCanSee(c, rp) {
			vals = append(vals, rp)
		}
	}
	st.writeDCPage(w, r, vals)
}

// dcVisibleRepo finds the repository of the path for an authenticated caller.
func (st *state) dcVisibleRepo(w http.ResponseWriter, r *http.Request) (*repo, bool) {
	c, ok := st.dcRequireUser(w, r)
	if !ok {
		return nil, false
	}
	key, ok := st.dcFindProject(w, c, r.PathValue("key"))
	if !ok {
		return nil, false
	}
	slug := r.PathValue("slug")
	rp := st.cat.dcRepo(key, slug)
	if rp == nil {
		writeDCError(w, http.StatusNotFound, fmt.Sprintf("Repository %s/%s does not exist.", key, slug), excNoRepo)
		return nil, false
	}
	return rp, true
}

func (st *state) dcRepoGet(w http.ResponseWriter, r *http.Request) {
	if rp, ok := st.dcVisibleRepo(w, r); ok {
		writeJSON(w, http.StatusOK, st.dcRepoJSON(rp))
	}
}

func (st *state) dcBranches(w http.ResponseWriter, r *http.Request) {
	rp, ok := st.dcVisibleRepo(w, r)
	if !ok {
		return
	}
	vals := []any{}
	if rp.mainCommit() != "" {
		vals = append(vals, map[string]any{
			"id": "refs/heads/main", "displayId": "main", "type": "BRANCH",
			"latestCommit": rp.mainCommit(), "latestChangeset": rp.mainCommit(), "isDefault": true,
		})
	}
	st.writeDCPage(w, r, vals)
}

func (st *state) dcRepoJSON(rp *repo) map[string]any {
	lower := strings.ToLower(rp.owner)
	return map[string]any{
		"slug": rp.slug, "id": rp.id, "name": rp.slug, "hierarchyId": fakeHash(rp.rel)[:20], "scmId": "git",
		"state": "AVAILABLE", "statusMessage": "Available", "forkable": true, "public": false, "archived": false,
		"project": st.dcProjectJSON(rp.owner),
		"links": map[string]any{
			"clone": []any{
				map[string]string{"name": "ssh", "href": "ssh://git@" + st.sshAddr + "/" + lower + "/" + rp.slug + ".git"},
				map[string]string{"name": "http", "href": st.dcURL + "/scm/" + lower + "/" + rp.slug + ".git"},
			},
			"self": []any{href(st.dcURL + "/projects/" + rp.owner + "/repos/" + rp.slug + "/browse")},
		},
	}
}

// dcPage is a parsed DC page request.
type dcPage struct{ start, limit int }

// parseDCPage reads start (default 0) and limit (default 25, capped at
// 1000, as the server's default maximum).
func parseDCPage(q url.Values) (dcPage, error) {
	pg := dcPage{limit: 25}
	if s := q.Get("start"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return pg, errors.New("start must be a whole number of 0 or more")
		}
		pg.start = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return pg, errors.New("limit must be a whole number of 1 or more")
		}
		pg.limit = min(n, 1000)
	}
	return pg, nil
}

// writeDCPage writes one page in the DC envelope.
func (st *state) writeDCPage(w http.ResponseWriter, r *http.Request, vals []any) {
	pg, err := parseDCPage(r.URL.Query())
	if err != nil {
		writeDCError(w, http.StatusBadRequest, err.Error(), excBadArgument)
		return
	}
	from := min(pg.start, len(vals))
	to := min(from+pg.limit, len(vals))
	page := make([]any, 0, to-from)
	for _, v := range vals[from:to] {
		if rp, ok := v.(*repo); ok {
			v = st.dcRepoJSON(rp)
		}
		page = append(page, v)
	}
	out := map[string]any{"size": len(page), "limit": pg.limit, "start": pg.start, "isLastPage": to >= len(vals), "values": page}
	if to < len(vals) {
		out["nextPageStart"] = to
	}
	writeJSON(w, http.StatusOK, out)
}
