package tui

import (
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// When the repository picker comes, and what it changes: the rules the
// root, Details and the picker share.

// setTestRepo stores raw as the test repository when it is valid for the
// connector's URL, and returns its problems otherwise.
func setTestRepo(st *state, raw string, now time.Time) wizard.Problems {
	repo, ps := wizard.NormalizeTestRepo(st.c.Edition, raw)
	if len(ps) > 0 {
		return ps
	}
	c := st.connector()
	c.TestRepo = repo
	for _, p := range c.ValidateStep(wizard.StepDetails, now) {
		if p.Field == wizard.FieldTestRepo {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return ps
	}
	st.c.TestRepo = repo
	return nil
}

// pickRepo makes the listed repository r the test repository, and returns
// why it cannot be (the problems of its first form).
func pickRepo(st *state, r conntest.Repo, now time.Time) wizard.Problems {
	field := r.TestRepoField(st.c.Edition)
	first := setTestRepo(st, field, now)
	if len(first) > 0 && r.Owner != "" && !strings.Contains(field, "/") {
		// The bare bitbucket.org URL names no workspace: the test
		// repository then carries it.
		if ps := setTestRepo(st, r.Owner+"/"+field, now); len(ps) == 0 {
			return nil
		}
	}
	return first
}

// listsBeforeAPIAccess reports whether the connector's HTTP password alone
// can call the REST API, so the picker can come right after Credentials.
// A Cloud API token needs the Atlassian email that API access asks for,
// and an SSH key cannot call the API: their picker comes after API access.
func listsBeforeAPIAccess(c wizard.Connector) bool {
	return c.Connection == wizard.HTTP && (c.Edition != wizard.Cloud || c.PasswordKind != wizard.APIToken)
}

// reposFrom is the first step after which the repository picker comes
// (see facts.reposFrom): for an account connector whose test repository
// is still empty, with a lister wired and a screen to pick on, once the
// credential can list (after Credentials when the password calls the API
// by itself, else after API access).
func reposFrom(st *state) wizard.Step {
	if st.d == nil || st.d.Repos == nil {
		return noStep
	}
	c := st.connector()
	if c.URLType != wizard.Account || strings.TrimSpace(c.TestRepo) != "" {
		return noStep
	}
	if listsBeforeAPIAccess(c) {
		return wizard.StepCredentials
	}
	return wizard.StepAPIAccess
}

// pickRepoLater reports whether Details may leave the test repository
// empty, to be picked from the list once the secrets are typed.
func pickRepoLater(st *state) bool {
	return st.d != nil && st.d.Repos != nil && st.c.URLType == wizard.Account
}

// waived returns ps without the problems waive drops.
func waived(ps wizard.Problems, waive func(wizard.Problem) bool) wizard.Problems {
	if waive == nil {
		return ps
	}
	var out wizard.Problems
	for _, p := range ps {
		if !waive(p) {
			out = append(out, p)
		}
	}
	return out
}
