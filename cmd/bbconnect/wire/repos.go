package wire

import (
	"context"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/tui"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// tuiRepos lists the repositories a credential sees, for the wizard's
// repository picker, with the connection test's configuration: the
// environment (BBCONNECT_CLOUD_URL and friends), then the command line
// (--ca-file, --cloud-url, --cloud-api-url).
type tuiRepos struct {
	ts cli.TestSettings
	f  *cli.Factory
}

// List implements tui.RepoLister with conntest.ListRepos (concurrent Cloud
// pages, Data Center nextPageStart).
func (r tuiRepos) List(ctx context.Context, c wizard.Connector, s tui.Secrets) ([]tui.Repo, error) {
	repos, err := conntest.ListRepos(ctx, c, s, testConfig(r.f, r.ts))
	if err != nil {
		return nil, err
	}
	out := make([]tui.Repo, len(repos))
	for i, rp := range repos {
		out[i] = tui.Repo{Owner: rp.Owner, Slug: rp.Slug, Name: rp.Name, Empty: rp.Empty, Field: rp.TestRepoField(c.Edition)}
	}
	return out, nil
}

// RunWithHostKey implements tui.HostKeyTester: the test again, trusting the
// SSH host key whose fingerprint the user confirmed on the test screen.
func (t tuiTester) RunWithHostKey(ctx context.Context, c wizard.Connector, s tui.Secrets, fingerprint string, progress func(tui.TestEvent)) tui.TestReport {
	t.hostKey = fingerprint
	return t.Run(ctx, c, s, progress)
}
