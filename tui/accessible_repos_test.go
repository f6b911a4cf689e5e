package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// accessibleWithLister runs the line-by-line wizard for a Cloud account
// connector whose test repository is left empty in Details, with lister l,
// answering the repository picker with picker; it returns the output and
// the test repository saved.
func accessibleWithLister(t *testing.T, l RepoLister, picker ...string) (string, string) {
	t.Helper()
	input := append([]string{
		"Cloud R", "", "", "", // overview
		"1", "1", "1", // cloud, account, http
		"https://bitbucket.org/acme",
		"",               // test repository: left empty, picked from the list
		"1", "0", "jdoe", // api token; scopes done; username
		"tokSECRET123", "", // the token, no expiry given
		"n", // api access off: the picker comes now
	}, picker...)
	input = append(input, "1", "1", "", "y") // platform, account scope; review: test, then save
	f := newFakes()
	d := f.deps(t.TempDir())
	d.Repos = l
	var out bytes.Buffer
	r, err := Run(context.Background(), Options{
		Deps: d, Accessible: true, In: strings.NewReader(strings.Join(input, "\n") + "\n"), Out: &out,
	})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "tokSECRET123") {
		t.Fatal("the token was printed")
	}
	return out.String(), r.Connector.TestRepo
}

// TestAccessibleRepoPicker: line by line, the repositories are read out
// and one is picked by its number, as on the screens.
func TestAccessibleRepoPicker(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	l := &fakeLister{repos: demoRepos()}
	out, repo := accessibleWithLister(t, l, "3") // internal-tools
	if repo != "internal-tools.git" {
		t.Fatalf("test repository = %q\n%s", repo, out)
	}
	for _, want := range []string{"== Test repository ==", "3 repositories.", "acme/harness-demo  Harness demo", "acme/empty-repo  (empty: no commits yet)", "Type the name instead"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if l.callCount() != 1 || l.secrets[0].Password != "tokSECRET123" {
		t.Fatalf("listed %d times, with the secrets typed: %v", l.callCount(), l.callCount() == 1 && l.secrets[0].Password == "tokSECRET123")
	}
}

// TestAccessibleRepoPickerFilters: a long list is narrowed by part of a
// name before it is read out.
func TestAccessibleRepoPickerFilters(t *testing.T) {
	var repos []conntest.Repo
	for i := range 40 {
		repos = append(repos, conntest.Repo{Owner: "acme", Slug: fmt.Sprintf("service-%02d", i)})
	}
	repos = append(repos, conntest.Repo{Owner: "acme", Slug: "harness-demo"})
	out, repo := accessibleWithLister(t, &fakeLister{repos: repos}, "nothing-like-this", "demo", "1")
	if repo != "harness-demo.git" {
		t.Fatalf("test repository = %q\n%s", repo, out)
	}
	for _, want := range []string{"41 repositories.", `no repository matches "nothing-like-this"`, "Filter again"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if strings.Contains(out, "service-00") && !strings.Contains(out, "Filter:") {
		t.Fatalf("a long list was read out without a filter\n%s", out)
	}
}

// TestAccessibleRepoPickerListingFails: when listing fails, it says why
// (without the token) and the name is typed instead.
func TestAccessibleRepoPickerListingFails(t *testing.T) {
	l := &fakeLister{err: errors.New("bitbucket refused tokSECRET123: check the token's scopes")}
	out, repo := accessibleWithLister(t, l, "nope nope", "widgets")
	if repo != "widgets.git" {
		t.Fatalf("test repository = %q\n%s", repo, out)
	}
	for _, want := range []string{"✗ the repositories could not be listed: bitbucket refused", "check the token's scopes", "Test repository (format:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
}
