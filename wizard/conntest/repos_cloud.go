package conntest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/bbconnect/bbconnect/wizard"
)

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

// listCloud lists a workspace: first page, then the rest concurrently or
// by following next links, within the budget.
func (e *env) listCloud(ctx context.Context, b *budget, base, ws string, cr credential) ([]Repo, *finding) {
	pageURL := func(n int) string {
		return fmt.Sprintf("%s/2.0/repositories/%s?pagelen=100&page=%d", base, pathEsc(ws), n)
	}
	var first cloudPage
	if ok, f := e.getPage(ctx, b, base+"/2.0/repositories/"+pathEsc(ws)+"?pagelen=100", cr, &first); !ok {
		return nil, f
	}
	repos := b.keep(nil, first.repos(ws))
	if first.Next == "" || b.full() {
		return repos, nil
	}
	if n := first.pageCount(); n > 1 && e.cfg.PageWorkers > 1 {
		if want := (b.lim.repos-len(repos)+first.Pagelen-1)/first.Pagelen + 1; n > want {
			b.claims(fmt.Sprintf("bitbucket reports %s repositories in %s", thousands(*first.Size), wizard.OneLine(ws, 60)))
			n = want
		}
		pages := make([][]Repo, n+1)
		read := make([]bool, n+1)
		err := parallel(ctx, n-1, e.cfg.PageWorkers, func(ctx context.Context, i int) *finding {
			var p cloudPage
			ok, f := e.getPage(ctx, b, pageURL(i+2), cr, &p)
			if ok {
				pages[i+2], read[i+2] = b.trim(p.repos(ws)), true
			}
			return f
		})
		if err != nil {
			return nil, err
		}
		for i := 2; i <= n && read[i]; i++ {
			repos = b.keep(repos, pages[i])
		}
		return repos, nil
	}
	next := first.Next
	for next != "" && !b.full() {
		if err := sameOrigin(base, next); err != nil {
			return nil, &finding{status: Fail, diag: err.Error(), fix: "check the cloud api url or gateway"}
		}
		var p cloudPage
		ok, f := e.getPage(ctx, b, next, cr, &p)
		if !ok {
			if f != nil {
				return nil, f
			}
			break
		}
		repos = b.keep(repos, p.repos(ws))
		next = p.Next
	}
	return repos, nil
}

// sameOrigin refuses to send the credential to a next link on another host.
func sameOrigin(base, link string) error {
	b, err1 := url.Parse(base)
	l, err2 := url.Parse(link)
	if err1 != nil || err2 != nil || b.Scheme != l.Scheme || b.Host != l.Host {
		return fmt.Errorf("bitbucket's next link points at another host (%s): not sending the credential there", wizard.OneLine(hostOf(link), 60))
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
func (e *env) cloudWorkspaces(ctx context.Context, b *budget, base string, cr credential) ([]string, *finding) {
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
		ok, f := e.getPage(ctx, b, next, cr, &p)
		if !ok {
			if f != nil {
				return nil, f
			}
			break
		}
		for _, v := range p.Values {
			if s := v.Workspace.Slug; s != "" && len(s) <= b.lim.field {
				out = append(out, strings.Clone(s))
			}
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
