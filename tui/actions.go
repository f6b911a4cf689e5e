package tui

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

// pick carries out the picker's choice.
func (m *Model) pick(msg pickMsg) tea.Cmd {
	d := m.c.deps
	m.action = msg.action
	switch msg.action {
	case ActionNew:
		m.c.st = newState(nil, d)
		m.resetSteps()
		m.rotating = false
		return m.goTo(wizard.StepOverview)
	case ActionDelete:
		return m.deleteProfile(msg.prof)
	case ActionRotate:
		if d.Rotator == nil {
			m.picker.err = errors.New("rotating in the wizard is not available here: use bbconnect rotate " + msg.prof.Connector.ID)
			m.screen = screenPicker
			return nil
		}
		prof := msg.prof
		if c := prof.Connector; len(c.SecretSlots()) == 0 {
			m.picker.err = fmt.Errorf("%s has no token to rotate: its ssh key has no api access; edit it to use another key", c.ID)
			m.screen = screenPicker
			return nil
		}
		m.prepareRotation(prof.Connector, &prof)
		return m.steps[wizard.StepCredentials].Init()
	case ActionEdit, ActionTest, ActionExport:
	}
	c := msg.prof.Connector
	m.c.st = newState(&c, d)
	m.c.st.stored = true
	m.c.st.useProfile(&msg.prof)
	m.resetSteps()
	m.rotating = false
	m.loadSecrets()
	switch msg.action {
	case ActionTest:
		return m.goTo(wizard.StepTest)
	case ActionExport:
		conn := m.c.st.connector()
		return func() tea.Msg { return savedMsg{out: exportOnly(d, conn)} }
	case ActionEdit, ActionNew, ActionDelete, ActionRotate:
	}
	return m.goTo(wizard.StepReview)
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

// deleteProfile removes the profile and its keychain items, then shows the
// picker again.
func (m *Model) deleteProfile(p Profile) tea.Cmd {
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
	profiles := m.picker.profiles
	if d.Profiles != nil {
		if ps, lerr := d.Profiles.List(); lerr == nil {
			profiles = ps
		}
	}
	m.picker = newPicker(m.c, profiles)
	if err != nil {
		m.picker.err = fmt.Errorf("deleting %s failed: %w", id, err)
	}
	m.screen = screenPicker
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
