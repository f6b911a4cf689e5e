package rotate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// Remote is the copy of a connector kept elsewhere (Harness) that a
// rotation updates too. The Rotator calls it between the local test of the
// new token and the local swap, and journals the step first, so that a
// crash is finished or rolled back on both sides by the next run:
//
//   - Prepare only reads: what the rotation will change remotely.
//   - Apply writes the new values there and runs the remote's own test; an
//     error (a refused call, a failed test) makes the Rotator Revert and
//     keep the old token locally.
//   - Revert puts the remote copy back as it was before Apply, whatever part
//     of Apply ran; it is idempotent, and it is what recovery runs for a
//     rotation interrupted while the remote side was being changed.
//
// This package never talks to the network itself: cmd/bbconnect/wire
// implements Remote with the Harness client.
type Remote interface {
	// Prepare returns the remote step of rotating p to next with new
	// values for slots (nil when p has no remote copy). It writes nothing.
	Prepare(ctx context.Context, p profile.Profile, next wizard.Connector, slots []wizard.SecretSlot) (*RemoteStep, error)
	// Apply writes values (one per slot of step.Secrets) remotely and runs
	// the remote test. A *RemoteTestError says the test ran and failed.
	Apply(ctx context.Context, step RemoteStep, values map[wizard.SecretSlot]string) (profile.TestResult, error)
	// Revert undoes Apply. For an update step, old holds the value each
	// slot of step.Secrets had before (the keychain's main items, which are
	// untouched until the swap); a repoint step needs none.
	Revert(ctx context.Context, step RemoteStep, old map[wizard.SecretSlot]string) error
}

// The kinds of remote step.
const (
	// RemoteUpdate puts the new value in the secrets the connector already
	// refers to (their old values are in the keychain, to put back).
	RemoteUpdate = "update"
	// RemoteRepoint creates new secrets and points the connector at them
	// (App Password migration, or a connector whose old values bbconnect
	// never had): no secret is overwritten, and Revert restores the
	// previous connector and deletes the new secrets.
	RemoteRepoint = "repoint"
)

// RemoteStep is what a rotation changes remotely, as journaled: where, which
// secrets, and for a repoint the connector objects before and after. Never
// a secret value.
type RemoteStep struct {
	Kind      string `json:"kind"`
	Account   string `json:"account"`
	URL       string `json:"url"`
	Org       string `json:"org,omitempty"`
	Project   string `json:"project,omitempty"`
	Connector string `json:"connector"` // the remote identifier
	// Secrets is the secret reference each rotated slot is written to:
	// the existing one (update) or the new one (repoint).
	Secrets map[wizard.SecretSlot]string `json:"secrets"`
	// OldSecrets are the secrets a repoint leaves unused, for the user to
	// delete (never deleted by Revert).
	OldSecrets []string `json:"old_secrets,omitempty"`
	// Previous and Next are the connector objects before and after a
	// repoint (secret references only).
	Previous json.RawMessage `json:"previous,omitempty"`
	Next     json.RawMessage `json:"next,omitempty"`
	// Tag marks what this rotation created (the rotation id), so that
	// Revert deletes only its own new secrets.
	Tag string `json:"tag,omitempty"`
}

// check says what is wrong with a journaled step.
func (s *RemoteStep) check() error {
	switch {
	case s.Kind != RemoteUpdate && s.Kind != RemoteRepoint:
		return fmt.Errorf("remote step kind %q is unknown", s.Kind)
	case s.Connector == "" || s.Account == "" || len(s.Secrets) == 0:
		return errors.New("remote step names no connector, account or secret")
	case s.Kind == RemoteRepoint && (len(s.Previous) == 0 || len(s.Next) == 0):
		return errors.New("remote repoint step lacks the connector objects")
	}
	for slot := range s.Secrets {
		if !knownSlot(slot) {
			return fmt.Errorf("remote step names an unknown secret %q", slot)
		}
	}
	return nil
}

// RemoteTestError is Apply's error when the remote test ran and failed.
type RemoteTestError struct {
	Summary string // the remote's error summary
}

// Error is the remote's summary.
func (e *RemoteTestError) Error() string { return "harness's test failed: " + e.Summary }

// RemoteFailedError is Rotate's error when the remote side refused the new
// token or its test failed: the remote copy was put back, and the old token
// stays in use locally.
type RemoteFailedError struct {
	ID  string
	Err error
}

// Error says what failed and that both sides keep the old token.
func (e *RemoteFailedError) Error() string {
	return fmt.Sprintf("%v; harness was put back as it was and %s keeps its old token here too (nothing changed)", e.Err, e.ID)
}

// Unwrap returns the remote's error.
func (e *RemoteFailedError) Unwrap() error { return e.Err }

// ErrNoRemote is matched by recovery's error for a journal that needs the
// remote side (Harness) when the Rotator has no Remote.
var ErrNoRemote = errors.New("harness is not reachable from this run")

// applyRemote journals the remote step and applies it; on failure it
// reverts it and rolls the local side back. On success j holds the remote
// test's result.
func (r *Rotator) applyRemote(ctx context.Context, j *journal, values map[wizard.SecretSlot]string) error {
	keep := context.WithoutCancel(ctx)
	j.State = stateRemote
	if err := r.writeJournal(*j); err != nil {
		return err
	}
	hook("journal-remote")
	res, err := r.Remote.Apply(ctx, *j.Remote, values)
	if err == nil {
		hook("remote-applied")
		j.RemoteTest = &res
		return nil
	}
	err = redact(err, values)
	if rbErr := r.revertRemote(keep, *j); rbErr != nil {
		return fmt.Errorf("%w; and harness could not be put back yet (%w): harness may hold the new token while %s keeps the old one here; bbconnect rotate %s (or any bbconnect command) retries putting harness back",
			err, redact(rbErr, values), j.ID, j.ID)
	}
	if rbErr := r.rollback(keep, *j); rbErr != nil {
		return fmt.Errorf("%w (harness was put back; the staged copy could not be cleaned up: %w; bbconnect retries on its next run)", err, rbErr)
	}
	return &RemoteFailedError{ID: j.ID, Err: err}
}

// revertRemote puts the remote side of j back, with the old values from the
// keychain's main items (untouched until the swap).
func (r *Rotator) revertRemote(ctx context.Context, j journal) error {
	if r.Remote == nil {
		return ErrNoRemote
	}
	var old map[wizard.SecretSlot]string
	if j.Remote.Kind == RemoteUpdate {
		old = map[wizard.SecretSlot]string{}
		for s := range j.Remote.Secrets {
			v, err := r.Secrets.Get(ctx, j.ID, s)
			if err != nil {
				return fmt.Errorf("cannot read the old %s of %s from the keychain: %w", s, j.ID, err)
			}
			old[s] = v
		}
	}
	if err := r.Remote.Revert(ctx, *j.Remote, old); err != nil {
		return err
	}
	hook("remote-reverted")
	return nil
}

// remoteLink is the profile's Harness link after the remote step of j:
// Harness's test, and for a repoint the new secrets in place of the old.
func remoteLink(l *profile.HarnessLink, j journal) *profile.HarnessLink {
	if l == nil || j.Remote == nil {
		return l
	}
	out := *l
	if j.RemoteTest != nil {
		t := *j.RemoteTest
		out.LastTest = &t
	}
	if j.Remote.Kind != RemoteRepoint {
		return &out
	}
	gone := map[string]bool{}
	for _, s := range j.Remote.OldSecrets {
		gone[s] = true
	}
	ids := []string{}
	for _, s := range l.SecretIDs {
		if !gone[s] {
			ids = append(ids, s)
		}
	}
	for _, ref := range j.Remote.SecretRefs() {
		if !slices.Contains(ids, ref) {
			ids = append(ids, ref)
		}
	}
	out.SecretIDs = ids
	return &out
}

// AllSlotsOf lists the slots of m in a fixed order.
func AllSlotsOf(m map[wizard.SecretSlot]string) []wizard.SecretSlot {
	var out []wizard.SecretSlot
	for _, s := range keychain.Slots {
		if _, ok := m[s]; ok {
			out = append(out, s)
		}
	}
	return out
}

// SecretRefs are the secrets the step writes, each once, in slot order.
func (s *RemoteStep) SecretRefs() []string {
	var out []string
	for _, slot := range AllSlotsOf(s.Secrets) {
		if ref := s.Secrets[slot]; !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	return out
}

// Summary says in one clause what an applied step did in Harness.
func (s *RemoteStep) Summary() string {
	refs := strings.Join(s.SecretRefs(), ", ")
	out := fmt.Sprintf("in harness, secret %s now holds it and harness's test passed", refs)
	if s.Kind == RemoteRepoint {
		out = fmt.Sprintf("in harness, connector %s now uses the new secret %s and harness's test passed", s.Connector, refs)
	}
	if len(s.OldSecrets) > 0 {
		out += fmt.Sprintf(" (the old secret %s is unused: delete it in harness)", strings.Join(s.OldSecrets, ", "))
	}
	return out
}
