package conntest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/wizard"
)

// pagedExtra is how many generated repositories the paging emulator adds.
const pagedExtra = 250

var (
	pagedOnce sync.Once
	pagedSrv  *emu.Server
	pagedErr  error
)

// pagedServer is a second emulator with pagedExtra extra repositories and
// a Data Center context path, shared by the listing tests and closed by
// TestMain's exit.
func pagedServer(t testing.TB) *emu.Server {
	t.Helper()
	pagedOnce.Do(func() {
		pagedSrv, pagedErr = emu.Start(emu.Options{Now: clockNow, ExtraRepos: pagedExtra, DCContext: "/bitbucket"})
		if pagedErr == nil {
			cleanups = append(cleanups, func() { _ = pagedSrv.Close() })
		}
	})
	if pagedErr != nil {
		t.Skipf("the emulator cannot start here: %v", pagedErr)
	}
	pagedSrv.ClearFaults()
	pagedSrv.SetLatency(0)
	return pagedSrv
}

func TestListReposCloudConcurrentAndNextLinks(t *testing.T) {
	s := pagedServer(t)
	d := s.Demo
	c := withEmailAPI(cloudAccount(s, ""), d.Email, true)
	sec := Secrets{Password: d.APIToken}

	s.ResetRequests()
	conc, err := ListRepos(context.Background(), c, sec, cfgFor(s))
	if err != nil {
		t.Fatal(err)
	}
	pages := requestsWith(s, "page=")
	seq := cfgFor(s)
	seq.PageWorkers = 1
	s.ResetRequests()
	linked, err := ListRepos(context.Background(), c, sec, seq)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3 + pagedExtra; len(conc) != want || len(linked) != want {
		t.Fatalf("got %d concurrent and %d linked repos, want %d", len(conc), len(linked), want)
	}
	seen := map[string]bool{}
	for i := range conc {
		if conc[i] != linked[i] {
			t.Fatalf("order differs at %d: %+v vs %+v", i, conc[i], linked[i])
		}
		if seen[conc[i].Slug] {
			t.Fatalf("duplicate %s", conc[i].Slug)
		}
		seen[conc[i].Slug] = true
	}
	if conc[0].Slug != d.Repo || conc[0].Empty || !conc[1].Empty || conc[0].Owner != d.Workspace {
		t.Fatalf("first repos: %+v %+v", conc[0], conc[1])
	}
	if pages != 2 { // pages 2 and 3 of 100, asked directly
		t.Fatalf("concurrent listing asked %d page=N requests, want 2", pages)
	}
}

func requestsWith(s *emu.Server, q string) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.Contains(r.Query, q) {
			n++
		}
	}
	return n
}

func TestListReposDataCenterFollowsNextPageStart(t *testing.T) {
	s := pagedServer(t)
	d := s.Demo
	old := dcPageLimit
	dcPageLimit = 100
	t.Cleanup(func() { dcPageLimit = old })
	s.ResetRequests()
	repos, err := ListRepos(context.Background(), dcHTTP(s, d.DCUser), Secrets{Password: d.DCToken}, cfgFor(s))
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 1+pagedExtra || repos[0].Owner != d.DCProject || repos[0].Slug != d.DCRepo {
		t.Fatalf("got %d repos, first %+v", len(repos), repos[0])
	}
	if n := requestsWith(s, "start="); n != 3 {
		t.Fatalf("%d page requests, want 3", n)
	}
	// An account URL with no project lists the whole server.
	c := dcHTTP(s, d.DCUser)
	c.URLType, c.URL = wizard.Account, s.DCURL+"/scm/"
	all, err := ListRepos(context.Background(), c, Secrets{Password: d.DCToken}, cfgFor(s))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(repos)+1 {
		t.Fatalf("server-wide listing has %d repos, want %d", len(all), len(repos)+1)
	}
}

func TestListReposCloudWithoutWorkspace(t *testing.T) {
	s := server(t)
	d := s.Demo
	c := withEmailAPI(cloudAccount(s, ""), d.Email, true)
	c.URL = "https://bitbucket.org"
	repos, err := ListRepos(context.Background(), c, Secrets{Password: d.APIToken}, cfgFor(s))
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 3 {
		t.Fatalf("got %+v", repos)
	}
}

func TestListReposErrors(t *testing.T) {
	s := server(t)
	d := s.Demo
	tests := []struct {
		name string
		c    wizard.Connector
		sec  Secrets
		want string
	}{
		{"api token without email", cloudAccount(s, ""), Secrets{Password: d.APIToken}, "needs the api"},
		{"wrong token", withEmailAPI(cloudAccount(s, ""), d.Email, true), Secrets{Password: "ATATT3x-not-a-real-token"}, "wrong password"},
		{"repository token", withAccessTokenAPI(cloudHTTP(s, wizard.AccessToken, ""), true), Secrets{Password: d.RepoAccessToken}, "not accessible"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ListRepos(context.Background(), tt.c, tt.sec, cfgFor(s))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), tt.sec.Password) {
				t.Fatalf("secret in error: %v", err)
			}
		})
	}
}

// fakeCloud serves /2.0/repositories/ws with n repos, 10 a page, without
// size (so only next links work) and next links on host.
func fakeCloud(t *testing.T, n int, nextHost string) *httptest.Server {
	t.Helper()
	var ts *httptest.Server
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		page := 1
		_, _ = fmt.Sscan(r.URL.Query().Get("page"), &page)
		var vals []map[string]any
		for i := (page - 1) * 10; i < min(page*10, n); i++ {
			vals = append(vals, map[string]any{"slug": fmt.Sprintf("r%03d", i), "name": "R", "full_name": "ws/r", "mainbranch": map[string]string{"name": "main"}})
		}
		out := map[string]any{"pagelen": 10, "values": vals}
		if page*10 < n {
			host := nextHost
			if host == "" {
				host = ts.URL
			}
			out["next"] = fmt.Sprintf("%s/2.0/repositories/ws?cursor=x&page=%d", host, page+1)
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestListReposFallsBackToNextLinks(t *testing.T) {
	ts := fakeCloud(t, 35, "")
	c := withAccessTokenAPI(cloudAccount(&emu.Server{Demo: emu.Demo{Workspace: "ws"}}, ""), false)
	repos, err := ListRepos(context.Background(), c, Secrets{APIToken: "tok-123456"}, Config{CloudAPIURL: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 35 || repos[34].Slug != "r034" || repos[0].Empty {
		t.Fatalf("got %d repos", len(repos))
	}
}

func TestListReposRefusesForeignNextLink(t *testing.T) {
	ts := fakeCloud(t, 35, "http://elsewhere.example")
	c := withAccessTokenAPI(cloudAccount(&emu.Server{Demo: emu.Demo{Workspace: "ws"}}, ""), false)
	_, err := ListRepos(context.Background(), c, Secrets{APIToken: "tok-123456"}, Config{CloudAPIURL: ts.URL})
	if err == nil || !strings.Contains(err.Error(), "another host") {
		t.Fatalf("err = %v", err)
	}
}

// A Data Center server under a context path passes too.
func TestEmulatorDCContextPath(t *testing.T) {
	s := pagedServer(t)
	d := s.Demo
	if !strings.HasSuffix(s.DCURL, "/bitbucket") {
		t.Fatalf("DCURL %s has no context path", s.DCURL)
	}
	c := withAccessTokenAPI(dcHTTP(s, d.DCUser), true)
	r := run(t, c, Secrets{Password: d.DCToken}, cfgFor(s))
	for _, n := range []string{CheckReachGit, CheckReachAPI, CheckGit, CheckAPI} {
		want(t, r, n, Pass)
	}
	want(t, r, CheckVisibility, Pass, fmt.Sprintf("sees %d repositories in project %s", 1+pagedExtra, d.DCProject))
}
