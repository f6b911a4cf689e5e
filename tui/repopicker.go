package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// repoPickerModel is the repository picker: offered when an account
// connector's test repository was left empty in Details, once the secrets
// are typed. It lists the repositories the credential sees (a spinner while
// it loads), filters them as the user types, and fills the test repository
// with the one picked. When listing fails it shows why and takes the name
// typed instead. A pick carries on from the step that opened it; esc goes
// back to that step (see nav.go).
type repoPickerModel struct {
	c       *common
	spin    spinner.Model
	input   textinput.Model
	run     int
	cancel  context.CancelFunc
	loading bool
	items   []repoItem
	shown   []int  // indexes into items that match the filter
	cursor  int    // index into shown
	top     int    // first row of shown on screen
	err     error  // listing failed
	cut     string // the listing was cut short: what was cut
	problem string
}

// repoItem is a listed repository with what the filter searches.
type repoItem struct {
	repo conntest.Repo
	path string // owner/slug
	hay  string // lower-case path and name
}

// reposMsg carries the outcome of one listing.
type reposMsg struct {
	run   int
	repos []conntest.Repo
	err   error
}

func newRepoPicker(c *common) *repoPickerModel {
	in := textinput.New()
	in.Prompt = "Filter: "
	in.Placeholder = "type to filter"
	in.CharLimit = 200
	return &repoPickerModel{c: c, spin: spinner.New(spinner.WithSpinner(spinner.Line)), input: in}
}

// Init starts listing the repositories.
func (m *repoPickerModel) Init() tea.Cmd {
	m.stop()
	m.items, m.shown, m.cursor, m.top, m.err, m.problem, m.cut = nil, nil, 0, 0, nil, "", ""
	m.input.Reset()
	m.input.Prompt, m.input.Placeholder = "Filter: ", "type to filter"
	m.input.Focus()
	lister := m.c.deps.Repos
	if lister == nil {
		m.fail(errors.New("listing repositories is not available here"))
		return nil
	}
	conn := m.c.st.connector()
	sec := m.c.st.secretsFor(conn)
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel, m.loading = cancel, true
	m.run++
	run := m.run
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		repos, err := lister.List(ctx, conn, sec)
		return reposMsg{run: run, repos: repos, err: redactErr(err, sec)}
	})
}

// stop cancels a listing under way; its answer is then ignored.
func (m *repoPickerModel) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.loading = false
	m.run++
}

// fail shows why listing failed and asks for the name instead.
func (m *repoPickerModel) fail(err error) {
	m.err = err
	m.input.Reset()
	m.input.Prompt = "Test repository: "
	m.input.Placeholder = wizard.TestRepoFormat(m.c.st.c.Edition)
}

// Update implements component.
func (m *repoPickerModel) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case reposMsg:
		if msg.run != m.run {
			return m, nil
		}
		m.cancel, m.loading = nil, false
		if msg.err != nil && len(msg.repos) == 0 {
			m.fail(msg.err)
			return m, nil
		}
		if msg.err != nil {
			m.cut = msg.err.Error()
		}
		m.items = makeRepoItems(msg.repos)
		m.refilter()
		return m, nil
	case spinner.TickMsg:
		return m, spin(&m.spin, msg, m.loading)
	case tea.KeyMsg:
		return m.key(msg)
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

func (m *repoPickerModel) key(k tea.KeyMsg) (component, tea.Cmd) {
	keys := m.c.keys
	switch {
	case key.Matches(k, keys.Back):
		if !m.loading && m.err == nil && m.input.Value() != "" {
			m.input.Reset()
			m.refilter()
			return m, nil
		}
		m.stop()
		return m, navCmd(placeRepos, evBack)
	case m.loading:
		return m, nil
	case key.Matches(k, keys.ListAgain):
		return m, m.Init()
	case key.Matches(k, keys.ListUp):
		m.move(-1)
		return m, nil
	case key.Matches(k, keys.ListDown):
		m.move(1)
		return m, nil
	case key.Matches(k, keys.PageUp):
		m.move(-m.rows())
		return m, nil
	case key.Matches(k, keys.PageDown):
		m.move(m.rows())
		return m, nil
	case key.Matches(k, keys.Choose):
		return m, m.choose()
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	m.problem = ""
	if m.err == nil {
		m.refilter()
	}
	return m, cmd
}

// choose takes the repository under the cursor, or the name typed when
// the listing failed or nothing matches.
func (m *repoPickerModel) choose() tea.Cmd {
	var ps wizard.Problems
	switch {
	case m.err == nil && len(m.shown) > 0:
		ps = pickRepo(m.c.st, m.items[m.shown[m.cursor]].repo, m.c.now())
	case strings.TrimSpace(m.input.Value()) != "":
		ps = setTestRepo(m.c.st, m.input.Value(), m.c.now())
	default:
		m.problem = "type the test repository, e.g. " + wizard.TestRepoFormat(m.c.st.c.Edition)
		return nil
	}
	if len(ps) > 0 {
		m.problem = "✗ " + ps[0].Text()
		return nil
	}
	m.stop()
	return navCmd(placeRepos, evNext)
}

func makeRepoItems(repos []conntest.Repo) []repoItem {
	items := make([]repoItem, len(repos))
	for i, r := range repos {
		path := r.Slug
		if r.Owner != "" {
			path = r.Owner + "/" + r.Slug
		}
		items[i] = repoItem{repo: r, path: path, hay: strings.ToLower(path + " " + r.Name)}
	}
	return items
}

// filterRepos returns the indexes of the items whose path or name holds
// every word of query, case-insensitively, in their order.
func filterRepos(items []repoItem, query string) []int {
	words := strings.Fields(strings.ToLower(query))
	out := make([]int, 0, len(items))
	for i, it := range items {
		ok := true
		for _, w := range words {
			if !strings.Contains(it.hay, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, i)
		}
	}
	return out
}

func (m *repoPickerModel) refilter() {
	m.shown = filterRepos(m.items, m.input.Value())
	m.cursor, m.top = 0, 0
}

func (m *repoPickerModel) move(d int) {
	if len(m.shown) == 0 {
		return
	}
	m.cursor = min(max(m.cursor+d, 0), len(m.shown)-1)
	rows := m.rows()
	switch {
	case m.cursor < m.top:
		m.top = m.cursor
	case m.cursor >= m.top+rows:
		m.top = m.cursor - rows + 1
	}
}

// rows is how many repositories fit on screen: the body less the intro,
// the filter, the count and the hint.
func (m *repoPickerModel) rows() int {
	if m.cut != "" {
		return max(m.c.bodyHeight()-6, 3)
	}
	return max(m.c.bodyHeight()-5, 3)
}

// View implements component.
func (m *repoPickerModel) View() string {
	s := m.c.styles
	var b strings.Builder
	switch {
	case m.loading:
		b.WriteString("Test repository: pick one of the repositories your credentials see.\n\n")
		b.WriteString(m.spin.View() + " listing the repositories…\n\n")
		b.WriteString(s.Faint.Render("esc goes back"))
		return b.String()
	case m.err != nil:
		b.WriteString(s.Fail.Render("✗ the repositories could not be listed: "+m.err.Error()) + "\n\n")
		b.WriteString("Type the test repository instead (" + wizard.TestRepoFormat(m.c.st.c.Edition) + "):\n")
		b.WriteString(m.input.View() + "\n\n")
		if m.problem != "" {
			b.WriteString(s.Problem.Render(m.problem) + "\n")
		}
		b.WriteString(s.Faint.Render("enter uses it · ctrl+r lists again · esc goes back"))
		return b.String()
	}
	b.WriteString("Test repository: pick the one the connection test reads.\n")
	b.WriteString(m.input.View() + "\n")
	b.WriteString(s.Faint.Render(fmt.Sprintf("%d of %d repositories", len(m.shown), len(m.items))) + "\n")
	if m.cut != "" {
		b.WriteString(s.Problem.Render("! "+m.cut) + "\n")
	}
	if len(m.shown) == 0 {
		if q := strings.TrimSpace(m.input.Value()); q != "" {
			fmt.Fprintf(&b, "no repository matches: enter uses %q as the test repository\n", q)
		} else {
			b.WriteString("the credentials see no repository: type the test repository and press enter\n")
		}
	}
	end := min(m.top+m.rows(), len(m.shown))
	width := 0
	for i := m.top; i < end; i++ {
		width = max(width, min(len(m.items[m.shown[i]].path), 40))
	}
	for i := m.top; i < end; i++ {
		it := m.items[m.shown[i]]
		extra := repoNotes(it.repo)
		path := fmt.Sprintf("%-*s", width, it.path)
		if i == m.cursor {
			path = s.Selected.Render("> " + path)
		} else {
			path = "  " + path
		}
		line := path
		if len(extra) > 0 {
			line += s.Faint.Render("  " + strings.Join(extra, " "))
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	if m.problem != "" {
		b.WriteString(s.Problem.Render(m.problem) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// repoNotes is what the picker says after a repository's path: its name
// where it differs from the slug, and when it has no commits.
func repoNotes(r conntest.Repo) []string {
	var extra []string
	if n := r.Name; n != "" && n != r.Slug {
		extra = append(extra, n)
	}
	if r.Empty {
		extra = append(extra, "(empty: no commits yet)")
	}
	return extra
}

// Title implements component.
func (m *repoPickerModel) Title() string { return "Test repository" }

// SetSize implements component.
func (m *repoPickerModel) SetSize(w, _ int) { m.input.Width = max(w-24, 10) }

// ShortHelp implements component.
func (m *repoPickerModel) ShortHelp() []key.Binding {
	keys := m.c.keys
	switch {
	case m.loading:
		return []key.Binding{keys.Back, keys.Quit}
	case m.err != nil:
		use := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "use name"))
		return []key.Binding{use, keys.ListAgain, keys.Back, keys.Quit}
	}
	return []key.Binding{keys.Choose, keys.ListUp, keys.ListDown, keys.Back, keys.ListAgain, keys.Quit}
}

// redactErr returns err with every secret value of s removed.
func redactErr(err error, s Secrets) error {
	if err == nil {
		return nil
	}
	return errors.New(s.RedactErr(err))
}
