package rotate

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// The journal records how far a rotation got, so that the next run can
// finish it or roll it back. It holds no secret: the new values wait in
// the keychain's staging items ("<id>/<slot>.next").
//
// States, in order:
//
//	staging  — written before the first staging item; the new values may
//	           be (partly) staged; not yet tested. Recovery rolls back:
//	           the main items were never touched.
//	remote   — written after the live test passed, before the remote copy
//	           (Harness) is changed, for a connector that has one. Recovery
//	           rolls back both sides: it puts the remote copy back (the old
//	           values are still in the main items) and then drops the
//	           staging items. Without a way to reach the remote, the
//	           journal stays and the next run tries again.
//	swapping — written only after every staging item was read back and
//	           the live test passed (and the remote test, when there is a
//	           remote step: the remote then holds the new values). Recovery rolls forward: it copies each
//	           staging item that is still there over its main item, then
//	           writes the profile, drops unneeded items and the staging
//	           items. Staging items are deleted only after every main item
//	           holds the new value, so a missing staging item means its main
//	           item is already done.
const (
	stateStaging  = "staging"
	stateRemote   = "remote"
	stateSwapping = "swapping"
)

// journalSchema is the version of the journal format.
const journalSchema = 1

// A journal belongs to one rotation: Rotation is its random id, and no
// rotation replaces or removes a journal that is not its own. Profile is
// the Created time of the profile it rotates, so that a journal left
// behind by a connector that was deleted and saved anew is never applied
// to the new one.
type journal struct {
	Schema    int                                     `json:"schema"`
	ID        string                                  `json:"id"`
	Rotation  string                                  `json:"rotation,omitempty"`
	Profile   time.Time                               `json:"profile_created,omitzero"`
	State     string                                  `json:"state"`
	Slots     []wizard.SecretSlot                     `json:"slots"`
	Drop      []wizard.SecretSlot                     `json:"drop,omitempty"`
	Connector wizard.Connector                        `json:"connector"`
	Tokens    map[wizard.SecretSlot]profile.TokenMeta `json:"tokens"`
	Tested    bool                                    `json:"tested"`
	Migrated  bool                                    `json:"migrated,omitempty"`
	Started   time.Time                               `json:"started"`
	// Remote is the remote step (Harness), nil for a local-only rotation;
	// RemoteTest is the remote's test once it passed.
	Remote     *RemoteStep         `json:"remote,omitempty"`
	RemoteTest *profile.TestResult `json:"remote_test,omitempty"`
}

func encodeJournal(j journal) ([]byte, error) {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("cannot encode the rotation record of %s: %w", j.ID, err)
	}
	return append(b, '\n'), nil
}

// parseJournal reads a journal file's bytes and checks that it is one this
// build can act on.
func parseJournal(data []byte) (journal, error) {
	var j journal
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&j); err != nil {
		return journal{}, fmt.Errorf("not a rotation record: %w", err)
	}
	if dec.More() {
		return journal{}, errors.New("not a rotation record: extra data at the end")
	}
	switch {
	case j.Schema != journalSchema:
		return journal{}, fmt.Errorf("rotation record version %d is not %d", j.Schema, journalSchema)
	case j.ID == "" || j.Connector.ID != j.ID:
		return journal{}, errors.New("rotation record names no connector, or two")
	case j.State != stateStaging && j.State != stateRemote && j.State != stateSwapping:
		return journal{}, fmt.Errorf("rotation record state %q is unknown", j.State)
	case len(j.Slots) == 0:
		return journal{}, errors.New("rotation record lists no secret")
	case j.State == stateRemote && j.Remote == nil:
		return journal{}, errors.New("rotation record is at the harness step but names no harness step")
	}
	if j.Remote != nil {
		if err := j.Remote.check(); err != nil {
			return journal{}, fmt.Errorf("rotation record: %w", err)
		}
	}
	for _, s := range append(append([]wizard.SecretSlot{}, j.Slots...), j.Drop...) {
		if !knownSlot(s) {
			return journal{}, fmt.Errorf("rotation record names an unknown secret %q", s)
		}
	}
	return j, nil
}

func knownSlot(s wizard.SecretSlot) bool {
	return s == wizard.SlotPassword || s == wizard.SlotAPIToken || s == wizard.SlotSSHKey
}

// newRotationID is a random id for one rotation.
func newRotationID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeJournal records j, only over no journal or j's own.
func (r *Rotator) writeJournal(j journal) error {
	if err := r.checkOwn(j); err != nil {
		return err
	}
	b, err := encodeJournal(j)
	if err != nil {
		return err
	}
	if err := profile.WriteFileAtomic(r.Store.JournalPath(j.ID), b); err != nil {
		return fmt.Errorf("cannot record the rotation of %s: %w", j.ID, err)
	}
	return nil
}

// readJournal returns the journal of id, or ok=false when there is none.
func (r *Rotator) readJournal(id string) (journal, bool, error) {
	path := r.Store.JournalPath(id)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return journal{}, false, nil
	}
	if err != nil {
		return journal{}, false, fmt.Errorf("cannot read the rotation record %s: %w", path, err)
	}
	j, err := parseJournal(data)
	if err != nil {
		return journal{}, false, fmt.Errorf("%s: %w: check the connector with bbconnect test %s, then remove the file", path, err, id)
	}
	if j.ID != id {
		return journal{}, false, fmt.Errorf("%s is the rotation record of %q, not %q: remove the file", path, j.ID, id)
	}
	return j, true, nil
}

// checkOwn refuses to touch a journal of id that belongs to another
// rotation than j (with the writer lock this never happens; it guards
// against a folder where locks do not work).
func (r *Rotator) checkOwn(j journal) error {
	cur, ok, err := r.readJournal(j.ID)
	switch {
	case err != nil:
		return err
	case ok && cur.Rotation != j.Rotation:
		return fmt.Errorf("the rotation record of %s belongs to another rotation (%s, started %s): nothing was changed; let that one finish, then try again",
			j.ID, cur.Rotation, cur.Started.Format(time.RFC3339))
	}
	return nil
}

// removeJournal removes j's journal, if it is still j's own.
func (r *Rotator) removeJournal(j journal) error {
	if err := r.checkOwn(j); err != nil {
		return err
	}
	err := os.Remove(r.Store.JournalPath(j.ID))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot remove the rotation record of %s: %w", j.ID, err)
	}
	return nil
}
