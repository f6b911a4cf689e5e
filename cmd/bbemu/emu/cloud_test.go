package emu

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// cloudErr is the Cloud error envelope.
type cloudErr struct {
	Type  string `json:"type"`
	Error struct {
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	} `json:"error"`
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return v
}

func TestCloudUserPerCredential(t *testing.T) {
	d := srv.Demo
	tests := []struct {
		name      string
		auth      auth
		status    int
		ctype     string // content type prefix
		msg       string // error message (JSON) or body prefix (text)
		credType  string // x-credential-type
		challenge bool   // WWW-Authenticate expected
	}{
		{"api token with email", basic(d.Email, d.APIToken), 200, "application/json", "", "api_token", false},
		{"api token with username", basic(d.Username, d.APIToken), 401, "text/plain", "Login failed due to incorrect login credentials", "", true},
		{"api token as bearer", bearerAuth(d.APIToken), 401, "application/json", tokenInvalidMsg, "", false},
		{"expired api token", basic(d.Email, d.APITokenExpired), 401, "application/json", tokenInvalidMsg, "", false},
		{"api token without scopes", basic(d.Email, d.APITokenNoScopes), 401, "application/json", tokenInvalidMsg, "", false},
		{"api token missing read:user", basic(d.Email, d.APITokenMissingScopes), 403, "application/json", scopesLackMsg, "api_token", false},
		{"wrong password", basic(d.Email, "ATATT3xFfGF0nope"), 401, "text/plain", "Login failed", "", true},
		{"app password with username", basic(d.Username, d.AppPassword), 200, "application/json", "", "app_password", false},
		{"app password with email", basic(d.Email, d.AppPassword), 401, "text/plain", "Login failed", "", true},
		{"workspace access token", bearerAuth(d.AccessToken), 403, "application/json", mechanismMsg, "workspace_access_token", false},
		{"repo access token", bearerAuth(d.RepoAccessToken), 403, "application/json", mechanismMsg, "repo_access_token", false},
		{"access token as basic", basic("x-token-auth", d.AccessToken), 401, "text/plain", "Login failed", "", true},
		{"anonymous", anon, 401, "application/json", "Unauthorized", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(t, srv.CloudAPIURL+"/2.0/user", tt.auth)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("content type %q, want %s", ct, tt.ctype)
			}
			if got := res.header.Get("x-credential-type"); got != tt.credType {
				t.Errorf("x-credential-type %q, want %q", got, tt.credType)
			}
			if got := res.header.Get("WWW-Authenticate") != ""; got != tt.challenge {
				t.Errorf("WWW-Authenticate present %v, want %v", got, tt.challenge)
			}
			switch {
			case tt.status == 200:
				u := decode[map[string]any](t, res.body)
				if u["username"] != d.Username || u["type"] != "user" {
					t.Errorf("user body %v", u)
				}
			case strings.HasPrefix(tt.ctype, "text/plain"):
				if !strings.HasPrefix(res.body, tt.msg) {
					t.Errorf("body %q, want prefix %q", res.body, tt.msg)
				}
			default:
				e := decode[cloudErr](t, res.body)
				if e.Type != "error" || e.Error.Message != tt.msg {
					t.Errorf("error %+v, want message %q", e, tt.msg)
				}
			}
		})
	}
}

func TestCloudScopeErrorNamesGrantedAndRequired(t *testing.T) {
	d := srv.Demo
	res := get(t, srv.CloudAPIURL+"/2.0/user", basic(d.Email, d.APITokenMissingScopes))
	e := decode[cloudErr](t, res.body)
	detail := decode[struct{ Granted, Required []string }](t, string(e.Error.Detail))
	if !slices.Equal(detail.Required, []string{"read:user:bitbucket"}) {
		t.Errorf("required %v", detail.Required)
	}
	if slices.Contains(detail.Granted, "read:user:bitbucket") || !slices.Contains(detail.Granted, "read:repository:bitbucket") {
		t.Errorf("granted %v", detail.Granted)
	}
	scopes := res.header.Get("x-oauth-scopes")
	if strings.Contains(scopes, "write:webhook:bitbucket") || !strings.Contains(scopes, "read:workspace:bitbucket") {
		t.Errorf("x-oauth-scopes %q", scopes)
	}
	// The same token still reads repositories.
	if res := get(t, srv.CloudAPIURL+"/2.0/repositories/acme/"+d.Repo, basic(d.Email, d.APITokenMissingScopes)); res.status != 200 {
		t.Errorf("repo with missing-scope token: %d", res.status)
	}
}

func TestCloudScopesHeaderNames(t *testing.T) {
	d := srv.Demo
	tests := []struct {
		name string
		a    auth
		want string
	}{
		{"api token fine-grained", basic(d.Email, d.APIToken), "read:repository:bitbucket"},
		{"app password legacy", basic(d.Username, d.AppPassword), "repository:write"},
		{"access token legacy", bearerAuth(d.AccessToken), "repository:write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(t, srv.CloudAPIURL+"/2.0/repositories/acme/"+d.Repo, tt.a)
			if res.status != 200 || !strings.Contains(res.header.Get("x-oauth-scopes"), tt.want) {
				t.Errorf("status %d, x-oauth-scopes %q, want %q", res.status, res.header.Get("x-oauth-scopes"), tt.want)
			}
		})
	}
}

func TestCloudGone(t *testing.T) {
	for _, p := range []string{"/2.0/repositories", "/2.0/workspaces", "/2.0/user/permissions/repositories", "/2.0/user/permissions/workspaces"} {
		t.Run(p, func(t *testing.T) {
			res := get(t, srv.CloudAPIURL+p+"?role=member", basic(srv.Demo.Email, srv.Demo.APIToken))
			if res.status != 410 {
				t.Fatalf("status %d, want 410", res.status)
			}
			type gone struct {
				Error struct {
					Message string `json:"message"`
					Data    struct {
						URL string `json:"announcement_url"`
					} `json:"data"`
				} `json:"error"`
			}
			body := decode[gone](t, res.body)
			if !strings.HasPrefix(body.Error.Message, "CHANGE-2770") || !strings.HasSuffix(body.Error.Data.URL, "#CHANGE-2770") {
				t.Errorf("body %s", res.body)
			}
		})
	}
}

func TestCloudUserWorkspaces(t *testing.T) {
	d := srv.Demo
	res := get(t, srv.CloudAPIURL+"/2.0/user/workspaces", basic(d.Email, d.APIToken))
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	type memberships struct {
		Size   int `json:"size"`
		Values []struct {
			Permission string `json:"permission"`
			Workspace  struct {
				Slug string `json:"slug"`
			} `json:"workspace"`
		} `json:"values"`
	}
	page := decode[memberships](t, res.body)
	if page.Size != 1 || page.Values[0].Workspace.Slug != d.Workspace || page.Values[0].Permission != "owner" {
		t.Errorf("page %+v", page)
	}
	if res := get(t, srv.CloudAPIURL+"/2.0/user/workspaces", bearerAuth(d.AccessToken)); res.status != 403 {
		t.Errorf("access token: %d", res.status)
	}
}

// cloudPageBody is the Cloud page envelope.
type cloudPageBody struct {
	Size     int               `json:"size"`
	Page     int               `json:"page"`
	Pagelen  int               `json:"pagelen"`
	Next     string            `json:"next"`
	Previous string            `json:"previous"`
	Values   []json.RawMessage `json:"values"`
}

func TestCloudPagination(t *testing.T) {
	d := srv.Demo
	a := basic(d.Email, d.APIToken)
	total := 3 + testExtraRepos
	base := srv.CloudAPIURL + "/2.0/repositories/" + d.Workspace
	tests := []struct {
		query          string
		status         int
		n, page, plen  int
		hasNext, hasPv bool
	}{
		{"", 200, 10, 1, 10, true, false},
		{"?pagelen=100", 200, 100, 1, 100, true, false},
		{"?pagelen=100&page=3", 200, total - 200, 3, 100, false, true},
		{"?pagelen=100&page=4", 404, 0, 0, 0, false, false},
		{"?pagelen=101", 400, 0, 0, 0, false, false},
		{"?pagelen=0", 400, 0, 0, 0, false, false},
		{"?page=0", 400, 0, 0, 0, false, false},
		{"?page=x", 400, 0, 0, 0, false, false},
		{"?role=member&pagelen=50&page=2", 200, 50, 2, 50, true, true},
		{"?role=admin", 200, 10, 1, 10, true, false},
		{"?role=boss", 400, 0, 0, 0, false, false},
		{fmt.Sprintf("?pagelen=1&page=%d", total), 200, 1, total, 1, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res := get(t, base+tt.query, a)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			if tt.status != 200 {
				if e := decode[cloudErr](t, res.body); e.Type != "error" || e.Error.Message == "" {
					t.Errorf("error body %s", res.body)
				}
				return
			}
			p := decode[cloudPageBody](t, res.body)
			if p.Size != total || len(p.Values) != tt.n || p.Page != tt.page || p.Pagelen != tt.plen ||
				(p.Next != "") != tt.hasNext || (p.Previous != "") != tt.hasPv {
				t.Errorf("page size=%d n=%d page=%d pagelen=%d next=%q prev=%q", p.Size, len(p.Values), p.Page, p.Pagelen, p.Next, p.Previous)
			}
			if p.Next != "" {
				u, err := url.Parse(p.Next)
				if err != nil || u.Query().Get("page") != fmt.Sprint(tt.page+1) {
					t.Errorf("next %q", p.Next)
				}
				if q := mustQuery(t, tt.query); q.Get("role") != "" && u.Query().Get("role") != q.Get("role") {
					t.Errorf("next %q drops role", p.Next)
				}
			}
		})
	}
}

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(strings.TrimPrefix(q, "?"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCloudPaginationFollowAndParallel walks next links and fetches
// page=2..N concurrently; both give every repository exactly once.
func TestCloudPaginationFollowAndParallel(t *testing.T) {
	d := srv.Demo
	a := basic(d.Email, d.APIToken)
	total := 3 + testExtraRepos
	seen := map[string]int{}
	next := srv.CloudAPIURL + "/2.0/repositories/" + d.Workspace + "?pagelen=30"
	for pages := 0; next != ""; pages++ {
		if pages > 20 {
			t.Fatal("too many pages")
		}
		res := get(t, next, a)
		p := decode[cloudPageBody](t, res.body)
		for _, v := range p.Values {
			seen[decode[struct {
				FullName string `json:"full_name"`
			}](t, string(v)).FullName]++
		}
		next = p.Next
	}
	if len(seen) != total {
		t.Errorf("followed next: %d repos, want %d", len(seen), total)
	}
	pages := (total + 99) / 100
	var mu sync.Mutex
	var wg sync.WaitGroup
	got := 0
	for p := 1; p <= pages; p++ {
		wg.Go(func() {
			res := get(t, fmt.Sprintf("%s/2.0/repositories/%s?pagelen=100&page=%d", srv.CloudAPIURL, d.Workspace, p), a)
			n := len(decode[cloudPageBody](t, res.body).Values)
			mu.Lock()
			got += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if got != total {
		t.Errorf("parallel pages: %d repos, want %d", got, total)
	}
}

func TestCloudRepoAndBranches(t *testing.T) {
	d := srv.Demo
	tests := []struct {
		name   string
		path   string
		a      auth
		status int
		msg    string
	}{
		{"api token", d.Repo, basic(d.Email, d.APIToken), 200, ""},
		{"workspace token", d.OtherRepo, bearerAuth(d.AccessToken), 200, ""},
		{"repo token own repo", d.Repo, bearerAuth(d.RepoAccessToken), 200, ""},
		{"repo token other repo", d.OtherRepo, bearerAuth(d.RepoAccessToken), 403, "Forbidden"},
		{"unknown repo", "nope", basic(d.Email, d.APIToken), 404, "Repository acme/nope not found"},
		{"extra repo", "generated-00007", basic(d.Email, d.APIToken), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, suffix := range []string{"", "/refs/branches"} {
				res := get(t, srv.CloudAPIURL+"/2.0/repositories/acme/"+tt.path+suffix, tt.a)
				if res.status != tt.status {
					t.Fatalf("%s: status %d, want %d: %s", suffix, res.status, tt.status, res.body)
				}
				if tt.msg != "" {
					if e := decode[cloudErr](t, res.body); e.Error.Message != tt.msg {
						t.Errorf("message %q, want %q", e.Error.Message, tt.msg)
					}
				}
			}
		})
	}
	res := get(t, srv.CloudAPIURL+"/2.0/repositories/acme/"+d.Repo+"/refs/branches", basic(d.Email, d.APIToken))
	out, err := gitLsRemote(t, srv.CloudURL+"/acme/"+d.Repo+".git", gitCreds{user: d.Username, secret: d.APIToken})
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(out, "\t")
	if !strings.Contains(res.body, `"hash":"`+head+`"`) || !strings.Contains(res.body, `"name":"main"`) {
		t.Errorf("branches %s do not name main at %s", res.body, head)
	}
	empty := decode[cloudPageBody](t, get(t, srv.CloudAPIURL+"/2.0/repositories/acme/"+d.EmptyRepo+"/refs/branches", basic(d.Email, d.APIToken)).body)
	if empty.Size != 0 || len(empty.Values) != 0 {
		t.Errorf("empty repo branches %+v", empty)
	}
	if res := get(t, srv.CloudAPIURL+"/2.0/repositories/acme", bearerAuth(d.RepoAccessToken)); res.status != 403 {
		t.Errorf("repo token listing workspace: %d", res.status)
	}
	if res := get(t, srv.CloudAPIURL+"/2.0/repositories/nobody", basic(d.Email, d.APIToken)); res.status != 404 {
		t.Errorf("unknown workspace: %d", res.status)
	}
}
