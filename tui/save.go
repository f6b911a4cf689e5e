package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// saveOutcome is what saving wrote, and where.
type saveOutcome struct {
	conn        wizard.Connector
	yaml        []byte
	profilePath string
	keychain    []string
	exportPath  string
	untested    bool
	exportOnly  bool
	// pending is set while the save runs (the Saved screen waits).
	pending bool
	// rotation is set for a rotation; summary and recovered are its
	// sentences.
	rotation bool
	// edit is set for a saved connector that was edited; migrated for a
	// rotation that moved it off App Passwords (its settings changed);
	// inHarness for a rotation that updated Harness too.
	edit      bool
	migrated  bool
	inHarness bool
	summary   string
	recovered string
	err       error
}

// saveConnector stores the secrets, then the profile (with meta: the new
// tokens, their expiry, the last test), then the export, holding the
// connector's writer lock (Deps.Lock). It stops at the first failure, so
// a profile never points at a secret that was not stored. Errors never
// carry a secret value.
func saveConnector(ctx context.Context, d *Deps, conn wizard.Connector, sec Secrets, meta SaveMeta, untested bool) saveOutcome {
	out, ok := withYAML(saveOutcome{conn: conn, untested: untested})
	if !ok {
		return out
	}
	if d.Lock != nil {
		unlock, err := d.Lock(ctx, conn.ID)
		if err != nil {
			out.err = fmt.Errorf("nothing was saved: %w", err)
			return out
		}
		defer unlock()
	}
	if d.Secrets != nil {
		for _, slot := range conn.StoredSlots(sec.SSHPassphrase != "") {
			v := sec.Value(slot)
			if v == "" {
				continue
			}
			where, err := d.Secrets.Set(conn.ID, slot, v)
			if err != nil {
				out.err = fmt.Errorf("storing the %s in the keychain failed: %s", slot, sec.RedactErr(err))
				return out
			}
			out.keychain = append(out.keychain, where)
		}
	}
	if d.Profiles != nil {
		p, err := d.Profiles.Save(conn, meta)
		if err != nil {
			out.err = fmt.Errorf("saving the profile failed: %w", err)
			return out
		}
		out.profilePath = p
	}
	return writeExport(d, out)
}

// rotateConnector has the Rotator test the new tokens and put them in
// place, then writes the export (which changes when the connector moved
// off App Passwords). Without a Rotator nothing is changed: writing the
// keychain directly would lose the guarantee that a working token is kept.
func rotateConnector(ctx context.Context, d *Deps, r Rotation) saveOutcome {
	out, ok := withYAML(saveOutcome{conn: r.Connector, rotation: true})
	if !ok {
		return out
	}
	if d.Rotator == nil {
		out.err = fmt.Errorf("token rotation is not available here: nothing was changed; run bbconnect rotate %s", r.Connector.ID)
		return out
	}
	res, err := d.Rotator.Rotate(ctx, r)
	out.summary, out.recovered = res.Summary, res.Recovered
	if err != nil {
		out.err = errors.New(r.Secrets.RedactErr(err))
		return out
	}
	out.keychain, out.profilePath, out.untested, out.inHarness = res.Keychain, res.ProfilePath, !res.Tested, res.InHarness
	return writeExport(d, out)
}

// withYAML puts the Harness YAML of out's connector in out; when it cannot
// be made, ok is false and out.err says why.
func withYAML(out saveOutcome) (_ saveOutcome, ok bool) {
	data, err := export.HarnessYAML(out.conn)
	if err != nil {
		out.err = fmt.Errorf("the export failed: %w", err)
		return out, false
	}
	out.yaml = data
	return out, true
}

// writeExport writes out's export, when there is an export folder.
func writeExport(d *Deps, out saveOutcome) saveOutcome {
	if d.Exports == nil {
		return out
	}
	p, err := d.Exports.WriteExport(out.conn.ID, out.yaml)
	if err != nil {
		out.err = fmt.Errorf("writing the export failed: %w", err)
		return out
	}
	out.exportPath = p
	return out
}

// saveMeta is what the profile keeps besides the settings: which tokens
// were typed in this run, when the tokens expire, and the last test.
func (st *state) saveMeta(conn wizard.Connector, sec Secrets, report *conntest.Report, at time.Time) SaveMeta {
	var meta SaveMeta
	for _, slot := range conn.StoredSlots(sec.SSHPassphrase != "") {
		if v := sec.Value(slot); v != "" && v != st.loaded.Value(slot) {
			meta.NewTokens = append(meta.NewTokens, slot)
		}
	}
	for _, slot := range wizard.AllSlots {
		if t := sec.Expires(slot); !t.IsZero() {
			if meta.Expires == nil {
				meta.Expires = map[wizard.SecretSlot]time.Time{}
			}
			meta.Expires[slot] = t
		}
	}
	if report != nil {
		meta.LastTest = &TestResult{At: at, OK: report.OK, Summary: report.Summary()}
	}
	return meta
}

// save starts saving what was typed (see startSave); the Saved screen
// waits for it, and Ctrl+C meanwhile stops it.
func (m *Model) save() tea.Cmd {
	var report *conntest.Report
	if t := m.testPage(); t != nil {
		report = t.report
	}
	ctx, cancel := context.WithCancel(m.context())
	m.saveCancel = cancel
	pending, run := startSave(ctx, m.c.st, m.nav.action, report)
	page := newSaved(m.c, pending)
	m.pages[placeSaving], m.pages[placeStopping], m.pages[placeSaved] = page, page, page
	m.shown = placeSaving
	return func() tea.Msg { return savedMsg{out: run()} }
}

// startSave prepares saving what was typed, after report (nil: no test
// ran): the rotation of a saved connector's tokens, or the connector with
// its secrets, profile and export. An edit of a saved connector that
// replaces a token is a rotation too (when a Rotator is wired), so an
// interrupted edit keeps a working token; cancelling ctx stops a rotation,
// which then keeps the old token. It returns what the screen shows while
// run works. Both front ends save here.
func startSave(ctx context.Context, st *state, action Action, report *conntest.Report) (pending saveOutcome, run func() saveOutcome) {
	d := st.d
	conn := st.connector()
	sec := st.secretsFor(conn)
	untested := report == nil || !report.OK
	meta := st.saveMeta(conn, sec, report, d.now())
	rotating := action == ActionRotate
	edit := st.stored && !rotating
	r := Rotation{Connector: conn, Secrets: sec, HostKey: st.trustedKeyFor(conn)}
	if edit && d.Rotator != nil && len(meta.NewTokens) > 0 {
		rotating, r.Secrets = true, sec.Only(meta.NewTokens...)
	}
	if edit {
		// Only what was typed in this run is written: a token the edit
		// loaded and kept may have been rotated by another bbconnect since,
		// and writing it back would undo that rotation.
		sec = sec.Only(meta.NewTokens...)
	}
	mark := func(out saveOutcome) saveOutcome {
		out.edit, out.migrated = edit, len(st.rot.plan) > 0
		return out
	}
	pending = mark(saveOutcome{conn: conn, pending: true, rotation: rotating})
	if rotating {
		return pending, func() saveOutcome { return mark(rotateConnector(ctx, d, r)) }
	}
	return pending, func() saveOutcome { return mark(saveConnector(ctx, d, conn, sec, meta, untested)) }
}

// endSave releases the finished save's context.
func (m *Model) endSave() {
	if m.saveCancel != nil {
		m.saveCancel()
		m.saveCancel = nil
	}
}

// context is the wizard's context (Run's), for the work it starts.
func (m *Model) context() context.Context {
	if m.ctx == nil {
		return context.Background()
	}
	return m.ctx
}

// savingView is the Saved screen while the save runs.
func savingView(s Styles, o saveOutcome) string {
	if !o.rotation {
		return s.Faint.Render("saving…")
	}
	return s.Faint.Render("rotating: the new token is tested once more, then stored beside the old one, read back and put in place…") + "\n\n" +
		"The old token stays in use until the new one is in place: ctrl+c stops the rotation before that."
}
