package tui

import (
	"context"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	"github.com/bbconnect/bbconnect/wizard/sshkey"

	tea "github.com/charmbracelet/bubbletea"
)

// When the test says Bitbucket refused the SSH key, the test screen offers
// to add the public key to the user's account through Bitbucket's API
// (KeyAdder), as gh offers when it makes a key; where the API cannot, it
// says why, and the check's fix names the page to paste it on.

// keyAddedMsg reports KeyAdder.AddKey's outcome.
type keyAddedMsg struct {
	where string
	err   error
}

// keyAddTimeout bounds the two API calls of adding a key.
const keyAddTimeout = 30 * time.Second

// refusedKey is the public key (an authorized_keys line) the finished test
// says Bitbucket refused, "" when none was.
func (m *testModel) refusedKey() string {
	if m.running || m.report == nil || m.c.st.c.Connection != wizard.SSH {
		return ""
	}
	for _, name := range m.order {
		if ch, ok := m.checks[name]; ok && ch.Status == conntest.Fail && strings.HasPrefix(ch.Diagnosis, sshkey.NotAccepted) {
			info, err := sshkey.Inspect(sshkey.ExpandHomeIn(m.c.st.home, m.c.st.c.SSHKeyPath))
			if err != nil {
				return ""
			}
			return info.AuthorizedKey
		}
	}
	return ""
}

// keyAdder is the tester's KeyAdder when the connector's API access can
// add the refused key; why says otherwise.
func (m *testModel) keyAdder() (adder KeyAdder, why string) {
	if m.refusedKey() == "" {
		return nil, ""
	}
	a, ok := m.c.deps.Tester.(KeyAdder)
	if !ok {
		return nil, ""
	}
	if can, why := a.CanAddKey(m.c.st.connector()); !can {
		return nil, why
	}
	return a, ""
}

// addKey adds the refused key off the event loop.
func (m *testModel) addKey(a KeyAdder) tea.Cmd {
	st := m.c.st
	conn, secrets, pub, label := st.connector(), st.secretsFor(st.connector()), m.refusedKey(), keyLabel(st)
	m.adding, m.keyNote = true, ""
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), keyAddTimeout)
		defer cancel()
		where, err := a.AddKey(ctx, conn, secrets, pub, label)
		return keyAddedMsg{where: where, err: err}
	}
}

// keyAdded shows the outcome; an added key is tested again at once.
func (m *testModel) keyAdded(msg keyAddedMsg) tea.Cmd {
	m.adding = false
	if msg.err != nil {
		m.keyNote = m.c.styles.Fail.Render("✗ the key was not added: " + msg.err.Error())
		return nil
	}
	m.keyNote = m.c.styles.Pass.Render("✓ public key " + msg.where)
	return m.Init()
}

// keyView is the test screen's offer to add the refused key, or why it cannot.
func (m *testModel) keyView() string {
	s := m.c.styles
	if m.adding {
		return "adding the public key to Bitbucket…\n\n"
	}
	out := ""
	if m.keyNote != "" {
		out = m.keyNote + "\n\n"
	}
	a, why := m.keyAdder()
	switch {
	case a != nil:
		out += s.Warn.Render("! Bitbucket does not know this SSH key yet.") + "\n" +
			"  press k to add its public key to your Bitbucket account through the API\n" +
			"  (with the API access credentials), then the test runs again.\n\n"
	case why != "":
		out += s.Faint.Render("the api cannot add the key here: "+why+"; paste it as the fix says.") + "\n\n"
	}
	return out
}
