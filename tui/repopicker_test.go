package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// fakeLister lists repos, or fails with err; with block set it waits until
// block is closed or the listing is cancelled.
type fakeLister struct {
	mu      sync.Mutex
	repos   []conntest.Repo
	err     error
	block   chan struct{}
	calls   int
	secrets []Secrets
	conns   []wizard.Connector
}

func (l *fakeLister) List(ctx context.Context, c wizard.Connector, s Secrets) ([]conntest.Repo, error) {
	l.mu.Lock()
	l.calls++
	l.secrets = append(l.secrets, s)
	l.conns = append(l.conns, c)
	block, repos, err := l.block, l.repos, l.err
	l.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return repos, err
}

func (l *fakeLister) callCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls
}

// demoRepos are what the fake lister sees in workspace acme.
func demoRepos() []conntest.Repo {
	return []conntest.Repo{
		{Owner: "acme", Slug: "harness-demo", Name: "Harness demo"},
		{Owner: "acme", Slug: "empty-repo", Name: "empty-repo", Empty: true},
		{Owner: "acme", Slug: "internal-tools", Name: "Internal tools"},
	}
}

// pickerAt opens a picker model on its own for c, with the lister l, and
// runs its listing.
func pickerAt(t *testing.T, c wizard.Connector, l RepoLister) (*repoPickerModel, *common) {
	t.Helper()
	d := Deps{Now: func() time.Time { return testNow }, Repos: l}
	st := newState(&c, &d)
	st.secrets.Password = "s3cretTOKEN"
	cm := &common{width: 80, height: 24, styles: NewStyles(), keys: DefaultKeyMap(), deps: &d, st: st}
	p := newRepoPicker(cm)
	p.SetSize(80, 24)
	return p, cm
}

// settle runs cmd and feeds the picker the messages it yields; it returns
// the ones the picker does not handle (for the root).
func settle(p *repoPickerModel, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	for _, msg := range runCmd(cmd, 0, driverWait) {
		if _, ok := msg.(reposMsg); ok {
			_, next := p.Update(msg)
			out = append(out, settle(p, next)...)
			continue
		}
		out = append(out, msg)
	}
	return out
}

func press(p *repoPickerModel, k tea.KeyMsg) []tea.Msg {
	_, cmd := p.Update(k)
	return settle(p, cmd)
}

func typeInto(p *repoPickerModel, s string) {
	for _, r := range s {
		press(p, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func view(p *repoPickerModel) string { return ansi.Strip(p.View()) }

// cloudAccessToken is a Cloud HTTP account connector with a workspace
// access token and no test repository: it can list right after Credentials.
func cloudAccessToken() wizard.Connector {
	c := cloudHTTP()
	c.TestRepo, c.PasswordKind, c.Username = "", wizard.AccessToken, ""
	return c
}

func TestRepoPickerLoadingThenFilterAndPick(t *testing.T) {
	t.Parallel()
	l := &fakeLister{repos: demoRepos(), block: make(chan struct{})}
	p, cm := pickerAt(t, cloudAccessToken(), l)
	cmd := p.Init()
	// Loading: the spinner and what is happening.
	if v := view(p); !strings.Contains(v, "listing the repositories") {
		t.Fatalf("loading view:\n%s", v)
	}
	if hs := helpKeys(p.ShortHelp()); !strings.Contains(hs, "esc") || strings.Contains(hs, "enter") {
		t.Errorf("loading help = %s", hs)
	}
	// Keys other than esc wait for the list.
	press(p, tea.KeyMsg{Type: tea.KeyEnter})
	close(l.block)
	settle(p, cmd)
	v := view(p)
	for _, want := range []string{"3 of 3 repositories", "> acme/harness-demo    Harness demo", "acme/empty-repo      (empty: no commits yet)", "acme/internal-tools"} {
		if !strings.Contains(v, want) {
			t.Fatalf("list lacks %q:\n%s", want, v)
		}
	}
	// The credential reached the lister; the screen never shows it.
	if l.secrets[0].Password != "s3cretTOKEN" || strings.Contains(v, "s3cretTOKEN") {
		t.Fatalf("secrets: %v", l.secrets)
	}
	typeInto(p, "TOOLS")
	v = view(p)
	if !strings.Contains(v, "1 of 3 repositories") || !strings.Contains(v, "> acme/internal-tools") || strings.Contains(v, "harness-demo") {
		t.Fatalf("filtered:\n%s", v)
	}
	msgs := press(p, tea.KeyMsg{Type: tea.KeyEnter})
	if got := cm.st.c.TestRepo; got != "internal-tools.git" {
		t.Fatalf("test repo = %q", got)
	}
	if len(msgs) != 1 || msgs[0] != (navMsg{from: placeRepos, in: navInput{ev: evNext}}) {
		t.Fatalf("pick sent %#v, want the picker done", msgs)
	}
}

func TestRepoPickerMoveAndScroll(t *testing.T) {
	t.Parallel()
	var repos []conntest.Repo
	for i := range 40 {
		repos = append(repos, conntest.Repo{Owner: "acme", Slug: fmt.Sprintf("repo-%02d", i)})
	}
	p, cm := pickerAt(t, cloudAccessToken(), &fakeLister{repos: repos})
	settle(p, p.Init())
	press(p, tea.KeyMsg{Type: tea.KeyUp}) // stays on the first
	for range 25 {
		press(p, tea.KeyMsg{Type: tea.KeyDown})
	}
	v := view(p)
	if !strings.Contains(v, "> acme/repo-25") || strings.Contains(v, "acme/repo-00") {
		t.Fatalf("after 25 downs:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n > cm.bodyHeight() {
		t.Fatalf("view has %d lines, the body %d", n, cm.bodyHeight())
	}
	press(p, tea.KeyMsg{Type: tea.KeyPgUp})
	press(p, tea.KeyMsg{Type: tea.KeyPgUp})
	press(p, tea.KeyMsg{Type: tea.KeyPgDown})
	press(p, tea.KeyMsg{Type: tea.KeyEnter})
	if got := cm.st.c.TestRepo; got != fmt.Sprintf("repo-%02d.git", p.rows()) {
		t.Fatalf("test repo = %q after paging (rows %d)", got, p.rows())
	}
}

func TestRepoPickerErrorThenTypedName(t *testing.T) {
	t.Parallel()
	l := &fakeLister{err: errors.New("401 unauthorized with token s3cretTOKEN: create a new access token")}
	p, cm := pickerAt(t, cloudAccessToken(), l)
	settle(p, p.Init())
	v := view(p)
	for _, want := range []string{"✗ the repositories could not be listed: 401 unauthorized", "create a new access token", "Type the test repository instead (REPO-NAME.git)"} {
		if !strings.Contains(ansiSquash(v), ansiSquash(want)) {
			t.Fatalf("error view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "s3cretTOKEN") {
		t.Fatalf("the secret shows:\n%s", v)
	}
	// An empty or a wrong name is refused with the reason.
	press(p, tea.KeyMsg{Type: tea.KeyEnter})
	if v := view(p); !strings.Contains(v, "type the test repository, e.g. REPO-NAME.git") {
		t.Fatalf("empty name:\n%s", v)
	}
	typeInto(p, "a/b/c")
	press(p, tea.KeyMsg{Type: tea.KeyEnter})
	if v := view(p); !strings.Contains(v, "✗ a cloud test repository is REPO-NAME.git") || cm.st.c.TestRepo != "" {
		t.Fatalf("wrong name:\n%s", v)
	}
	for range 5 {
		press(p, tea.KeyMsg{Type: tea.KeyBackspace})
	}
	typeInto(p, "widgets")
	msgs := press(p, tea.KeyMsg{Type: tea.KeyEnter})
	if cm.st.c.TestRepo != "widgets.git" || len(msgs) != 1 {
		t.Fatalf("typed name: repo %q, msgs %#v", cm.st.c.TestRepo, msgs)
	}
	// ctrl+r lists again.
	l.mu.Lock()
	l.err = nil
	l.repos = demoRepos()
	l.mu.Unlock()
	press(p, tea.KeyMsg{Type: tea.KeyCtrlR})
	if v := view(p); !strings.Contains(v, "3 of 3 repositories") || l.callCount() != 2 {
		t.Fatalf("after ctrl+r (%d calls):\n%s", l.callCount(), v)
	}
}

func TestRepoPickerEsc(t *testing.T) {
	t.Parallel()
	// esc while loading cancels the listing and goes back.
	l := &fakeLister{repos: demoRepos(), block: make(chan struct{})}
	p, _ := pickerAt(t, cloudAccessToken(), l)
	cmd := p.Init()
	if msgs := press(p, tea.KeyMsg{Type: tea.KeyEsc}); len(msgs) != 1 || msgs[0] != (navMsg{from: placeRepos, in: navInput{ev: evBack}}) {
		t.Fatalf("esc while loading sent %#v", msgs)
	}
	settle(p, cmd) // the cancelled listing ends; its answer is ignored
	if p.loading || len(p.items) != 0 {
		t.Fatal("the cancelled listing was shown")
	}

	// esc clears the filter first, then goes back.
	p, _ = pickerAt(t, cloudAccessToken(), &fakeLister{repos: demoRepos()})
	settle(p, p.Init())
	typeInto(p, "zzz")
	if v := view(p); !strings.Contains(v, `no repository matches: enter uses "zzz"`) {
		t.Fatalf("no match:\n%s", v)
	}
	if msgs := press(p, tea.KeyMsg{Type: tea.KeyEsc}); len(msgs) != 0 || !strings.Contains(view(p), "3 of 3") {
		t.Fatalf("esc with a filter sent %#v:\n%s", msgs, view(p))
	}
	if msgs := press(p, tea.KeyMsg{Type: tea.KeyEsc}); len(msgs) != 1 || msgs[0] != (navMsg{from: placeRepos, in: navInput{ev: evBack}}) {
		t.Fatalf("esc sent %#v", msgs)
	}
}

func TestRepoPickerField(t *testing.T) {
	t.Parallel()
	dc := cloudAccessToken()
	dc.Edition, dc.URL, dc.PasswordKind, dc.Username = wizard.DataCenter, "https://bitbucket.example.com/scm", wizard.HTTPAccessToken, "jdoe"
	bare := cloudAccessToken()
	bare.URL = "https://bitbucket.org"
	tests := map[string]struct {
		c    wizard.Connector
		repo conntest.Repo
		want string
	}{
		"cloud workspace url": {cloudAccessToken(), conntest.Repo{Owner: "acme", Slug: "app"}, "app.git"},
		"cloud bare url":      {bare, conntest.Repo{Owner: "acme", Slug: "app"}, "acme/app.git"},
		"data center":         {dc, conntest.Repo{Owner: "PROJ", Slug: "app"}, "PROJ/app.git"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, cm := pickerAt(t, tt.c, &fakeLister{repos: []conntest.Repo{tt.repo}})
			settle(p, p.Init())
			press(p, tea.KeyMsg{Type: tea.KeyEnter})
			if got := cm.st.c.TestRepo; got != tt.want {
				t.Fatalf("test repo = %q, want %q:\n%s", got, tt.want, view(p))
			}
		})
	}
}

func TestFilterRepos(t *testing.T) {
	t.Parallel()
	items := makeRepoItems(demoRepos())
	tests := map[string][]int{
		"":               {0, 1, 2},
		"demo":           {0},
		"ACME tools":     {2},
		"acme/empty":     {1},
		"  internal   ":  {2},
		"harness tools":  {},
		"internal tools": {2},
	}
	for q, want := range tests {
		if got := filterRepos(items, q); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("filter %q = %v, want %v", q, got, want)
		}
	}
}

func BenchmarkFilterRepos(b *testing.B) {
	repos := make([]conntest.Repo, 20000)
	for i := range repos {
		repos[i] = conntest.Repo{Owner: "workspace", Slug: fmt.Sprintf("service-%05d", i), Name: fmt.Sprintf("Service %d", i)}
	}
	items := makeRepoItems(repos)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		filterRepos(items, "service 1234")
	}
}

// helpKeys lists the keys of bindings, for assertions.
func helpKeys(ks []key.Binding) string {
	var out []string
	for _, k := range ks {
		out = append(out, k.Help().Key)
	}
	return strings.Join(out, " ")
}

// ansiSquash drops blanks and line breaks, so texts compare however wrapped.
func ansiSquash(s string) string { return strings.Join(strings.Fields(s), "") }

// A listing cut at its limits shows what was listed and says what was cut.
func TestRepoPickerShowsCutListing(t *testing.T) {
	t.Parallel()
	l := &fakeLister{repos: demoRepos(), err: errors.New("listed the first 3 repositories only: the limit is 3; type a repository that is not listed")}
	p, _ := pickerAt(t, cloudAccessToken(), l)
	settle(p, p.Init())
	v := view(p)
	for _, want := range []string{"3 of 3 repositories", "! listed the first 3 repositories only", "acme/harness-demo"} {
		if !strings.Contains(v, want) {
			t.Fatalf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "could not be listed") {
		t.Fatalf("a cut listing is not a failure:\n%s", v)
	}
	press(p, tea.KeyMsg{Type: tea.KeyEnter})
	if got := p.c.st.c.TestRepo; got != "harness-demo.git" {
		t.Fatalf("picked %q", got)
	}
}
