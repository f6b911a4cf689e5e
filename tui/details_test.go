package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

// toDetails fills Overview and stops on the Details step.
func toDetails(t *testing.T, f *fakes) *driver {
	t.Helper()
	d := newDriver(t, Options{Deps: f.deps(t.TempDir())})
	d.typ("Conn")
	d.enter(4)
	d.mustTitle("Details")
	return d
}

// chooseKinds picks edition, URL type and connection by moving down from
// the defaults (Cloud, Account, HTTP), then stops on the URL page.
func chooseKinds(d *driver, dc, repo, ssh bool) {
	for _, down := range []bool{dc, repo, ssh} {
		if down {
			d.key(tea.KeyDown)
		}
		d.enter()
	}
}

func TestDetailsInlineURLBuilding(t *testing.T) {
	tests := map[string]struct {
		dc, repo, ssh bool
		typed         string
		want          []string
	}{
		"cloud account http": {
			typed: "https://bitbucket.org/Acme/",
			want:  []string{"Account URL", "format: https://bitbucket.org/WORKSPACE", "saved as: https://bitbucket.org/Acme"},
		},
		"cloud repo ssh": {
			repo: true, ssh: true, typed: "git@bitbucket.org:acme/widgets",
			want: []string{"Repository URL", "format: git@bitbucket.org:WORKSPACE/REPO-NAME.git", "saved as: git@bitbucket.org:acme/widgets.git", "test uses: git@bitbucket.org:acme/widgets.git"},
		},
		"dc repo http": {
			dc: true, repo: true, typed: "https://bitbucket.example.com/scm/PROJ/repo.git",
			want: []string{"format: https://bitbucket.YOUR-ORG.com/scm/PROJECT-ID/REPO-NAME.git", "saved as: https://bitbucket.example.com/scm/PROJ/repo.git"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := toDetails(t, newFakes())
			chooseKinds(d, tt.dc, tt.repo, tt.ssh)
			d.typeSlow(tt.typed)
			d.mustSee(tt.want...)
		})
	}
}

func TestDetailsProblemsShowFix(t *testing.T) {
	tests := map[string]struct {
		dc, repo bool
		typed    string
		want     string
	}{
		"dc extra segment": {
			dc: true, repo: true, typed: "https://bitbucket.example.com/scm/team/PROJ/repo.git",
			want: "drop the extra segment team before the project (api calls fail with it); use https://bitbucket.example.com/scm/PROJ/repo.git",
		},
		"cloud url on dc": {
			dc: true, typed: "https://bitbucket.org/acme",
			want: "bitbucket.org is bitbucket cloud",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := toDetails(t, newFakes())
			chooseKinds(d, tt.dc, tt.repo, false)
			d.typeSlow(tt.typed)
			d.mustSeeText(tt.want)
			d.enter()
			d.mustSee("✗ ")
			d.mustTitle("Details")
			d.mustSeeText(tt.want)
		})
	}
}

func TestDetailsPasteFillsFields(t *testing.T) {
	d := toDetails(t, newFakes())
	chooseKinds(d, false, false, false)
	// A pasted Data Center SSH clone URL: edition and connection change.
	d.typ("ssh://git@bitbucket.example.com:7999/proj/repo.git")
	d.mustSee("from the pasted URL:", "edition: Bitbucket Data Center", "connection: SSH", "test repository: proj/repo.git")
	c := d.m.c.st.c
	if c.Edition != wizard.DataCenter || c.Connection != wizard.SSH || c.URLType != wizard.Account {
		t.Fatalf("paste did not fill the fields: %+v", c)
	}
	// The selects show what the paste chose when the user goes back.
	d.key(tea.KeyShiftTab)
	d.mustSee("> Bitbucket Data Center", "> SSH")
}

func TestDetailsTestRepoOnlyForAccount(t *testing.T) {
	d := toDetails(t, newFakes())
	chooseKinds(d, false, false, false)
	d.typ("https://bitbucket.org/acme")
	d.enter()
	d.mustSee("Test repository", "format: REPO-NAME.git")
	d.typeSlow("widgets")
	d.mustSee("test uses: https://bitbucket.org/acme/widgets.git")
	d.enter()
	d.mustTitle("Credentials")
	if got := d.m.c.st.c.TestRepo; got != "widgets.git" {
		t.Errorf("test repo = %q, want widgets.git", got)
	}

	d = toDetails(t, newFakes())
	chooseKinds(d, false, true, false)
	d.typeSlow("https://bitbucket.org/acme/widgets.git")
	d.enter()
	d.mustTitle("Credentials")
}

// TestDetailsPasteNotesClearWithTheField: what a paste filled in is no
// longer shown once the field is cleared and typed again.
func TestDetailsPasteNotesClearWithTheField(t *testing.T) {
	t.Parallel()
	d := toDetails(t, newFakes())
	chooseKinds(d, false, false, false)
	d.typ("ssh://git@bitbucket.example.com:7999/proj/repo.git")
	d.mustSee("from the pasted URL:")
	for range len(d.m.c.st.c.URL) {
		d.key(tea.KeyBackspace)
	}
	d.mustNotSee("from the pasted URL:")
	d.typeSlow("https://bitbucket.example.com")
	d.mustNotSee("from the pasted URL:")
}

// TestDetailsTypedURLFixOneKey: a typed Data Center URL with an extra
// segment offers its fix, and ctrl+f puts it in the field.
func TestDetailsTypedURLFixOneKey(t *testing.T) {
	t.Parallel()
	d := toDetails(t, newFakes())
	chooseKinds(d, true, true, false)
	d.typeSlow("https://bitbucket.example.com/scm/team/PROJ/repo.git")
	d.mustSeeText("ctrl+f uses https://bitbucket.example.com/scm/PROJ/repo.git")
	d.send(tea.KeyMsg{Type: tea.KeyCtrlF})
	d.mustSee("saved as: https://bitbucket.example.com/scm/PROJ/repo.git")
	d.mustNotSee("extra segment")
	d.enter()
	d.mustTitle("Credentials")
}
