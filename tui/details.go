package tui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
)

// Pages of the Details form.
const (
	detailsKinds    = iota // edition, URL type, connection
	detailsURL             // the URL, built inline
	detailsTestRepo        // test repository (account URLs only)
)

// newDetailsForm builds the Details step: edition, URL type and connection
// type, then the URL with inline building (expected format, the normalised
// URL, problems with their fix, what a pasted clone URL filled in), then the
// Test Repository for account URLs with the full URL the test will use.
func newDetailsForm(st *state) *stepForm {
	edition := about(huh.NewSelect[wizard.Edition](), wizard.FieldEdition).
		Title("Bitbucket edition").
		Options(enumOptions(wizard.Editions, wizard.Edition.Label)...).
		Value(&st.c.Edition)
	urlType := about(huh.NewSelect[wizard.URLType](), wizard.FieldURLType).
		Title("URL type").
		Options(enumOptions(wizard.URLTypes, wizard.URLType.Label)...).
		Value(&st.c.URLType)
	conn := about(huh.NewSelect[wizard.Connection](), wizard.FieldConnection).
		Title("Connection type").
		Options(enumOptions(wizard.Connections, wizard.Connection.Label)...).
		Value(&st.c.Connection)

	url := huh.NewInput().
		Key(string(wizard.FieldURL)).
		Value(&st.c.URL).
		Validate(keep(st, &st.c.URL, func(raw string) error {
			if st.accessible {
				// Line by line there is no going back to the selects: a
				// clone URL fills what it implies, as a paste does.
				st.c.URL = raw
				applyPaste(st)
				raw = st.c.URL
			}
			_, ps := wizard.NormalizeURL(st.c.Edition, st.c.URLType, st.c.Connection, raw)
			return problemsErr(ps)
		}))
	testRepo := huh.NewInput().
		Key(string(wizard.FieldTestRepo)).
		Title("Test repository").
		Value(&st.c.TestRepo).
		Validate(keep(st, &st.c.TestRepo, func(raw string) error {
			if strings.TrimSpace(raw) == "" && pickRepoLater(st) {
				return nil
			}
			_, ps := wizard.NormalizeTestRepo(st.c.Edition, raw)
			return problemsErr(ps)
		}))

	spec := &stepForm{
		groups: []formGroup{
			page(nil, edition, urlType, conn),
			page(nil, url),
			page(func() bool { return st.c.URLType != wizard.Account }, testRepo),
		},
		finish: func() wizard.Problems { return finishDetails(st) },
		waive:  func(p wizard.Problem) bool { return p.Field == wizard.FieldTestRepo && emptyRepoToPick(st) },
		notes: map[huh.Field]func() string{
			url:      func() string { return urlHelp(st) },
			testRepo: func() string { return testRepoHelp(st) },
		},
		after: map[huh.Field]func() string{
			url: func() string {
				// The answer was stored as typed: settle what it implies.
				applyPaste(st)
				return urlHelp(st)
			},
			testRepo: func() string { return testRepoHelp(st) },
		},
		refresh: func() {
			if st.c.URL != st.pasteURL {
				// The pasted URL was edited or cleared: what it filled in
				// is no longer news.
				st.pasteNotes, st.pasteRaw = nil, ""
			}
			url.Title(st.c.URLType.Label() + " URL").Description(urlHelp(st))
			testRepo.Description(testRepoHelp(st))
		},
	}
	spec.fix = func(f huh.Field) (int, bool) {
		if f != url {
			return 0, false
		}
		fixed, ok := urlFix(st)
		if ok {
			st.c.URL = fixed
		}
		return detailsURL, ok
	}
	spec.paste = func(f huh.Field) (int, bool) {
		if f != url {
			return 0, false
		}
		return detailsURL, applyPaste(st)
	}
	return spec
}

// applyPaste fills the settings a pasted clone URL implies and records what
// it filled. It reports whether anything changed.
func applyPaste(st *state) bool {
	p, err := wizard.ParseCloneURL(st.c.URL)
	if err != nil {
		return false
	}
	raw := st.c.URL
	notes := p.Apply(&st.c)
	if len(notes) == 0 {
		return false
	}
	defer func() { st.pasteURL = st.c.URL }()
	if raw != st.pasteRaw {
		st.pasteNotes = nil
	}
	st.pasteRaw = raw
	for _, n := range notes {
		if !contains(st.pasteNotes, n) {
			st.pasteNotes = append(st.pasteNotes, n)
		}
	}
	return true
}

// finishDetails stores the normalised URL and test repository.
func finishDetails(st *state) wizard.Problems {
	norm, ps := wizard.NormalizeURL(st.c.Edition, st.c.URLType, st.c.Connection, st.c.URL)
	if len(ps) > 0 {
		return ps
	}
	st.c.URL = norm
	if st.c.URLType != wizard.Account {
		st.c.TestRepo = ""
		return nil
	}
	if emptyRepoToPick(st) {
		st.c.TestRepo = ""
		return nil
	}
	repo, ps := wizard.NormalizeTestRepo(st.c.Edition, st.c.TestRepo)
	if len(ps) > 0 {
		return ps
	}
	st.c.TestRepo = repo
	return nil
}

// urlHelp is the live text under the URL field: the expected format, the
// URL that will be saved, problems with their fix and what a paste filled.
func urlHelp(st *state) string {
	c := st.c
	lines := []string{"format: " + wizard.URLFormat(c.Edition, c.URLType, c.Connection)}
	if strings.TrimSpace(c.URL) != "" {
		norm, ps := wizard.NormalizeURL(c.Edition, c.URLType, c.Connection, c.URL)
		if len(ps) == 0 {
			lines = append(lines, "saved as: "+norm)
			if c.URLType == wizard.Repository {
				lines = append(lines, "test uses: "+norm)
			}
		}
		lines = append(lines, problemTexts(ps)...)
		if fixed, ok := urlFix(st); ok {
			lines = append(lines, "ctrl+f uses "+fixed)
		}
	} else {
		lines = append(lines, wizard.FieldHelp(wizard.FieldURL))
	}
	if len(st.pasteNotes) > 0 {
		lines = append(lines, "from the pasted URL: "+strings.Join(st.pasteNotes, "; "))
	}
	return strings.Join(lines, "\n")
}

// urlFix is the corrected URL the first problem of the typed URL offers,
// when that URL is itself valid.
func urlFix(st *state) (string, bool) {
	c := st.c
	if strings.TrimSpace(c.URL) == "" {
		return "", false
	}
	_, ps := wizard.NormalizeURL(c.Edition, c.URLType, c.Connection, c.URL)
	if len(ps) == 0 || ps[0].Fix == "" || ps[0].Fix == c.URL {
		return "", false
	}
	if _, fps := wizard.NormalizeURL(c.Edition, c.URLType, c.Connection, ps[0].Fix); len(fps) > 0 {
		return "", false
	}
	return ps[0].Fix, true
}

// testRepoHelp is the live text under the Test Repository field.
func testRepoHelp(st *state) string {
	c := st.c
	lines := []string{"format: " + wizard.TestRepoFormat(c.Edition), wizard.FieldHelp(wizard.FieldTestRepo)}
	if pickRepoLater(st) {
		lines = append(lines, "or leave it empty and pick it from the list after the "+pickStep(c)+" step")
	}
	if strings.TrimSpace(c.TestRepo) != "" {
		repo, ps := wizard.NormalizeTestRepo(c.Edition, c.TestRepo)
		if len(ps) == 0 {
			if norm, ups := wizard.NormalizeURL(c.Edition, c.URLType, c.Connection, c.URL); len(ups) == 0 {
				c.URL, c.TestRepo = norm, repo
				lines = append(lines, "test uses: "+c.TestURL())
			}
		}
		lines = append(lines, problemTexts(ps)...)
	}
	return strings.Join(lines, "\n")
}

// problemTexts renders problems as "✗ " + Problem.Text lines.
func problemTexts(ps wizard.Problems) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, "✗ "+p.Text())
	}
	return out
}

// problemsErr turns problems into a field error (the first one, with its fix).
func problemsErr(ps wizard.Problems) error {
	if len(ps) == 0 {
		return nil
	}
	return errors.New(ps[0].Text())
}

// enumOptions lists enum values as select options with their labels.
func enumOptions[T ~string](vals []T, label func(T) string) []huh.Option[T] {
	opts := make([]huh.Option[T], len(vals))
	for i, v := range vals {
		opts[i] = huh.NewOption(label(v), v)
	}
	return opts
}

// emptyRepoToPick reports whether the test repository is left empty to be
// picked from the list later.
func emptyRepoToPick(st *state) bool {
	return strings.TrimSpace(st.c.TestRepo) == "" && pickRepoLater(st)
}

// pickStep names the step after which the picker comes: Credentials when
// the password alone can list, else API access.
func pickStep(c wizard.Connector) string {
	if listsBeforeAPIAccess(c) {
		return "credentials"
	}
	return "api access"
}
