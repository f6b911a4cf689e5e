package tui

import (
	"context"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// RepoLister lists the repositories a connector's credential sees, for the
// repository picker. Where Deps.Repos is nil the picker is not offered and
// the test repository is typed in Details.
type RepoLister interface {
	// List returns the repositories the credential of c sees with the
	// secrets s (in the workspace or project the URL names, else
	// everywhere it can). The error is one line with the fix, and never
	// holds a secret. It stops when ctx is cancelled. A listing cut short
	// at its limits returns the repositories listed and an error saying
	// what was cut: the picker shows both.
	List(ctx context.Context, c wizard.Connector, s Secrets) ([]conntest.Repo, error)
}

// HostKeyTester is implemented by a Tester that can run the test again
// trusting an SSH host key the user confirmed by its fingerprint, after a
// check reported the key unknown (Check.HostKeyFingerprint). The test
// screen offers the confirmation only when the Tester implements it.
type HostKeyTester interface {
	// RunWithHostKey is Tester.Run with the host key whose SHA256
	// fingerprint ("SHA256:…") is fingerprint trusted for this run.
	RunWithHostKey(ctx context.Context, c wizard.Connector, s Secrets, fingerprint string, progress func(conntest.Event)) conntest.Report
}

// KeyAdder is implemented by a Tester that can add an SSH public key to
// the Bitbucket account of a connector's API credentials. The test screen
// offers it when the SSH key was refused.
type KeyAdder interface {
	// CanAddKey reports whether c's API access can add SSH keys; when
	// not, why (one line).
	CanAddKey(c wizard.Connector) (bool, string)
	// AddKey adds the authorized_keys line with label and says where it
	// went. The error is one line with the fix (and where to paste the
	// key by hand); it never holds a secret.
	AddKey(ctx context.Context, c wizard.Connector, s Secrets, authorizedKey, label string) (string, error)
}
