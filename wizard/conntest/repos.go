package conntest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// Repo is one repository a credential sees.
type Repo struct {
	Owner string // Cloud workspace slug or Data Center project key
	Slug  string
	Name  string
	Empty bool // known to have no commits (Cloud: no main branch)
}

// TestRepoField is the value of the wizard's Test Repository field for r:
// "slug.git" on Cloud, "PROJECT/slug.git" on Data Center.
func (r Repo) TestRepoField(e wizard.Edition) string {
	if e == wizard.DataCenter {
		return r.Owner + "/" + r.Slug + ".git"
	}
	return r.Slug + ".git"
}

// FilterRepos keeps the repositories whose owner/slug or name contains
// every word of query, case-insensitively, in their order.
func FilterRepos(repos []Repo, query string) []Repo {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return repos
	}
	var out []Repo
	for _, r := range repos {
		hay := strings.ToLower(r.Owner + "/" + r.Slug + " " + r.Name)
		ok := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// maxPages bounds how many pages a listing follows.
const maxPages = 10000

// dcPageLimit is the Data Center page size asked for (servers cap it,
// typically at 1000). Tests lower it.
var dcPageLimit = 1000

// ListRepos returns the repositories the connector's credential sees: in
// the workspace (Cloud) or project (Data Center) the URL names, else in
// every workspace of the user (Cloud) or on the whole server (Data
// Center). Cloud pages are fetched concurrently (first page, then
// page=2..N in parallel; next links when the page count is unknown);
// Data Center follows nextPageStart. Errors are one line, with the fix.
func ListRepos(ctx context.Context, c wizard.Connector, s Secrets, cfg Config) ([]Repo, error) {
	e := newEnv(c, s, cfg)
	defer e.close()
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Deadline)
	defer cancel()
	repos, f := e.listRepos(ctx)
	if f != nil {
		return nil, errors.New(s.Redact(f.diag + ": " + f.fix))
	}
	return repos, nil
}

// listRepos lists for the connector; a failure comes back as a finding.
func (e *env) listRepos(ctx context.Context) ([]Repo, *finding) {
	cr, reason := e.restCred()
	if reason != "" {
		return nil, &finding{
			status: Fail, diag: "listing repositories needs the api: " + reason,
			fix: "turn on api access, or type the repository name",
		}
	}
	if e.caErr != nil {
		return nil, e.caErr
	}
	base, err := e.apiBase()
	if err != nil {
		return nil, &finding{status: Fail, diag: err.Error(), fix: "fix the url"}
	}
	owner := accountOwnerOf(e.c)
	if e.c.Edition == wizard.DataCenter {
		path := "/rest/api/1.0/repos"
		if owner != "" {
			path = "/rest/api/1.0/projects/" + pathEsc(owner) + "/repos"
		}
		return e.listDC(ctx, base, path, cr)
	}
	if owner != "" {
		return e.listCloud(ctx, base, owner, cr)
	}
	wss, f := e.cloudWorkspaces(ctx, base, cr)
	if f != nil {
		return nil, f
	}
	var all []Repo
	for _, ws := range wss {
		repos, f := e.listCloud(ctx, base, ws, cr)
		if f != nil {
			return nil, f
		}
		all = append(all, repos...)
	}
	return all, nil
}

type cloudPage struct {
	Size    *int   `json:"size"`
	Page    *int   `json:"page"`
	Pagelen int    `json:"pagelen"`
	Next    string `json:"next"`
	Values  []struct {
		Slug      string `json:"slug"`
		Name      string `json:"name"`
		FullName  string `json:"full_name"`
		Workspace struct {
			Slug string `json:"slug"`
		} `json:"workspace"`
		Mainbranch *struct {
			Name string `json:"name"`
		} `json:"mainbranch"`
	} `json:"values"`
}

func (p *cloudPage) repos(ws string) []Repo {
	out := make([]Repo, 0, len(p.Values))
	for _, v := range p.Values {
		owner := v.Workspace.Slug
		if owner == "" {
			owner, _, _ = strings.Cut(v.FullName, "/")
		}
		if owner == "" {
			owner = ws
		}
		out = append(out, Repo{Owner: owner, Slug: v.Slug, Name: v.Name, Empty: v.Mainbranch == nil || v.Mainbranch.Name == ""})
	}
	return out
}

// pageCount is how many pages the listing has, when the first page says
// (size, page 1, pagelen, and a numeric page=2 next link); 0 otherwise.
func (p *cloudPage) pageCount() int {
	if p.Size == nil || p.Page == nil || *p.Page != 1 || p.Pagelen <= 0 {
		return 0
	}
	nu, err := url.Parse(p.Next)
	if err != nil || nu.Query().Get("page") != "2" {
		return 0
	}
	return (*p.Size + p.Pagelen - 1) / p.Pagelen
}

// getJSON fetches rawURL and decodes a 200 answer into v.
func (e *env) getJSON(ctx context.Context, rawURL string, cr credential, v any) (*response, *finding) {
	start := time.Now()
	r, err := e.fetch(ctx, rawURL, cr)
	if err != nil {
		f := netFinding(err, targetOf(rawURL), time.Since(start))
		return r, &f
	}
	if r.status != http.StatusOK {
		u, _ := url.Parse(rawURL)
		f := e.restStatusFinding(r, time.Since(start), u.Path)
		return r, &f
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return r, &finding{
			status: Fail, diag: fmt.Sprintf("%s did not answer with bitbucket json", stripQuery(rawURL)),
			fix: "check the url points at bitbucket (and any gateway passes the api through)",
		}
	}
	return r, nil
}

// listCloud lists a workspace: first page, then the rest concurrently or
// by following next links.
func (e *env) listCloud(ctx context.Context, base, ws string, cr credential) ([]Repo, *finding) {
	pageURL := func(n int) string {
		return fmt.Sprintf("%s/2.0/repositories/%s?pagelen=100&page=%d", base, pathEsc(ws), n)
	}
	var first cloudPage
	if _, f := e.getJSON(ctx, base+"/2.0/repositories/"+pathEsc(ws)+"?pagelen=100", cr, &first); f != nil {
		return nil, f
	}
	repos := first.repos(ws)
	if first.Next == "" {
		return repos, nil
	}
	if n := min(first.pageCount(), maxPages); n > 1 && e.cfg.PageWorkers > 1 {
		pages := make([][]Repo, n+1)
		err := parallel(ctx, n-1, e.cfg.PageWorkers, func(ctx context.Context, i int) *finding {
			var p cloudPage
			if _, f := e.getJSON(ctx, pageURL(i+2), cr, &p); f != nil {
				return f
			}
			pages[i+2] = p.repos(ws)
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, p := range pages[2:] {
			repos = append(repos, p...)
		}
		return repos, nil
	}
	next := first.Next
	for i := 0; next != "" && i < maxPages; i++ {
		if err := sameOrigin(base, next); err != nil {
			return nil, &finding{status: Fail, diag: err.Error(), fix: "check the cloud api url or gateway"}
		}
		var p cloudPage
		if _, f := e.getJSON(ctx, next, cr, &p); f != nil {
			return nil, f
		}
		repos = append(repos, p.repos(ws)...)
		next = p.Next
	}
	return repos, nil
}

// sameOrigin refuses to send the credential to a next link on another host.
func sameOrigin(base, link string) error {
	b, err1 := url.Parse(base)
	l, err2 := url.Parse(link)
	if err1 != nil || err2 != nil || b.Scheme != l.Scheme || b.Host != l.Host {
		return fmt.Errorf("bitbucket's next link points at another host (%s): not sending the credential there", clean(hostOf(link), 60))
	}
	return nil
}

// parallel runs fn(0..n-1) on up to workers goroutines; the first failure
// cancels the rest.
func parallel(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) *finding) *finding {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first *finding
	)
	jobs := make(chan int)
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if f := fn(ctx, i); f != nil {
					once.Do(func() { first = f; cancel() })
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		f := netFinding(context.Cause(ctx), "bitbucket", 0)
		first = &f
	}
	return first
}

// cloudWorkspaces lists the user's workspaces (/2.0/user/workspaces).
func (e *env) cloudWorkspaces(ctx context.Context, base string, cr credential) ([]string, *finding) {
	var out []string
	next := base + "/2.0/user/workspaces?pagelen=100"
	for i := 0; next != "" && i < 100; i++ {
		var p struct {
			Next   string `json:"next"`
			Values []struct {
				Workspace struct {
					Slug string `json:"slug"`
				} `json:"workspace"`
			} `json:"values"`
		}
		if _, f := e.getJSON(ctx, next, cr, &p); f != nil {
			return nil, f
		}
		for _, v := range p.Values {
			out = append(out, v.Workspace.Slug)
		}
		if p.Next != "" {
			if err := sameOrigin(base, p.Next); err != nil {
				return nil, &finding{status: Fail, diag: err.Error(), fix: "check the cloud api url or gateway"}
			}
		}
		next = p.Next
	}
	return out, nil
}

// listDC follows nextPageStart (offsets may not be contiguous, so never
// guessed).
func (e *env) listDC(ctx context.Context, base, path string, cr credential) ([]Repo, *finding) {
	var repos []Repo
	start := 0
	for i := 0; i < maxPages; i++ {
		var p struct {
			IsLastPage    bool `json:"isLastPage"`
			NextPageStart *int `json:"nextPageStart"`
			Values        []struct {
				Slug    string `json:"slug"`
				Name    string `json:"name"`
				Project struct {
					Key string `json:"key"`
				} `json:"project"`
			} `json:"values"`
		}
		u := base + path + "?limit=" + strconv.Itoa(dcPageLimit) + "&start=" + strconv.Itoa(start)
		if _, f := e.getJSON(ctx, u, cr, &p); f != nil {
			return nil, f
		}
		for _, v := range p.Values {
			repos = append(repos, Repo{Owner: v.Project.Key, Slug: v.Slug, Name: v.Name})
		}
		if p.IsLastPage || p.NextPageStart == nil || *p.NextPageStart <= start {
			break
		}
		start = *p.NextPageStart
	}
	return repos, nil
}
