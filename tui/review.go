package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// reviewModel shows every setting (secrets masked, with their kind) and the
// Harness YAML that will be exported, in a scrollable viewport. e or 1-5
// jump back to a step; enter goes on to the connection test.
type reviewModel struct {
	c    *common
	vp   viewport.Model
	yaml string
	err  error
}

func newReview(c *common) *reviewModel { return &reviewModel{c: c} }

// Init renders the settings and the export afresh.
func (m *reviewModel) Init() tea.Cmd {
	conn := m.c.st.connector()
	data, err := export.HarnessYAML(conn)
	m.yaml, m.err = string(data), err
	m.vp = viewport.New(max(m.c.width-2, 20), m.c.bodyHeight())
	m.vp.SetContent(m.content(conn))
	return nil
}

func (m *reviewModel) content(c wizard.Connector) string {
	s := m.c.styles
	var b strings.Builder
	for _, sec := range reviewSections(c, m.c.st) {
		b.WriteString(s.Label.Render(sec.title) + "\n")
		for _, row := range sec.rows {
			fmt.Fprintf(&b, "  %-16s %s\n", row[0]+":", row[1])
		}
	}
	if ws := c.Warnings(m.c.now()); len(ws) > 0 {
		b.WriteString(s.Label.Render("Warnings") + "\n")
		for _, w := range ws {
			b.WriteString(s.Warn.Render("  ! "+w) + "\n")
		}
	}
	b.WriteString(s.Label.Render("Harness YAML (exported)") + "\n")
	if m.err != nil {
		b.WriteString(s.Problem.Render("  the export failed: "+m.err.Error()) + "\n")
	} else {
		b.WriteString(s.Code.Render(strings.TrimRight(m.yaml, "\n")) + "\n")
	}
	return b.String()
}

type reviewSection struct {
	title string
	rows  [][2]string
}

// reviewSections lists every setting step by step; secrets are masked and
// named by kind.
func reviewSections(c wizard.Connector, st *state) []reviewSection {
	or := func(v, empty string) string {
		if strings.TrimSpace(v) == "" {
			return empty
		}
		return v
	}
	secs := []reviewSection{
		{fmt.Sprintf("1 %s", wizard.StepOverview.Title()), [][2]string{
			{"Name", c.Name},
			{"Id", c.ID},
			{"Description", or(c.Description, "(none)")},
			{"Tags", or(wizard.FormatTags(c.Tags), "(none)")},
		}},
		{fmt.Sprintf("2 %s", wizard.StepDetails.Title()), [][2]string{
			{"Edition", c.Edition.Label()},
			{"URL type", c.URLType.Label()},
			{"Connection", c.Connection.Label()},
			{"URL", c.URL},
		}},
	}
	switch {
	case c.URLType == wizard.Account && strings.TrimSpace(c.TestRepo) == "":
		secs[1].rows = append(secs[1].rows, [2]string{"Test repository", "(none yet: pick it from the list before the test)"})
	case c.URLType == wizard.Account:
		secs[1].rows = append(secs[1].rows, [2]string{"Test repository", c.TestRepo}, [2]string{"Test URL", c.TestURL()})
	}
	cred := reviewSection{title: fmt.Sprintf("3 %s", wizard.StepCredentials.Title())}
	if c.Connection == wizard.HTTP {
		cred.rows = [][2]string{
			{"Username", c.EffectiveUsername()},
			{"Password", masked(st.secrets.Password, c.PasswordKind.Label())},
		}
	} else {
		cred.rows = [][2]string{{"SSH key", tildeHome(st.home, c.SSHKeyPath)}}
		if st.secrets.SSHPassphrase != "" {
			cred.rows = append(cred.rows, [2]string{"Passphrase", masked(st.secrets.SSHPassphrase, "key passphrase")})
		}
	}
	api := reviewSection{title: fmt.Sprintf("4 %s", wizard.StepAPIAccess.Title()), rows: [][2]string{{"API access", c.APIAccess.Label()}}}
	if c.APIAccess != wizard.APINone {
		if c.APIEmail != "" {
			api.rows = append(api.rows, [2]string{"Email", c.APIEmail})
		}
		if c.APIUsername != "" {
			api.rows = append(api.rows, [2]string{"Username", c.APIUsername})
		}
		tok := masked(st.secrets.APIToken, apiTokenTitle(c.APIAccess))
		if !c.NeedsSeparateAPIToken() {
			tok = "the " + tokenName(c.PasswordKind) + " from Credentials"
		}
		api.rows = append(api.rows, [2]string{"Token", tok})
	}
	conn := reviewSection{title: fmt.Sprintf("5 %s", wizard.StepConnectivity.Title()), rows: [][2]string{{"Mode", c.Connectivity.Label()}}}
	if c.Connectivity == wizard.ViaDelegate {
		conn.rows = append(conn.rows, [2]string{"Delegates", or(strings.Join(c.DelegateSelectors, ", "), "any available delegate")})
	}
	if c.CAFile != "" {
		conn.rows = append(conn.rows, [2]string{"CA bundle", tildeHome(st.home, c.CAFile)})
	}
	scope := string(c.Scope)
	if c.Org != "" {
		scope += " (org " + c.Org
		if c.Project != "" {
			scope += ", project " + c.Project
		}
		scope += ")"
	}
	conn.rows = append(conn.rows, [2]string{"Harness scope", scope})
	return append(secs, cred, api, conn)
}

// masked shows that a secret is set, and of which kind, never its value.
func masked(v, kind string) string {
	if v == "" {
		return "(not given) " + kind
	}
	return "•••••• (" + kind + ")"
}

// Update implements component.
func (m *reviewModel) Update(msg tea.Msg) (component, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.c.keys.Back), key.Matches(k, m.c.keys.PrevStep):
		return m, navCmd(placeReview, evBack)
	case key.Matches(k, m.c.keys.Edit):
		return m, jumpCmd(placeReview, wizard.StepDetails, "")
	case key.Matches(k, m.c.keys.Jump):
		n := int(k.Runes[0] - '1')
		return m, jumpCmd(placeReview, wizard.SettingSteps[n], "")
	case key.Matches(k, m.c.keys.Save):
		if m.err != nil {
			return m, nil
		}
		return m, navCmd(placeReview, evNext)
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

// Title implements component.
func (m *reviewModel) Title() string { return wizard.StepReview.Title() }

// View implements component.
func (m *reviewModel) View() string { return m.vp.View() }

// SetSize implements component.
func (m *reviewModel) SetSize(w, _ int) {
	m.vp.Width, m.vp.Height = max(w-2, 20), m.c.bodyHeight()
}

// ShortHelp implements component.
func (m *reviewModel) ShortHelp() []key.Binding {
	return []key.Binding{m.c.keys.Save, m.c.keys.Jump, m.c.keys.Edit, m.c.keys.Down, m.c.keys.Back, m.c.keys.Quit}
}
