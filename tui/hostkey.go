package tui

import (
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// trustedHostKey is an SSH host key the user trusted on the test screen by
// its fingerprint, for this run only: it is not written to known_hosts.
type trustedHostKey struct {
	host        string // host[:port] of the connector's SSH URL
	fingerprint string // "SHA256:…"
}

// sshHost is the host (with its port when not 22) the SSH URL of c names,
// or "" for an HTTP connector or a URL that does not parse.
func sshHost(c wizard.Connector) string {
	if c.Connection != wizard.SSH {
		return ""
	}
	p, err := wizard.ParseCloneURL(c.URL)
	if err != nil || p.Host == "" {
		return ""
	}
	if p.Port != "" {
		return p.Host + ":" + p.Port
	}
	return p.Host
}

// trustedKeyFor is the fingerprint the user trusted for the SSH host of c,
// or "" when none was (or it was for another host).
func (st *state) trustedKeyFor(c wizard.Connector) string {
	h := sshHost(c)
	if h == "" || st.hostKey.fingerprint == "" || !strings.EqualFold(st.hostKey.host, h) {
		return ""
	}
	return st.hostKey.fingerprint
}

// unknownHostKey is the fingerprint of the unknown SSH host key the
// finished test reported, when the tester can run again trusting it.
func (m *testModel) unknownHostKey() string {
	if m.running || m.report == nil {
		return ""
	}
	return unknownHostKeyOf(m.c.deps.Tester, m.ordered())
}

// unknownHostKeyOf is the fingerprint of the unknown SSH host key a
// failing check reports, when tester can run again trusting it ("" else).
func unknownHostKeyOf(tester Tester, checks []conntest.Check) string {
	if _, ok := tester.(HostKeyTester); !ok {
		return ""
	}
	for _, ch := range checks {
		if ch.Status == conntest.Fail && ch.HostKeyFingerprint != "" {
			return ch.HostKeyFingerprint
		}
	}
	return ""
}

// trustHostKey keeps the fingerprint for the connector's host and tests again.
func (m *testModel) trustHostKey(fp string) {
	conn := m.c.st.connector()
	m.c.st.hostKey = trustedHostKey{host: sshHost(conn), fingerprint: fp}
}

// hostKeyView is what the test screen says about the SSH host key: the
// unknown key to compare and trust, or the key trusted for this run.
func (m *testModel) hostKeyView() string {
	s := m.c.styles
	conn := m.c.st.connector()
	host := orNot(sshHost(conn), "the ssh host")
	if fp := m.unknownHostKey(); fp != "" {
		return s.Warn.Render("! unknown ssh host key of "+host+":") + "\n" +
			"    " + s.Label.Render(fp) + "\n" +
			"  compare it with the fingerprint your bitbucket admin publishes; if they\n" +
			"  match, press a to trust it for this run and test again.\n\n"
	}
	if fp := m.c.st.trustedKeyFor(conn); fp != "" && m.report != nil {
		return s.Pass.Render("✓ ssh host key of "+host+" trusted (this run only):") + "\n" +
			"    " + fp + "\n\n"
	}
	return ""
}

// hostKeyNote is the Saved screen's line about an SSH host key the user
// trusted by its fingerprint, "" when none was.
func hostKeyNote(st *state, c wizard.Connector) string {
	fp := st.trustedKeyFor(c)
	if fp == "" {
		return ""
	}
	return "! ssh host key of " + sshHost(c) + " confirmed by its fingerprint:\n" +
		"    " + fp + " (this run only)\n  add it to ~/.ssh/known_hosts so that later tests trust it\n"
}
