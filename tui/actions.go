package tui

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// pick carries out the picker's choice: it sets up the state for the
// errand, then the navigation shows where it starts. An errand that
// cannot start (a rotation without a rotator) says why on the picker.
func (m *Model) pick(msg pickMsg) tea.Cmd {
	if msg.action != ActionNew && !m.keychainReady() {
		// Every errand but a new connector reads or removes secrets.
		return m.whenReady(func() tea.Cmd { return m.pick(msg) })
	}
	m.out = nil
	if msg.action == ActionDelete {
		m.pickerErr = deleteProfile(m.c.deps, msg.prof)
		m.nav = m.nav.next(navInput{ev: evPick, action: msg.action}, m.facts())
		return m.openPicker() // refreshed
	}
	st, err := errandState(m.c.deps, msg.action, msg.prof)
	if err != nil {
		m.pickerErr = err
		return m.openPicker()
	}
	m.c.st = st
	m.resetSteps()
	if msg.action == ActionPush && m.c.harness == nil && m.c.deps.Harness != nil {
		a := m.c.deps.Harness.Access(m.c.context()) // p came before the check's answer
		m.c.harness = &a
	}
	return m.move(navInput{ev: evPick, action: msg.action}, "")
}

// errandState is the state the errand a on the saved connector p starts
// from (a new connector's for ActionNew), or why it cannot start. Both
// front ends start their errands here.
func errandState(d *Deps, a Action, p Profile) (*state, error) {
	switch a {
	case ActionNew, ActionDelete:
		return newState(nil, d), nil
	case ActionRotate:
		if err := canRotate(d, p.Connector); err != nil {
			return nil, err
		}
		return newRotationState(p.Connector, &p, d), nil
	case ActionEdit, ActionTest, ActionExport, ActionPush:
	}
	c := p.Connector
	st := newState(&c, d)
	st.stored = true
	st.useProfile(&p)
	st.lastTest = p.LastTest
	st.loadSecrets()
	return st, nil
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
	return tea.Batch(p.Init(), m.checkHarness())
}

// recordTest keeps how a picker's test of a saved connector ended in its
// profile, as bbconnect test does: nothing else is written. It says what
// failed.
func recordTest(d *Deps, conn wizard.Connector, report *conntest.Report) error {
	if report == nil || d.Profiles == nil {
		return nil
	}
	meta := SaveMeta{LastTest: &TestResult{At: d.now(), OK: report.OK, Summary: report.Summary()}}
	if _, err := d.Profiles.Save(conn, meta); err != nil {
		return fmt.Errorf("recording the test of %s failed: %w", conn.ID, err)
	}
	return nil
}

// export writes the export of the saved connector picked.
func (m *Model) export() tea.Cmd {
	d, conn := m.c.deps, m.c.st.connector()
	m.pages[placeExported] = newSaved(m.c, saveOutcome{conn: conn, exportOnly: true, pending: true})
	return func() tea.Msg { return savedMsg{out: exportOnly(d, conn)} }
}

// loadSecrets reads the stored secrets into memory for a test or an edit.
func (st *state) loadSecrets() {
	d := st.d
	if d == nil || d.Secrets == nil {
		return
	}
	id := st.c.ID
	st.unreadable = nil
	get := func(slot wizard.SecretSlot) string {
		v, err := d.Secrets.Get(id, slot)
		if err != nil {
			st.unreadable = append(st.unreadable, wizard.UnreadableSecret(id, slot, err))
			return ""
		}
		return v
	}
	for _, slot := range st.connector().StoredSlots(true) {
		st.secrets.Set(slot, get(slot))
	}
	st.loaded = st.secrets
}

// deleteProfile removes the profile and its keychain items, and says
// what failed.
func deleteProfile(d *Deps, p Profile) error {
	id := p.Connector.ID
	var err error
	if d.Profiles != nil {
		err = d.Profiles.Delete(id)
	}
	if err == nil && d.Secrets != nil {
		for _, slot := range wizard.AllSlots {
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
	out, ok := withYAML(saveOutcome{conn: conn, exportOnly: true})
	if !ok {
		return out
	}
	return writeExport(d, out)
}
