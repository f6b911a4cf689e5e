package wire

import (
	"context"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// tuiRepos lists the repositories a credential sees, for the wizard's
// repository picker, with the connection test's configuration: the
// environment (BBCONNECT_CLOUD_URL and friends), then the command line
// (--ca-file, --cloud-url, --cloud-api-url).
type tuiRepos struct{ cfg conntest.Config }

// List implements tui.RepoLister with conntest.ListRepos (concurrent Cloud
// pages, Data Center nextPageStart).
func (r tuiRepos) List(ctx context.Context, c wizard.Connector, s wizard.Secrets) ([]conntest.Repo, error) {
	// A listing cut at its limits comes with a *conntest.CutError: the
	// picker shows what was listed and what was cut.
	return conntest.ListRepos(ctx, c, s, r.cfg)
}

// RunWithHostKey implements tui.HostKeyTester: the test again, trusting the
// SSH host key whose fingerprint the user confirmed on the test screen.
func (t tuiTester) RunWithHostKey(ctx context.Context, c wizard.Connector, s wizard.Secrets, fingerprint string, progress func(conntest.Event)) conntest.Report {
	t.hostKey = fingerprint
	return t.Run(ctx, c, s, progress)
}

// CanAddKey implements tui.KeyAdder with conntest.CanAddSSHKey.
func (t tuiTester) CanAddKey(c wizard.Connector) (bool, string) { return conntest.CanAddSSHKey(c) }

// AddKey implements tui.KeyAdder: the public key goes to the Bitbucket
// account of the connector's API credentials.
func (t tuiTester) AddKey(ctx context.Context, c wizard.Connector, s wizard.Secrets, authorizedKey, label string) (string, error) {
	return conntest.AddSSHKey(ctx, c, s, t.cfg, authorizedKey, label)
}
