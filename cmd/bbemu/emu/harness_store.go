package emu

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// harnessState is the Harness stand-in's account: organisations, projects,
// secrets and connectors, in memory.
type harnessState struct {
	account string
	demo    HarnessDemo
	keys    map[string]*apiKey // read-only after start
	latency atomic.Int64
	now     func() time.Time
	client  *http.Client // the test connection's client (trusts the emulator's CA)

	mu         sync.RWMutex
	orgs       []*hOrg // in creation order
	orgIdx     map[string]*hOrg
	secrets    map[hKey]*hSecret
	connectors map[hKey]*hConnector
}

// hScope is account (both empty), org (project empty) or project scope.
type hScope struct{ org, project string }

// hKey names one entity in one scope.
type hKey struct {
	scope hScope
	id    string
}

type hOrg struct {
	id, name string
	created  int64
	projects []hProject
}

type hProject struct {
	id, name string
	created  int64
}

// nullable is s, or JSON null when s is empty (Harness sends null for the
// identifiers of a higher scope).
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (h *harnessState) millis() int64 { return h.now().UnixMilli() }

// queryScope reads orgIdentifier and projectIdentifier; it answers 400
// for a project without its organisation and the not-found shape for a
// scope that does not exist.
func (st *state) queryScope(w http.ResponseWriter, r *http.Request) (hScope, bool) {
	q := r.URL.Query()
	sc := hScope{org: q.Get("orgIdentifier"), project: q.Get("projectIdentifier")}
	return sc, st.checkScope(w, r, sc)
}

// checkScope answers for a scope that cannot be used.
func (st *state) checkScope(w http.ResponseWriter, r *http.Request, sc hScope) bool {
	if sc.project != "" && sc.org == "" {
		hFailure(w, "orgIdentifier: must be given with projectIdentifier", hFieldError{"orgIdentifier", "must be given with projectIdentifier"})
		return false
	}
	if msg := st.harness.missingScope(sc); msg != "" {
		st.hNotFound(w, r, msg)
		return false
	}
	return true
}

// missingScope is the not-found message for an organisation or project
// that does not exist, "" when the scope exists.
func (h *harnessState) missingScope(sc hScope) string {
	if sc.org == "" {
		return ""
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	o := h.orgIdx[sc.org]
	if o == nil {
		return "Organization with identifier [" + sc.org + "] not found"
	}
	if sc.project != "" && !slices.ContainsFunc(o.projects, func(p hProject) bool { return p.id == sc.project }) {
		return "Project with identifier [" + sc.project + "] in org [" + sc.org + "] not found"
	}
	return ""
}

// resolveRef maps a secret reference made at scope from ("id",
// "org.id", "account.id") to the secret's key. ok is false for a
// reference a scope may not make (org. from the account scope).
func resolveRef(from hScope, ref string) (hKey, bool) {
	switch {
	case strings.HasPrefix(ref, "account."):
		return hKey{id: strings.TrimPrefix(ref, "account.")}, true
	case strings.HasPrefix(ref, "org."):
		if from.org == "" {
			return hKey{}, false
		}
		return hKey{scope: hScope{org: from.org}, id: strings.TrimPrefix(ref, "org.")}, true
	}
	return hKey{scope: from, id: ref}, ref != ""
}

// pageParams reads pageIndex (default 0) and pageSize (default 100, at
// most harnessPageMax).
func pageParams(w http.ResponseWriter, q url.Values) (idx, size int, ok bool) {
	idx, size = 0, harnessPageMax
	if v := q.Get("pageIndex"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			hFailure(w, "pageIndex: must be a number, 0 or more", hFieldError{"pageIndex", "must be a number, 0 or more"})
			return 0, 0, false
		}
		idx = n
	}
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			hFailure(w, "pageSize: must be a number, 1 or more", hFieldError{"pageSize", "must be a number, 1 or more"})
			return 0, 0, false
		}
		size = min(n, harnessPageMax)
	}
	return idx, size, true
}

// hPage is Harness's page body.
type hPage struct {
	TotalPages    int   `json:"totalPages"`
	TotalItems    int   `json:"totalItems"`
	PageItemCount int   `json:"pageItemCount"`
	PageSize      int   `json:"pageSize"`
	Content       []any `json:"content"`
	PageIndex     int   `json:"pageIndex"`
	Empty         bool  `json:"empty"`
}

// pageOf cuts page idx of size out of items.
func pageOf(items []any, idx, size int) hPage {
	total := len(items)
	pages := (total + size - 1) / size
	from := min(idx*size, total)
	to := min(from+size, total)
	content := items[from:to]
	if content == nil {
		content = []any{}
	}
	return hPage{
		TotalPages: pages, TotalItems: total, PageItemCount: len(content), PageSize: size,
		Content: content, PageIndex: idx, Empty: len(content) == 0,
	}
}

func (st *state) listOrgs(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	idx, size, ok := pageParams(w, r.URL.Query())
	if !ok {
		return
	}
	term := strings.ToLower(r.URL.Query().Get("searchTerm"))
	h.mu.RLock()
	var items []any
	for _, o := range h.orgs {
		if term == "" || strings.Contains(strings.ToLower(o.id+" "+o.name), term) {
			items = append(items, orgJSON(o))
		}
	}
	h.mu.RUnlock()
	hOK(w, pageOf(items, idx, size))
}

func (st *state) orgFor(w http.ResponseWriter, r *http.Request, id string) *hOrg {
	h := st.harness
	h.mu.RLock()
	o := h.orgIdx[id]
	h.mu.RUnlock()
	if o == nil {
		st.hNotFound(w, r, "Organization with identifier ["+id+"] not found")
	}
	return o
}

func (st *state) getOrg(w http.ResponseWriter, r *http.Request) {
	if o := st.orgFor(w, r, r.PathValue("org")); o != nil {
		hOK(w, orgJSON(o))
	}
}

func orgJSON(o *hOrg) map[string]any {
	return map[string]any{
		"organization": map[string]any{"identifier": o.id, "name": o.name, "description": "", "tags": map[string]string{}},
		"createdAt":    o.created, "lastModifiedAt": o.created, "harnessManaged": o.id == "default",
	}
}

func projectJSON(org string, p hProject) map[string]any {
	return map[string]any{
		"project": map[string]any{
			"orgIdentifier": org, "identifier": p.id, "name": p.name, "color": "#0063f7",
			"modules": []string{"CD", "CI", "CORE"}, "description": "", "tags": map[string]string{},
		},
		"createdAt": p.created, "lastModifiedAt": p.created,
	}
}

// listProjects lists the projects of orgIdentifier, or of every
// organisation when it is absent.
func (st *state) listProjects(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	q := r.URL.Query()
	idx, size, ok := pageParams(w, q)
	if !ok {
		return
	}
	org := q.Get("orgIdentifier")
	if org != "" && st.orgFor(w, r, org) == nil {
		return
	}
	h.mu.RLock()
	var items []any
	for _, o := range h.orgs {
		if org != "" && o.id != org {
			continue
		}
		for _, p := range o.projects {
			items = append(items, projectJSON(o.id, p))
		}
	}
	h.mu.RUnlock()
	hOK(w, pageOf(items, idx, size))
}

func (st *state) getProject(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	sc := hScope{org: r.URL.Query().Get("orgIdentifier"), project: r.PathValue("project")}
	if sc.org == "" {
		sc.org = "default"
	}
	if !st.checkScope(w, r, sc) {
		return
	}
	h.mu.RLock()
	o := h.orgIdx[sc.org]
	i := slices.IndexFunc(o.projects, func(p hProject) bool { return p.id == sc.project })
	p := o.projects[i]
	h.mu.RUnlock()
	hOK(w, projectJSON(sc.org, p))
}

// currentUser answers for personal access tokens; a service account
// token has no user.
func (st *state) currentUser(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	if h.keys[r.Header.Get("x-api-key")].kind != "pat" {
		hInvalid(w, "Current user can be accessed only by 'USER' principal type")
		return
	}
	hOK(w, map[string]any{
		"uuid": "dEmOuSeR0uuid00000000a", "name": harnessUserName, "email": h.demo.UserEmail, "token": nil,
		"defaultAccountId": h.account, "intent": nil,
		"accounts": []map[string]any{{
			"uuid": h.account, "accountName": "Acme", "companyName": "Acme Inc.",
			"defaultExperience": "NG", "createdFromNG": true, "nextGenEnabled": true,
		}},
		"admin": false, "twoFactorAuthenticationEnabled": false, "emailVerified": true, "locked": false,
		"disabled": false, "signupAction": nil, "edition": nil, "billingFrequency": nil, "utmInfo": nil,
		"externallyManaged": false, "givenName": "Demo", "familyName": "User",
	})
}

// redact replaces every secret the emulator knows (Bitbucket credentials,
// Harness API keys and secret values of 12 characters or more) in s.
func (st *state) redact(s string) (string, bool) {
	if s == "" {
		return s, false
	}
	leaked := false
	check := func(secret string) {
		if len(secret) >= 12 && strings.Contains(s, secret) {
			s, leaked = strings.ReplaceAll(s, secret, "[REDACTED]"), true
		}
	}
	for c := range st.creds {
		check(c)
		check(url.QueryEscape(c))
	}
	if h := st.harness; h != nil {
		for k := range h.keys {
			check(k)
		}
		h.mu.RLock()
		for _, sec := range h.secrets {
			check(string(sec.value))
			check(url.QueryEscape(string(sec.value)))
		}
		h.mu.RUnlock()
	}
	return s, leaked
}
