package tui

import (
	"context"
	"time"

	"github.com/bbconnect/bbconnect/wizard/harness"
)

// HarnessService pushes saved connectors to Harness, as bbconnect push
// and bbconnect harness login do (the CLI wires the same code). Nil: the
// wizard offers no push.
type HarnessService interface {
	// Access says where a push would go and whether a Harness API key is
	// at hand (HARNESS_PLATFORM_API_KEY, or the keychain item of the
	// account logged in last). It reads the keychain, never the network.
	Access(ctx context.Context) HarnessAccess
	// LogIn proves key with one read call and keeps it in the keychain;
	// account "" takes the known one or the key's, endpoint "" the known
	// one or harness.DefaultEndpoint. Errors never hold the key.
	LogIn(ctx context.Context, key, account, endpoint string) (HarnessAccess, error)
	// Push pushes the saved connector id (its secrets, the connector,
	// then Harness's test), telling observe of every call as it ends, and
	// records the outcome in its profile. The result holds what was done
	// before an error.
	Push(ctx context.Context, id string, observe harness.Observer) (*harness.PushResult, error)
}

// HarnessAccess is where a push goes and whether a key is at hand.
type HarnessAccess struct {
	// Account is the Harness account ("" when none is known yet).
	Account string
	// Endpoint is the Harness URL ("" when none is known: the default
	// applies).
	Endpoint string
	// HaveKey is set when a key is at hand; FromEnv when it is
	// HARNESS_PLATFORM_API_KEY; Refused when Harness refused the key at
	// hand (401) in this run.
	HaveKey, FromEnv, Refused bool
	// Who is the user a login proved ("" when not known).
	Who string
	// Err says why the keychain could not be read (no key at hand then).
	Err error
}

// HarnessStatus is a saved connector's copy in Harness, as its profile
// records it: where, when, and Harness's last test.
type HarnessStatus struct {
	Account  string
	Pushed   time.Time // zero when never pushed
	Imported time.Time // zero when not imported
	LastTest *TestResult
}
