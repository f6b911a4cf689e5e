package emu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Cloud error texts, as Bitbucket sends them.
const (
	loginFailedText = "Login failed due to incorrect login credentials or method. For information on authentication " +
		"methods and how to resolve this error, visit: https://developer.atlassian.com/cloud/bitbucket/rest/intro/#authentication"
	tokenInvalidMsg   = "Token is invalid, expired, or not supported for this endpoint."
	scopesLackMsg     = "Your credentials lack one or more required privilege scopes."
	mechanismMsg      = "This API is not accessible by this authentication mechanism"
	cloudRealm        = `Basic realm="Bitbucket.org HTTP"`
	change2770Message = "CHANGE-2770 - Functionality has been deprecated"
	change2770URL     = "https://developer.atlassian.com/cloud/bitbucket/changelog#CHANGE-2770"
)

// cloudAPIHandler serves the Bitbucket Cloud REST 2.0 subset
// (api.bitbucket.org).
func (st *state) cloudAPIHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/2.0/repositories", gone2770)
	mux.HandleFunc("/2.0/workspaces", gone2770)
	mux.HandleFunc("/2.0/user/permissions/", gone2770)
	mux.HandleFunc("GET /2.0/user", st.cloudUser)
	mux.HandleFunc("GET /2.0/user/workspaces", st.cloudUserWorkspaces)
	mux.HandleFunc("GET /2.0/repositories/{ws}", st.cloudRepos)
	mux.HandleFunc("GET /2.0/repositories/{ws}/{slug}", st.cloudRepo)
	mux.HandleFunc("GET /2.0/repositories/{ws}/{slug}/refs/branches", st.cloudBranches)
	mux.HandleFunc("POST /2.0/users/{user}/ssh-keys", st.cloudAddSSHKey)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeCloudError(w, http.StatusNotFound, "Resource not found", nil)
	})
	return mux
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeCloudError writes {"type":"error","error":{"message":…[,"detail":…]}}.
func writeCloudError(w http.ResponseWriter, status int, msg string, detail any) {
	e := map[string]any{"message": msg}
	if detail != nil {
		e["detail"] = detail
	}
	writeJSON(w, status, map[string]any{"type": "error", "error": e})
}

func gone2770(w http.ResponseWriter, _ *http.Request) {
	data := map[string]string{"announcement_url": change2770URL}
	writeJSON(w, http.StatusGone, map[string]any{
		"type": "error",
		"error": map[string]any{
			"message": change2770Message,
			"detail":  "Please read the changelog entry for more details.",
			"data":    data,
		},
		"data": data,
	})
}

// cloudAuth authenticates a REST request and writes the 401 when it
// fails. For a recognised credential it sets x-credential-type and
// x-oauth-scopes (also on later 403s, as Bitbucket does).
func (st *state) cloudAuth(w http.ResponseWriter, r *http.Request) (*credential, bool) {
	c, fail := st.cloudRESTAuth(r)
	switch fail {
	case failLogin:
		w.Header().Set("WWW-Authenticate", cloudRealm)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(loginFailedText))
		return nil, false
	case failToken:
		writeCloudError(w, http.StatusUnauthorized, tokenInvalidMsg, nil)
		return nil, false
	}
	if c != nil {
		noteCred(w, c)
		w.Header().Set("x-credential-type", c.credType())
		w.Header().Set("x-oauth-scopes", c.grantedHeader())
	}
	return c, true
}

// cloudRequire authenticates and checks one scope (fine-grained name for
// API tokens, legacy name otherwise). userLevel endpoints refuse access
// tokens with the "authentication mechanism" 403.
func (st *state) cloudRequire(w http.ResponseWriter, r *http.Request, fine, legacy string, userLevel bool) (*credential, bool) {
	c, ok := st.cloudAuth(w, r)
	if !ok {
		return nil, false
	}
	w.Header().Set("x-accepted-oauth-scopes", legacy)
	if c == nil {
		w.Header().Set("WWW-Authenticate", cloudRealm)
		writeCloudError(w, http.StatusUnauthorized, "Unauthorized", nil)
		return nil, false
	}
	if userLevel && c.isAccessToken() {
		writeCloudError(w, http.StatusForbidden, mechanismMsg, nil)
		return nil, false
	}
	if !c.hasScope(fine, legacy) {
		need := legacy
		if c.kind == kindAPIToken {
			need = fine
		}
		writeCloudError(w, http.StatusForbidden, scopesLackMsg, map[string]any{"granted": c.scopes, "required": []string{need}})
		return nil, false
	}
	return c, true
}

func (st *state) cloudUser(w http.ResponseWriter, r *http.Request) {
	if _, ok := st.cloudRequire(w, r, "read:user:bitbucket", "account", true); !ok {
		return
	}
	writeJSON(w, http.StatusOK, st.userJSON(r))
}

func (st *state) userJSON(r *http.Request) map[string]any {
	base := "https://" + r.Host + "/2.0/users/" + url.PathEscape(fakeUUID("user"))
	return map[string]any{
		"type": "user", "uuid": fakeUUID("user"), "account_id": "557058:" + fakeUUID("account")[1:37],
		"nickname": st.demo.Username, "username": st.demo.Username, "display_name": demoDisplay,
		"account_status": "active", "has_2fa_enabled": nil, "is_staff": false,
		"created_on": "2020-03-02T09:00:00.000000+00:00", "location": nil, "website": nil,
		"links": map[string]any{
			"self":   href(base),
			"html":   href(st.cloudURL + "/%7B" + strings.Trim(fakeUUID("user"), "{}") + "%7D/"),
			"avatar": href(st.cloudURL + "/account/" + st.demo.Username + "/avatar/"),
		},
	}
}

func (st *state) cloudUserWorkspaces(w http.ResponseWriter, r *http.Request) {
	if _, ok := st.cloudRequire(w, r, "read:workspace:bitbucket", "account", true); !ok {
		return
	}
	pg, msg := parseCloudPage(r.URL.Query())
	if msg != "" {
		writeCloudError(w, http.StatusBadRequest, msg, nil)
		return
	}
	ws := map[string]any{
		"workspace": map[string]any{
			"type": "workspace", "slug": st.demo.Workspace, "name": "Acme", "uuid": fakeUUID("ws:" + st.demo.Workspace),
			"links": map[string]any{
				"avatar": href(st.cloudURL + "/workspaces/" + st.demo.Workspace + "/avatar/"),
				"html":   href(st.cloudURL + "/" + st.demo.Workspace + "/"),
			},
		},
		"permission": "owner", "last_accessed": "2026-05-01T12:00:00.000000+00:00",
		"type": "workspace_membership",
	}
	st.writeCloudPage(w, r, pg, []any{ws})
}

func (st *state) cloudRepos(w http.ResponseWriter, r *http.Request) {
	ws := r.PathValue("ws")
	c, ok := st.cloudAuth(w, r)
	if !ok {
		return
	}
	w.Header().Set("x-accepted-oauth-scopes", "repository")
	if c != nil && c.kind == kindRepoToken {
		writeCloudError(w, http.StatusForbidden, mechanismMsg, nil)
		return
	}
	if c != nil && !c.hasScope("read:repository:bitbucket", "repository") {
		writeCloudError(w, http.StatusForbidden, scopesLackMsg, map[string]any{"granted": c.scopes, "required": []string{scopeNeed(c, "read:repository:bitbucket", "repository")}})
		return
	}
	if !strings.EqualFold(ws, st.demo.Workspace) {
		writeCloudError(w, http.StatusNotFound, fmt.Sprintf("No workspace with identifier '%s'.", ws), nil)
		return
	}
	q := r.URL.Query()
	switch q.Get("role") {
	case "", "member", "contributor", "admin", "owner":
	default:
		writeCloudError(w, http.StatusBadRequest, "Invalid role: choose member, contributor, admin or owner", nil)
		return
	}
	pg, msg := parseCloudPage(q)
	if msg != "" {
		writeCloudError(w, http.StatusBadRequest, msg, nil)
		return
	}
	vals := []any{}
	if c != nil { // anonymous callers see only public repositories: there are none
		vals = make([]any, 0, len(st.cat.cloud))
		for _, rp := range st.cat.cloud {
			vals = append(vals, rp)
		}
	}
	st.writeCloudPage(w, r, pg, vals)
}

// scopeNeed is the scope name to report as required for c.
func scopeNeed(c *credential, fine, legacy string) string {
	if c.kind == kindAPIToken {
		return fine
	}
	return legacy
}

// cloudVisibleRepo authenticates, checks read:repository and finds the
// repository of the path, writing the error when any of that fails.
func (st *state) cloudVisibleRepo(w http.ResponseWriter, r *http.Request) (*repo, bool) {
	c, ok := st.cloudRequire(w, r, "read:repository:bitbucket", "repository", false)
	if !ok {
		return nil, false
	}
	ws, slug := r.PathValue("ws"), r.PathValue("slug")
	rp := st.cat.cloudRepo(ws, slug)
	if rp == nil {
		writeCloudError(w, http.StatusNotFound, fmt.Sprintf("Repository %s/%s not found", ws, slug), nil)
		return nil, false
	}
	if !cloudCanSee(c, rp) {
		writeCloudError(w, http.StatusForbidden, "Forbidden", nil)
		return nil, false
	}
	return rp, true
}

func (st *state) cloudRepo(w http.ResponseWriter, r *http.Request) {
	rp, ok := st.cloudVisibleRepo(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, st.cloudRepoJSON(rp))
}

func (st *state) cloudBranches(w http.ResponseWriter, r *http.Request) {
	rp, ok := st.cloudVisibleRepo(w, r)
	if !ok {
		return
	}
	pg, msg := parseCloudPage(r.URL.Query())
	if msg != "" {
		writeCloudError(w, http.StatusBadRequest, msg, nil)
		return
	}
	vals := []any{}
	if rp.mainCommit() != "" {
		self := st.apiURL + "/2.0/repositories/" + rp.owner + "/" + rp.slug
		vals = append(vals, map[string]any{
			"type": "branch", "name": "main",
			"target": map[string]any{
				"type": "commit", "hash": rp.mainCommit(), "date": "2026-01-15T10:00:00+00:00", "message": "Initial commit\n",
				"author":  map[string]any{"type": "author", "raw": demoDisplay + " <" + demoEmail + ">"},
				"parents": []any{},
				"links":   map[string]any{"self": href(self + "/commit/" + rp.mainCommit())},
			},
			"links": map[string]any{
				"self":    href(self + "/refs/branches/main"),
				"commits": href(self + "/commits/main"),
				"html":    href(st.cloudURL + "/" + rp.owner + "/" + rp.slug + "/branch/main"),
			},
			"merge_strategies":       []string{"merge_commit", "squash", "fast_forward"},
			"default_merge_strategy": "merge_commit",
		})
	}
	st.writeCloudPage(w, r, pg, vals)
}

// cloudRepoJSON renders a repository as Bitbucket Cloud does.
func (st *state) cloudRepoJSON(rp *repo) map[string]any {
	self := st.apiURL + "/2.0/repositories/" + rp.owner + "/" + rp.slug
	host := strings.TrimPrefix(st.cloudURL, "https://")
	var mainbranch any
	if rp.mainCommit() != "" {
		mainbranch = map[string]any{"type": "branch", "name": "main"}
	}
	return map[string]any{
		"type": "repository", "uuid": rp.uuid(), "full_name": rp.owner + "/" + rp.slug, "slug": rp.slug, "name": rp.slug,
		"is_private": true, "scm": "git", "mainbranch": mainbranch, "size": 4096, "language": "",
		"created_on": "2026-01-15T10:00:00.000000+00:00", "updated_on": "2026-01-15T10:00:00.000000+00:00",
		"fork_policy": "no_public_forks", "has_issues": false, "has_wiki": false, "description": "",
		"project":   map[string]any{"type": "project", "key": "DEMO", "uuid": fakeUUID("project"), "name": "Demo"},
		"workspace": map[string]any{"type": "workspace", "slug": rp.owner, "name": "Acme", "uuid": fakeUUID("ws:" + rp.owner)},
		"links": map[string]any{
			"self":     href(self),
			"html":     href(st.cloudURL + "/" + rp.owner + "/" + rp.slug),
			"branches": href(self + "/refs/branches"),
			"clone": []any{
				map[string]string{"name": "https", "href": "https://" + st.demo.Username + "@" + host + "/" + rp.owner + "/" + rp.slug + ".git"},
				map[string]string{"name": "ssh", "href": "ssh://git@" + st.sshAddr + "/" + rp.owner + "/" + rp.slug + ".git"},
			},
		},
	}
}

func href(u string) map[string]string { return map[string]string{"href": u} }

// cloudPage is a parsed Cloud page request.
type cloudPage struct{ pagelen, page int }

// parseCloudPage reads pagelen (default 10, 1..100) and page (default 1,
// at least 1). It returns Bitbucket's error message when either is bad.
func parseCloudPage(q url.Values) (cloudPage, string) {
	pg := cloudPage{pagelen: 10, page: 1}
	if s := q.Get("pagelen"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return pg, "Invalid pagelen"
		}
		pg.pagelen = n
	}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return pg, "Invalid page"
		}
		pg.page = n
	}
	return pg, ""
}

// writeCloudPage writes one page of vals in the Cloud envelope, with next
// and previous links that keep the request's other parameters.
func (st *state) writeCloudPage(w http.ResponseWriter, r *http.Request, pg cloudPage, vals []any) {
	size := len(vals)
	from := (pg.page - 1) * pg.pagelen
	if from > size || (from == size && pg.page > 1) || from < 0 {
		writeCloudError(w, http.StatusNotFound, "Invalid page", nil)
		return
	}
	to := min(from+pg.pagelen, size)
	page := make([]any, 0, to-from)
	for _, v := range vals[from:to] {
		if rp, ok := v.(*repo); ok {
			v = st.cloudRepoJSON(rp)
		}
		page = append(page, v)
	}
	out := map[string]any{"pagelen": pg.pagelen, "size": size, "page": pg.page, "values": page}
	link := func(page int) string {
		q := r.URL.Query()
		q.Set("pagelen", strconv.Itoa(pg.pagelen))
		q.Set("page", strconv.Itoa(page))
		return "https://" + r.Host + r.URL.Path + "?" + q.Encode()
	}
	if to < size {
		out["next"] = link(pg.page + 1)
	}
	if pg.page > 1 {
		out["previous"] = link(pg.page - 1)
	}
	writeJSON(w, http.StatusOK, out)
}
