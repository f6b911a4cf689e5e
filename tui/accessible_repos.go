package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
)

// reposListed is how many matching repositories the line-by-line picker
// reads out at a time: a screen reader reads every option, so a long list
// is narrowed by typing part of a name first.
const reposListed = 15

// repos is the repository picker, line by line: the repositories the
// credential sees are listed once, narrowed by a filter the user types,
// and one is picked by its number. When listing fails (or nothing is
// listed) it says why and asks for the name instead, as the screen does.
func (a *accessible) repos() (navInput, error) {
	a.printf("\n== Test repository ==\n")
	a.printf("Listing the repositories your credentials can see…\n")
	conn := a.st.connector()
	sec := a.st.secretsFor(conn)
	ctx, cancel := context.WithCancel(a.ctx)
	repos, err := a.d.Repos.List(ctx, conn, sec)
	cancel()
	err = redactErr(err, sec)
	if err != nil && len(repos) == 0 {
		a.printf("✗ the repositories could not be listed: %v\n", err)
		return a.typedRepo()
	}
	if err != nil {
		a.printf("! %v\n", err)
	}
	items := makeRepoItems(repos)
	a.printf("%d repositories.\n", len(items))
	for try := 0; try < maxTries; {
		query := ""
		if len(items) > reposListed {
			if err := a.input("Filter: part of the repository's name (empty lists the first "+fmt.Sprint(reposListed)+")", &query, false); err != nil {
				return navInput{}, err
			}
		}
		shown := filterRepos(items, query)
		if len(shown) == 0 {
			a.printf("no repository matches %q: type another part of its name\n", query)
			try++
			continue
		}
		opts := make([]huh.Option[int], 0, reposListed+2)
		for _, i := range shown[:min(len(shown), reposListed)] {
			label := strings.Join(append([]string{items[i].path}, repoNotes(items[i].repo)...), "  ")
			opts = append(opts, huh.NewOption(label, i))
		}
		if len(items) > reposListed {
			opts = append(opts, huh.NewOption("Filter again", -1))
		}
		opts = append(opts, huh.NewOption("Type the name instead", -2))
		title := "Which repository?"
		if len(shown) > reposListed {
			title = fmt.Sprintf("Which repository? (the first %d of %d that match)", reposListed, len(shown))
		}
		pick := shown[0]
		if err := choose(a, title, opts, &pick); err != nil {
			return navInput{}, err
		}
		switch pick {
		case -1:
			continue
		case -2:
			return a.typedRepo()
		}
		if ps := pickRepo(a.st, items[pick].repo, a.d.now()); len(ps) > 0 {
			a.printf("✗ %s\n", ps[0].Text())
			try++
			continue
		}
		a.printf("Test repository: %s\n", a.st.c.TestRepo)
		return navInput{ev: evNext}, nil
	}
	return navInput{}, fmt.Errorf("no test repository picked after %d tries: nothing was saved", maxTries)
}

// typedRepo asks for the test repository by name.
func (a *accessible) typedRepo() (navInput, error) {
	for try := 0; try < maxTries; try++ {
		raw := ""
		if err := a.input("Test repository (format: "+wizard.TestRepoFormat(a.st.c.Edition)+")", &raw, true); err != nil {
			return navInput{}, err
		}
		ps := setTestRepo(a.st, raw, a.d.now())
		if len(ps) == 0 {
			return navInput{ev: evNext}, nil
		}
		a.printf("✗ %s\n", ps[0].Text())
	}
	return navInput{}, fmt.Errorf("the test repository still has problems after %d tries: nothing was saved", maxTries)
}
