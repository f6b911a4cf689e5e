package conntest

import (
	"context"
	"strconv"
)

// listDC follows nextPageStart (offsets may not be contiguous, so never
// guessed), within the budget.
func (e *env) listDC(ctx context.Context, b *budget, base, path string, cr credential) ([]Repo, *finding) {
	var repos []Repo
	start := 0
	for !b.full() {
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
		ok, f := e.getPage(ctx, b, u, cr, &p)
		if !ok {
			if f != nil {
				return nil, f
			}
			break
		}
		page := make([]Repo, 0, len(p.Values))
		for _, v := range p.Values {
			page = append(page, Repo{Owner: v.Project.Key, Slug: v.Slug, Name: v.Name})
		}
		repos = b.keep(repos, page)
		if p.IsLastPage || p.NextPageStart == nil || *p.NextPageStart <= start {
			break
		}
		start = *p.NextPageStart
	}
	return repos, nil
}
