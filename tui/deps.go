package tui

import (
	"context"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// Deps are the services the wizard uses. The Tester is required; any other
// field may be nil, and the feature that needs it is then not offered (no
// repository picker without Repos, no push without Harness) or says
// plainly that it is not available.
// The CLI wires the real keychain, profile store and connection test here;
// the tests wire in-memory fakes.
type Deps struct {
	// Now is the clock (App Password dates, token age). Nil means time.Now.
	Now func() time.Time
	// Profiles lists and saves connector profiles (no secrets).
	Profiles ProfileStore
	// Secrets stores the tokens in the OS keychain.
	Secrets SecretStore
	// Tester runs the live connection test (package conntest's report).
	// Run refuses to start without one.
	Tester Tester
	// Exports writes the exported Harness YAML.
	Exports ExportWriter
	// Home is the user's home folder, for the default SSH key path.
	Home string
	// Repos lists the repositories a credential sees, for the repository picker (see deps_repos.go).
	Repos RepoLister
	// Rotator replaces a saved connector's tokens through the crash-safe
	// rotation (see rotation.go), for a rotation and for an edit that
	// replaces a token. Without it the wizard cannot rotate, and an edit
	// stores its new tokens directly.
	Rotator Rotator
	// Lock takes the writer lock of a connector (one writer per connector
	// across bbconnect processes) for a save: it waits briefly for another
	// holder, then fails naming it. Nil saves without one. A rotation and
	// a delete take the lock themselves (the Rotator, ProfileStore.Delete).
	Lock func(ctx context.Context, id string) (unlock func(), err error)
	// Harness pushes saved connectors to Harness (see deps_harness.go).
	// Nil: no push is offered.
	Harness HarnessService
	// Startup, when set, is the keychain check (and recovery) the CLI runs
	// alongside the first screen: the wizard waits for it before a screen
	// that reads or stores secrets, and says so if the keychain fails.
	// Nil means the keychain was checked before the wizard started.
	Startup Startup
}

// Profile is one saved connector as the picker lists it.
type Profile struct {
	Connector wizard.Connector
	// TokenExpires is when the stored token expires (zero when unknown).
	TokenExpires time.Time
	// LastTest is a one-line account of the last connection test ("" when never tested).
	LastTest string
	// SlotExpires is the expiry of each stored token whose expiry is
	// known, by slot.
	SlotExpires map[wizard.SecretSlot]time.Time
	// Harness is its copy in Harness (nil: not pushed or imported).
	Harness *HarnessStatus
	// HarnessOnly is set for a connector imported from Harness whose
	// tokens were never stored here (Harness never shows secret values):
	// the keychain has nothing for it until a rotation puts a token in.
	HarnessOnly bool
}

// ProfileStore keeps connector profiles: settings only, never a secret.
type ProfileStore interface {
	// List returns the saved connectors.
	List() ([]Profile, error)
	// Save creates or replaces the profile of c, with what meta says about
	// its tokens and its last test, and returns where it went.
	Save(c wizard.Connector, meta SaveMeta) (path string, err error)
	// Delete removes the profile of the connector id.
	Delete(id string) error
}

// SaveMeta is what a save knows besides the settings: which tokens are
// new, when tokens expire, and how the last connection test ended.
type SaveMeta struct {
	// NewTokens lists the slots whose secret was typed in this run (new or
	// replaced); the other slots keep what is known about their tokens.
	NewTokens []wizard.SecretSlot
	// Expires is the expiry of tokens by slot, where known. A slot that is
	// missing has none, or keeps the one known.
	Expires map[wizard.SecretSlot]time.Time
	// LastTest is the connection test the connector was saved after (nil
	// when none ran).
	LastTest *TestResult
}

// TestResult is how a connection test ended, as the profile keeps it.
type TestResult struct {
	At time.Time
	OK bool
	// Summary is one line: what passed, or the first failure.
	Summary string
}

// SecretStore keeps the connector's secrets in the OS keychain.
type SecretStore interface {
	// Set stores value in the slot of connector id and returns a short
	// description of where it went (e.g. "keychain: bbconnect/<id>/password").
	Set(id string, slot wizard.SecretSlot, value string) (where string, err error)
	// Get returns the stored value of the slot.
	Get(id string, slot wizard.SecretSlot) (string, error)
	// Delete removes the slot of connector id; a missing item is not an error.
	Delete(id string, slot wizard.SecretSlot) error
}

// ExportWriter writes the Harness connector YAML of a connector.
type ExportWriter interface {
	// WriteExport writes data for connector id atomically and returns the path.
	WriteExport(id string, data []byte) (path string, err error)
}

// Secrets are the secret values typed in the wizard (wizard.Secrets, with
// the expiry of each token). They stay in memory and are handed to the
// Tester, the Rotator and the SecretStore only.
type Secrets = wizard.Secrets

// Tester runs the live connection test of a connector.
type Tester interface {
	// Plan returns the names of the checks Run will report, in order.
	Plan(c wizard.Connector) []string
	// Run tests c with the secrets, calling progress for every started and
	// finished check (from any goroutine), and returns the report. It stops
	// when ctx is cancelled.
	Run(ctx context.Context, c wizard.Connector, s Secrets, progress func(conntest.Event)) conntest.Report
}

func (d *Deps) now() time.Time {
	if d == nil || d.Now == nil {
		return time.Now()
	}
	return d.Now()
}
