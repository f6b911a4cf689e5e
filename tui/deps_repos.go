package tui

import (
	"context"

	"github.com/bbconnect/bbconnect/wizard"
)

// Repo is one repository a credential sees, as the repository picker
// lists it.
type Repo struct {
	// Owner is the Cloud workspace slug or the Data Center project key.
	Owner string
	// Slug is the repository slug (no .git).
	Slug string
	// Name is the repository's display name ("" when it is the slug).
	Name string
	// Empty is set for a repository known to have no commits.
	Empty bool
	// Field is the Test Repository value for the connector's edition
	// ("slug.git" on Cloud, "PROJECT/slug.git" on Data Center); "" lets
	// the picker build it from Owner and Slug.
	Field string
}

// RepoLister lists the repositories a connector's credential sees, for the
// repository picker. Where Deps.Repos is nil the picker is not offered and
// the test repository is typed in Details.
type RepoLister interface {
	// List returns the repositories the credential of c sees with the
	// secrets s (in the workspace or project the URL names, else
	// everywhere it can). The error is one line with the fix, and never
	// holds a secret. It stops when ctx is cancelled.
	List(ctx context.Context, c wizard.Connector, s Secrets) ([]Repo, error)
}

// HostKeyTester is implemented by a Tester that can run the test again
// trusting an SSH host key the user confirmed by its fingerprint, after a
// check reported the key unknown (Check.HostKeyFingerprint). The test
// screen offers the confirmation only when the Tester implements it.
type HostKeyTester interface {
	// RunWithHostKey is Tester.Run with the host key whose SHA256
	// fingerprint ("SHA256:…") is fingerprint trusted for this run.
	RunWithHostKey(ctx context.Context, c wizard.Connector, s Secrets, fingerprint string, progress func(TestEvent)) TestReport
}
