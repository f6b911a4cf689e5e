package cli

import (
	"context"
	"errors"
	"time"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

type (
	// Profile is one saved connector (package keychain/profile): its
	// settings and token metadata, never a secret.
	Profile = profile.Profile
	// TokenMeta is what is known about one stored token.
	TokenMeta = profile.TokenMeta
	// TestResult is the outcome of the last connection test of a profile.
	TestResult = profile.TestResult
)

// ProfileStore is the saved connectors, one file per connector;
// profile.Store satisfies it.
type ProfileStore interface {
	// Path is the file of connector id.
	Path(id string) string
	// Create saves a new profile; an Id already saved is refused (profile.ErrExists).
	Create(p Profile) (Profile, error)
	// Lock takes the writer lock of connector id, shared by every
	// bbconnect process (setup, edit, rotate, recovery and delete take it):
	// it waits briefly for another holder, then fails naming it. Call
	// unlock when done.
	Lock(ctx context.Context, id string) (unlock func(), err error)
	// RecordTest saves the result of a connection test in id's profile,
	// under its lock.
	RecordTest(ctx context.Context, id string, r TestResult) (Profile, error)
	// RecordHarness saves the Harness link of id's profile (after a push),
	// under its lock.
	RecordHarness(ctx context.Context, id string, l profile.HarnessLink) (Profile, error)
	// Load reads one profile; a missing one matches profile.ErrNotExist.
	Load(id string) (Profile, error)
	// List reads every profile; files that cannot be read are reported, not fixed.
	List() ([]Profile, []error)
	// Delete removes the profile file of id and returns its path.
	Delete(id string) (string, error)
	// Remove deletes the profile, the rotation record and the keychain
	// items of id, under its lock.
	Remove(ctx context.Context, id string, secrets profile.SecretRemover) (profile.Removed, error)
}

// RotateRequest asks to replace secrets of a saved connector.
type RotateRequest struct {
	ID string
	// Secrets holds the new value of every slot replaced; never logged.
	Secrets map[wizard.SecretSlot]string
	// Connector, when set, replaces the saved settings (App Password migration).
	Connector *wizard.Connector
	// Expires is each new token's expiry (a missing slot gets the default).
	Expires map[wizard.SecretSlot]time.Time
	// Test runs the live test of the new settings and secrets; nil skips it.
	Test func(ctx context.Context, c wizard.Connector, s Secrets) error
	// LocalOnly leaves the connector's copy in Harness alone.
	LocalOnly bool
	// DeleteOldSecret deletes, after Harness's test passed, the Harness
	// secrets a migration left unused.
	DeleteOldSecret bool
}

// HarnessRotation is what a rotation did in Harness.
type HarnessRotation struct {
	Account   string
	Connector string // the Harness identifier
	Scope     string // "account", "org O", "project O/P"
	// Created is true when new secrets were made and the connector
	// pointed at them (App Password migration); false when the secrets it
	// refers to got the new value.
	Created bool
	Secrets []string // the secrets written
	// OldSecrets are the secrets the connector no longer uses, and
	// Deleted those deleted (--delete-old-secret); DeleteErr says why the
	// rest were not.
	OldSecrets []string
	Deleted    []string
	DeleteErr  error
	Test       *TestResult // Harness's test of the new token
}

// RotateResult says what a rotation did.
type RotateResult struct {
	// Recovered says how an earlier, interrupted rotation was finished or
	// rolled back first ("" when there was none).
	Recovered string
	// Summary is one sentence about the rotation.
	Summary  string
	Replaced []wizard.SecretSlot
	Tested   bool
	Migrated bool
	// Harness is what was done in Harness (nil when nothing was).
	Harness *HarnessRotation
}

// RotateFunc replaces secrets only after the new ones are stored, read
// back and tested, in the profiles of dir and the keychain kc; on any
// failure the old ones stay in use.
type RotateFunc func(ctx context.Context, dir string, kc SecretStore, req RotateRequest) (RotateResult, error)

// RecoverFunc finishes or rolls back the rotations an earlier run left
// unfinished in dir, and says what it did, one sentence each.
type RecoverFunc func(ctx context.Context, dir string, kc SecretStore) ([]string, []error)

// openProfiles opens the saved connectors, or says they are not available.
func (f *Factory) openProfiles() (ProfileStore, string, error) {
	dir, err := f.ProfileDir()
	if err != nil {
		return nil, "", err
	}
	if f.Profiles == nil {
		return nil, dir, errNotAvailable("saved connectors", "")
	}
	st, err := f.Profiles(dir)
	if err != nil {
		return nil, dir, failuref("cannot open the saved connectors in %s: %v", dir, err)
	}
	return st, dir, nil
}

// loadProfile reads one saved connector, with an actionable message when
// it is not there.
func loadProfile(st ProfileStore, id string) (Profile, error) {
	p, err := st.Load(id)
	switch {
	case errors.Is(err, profile.ErrNotExist):
		return Profile{}, failuref("no saved connector %q; bbconnect list shows the saved ones", id)
	case err != nil:
		return Profile{}, failuref("cannot read connector %s: %v", id, err)
	}
	return p, nil
}
