package conntest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

// ListRepos returns the repositories the connector's credential sees: in
// the workspace (Cloud) or project (Data Center) the URL names, else in
// every workspace of the user (Cloud) or on the whole server (Data
// Center). Cloud pages are fetched concurrently (first page, then
// page=2..N in parallel; next links when the page count is unknown);
// Data Center follows nextPageStart. Errors are one line, with the fix.
//
// A listing is bounded (see listLimits): past MaxListedRepos
// repositories, a page over the byte limit or the byte budget, it stops
// and returns what it has with a *CutError saying what was cut.
func ListRepos(ctx context.Context, c wizard.Connector, s Secrets, cfg Config) ([]Repo, error) {
	repos, _, err := listRepos(ctx, c, s, cfg, defaultLimits)
	return repos, err
}

// listRepos is ListRepos with its limits, also returning what it read.
func listRepos(ctx context.Context, c wizard.Connector, s Secrets, cfg Config, lim listLimits) ([]Repo, listStats, error) {
	e := newEnv(c, s, cfg)
	defer e.close()
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Deadline)
	defer cancel()
	b := &budget{lim: lim, start: time.Now()}
	repos, f := e.listRepos(ctx, b)
	st := b.stats()
	if f != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// The page's own wait is not what the user waited for.
			tf := failf(fixTimeout, "listing the repositories timed out after %s (%d pages, %d repositories read)",
				round(time.Since(b.start)), st.Pages, st.Repos)
			f = &tf
		}
		return nil, st, errors.New(s.Redact(f.diag + ": " + f.fix))
	}
	if why := b.reason(); why != "" {
		return repos, st, &CutError{Listed: len(repos), Reason: s.Redact(why)}
	}
	return repos, st, nil
}

// listRepos lists for the connector; a failure comes back as a finding.
func (e *env) listRepos(ctx context.Context, b *budget) ([]Repo, *finding) {
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
		return e.listDC(ctx, b, base, path, cr)
	}
	if owner != "" {
		return e.listCloud(ctx, b, base, owner, cr)
	}
	wss, f := e.cloudWorkspaces(ctx, b, base, cr)
	if f != nil {
		return nil, f
	}
	var all []Repo
	for _, ws := range wss {
		if b.full() {
			break
		}
		repos, f := e.listCloud(ctx, b, base, ws, cr)
		if f != nil {
			return nil, f
		}
		all = append(all, repos...)
	}
	return all, nil
}

// getPage fetches one page of a listing (within the budget's byte
// limits) and decodes a 200 answer into v. It returns false without a
// finding when the page was not read because the budget is spent or
// the page is too large: the listing stops there (b says why).
func (e *env) getPage(ctx context.Context, b *budget, rawURL string, cr credential, v any) (bool, *finding) {
	limit, ok := b.take()
	if !ok {
		return false, nil
	}
	start := time.Now()
	r, over, err := e.fetchN(ctx, rawURL, cr, limit)
	if err != nil {
		f := netFinding(err, targetOf(rawURL), time.Since(start))
		return false, &f
	}
	b.read(int64(len(r.body)))
	if r.status != http.StatusOK {
		u, _ := url.Parse(rawURL)
		f := e.restStatusFinding(r, time.Since(start), u.Path)
		return false, &f
	}
	if over {
		if limit < b.lim.pageBytes {
			b.stop(fmt.Sprintf("the listing is larger than %s", mib(b.lim.bytes)))
		} else {
			b.stop(fmt.Sprintf("a page of the listing (%s) is larger than %s", stripQuery(rawURL), mib(limit)))
		}
		return false, nil
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return false, &finding{
			status: Fail, diag: fmt.Sprintf("%s did not answer with bitbucket json", stripQuery(rawURL)),
			fix: "check the url points at bitbucket (and any gateway passes the api through)",
		}
	}
	return true, nil
}
