// Package rotate replaces a saved connector's tokens without ever leaving
// it with no working credential, and migrates connectors off App Passwords.
//
// A rotation stages each new secret under "<id>/<slot>.next" in the
// keychain, reads it back, has it tested live (an injected Tester), and
// only then writes it over the main item, reads that back, updates the
// profile and removes the staging items. A journal file beside the profile
// (no secrets) records the progress; Recover, run at the start of every
// bbconnect command, finishes a rotation interrupted after the test passed
// and rolls back one interrupted before it. Whatever kills the process
// (Ctrl+C, kill -9, a keychain error) the main item holds the old secret or
// the new one, never neither.
package rotate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// Secrets is the keychain as rotation uses it; *keychain.Keychain
// satisfies it. Get and Delete of a missing item return an error matching
// keychain.ErrNotFound.
type Secrets interface {
	Set(ctx context.Context, id string, slot wizard.SecretSlot, secret string) error
	Get(ctx context.Context, id string, slot wizard.SecretSlot) (string, error)
	Delete(ctx context.Context, id string, slot wizard.SecretSlot) error
}

// Tester runs the live connection test of c with the given secrets (every
// slot c stores, with the expiry of each token). The connection-test
// package provides the real one; a nil Tester skips the test and the
// Result says so.
type Tester func(ctx context.Context, c wizard.Connector, secrets wizard.Secrets) error

// Rotator rotates the tokens of saved connectors.
type Rotator struct {
	Store   profile.Store
	Secrets Secrets
	Tester  Tester
	// Remote, when not nil, is the connector's copy in Harness: after the
	// live test passes it gets the new values and runs its own test before
	// the local swap (see Remote). Nil rotates locally only.
	Remote Remote
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Request is one rotation.
type Request struct {
	ID string
	// Secrets holds the new value of every slot being replaced.
	Secrets map[wizard.SecretSlot]string
	// Connector, when not nil, replaces the saved settings (App Password
	// migration: see MigrateFromAppPassword). Its Id must be ID: Ids are
	// locked once saved.
	Connector *wizard.Connector
	// Expires is each new token's expiry; a missing slot gets the default
	// (one year from now for API tokens, none for others).
	Expires map[wizard.SecretSlot]time.Time
}

// Result says what a rotation did.
type Result struct {
	// Replaced lists the slots that now hold the new secrets.
	Replaced []wizard.SecretSlot
	// Tested is true when the new secrets passed the live test; false
	// when no Tester was given (the test was skipped).
	Tested bool
	// Migrated is true when the settings moved off App Passwords.
	Migrated bool
	// Recovered is the sentence of an earlier, interrupted rotation that
	// was finished or rolled back first ("" when there was none).
	Recovered string
	// Remote is the remote step that was applied (nil when none), and
	// RemoteTest the remote's test of the new values.
	Remote     *RemoteStep
	RemoteTest *profile.TestResult
	// Summary is one sentence for the user.
	Summary string
}

// TestFailedError is returned when the new secrets fail the live test;
// nothing was changed.
type TestFailedError struct{ Err error }

// Error says that the old token is still in use.
func (e *TestFailedError) Error() string {
	return fmt.Sprintf("the new token failed the connection test: %v; nothing was changed, the old token is still in use", e.Err)
}

// Unwrap returns the test's error.
func (e *TestFailedError) Unwrap() error { return e.Err }

// hook is called at each step of a rotation or recovery; tests replace it
// to kill the process there.
var hook = func(string) {}

func (r *Rotator) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

// Rotate replaces the secrets of req.ID as the package doc describes. A
// rotation of the same connector left unfinished by an earlier run is
// recovered first (Result.Recovered says how). On error the connector
// works with its old secrets, or, when the error says the new secrets were
// tested, with the new ones once Recover has run.
//
// The whole rotation holds the connector's writer lock (profile.Store.Lock):
// a second writer of the same connector, in this process or another,
// waits briefly and then fails naming the holder, and nothing it does
// can mix with this rotation.
func (r *Rotator) Rotate(ctx context.Context, req Request) (Result, error) {
	var res Result
	unlock, err := r.Store.Lock(ctx, req.ID)
	if err != nil {
		return res, err
	}
	defer unlock()
	hook("locked")
	said, err := r.recoverLocked(ctx, req.ID)
	res.Recovered = said
	if err != nil {
		return res, err
	}
	p, err := r.Store.Load(req.ID)
	if err != nil {
		return res, err
	}
	now := r.now()
	j, values, err := r.plan(p, req, now)
	if err != nil {
		return res, err
	}
	j.Rotation, j.Profile = newRotationID(), p.Created
	if r.Remote != nil {
		// Only reads: a remote that cannot be reached stops the rotation
		// before anything is written.
		step, err := r.Remote.Prepare(ctx, p, j.Connector, j.Slots)
		if err != nil {
			return res, unchanged(err)
		}
		if step != nil {
			step.Tag = j.Rotation
			j.Remote = step
		}
	}
	// Cleanup and the swap use a context that Ctrl+C does not cancel: once
	// started they are short (each call is bounded by the keychain timeout)
	// and finishing them is what leaves the connector working.
	keep := context.WithoutCancel(ctx)

	if err := r.writeJournal(j); err != nil {
		return res, err
	}
	hook("journal-staging")
	if err := r.stageAndTest(ctx, p, j, values); err != nil {
		if rbErr := r.rollback(keep, j); rbErr != nil {
			return res, fmt.Errorf("%w (and the staged copy could not be cleaned up: %w; bbconnect retries on its next run)", err, rbErr)
		}
		return res, err
	}
	if j.Remote != nil {
		if err := r.applyRemote(ctx, &j, values); err != nil {
			return res, err
		}
	}
	j.State, j.Tested = stateSwapping, r.Tester != nil
	if err := r.writeJournal(j); err != nil {
		if rbErr := r.rollback(keep, j); rbErr != nil {
			return res, fmt.Errorf("%w (and the staged copy could not be cleaned up: %w)", err, rbErr)
		}
		return res, err
	}
	hook("journal-swapping")
	if err := r.finish(keep, j, values); err != nil {
		return res, fmt.Errorf("the new token passed the test and is staged, but could not be put in place yet: %w; the connector works with the old or the new token, and the next bbconnect run finishes the swap", err)
	}
	res.Replaced, res.Tested, res.Migrated = j.Slots, j.Tested, j.Migrated
	res.Remote, res.RemoteTest = j.Remote, j.RemoteTest
	res.Summary = summary(j)
	return res, nil
}

// plan checks the request against the saved profile and builds the
// journal, before anything is written.
func (r *Rotator) plan(p profile.Profile, req Request, now time.Time) (journal, map[wizard.SecretSlot]string, error) {
	old := p.Connector
	c := old
	if req.Connector != nil {
		c = *req.Connector
		if c.ID != old.ID {
			return journal{}, nil, fmt.Errorf("the id of %s is locked once saved; it cannot become %q", old.ID, c.ID)
		}
		ps := append(c.ValidateStep(wizard.StepCredentials, now), c.ValidateStep(wizard.StepAPIAccess, now)...)
		if err := ps.Err(); err != nil {
			return journal{}, nil, fmt.Errorf("the new settings of %s are not valid: %w", old.ID, err)
		}
	}
	if len(req.Secrets) == 0 {
		return journal{}, nil, fmt.Errorf("no new token given for %s: paste the new token", old.ID)
	}
	needed := map[wizard.SecretSlot]bool{}
	for _, s := range slotsOf(c, p.Tokens, req.Secrets) {
		needed[s] = true
	}
	j := journal{
		Schema: journalSchema, ID: old.ID, State: stateStaging, Connector: c,
		Tokens: map[wizard.SecretSlot]profile.TokenMeta{}, Started: now,
		Migrated: profile.UsesAppPassword(old) && !profile.UsesAppPassword(c),
	}
	values := map[wizard.SecretSlot]string{}
	for slot, v := range req.Secrets {
		kind := profile.KindOf(c, slot)
		switch {
		case !needed[slot]:
			return journal{}, nil, fmt.Errorf("%s does not use %s secret: nothing to rotate there", old.ID, wizard.WithArticle(string(slot)))
		case strings.TrimSpace(v) == "":
			return journal{}, nil, fmt.Errorf("the new %s of %s is empty: paste the token again", slot, old.ID)
		case kind == string(wizard.AppPassword) && !wizard.AppPasswordAllowedForNew(now):
			return journal{}, nil, fmt.Errorf("%s uses an app password, and app passwords were removed: migrate it to an api token instead", old.ID)
		}
		meta, err := profile.NewTokenMeta(kind, now, req.Expires[slot])
		if err != nil {
			return journal{}, nil, fmt.Errorf("%s: %w", slot, err)
		}
		meta.LastRotated = now
		j.Tokens[slot], values[slot] = meta, v
		j.Slots = append(j.Slots, slot)
	}
	// A slot whose kind of token changes (App Password to API token) needs
	// a new value; an old App Password cannot serve as an API token.
	for s := range needed {
		if _, ok := values[s]; !ok && profile.KindOf(c, s) != profile.KindOf(old, s) && profile.KindOf(old, s) != "" {
			return journal{}, nil, fmt.Errorf("the %s of %s changes from %s to %s: give the new token", s, old.ID, profile.KindOf(old, s), profile.KindOf(c, s))
		}
	}
	for _, s := range slotsOf(old, p.Tokens, nil) {
		if !needed[s] {
			j.Drop = append(j.Drop, s)
		}
	}
	sortSlots(j.Slots)
	sortSlots(j.Drop)
	return j, values, nil
}

// stageAndTest writes every new value to its staging item, reads it back,
// and runs the live test with the staged values and the current values of
// the slots that are not rotated.
func (r *Rotator) stageAndTest(ctx context.Context, p profile.Profile, j journal, values map[wizard.SecretSlot]string) error {
	for _, s := range j.Slots {
		if err := r.Secrets.Set(ctx, j.ID, keychain.StagingSlot(s), values[s]); err != nil {
			return unchanged(err)
		}
		hook("staged:" + string(s))
		got, err := r.Secrets.Get(ctx, j.ID, keychain.StagingSlot(s))
		if err != nil {
			return unchanged(err)
		}
		if got != values[s] {
			return unchanged(fmt.Errorf("the keychain returned a different %s than was stored", s))
		}
	}
	hook("staged")
	var secrets wizard.Secrets
	for _, s := range slotsOf(j.Connector, p.Tokens, values) {
		if m, ok := j.Tokens[s]; ok {
			secrets.SetExpires(s, m.Expires)
		} else {
			secrets.SetExpires(s, p.Tokens[s].Expires)
		}
		if v, ok := values[s]; ok {
			secrets.Set(s, v)
			continue
		}
		v, err := r.Secrets.Get(ctx, j.ID, s)
		if err != nil {
			if errors.Is(err, keychain.ErrNotFound) {
				return fmt.Errorf("the %s of %s is not in the keychain, so the connector cannot be tested: rotate it too", s, p.Connector.ID)
			}
			return unchanged(err)
		}
		secrets.Set(s, v)
	}
	if r.Tester != nil {
		if err := r.Tester(ctx, j.Connector, secrets); err != nil {
			return &TestFailedError{Err: redact(err, values)}
		}
	}
	hook("tested")
	return nil
}

func unchanged(err error) error {
	return fmt.Errorf("%w; nothing was changed, the old token is still in use", err)
}

// finish puts the tested values in place (from values, or, when recovering,
// from the staging items), saves the profile, and cleans up. Every step is
// idempotent, so Recover can run it again after any interruption.
func (r *Rotator) finish(ctx context.Context, j journal, values map[wizard.SecretSlot]string) error {
	for _, s := range j.Slots {
		v, ok := values[s]
		if !ok {
			staged, err := r.Secrets.Get(ctx, j.ID, keychain.StagingSlot(s))
			if errors.Is(err, keychain.ErrNotFound) {
				continue // the main item was done before staging was cleaned up
			}
			if err != nil {
				return err
			}
			v = staged
		}
		if err := r.Secrets.Set(ctx, j.ID, s, v); err != nil {
			return err
		}
		got, err := r.Secrets.Get(ctx, j.ID, s)
		if err != nil {
			return err
		}
		if got != v {
			return fmt.Errorf("the keychain returned a different %s than was stored", s)
		}
		hook("swapped:" + string(s))
	}
	p, err := r.Store.Load(j.ID)
	if err != nil {
		return err
	}
	p.Connector = j.Connector
	tokens := map[wizard.SecretSlot]profile.TokenMeta{}
	for s, m := range p.Tokens {
		tokens[s] = m
	}
	for s, m := range j.Tokens {
		tokens[s] = m
	}
	for _, s := range j.Drop {
		delete(tokens, s)
	}
	p.Tokens = tokens
	p.Harness = remoteLink(p.Harness, j)
	if j.Tested {
		p.LastTest = &profile.TestResult{At: j.Started, OK: true, Summary: "the new token passed the connection test when it was rotated in"}
	}
	if _, err := r.Store.Save(p); err != nil {
		return err
	}
	hook("profile-saved")
	for _, s := range j.Drop {
		if err := r.Secrets.Delete(ctx, j.ID, s); err != nil && !errors.Is(err, keychain.ErrNotFound) {
			return err
		}
	}
	hook("dropped")
	for _, s := range j.Slots {
		if err := r.Secrets.Delete(ctx, j.ID, keychain.StagingSlot(s)); err != nil && !errors.Is(err, keychain.ErrNotFound) {
			return err
		}
	}
	hook("unstaged")
	if err := r.removeJournal(j); err != nil {
		return err
	}
	hook("done")
	return nil
}

// rollback removes the staging items of j and its journal; the main items
// were never touched.
func (r *Rotator) rollback(ctx context.Context, j journal) error {
	for _, s := range j.Slots {
		if err := r.Secrets.Delete(ctx, j.ID, keychain.StagingSlot(s)); err != nil && !errors.Is(err, keychain.ErrNotFound) {
			return err
		}
	}
	hook("rolled-back")
	return r.removeJournal(j)
}
