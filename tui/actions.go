package tui

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

// pick carries out the picker's choice: it sets up the state for the
// errand, then the navigation shows where it starts. A rotation that
// cannot run says why on the picker.
func (m *Model) pick(msg pickMsg) tea.Cmd {
	d := m.c.deps
	m.out = nil
	switch msg.action {
	case ActionNew:
		m.c.st = newState(nil, d)
	case ActionDelete:
		m.pickerErr = m.deleteProfile(msg.prof)
	case ActionRotate:
		if err := canRotate(d, msg.prof.Connector); err != nil {
			m.pickerErr = err
			return m.openPicker()
		}
		prof := msg.prof
		m.c.st = newRotationState(prof.Connector, &prof, d)
	case ActionEdit, ActionTest, ActionExport:
		c := msg.prof.Connector
		m.c.st = newState(&c, d)
		m.c.st.stored = true
		m.c.st.useProfile(&msg.prof)
		m.loadSecrets()
	}
	m.resetSteps()
	if msg.action == ActionDelete {
		// The picker is where the wizard is: show it again, refreshed.
		m.nav = m.nav.next(navInput{ev: evPick, action: msg.action}, m.facts())
		return m.openPicker()
	}
	return m.move(navInput{ev: evPick, action: msg.action}, "")
}

// canRotate says why the wizard cannot rotate c's tokens, nil when it can.
func canRotate(d *Deps, c wizard.Connector) error {
	if d.Rotator == nil {
		return errors.New("rotating in the wizard is not available here: use bbconnect rotate " + c.ID)
	}
	if len(c.SecretSlots()) == 0 {
		return fmt.Errorf("%s has no token to rotate: its ssh key has no api access; edit it to use another key", c.ID)
	}
	return nil
}

// openPicker shows the saved connectors afresh, with what the last
// errand left to say.
func (m *Model) openPicker() tea.Cmd {
	var profiles []Profile
	if p, ok := m.pages[placePicker].(*pickerModel); ok {
		profiles = p.profiles
	}
	if d := m.c.deps; d.Profiles != nil {
		if ps, err := d.Profiles.List(); err == nil {
			profiles = ps
		}
	}
	p := newPicker(m.c, profiles)
	p.err, m.pickerErr = m.pickerErr, nil
	p.SetSize(m.c.width, m.c.height)
	m.pages[placePicker], m.shown = p, placePicker
	return p.Init()
}

// recordTest keeps how the picker's test of a saved connector ended in
// its profile, as bbconnect test does: nothing else is written.
func (m *Model) recordTest() {
	t, d := m.testPage(), m.c.deps
	if t == nil || t.report == nil || d.Profiles == nil {
		return
	}
	conn := m.c.st.connector()
	meta := SaveMeta{LastTest: &TestResult{At: d.now(), OK: t.report.OK, Summary: testSummary(*t.report)}}
	if _, err := d.Profiles.Save(conn, meta); err != nil {
		m.pickerErr = fmt.Errorf("recording the test of %s failed: %w", conn.ID, err)
	}
}

// export writes the export of the saved connector picked.
func (m *Model) export() tea.Cmd {
	d, conn := m.c.deps, m.c.st.connector()
	m.pages[placeExported] = newSaved(m.c, saveOutcome{conn: conn, exportOnly: true, pending: true})
	return func() tea.Msg { return savedMsg{out: exportOnly(d, conn)} }
}

// loadSecrets reads the stored secrets into memory for a test or an edit.
func (m *Model) loadSecrets() {
	d, st := m.c.deps, m.c.st
	if d.Secrets == nil {
		return
	}
	id := st.c.ID
	get := func(slot wizard.SecretSlot) string {
		v, err := d.Secrets.Get(id, slot)
		if err != nil {
			return ""
		}
		return v
	}
	conn := st.connector()
	for _, slot := range conn.SecretSlots() {
		switch slot {
		case wizard.SlotPassword:
			st.secrets.Password = get(slot)
		case wizard.SlotAPIToken:
			st.secrets.APIToken = get(slot)
		case wizard.SlotSSHKey:
		}
	}
	if conn.Connection == wizard.SSH {
		st.secrets.SSHPassphrase = get(wizard.SlotSSHKey)
	}
	st.loaded = st.secrets
}

// deleteProfile removes the profile and its keychain items, and says
// what failed.
func (m *Model) deleteProfile(p Profile) error {
	d := m.c.deps
	id := p.Connector.ID
	var err error
	if d.Profiles != nil {
		err = d.Profiles.Delete(id)
	}
	if err == nil && d.Secrets != nil {
		for _, slot := range []wizard.SecretSlot{wizard.SlotPassword, wizard.SlotAPIToken, wizard.SlotSSHKey} {
			if e := d.Secrets.Delete(id, slot); e != nil && err == nil {
				err = e
			}
		}
	}
	if err != nil {
		return fmt.Errorf("deleting %s failed: %w", id, err)
	}
	return nil
}

// exportOnly writes the export of a saved connector.
func exportOnly(d *Deps, conn wizard.Connector) saveOutcome {
	out := saveOutcome{conn: conn, exportOnly: true}
	data, err := harnessYAML(conn)
	if err != nil {
		out.err = fmt.Errorf("the export failed: %w", err)
		return out
	}
	out.yaml = data
	if d.Exports != nil {
		p, err := d.Exports.WriteExport(conn.ID, data)
		if err != nil {
			out.err = fmt.Errorf("writing the export failed: %w", err)
			return out
		}
		out.exportPath = p
	}
	return out
}
