package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/bbconnect/bbconnect/wizard"
)

// depsWithRepos are the fakes plus a lister of the demo repositories.
func depsWithRepos(t *testing.T, f *fakes) (Deps, *fakeLister) {
	t.Helper()
	l := &fakeLister{repos: demoRepos()}
	d := f.deps(t.TempDir())
	d.Repos = l
	return d, l
}

// detailsEmptyRepo walks Overview and Details of a Cloud HTTP account
// connector, leaving the test repository empty.
func detailsEmptyRepo(t *testing.T, deps Deps) *driver {
	t.Helper()
	d := newDriver(t, Options{Deps: deps})
	d.typ("Conn")
	d.enter(4)
	d.mustTitle("Details")
	chooseKinds(d, false, false, false)
	d.typ("https://bitbucket.org/acme")
	d.enter()
	d.mustSee("Test repository")
	return d
}

func TestRepoPickerAfterCredentials(t *testing.T) {
	t.Parallel()
	f := newFakes()
	deps, l := depsWithRepos(t, f)
	d := detailsEmptyRepo(t, deps)
	d.mustSeeText("or leave it empty and pick it from the list after the")
	d.enter()
	d.mustTitle("Credentials")
	// A workspace access token lists by itself: the picker follows Credentials.
	d.key(tea.KeyDown)
	d.enter()
	d.typ("ATCTT3xTOKEN")
	d.enter()
	d.mustTitle("Test repository")
	d.mustSee("3 of 3 repositories", "> acme/harness-demo")
	if got := l.secrets[0].Password; got != "ATCTT3xTOKEN" {
		t.Fatalf("the lister got password %q", got)
	}
	d.mustNotSee("ATCTT3xTOKEN")
	// esc goes back to Credentials; going on opens the picker again.
	d.key(tea.KeyEsc)
	d.mustTitle("Credentials")
	d.enter(2)
	d.mustTitle("Test repository")
	d.typeSlow("intern")
	d.mustSee("1 of 3 repositories")
	d.enter()
	d.mustTitle("API access")
	if got := d.m.c.st.c.TestRepo; got != "internal-tools.git" {
		t.Fatalf("test repo = %q", got)
	}
	// Picked once: later steps do not ask again.
	d.typ("n")
	d.mustTitle("Connectivity")
	d.enter(2)
	d.mustTitle("Review")
	d.mustSee("Test repository: internal-tools.git", "Test URL:        https://bitbucket.org/acme/internal-tools.git")
}

func TestRepoPickerAfterAPIAccess(t *testing.T) {
	t.Parallel()
	f := newFakes()
	deps, l := depsWithRepos(t, f)
	d := detailsEmptyRepo(t, deps)
	d.mustSeeText("pick it from the list after the api access step")
	d.enter()
	// An API token needs the Atlassian email of API access to list.
	d.mustTitle("Credentials")
	d.enter(2)
	d.typ("jdoe")
	d.enter()
	d.typ("ATATT3xTOKEN")
	d.enter(2) // the token, its default expiry
	d.mustTitle("API access")
	if l.callCount() != 0 {
		t.Fatal("listed before API access")
	}
	d.typ("y")
	d.enter()
	d.typ("jdoe@example.com")
	d.enter()
	d.typ("y")
	d.mustTitle("Test repository")
	d.mustSee("> acme/harness-demo")
	if c := l.conns[0]; c.APIAccess != wizard.APIEmailAPIToken || c.APIEmail != "jdoe@example.com" {
		t.Fatalf("the lister got api access %q %q", c.APIAccess, c.APIEmail)
	}
	d.enter()
	d.mustTitle("Connectivity")
	if got := d.m.c.st.c.TestRepo; got != "harness-demo.git" {
		t.Fatalf("test repo = %q", got)
	}
}

func TestTestRepoRequiredWithoutLister(t *testing.T) {
	t.Parallel()
	d := detailsEmptyRepo(t, newFakes().deps(t.TempDir()))
	d.mustNotSee("pick it from the list")
	d.enter()
	d.mustTitle("Details")
	d.mustSeeText("enter a repository to test the connection with")
}

func TestRepoPickerBeforeTest(t *testing.T) {
	t.Parallel()
	f := newFakes()
	deps, _ := depsWithRepos(t, f)
	c := cloudHTTP()
	c.TestRepo = ""
	d := newDriver(t, Options{Deps: deps, Initial: &c})
	d.mustTitle("Review")
	d.mustSee("Test repository: (none yet: pick it from the list before the test)")
	d.enter()
	d.mustTitle("Test repository")
	// esc goes back to Review.
	d.key(tea.KeyEsc)
	d.mustTitle("Review")
	d.enter()
	d.mustTitle("Test repository")
	d.key(tea.KeyDown, 2)
	d.enter()
	d.mustTitle("Connection test")
	waitFor(t, d, "the connection works")
	if got := d.m.c.st.c.TestRepo; got != "internal-tools.git" {
		t.Fatalf("test repo = %q", got)
	}
}

// TestFlowRepoPicker walks a new Cloud connector through the repository
// picker in a teatest program, comparing the picker's screens with golden
// files (go test ./tui -run TestFlowRepoPicker -update rewrites them).
func TestFlowRepoPicker(t *testing.T) {
	t.Parallel()
	fk := newFakes()
	deps, _ := depsWithRepos(t, fk)
	rec := &recorder{Model: newModel(Options{Deps: deps, Width: 80, Height: 24}, nil)}
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(80, 24))
	f := &flow{t: t, tm: tm, rec: rec, subst: strings.NewReplacer()}
	f.focus("Name")
	f.typ("Picked")
	f.enterFocus("Id")
	f.enterFocus("Description")
	f.enterFocus("Tags")
	f.enterTo("● Details")
	f.focus("Bitbucket edition")
	f.enterFocus("URL type")
	f.enterFocus("Connection type")
	f.enterFocus("Account URL")
	f.typ("https://bitbucket.org/acme")
	f.wait("saved as: https://bitbucket.org/acme")
	f.enterFocus("Test repository")
	f.golden("01_details_empty_repo", "Details", "Test repository")
	f.enterTo("● Credentials")
	f.focus("Password kind")
	f.key(tea.KeyDown, "> Access token")
	f.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	f.wait("Username: x-token-auth")
	f.typ("ATCTT3xTOKEN")
	f.enterTo("bbconnect › Test repository")
	f.golden("02_picker", "Test repository", "")
	f.typ("demo")
	f.wait("1 of 3 repositories")
	f.golden("03_picker_filtered", "Test repository", "")
	f.enterTo("● API access")
	f.focus("Enable API access?")
	f.typ("n")
	f.wait("● Connectivity")
	f.focus("Connectivity mode")
	f.enterFocus("Harness scope")
	f.enterTo("● Review")
	f.enterTo("the connection works")
	f.enterTo("● Saved")
	f.key(tea.KeyEnter, "")
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*recorder)
	if !ok {
		t.Fatal("final model is not the wizard")
	}
	r, err := fm.result()
	if err != nil || !r.Saved || r.Connector.TestRepo != "harness-demo.git" {
		t.Fatalf("not saved with the picked repository: %+v, %v", r, err)
	}
	if !strings.Contains(string(r.YAML), "validationRepo: harness-demo.git") {
		t.Fatalf("export:\n%s", r.YAML)
	}
}
