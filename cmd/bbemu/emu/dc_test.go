package emu

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// dcErr is the Data Center error envelope.
type dcErr struct {
	Errors []struct {
		Context       *string `json:"context"`
		Message       string  `json:"message"`
		ExceptionName *string `json:"exceptionName"`
	} `json:"errors"`
}

// dcPageBody is the Data Center page envelope.
type dcPageBody struct {
	Size          int               `json:"size"`
	Limit         int               `json:"limit"`
	Start         int               `json:"start"`
	IsLastPage    bool              `json:"isLastPage"`
	NextPageStart *int              `json:"nextPageStart"`
	Values        []json.RawMessage `json:"values"`
}

func TestDCAuthPerCredential(t *testing.T) {
	d := srv.Demo
	repoPath := "/rest/api/1.0/projects/DEMO/repos/" + d.DCRepo
	tests := []struct {
		name     string
		path     string
		a        auth
		status   int
		user     string // X-AUSERNAME
		excSufix string // exceptionName suffix on errors
	}{
		{"app props anonymous", "/rest/api/1.0/application-properties", anon, 200, "", ""},
		{"app props personal", "/rest/api/1.0/application-properties", basic(d.DCUser, d.DCToken), 200, d.DCUser, ""},
		{"repo personal basic", repoPath, basic(d.DCUser, d.DCToken), 200, d.DCUser, ""},
		{"repo personal bearer", repoPath, bearerAuth(d.DCToken), 200, d.DCUser, ""},
		{"repo latest api", "/rest/api/latest/projects/demo/repos/" + d.DCRepo, bearerAuth(d.DCToken), 200, d.DCUser, ""},
		{"repo project bearer", repoPath, bearerAuth(d.DCProjectToken), 200, "bot-demo-token", ""},
		{"repo project basic", repoPath, basic(d.DCUser, d.DCProjectToken), 401, "", "IncorrectPasswordAuthenticationException"},
		{"repo wrong token", repoPath, basic(d.DCUser, "BBDC-wrong"), 401, "", "IncorrectPasswordAuthenticationException"},
		{"repo unknown bearer", repoPath, bearerAuth("BBDC-wrong"), 401, "", "IncorrectPasswordAuthenticationException"},
		{"repo anonymous", repoPath, anon, 401, "", "AuthorisationException"},
		{"unknown repo", "/rest/api/1.0/projects/DEMO/repos/nope", bearerAuth(d.DCToken), 404, d.DCUser, "NoSuchRepositoryException"},
		{"unknown project", "/rest/api/1.0/projects/NOPE/repos", bearerAuth(d.DCToken), 404, d.DCUser, "NoSuchProjectException"},
		{"project token other project", "/rest/api/1.0/projects/OPS/repos", bearerAuth(d.DCProjectToken), 404, "bot-demo-token", "NoSuchProjectException"},
		{"personal other project", "/rest/api/1.0/projects/OPS/repos", bearerAuth(d.DCToken), 200, d.DCUser, ""},
		{"user", "/rest/api/1.0/users/" + d.DCUser, bearerAuth(d.DCToken), 200, d.DCUser, ""},
		{"unknown user", "/rest/api/1.0/users/nobody", bearerAuth(d.DCToken), 404, d.DCUser, "NoSuchUserException"},
		{"unknown api version", "/rest/api/2.0/repos", bearerAuth(d.DCToken), 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(t, srv.DCURL+tt.path, tt.a)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			if got := res.header.Get("X-AUSERNAME"); got != tt.user {
				t.Errorf("X-AUSERNAME %q, want %q", got, tt.user)
			}
			if tt.status >= 400 {
				e := decode[dcErr](t, res.body)
				if len(e.Errors) != 1 || e.Errors[0].Context != nil || e.Errors[0].Message == "" {
					t.Fatalf("error body %s", res.body)
				}
				if tt.excSufix != "" && (e.Errors[0].ExceptionName == nil || !strings.HasSuffix(*e.Errors[0].ExceptionName, tt.excSufix)) {
					t.Errorf("exceptionName in %s, want …%s", res.body, tt.excSufix)
				}
			}
		})
	}
}

func TestDCShapes(t *testing.T) {
	d := srv.Demo
	props := decode[map[string]string](t, get(t, srv.DCURL+"/rest/api/1.0/application-properties", anon).body)
	if props["displayName"] != "Bitbucket" || props["version"] == "" {
		t.Errorf("application-properties %v", props)
	}
	var rp struct {
		Slug    string `json:"slug"`
		ScmID   string `json:"scmId"`
		Project struct {
			Key string `json:"key"`
		} `json:"project"`
		Links struct {
			Clone []struct{ Href, Name string } `json:"clone"`
		} `json:"links"`
	}
	if err := json.Unmarshal([]byte(get(t, srv.DCURL+"/rest/api/1.0/projects/demo/repos/"+d.DCRepo, bearerAuth(d.DCToken)).body), &rp); err != nil {
		t.Fatal(err)
	}
	if rp.Slug != d.DCRepo || rp.ScmID != "git" || rp.Project.Key != "DEMO" || len(rp.Links.Clone) != 2 {
		t.Errorf("repo %+v", rp)
	}
	for _, c := range rp.Links.Clone {
		if c.Name == "http" && c.Href != srv.DCURL+"/scm/demo/"+d.DCRepo+".git" {
			t.Errorf("http clone link %q", c.Href)
		}
	}
	user := decode[map[string]any](t, get(t, srv.DCURL+"/rest/api/1.0/users/"+d.DCUser, bearerAuth(d.DCToken)).body)
	if user["slug"] != d.DCUser || user["type"] != "NORMAL" {
		t.Errorf("user %v", user)
	}
	br := decode[dcPageBody](t, get(t, srv.DCURL+"/rest/api/1.0/projects/DEMO/repos/"+d.DCRepo+"/branches", bearerAuth(d.DCToken)).body)
	if len(br.Values) != 1 || !strings.Contains(string(br.Values[0]), `"displayId":"main"`) {
		t.Errorf("branches %+v", br)
	}
}

// TestDCWhoami: whoami is outside /rest and /scm, where tokens do not
// count, so it answers as for an anonymous caller (an empty name).
func TestDCWhoami(t *testing.T) {
	res := get(t, srv.DCURL+"/plugins/servlet/applinks/whoami", bearerAuth(srv.Demo.DCToken))
	if res.status != 200 || res.body != "" || res.header.Get("X-AUSERNAME") != "" {
		t.Errorf("whoami %d %q %q", res.status, res.body, res.header.Get("X-AUSERNAME"))
	}
}

func TestDCPagination(t *testing.T) {
	d := srv.Demo
	inDemo := 1 + testExtraRepos
	all := inDemo + 1
	tests := []struct {
		path      string
		a         auth
		n, start  int
		limit     int
		last      bool
		nextStart int
	}{
		{"/rest/api/1.0/projects/DEMO/repos", bearerAuth(d.DCToken), 25, 0, 25, false, 25},
		{"/rest/api/1.0/projects/DEMO/repos?start=25&limit=100", bearerAuth(d.DCToken), 100, 25, 100, false, 125},
		{fmt.Sprintf("/rest/api/1.0/projects/DEMO/repos?start=%d&limit=100", inDemo-10), bearerAuth(d.DCToken), 10, inDemo - 10, 100, true, 0},
		{"/rest/api/1.0/projects/DEMO/repos?limit=5000", bearerAuth(d.DCToken), inDemo, 0, 1000, true, 0},
		{"/rest/api/1.0/projects/DEMO/repos?start=100000", bearerAuth(d.DCToken), 0, 100000, 25, true, 0},
		{"/rest/api/1.0/repos?limit=1000", bearerAuth(d.DCToken), all, 0, 1000, true, 0},
		{"/rest/api/1.0/repos?limit=1000", bearerAuth(d.DCProjectToken), inDemo, 0, 1000, true, 0},
		{"/rest/api/1.0/repos", anon, 0, 0, 25, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := get(t, srv.DCURL+tt.path, tt.a)
			if res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			p := decode[dcPageBody](t, res.body)
			if len(p.Values) != tt.n || p.Size != tt.n || p.Start != tt.start || p.Limit != tt.limit || p.IsLastPage != tt.last {
				t.Errorf("page n=%d size=%d start=%d limit=%d last=%v", len(p.Values), p.Size, p.Start, p.Limit, p.IsLastPage)
			}
			if tt.last != (p.NextPageStart == nil) || (p.NextPageStart != nil && *p.NextPageStart != tt.nextStart) {
				t.Errorf("nextPageStart %v, want %d", p.NextPageStart, tt.nextStart)
			}
		})
	}
	for _, bad := range []string{"?start=-1", "?limit=0", "?limit=x"} {
		if res := get(t, srv.DCURL+"/rest/api/1.0/repos"+bad, bearerAuth(d.DCToken)); res.status != 400 {
			t.Errorf("%s: status %d", bad, res.status)
		}
	}
	// Following nextPageStart visits every repository once.
	seen := map[string]bool{}
	for start, pages := 0, 0; ; pages++ {
		p := decode[dcPageBody](t, get(t, fmt.Sprintf("%s/rest/api/1.0/repos?start=%d&limit=40", srv.DCURL, start), bearerAuth(d.DCToken)).body)
		for _, v := range p.Values {
			seen[string(v)] = true
		}
		if p.IsLastPage || pages > 20 {
			break
		}
		start = *p.NextPageStart
	}
	if len(seen) != all {
		t.Errorf("walked %d repos, want %d", len(seen), all)
	}
}

func TestDCAnonymousFault(t *testing.T) {
	t.Cleanup(srv.ClearFaults)
	srv.Inject(Fault{Kind: FaultDCAnonymous})
	res := get(t, srv.DCURL+"/rest/api/1.0/repos", bearerAuth("BBDC-revoked"))
	p := decode[dcPageBody](t, res.body)
	if res.status != 200 || res.header.Get("X-AUSERNAME") != "" || len(p.Values) != 0 {
		t.Errorf("served as anonymous: %d %q %d values", res.status, res.header.Get("X-AUSERNAME"), len(p.Values))
	}
	if res := get(t, srv.DCURL+"/rest/api/1.0/projects/DEMO/repos", bearerAuth("BBDC-revoked")); res.status != 401 {
		t.Errorf("private project as anonymous: %d", res.status)
	}
	// A valid token is still recognised while the fault is on.
	if res := get(t, srv.DCURL+"/rest/api/1.0/repos", bearerAuth(srv.Demo.DCToken)); res.header.Get("X-AUSERNAME") != srv.Demo.DCUser {
		t.Errorf("valid token: %q", res.header.Get("X-AUSERNAME"))
	}
	srv.ClearFaults()
	if res := get(t, srv.DCURL+"/rest/api/1.0/repos", bearerAuth("BBDC-revoked")); res.status != 401 {
		t.Errorf("after clearing: %d", res.status)
	}
}
