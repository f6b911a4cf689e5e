package tui

import (
	"context"
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard/harness"
)

// harnessKeyModel asks for a Harness API key in a masked field (with the
// account and the URL when none is known, both optional), proves it with
// one read call and keeps it in the keychain, as bbconnect harness login
// does; then the push follows. enter proves from any field; tab and
// shift+tab move between the fields, plain inputs moved in Update, so a
// key never waits for a focus command.
type harnessKeyModel struct {
	leaver
	c      *common
	spin   spinner.Model
	access HarnessAccess
	fields []keyField
	focus  int
	// checking is set while the key is being proved; run tells its
	// answer from an abandoned one's.
	checking bool
	run      int
	cancel   context.CancelFunc
	err      error
}

// keyField is one input of the key prompt.
type keyField struct {
	title string
	input textinput.Model
}

// keyProvedMsg is the answer of a key being proved.
type keyProvedMsg struct {
	run    int
	access HarnessAccess
	err    error
}

// The titles of the key prompt's fields.
const (
	titleHarnessKey     = "Harness API key"
	titleHarnessAccount = "Harness account id"
	titleHarnessURL     = "Harness URL"
)

func newHarnessKey(c *common) *harnessKeyModel {
	m := &harnessKeyModel{c: c, spin: spinner.New(spinner.WithSpinner(spinner.Line))}
	if c.harness != nil {
		m.access = *c.harness
	}
	input := func(placeholderText string) textinput.Model {
		in := textinput.New()
		in.Prompt = "> "
		in.Placeholder = placeholder(placeholderText)
		in.CharLimit = 4096
		return in
	}
	k := input("pat.… or sat.…")
	k.EchoMode, k.EchoCharacter = textinput.EchoPassword, '*'
	m.fields = append(m.fields, keyField{titleHarnessKey, k})
	if m.access.Account == "" {
		m.fields = append(m.fields, keyField{titleHarnessAccount, input("taken from the key")})
	}
	if m.access.Endpoint == "" {
		m.fields = append(m.fields, keyField{titleHarnessURL, input(harness.DefaultEndpoint)})
	}
	return m
}

// Init implements component: the key field has the focus.
func (m *harnessKeyModel) Init() tea.Cmd { return m.focusOn(0) }

func (m *harnessKeyModel) focusOn(i int) tea.Cmd {
	m.focus = max(0, min(i, len(m.fields)-1))
	var cmd tea.Cmd
	for j := range m.fields {
		if j == m.focus {
			cmd = m.fields[j].input.Focus()
		} else {
			m.fields[j].input.Blur()
		}
	}
	return cmd
}

// value is what field title holds ("" when it is not asked).
func (m *harnessKeyModel) value(title string) string {
	for _, f := range m.fields {
		if f.title == title {
			return strings.TrimSpace(f.input.Value())
		}
	}
	return ""
}

// Update implements component.
func (m *harnessKeyModel) Update(msg tea.Msg) (component, tea.Cmd) {
	switch msg := msg.(type) {
	case keyProvedMsg:
		if msg.run != m.run || !m.checking {
			return m, nil
		}
		m.checking, m.err = false, msg.err
		if msg.err != nil {
			return m, m.focusOn(0)
		}
		m.fields[0].input.SetValue("") // proved and kept: not held here any longer
		a := msg.access
		m.c.harness = &a
		return m, m.leave(navCmd(placeHarnessKey, evNext))
	case spinner.TickMsg:
		return m, spin(&m.spin, msg, m.checking)
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m *harnessKeyModel) key(k tea.KeyMsg) (component, tea.Cmd) {
	keys := m.c.keys
	if key.Matches(k, keys.Back) {
		m.stop()
		m.fields[0].input.SetValue("")
		return m, m.leave(navCmd(placeHarnessKey, evBack))
	}
	if m.checking {
		return m, nil
	}
	switch {
	case k.Type == tea.KeyEnter: // the other fields have defaults
		return m, m.prove()
	case key.Matches(k, keys.NextField):
		return m, m.focusOn(m.focus + 1)
	case key.Matches(k, keys.PrevField):
		return m, m.focusOn(m.focus - 1)
	}
	var cmd tea.Cmd
	m.fields[m.focus].input, cmd = m.fields[m.focus].input.Update(k)
	return m, cmd
}

// prove checks what was typed, then proves the key off the event loop.
func (m *harnessKeyModel) prove() tea.Cmd {
	h := m.c.deps.Harness
	key, account, endpoint := m.value(titleHarnessKey), m.value(titleHarnessAccount), m.value(titleHarnessURL)
	if m.err = checkHarnessKey(key); m.err != nil {
		return m.focusOn(0)
	}
	if account == "" && m.access.Account == "" && harness.APIKey(key).Account() == "" {
		m.err = errNoAccount
		return m.focusOn(1)
	}
	if _, err := harness.ParseEndpoint(endpoint); endpoint != "" && err != nil {
		m.err = err
		return m.focusOn(len(m.fields) - 1)
	}
	if h == nil {
		m.err = errors.New("pushing to Harness is not available here")
		return nil
	}
	m.run++
	m.checking = true
	ctx, cancel := context.WithCancel(m.c.context())
	m.cancel = cancel
	run := m.run
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		a, err := h.LogIn(ctx, key, account, endpoint)
		return keyProvedMsg{run: run, access: a, err: err}
	})
}

// errNoAccount says that the account is nowhere: not known, not typed,
// not inside the key.
var errNoAccount = errors.New("the key does not name its account: type the account id (in the Harness URL: …/account/ID/…)")

// checkHarnessKey says what is wrong with a key typed, before any call:
// empty, or spaces.
func checkHarnessKey(key string) error {
	switch {
	case key == "":
		return errors.New("paste the key: a personal access token (pat.…) or a service account token (sat.…)")
	case strings.ContainsAny(key, " \t\r\n"):
		return errors.New("the key holds spaces or line breaks: paste the token alone")
	}
	return nil
}

func (m *harnessKeyModel) stop() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.checking = false
}

// Title implements component.
func (m *harnessKeyModel) Title() string { return "Harness API key" }

// View implements component.
func (m *harnessKeyModel) View() string {
	s := m.c.styles
	var b strings.Builder
	b.WriteString(harnessKeyIntro(m.access) + "\n\n")
	for i, f := range m.fields {
		bar := "  "
		if i == m.focus && !m.checking {
			bar = s.Code.Render("┃ ")
		}
		b.WriteString(bar + s.Label.Render(f.title) + "\n" + bar + f.input.View() + "\n")
	}
	switch {
	case m.checking:
		b.WriteString("\n" + m.spin.View() + " " + s.Faint.Render("proving the key with one read call (GET /ng/api/organizations)…") + "\n")
	case m.err != nil:
		b.WriteString("\n" + s.Fail.Render("✗ "+m.err.Error()) + "\n")
	}
	return b.String()
}

// harnessKeyIntro says why a key is asked and where it goes, in both
// front ends.
func harnessKeyIntro(a HarnessAccess) string {
	why := "No Harness API key is stored"
	if a.Account != "" {
		why += " for account " + a.Account
	}
	switch {
	case a.Refused && a.FromEnv:
		why = "Harness refused the key in " + harness.EnvAPIKey
	case a.Refused:
		why = "Harness refused the key kept in the keychain"
	case a.Err != nil:
		why = "The keychain did not give the Harness key back (" + a.Err.Error() + ")"
	}
	return why + ". Paste a personal access token (pat.…) or a service account token (sat.…): " +
		"Harness > your profile > API keys. It is proved with one read call, then kept in the OS keychain, " +
		"as bbconnect harness login does."
}

// SetSize implements component: a long key scrolls in its field rather
// than wrap under the focus bar.
func (m *harnessKeyModel) SetSize(width, _ int) {
	for i := range m.fields {
		m.fields[i].input.Width = max(width-10, 10)
	}
}

// ShortHelp implements component.
func (m *harnessKeyModel) ShortHelp() []key.Binding {
	if m.checking {
		return []key.Binding{m.c.keys.Back}
	}
	ks := []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "push"))}
	if len(m.fields) > 1 {
		ks = append(ks, m.c.keys.NextField, m.c.keys.PrevField)
	}
	return append(ks, m.c.keys.Back)
}
