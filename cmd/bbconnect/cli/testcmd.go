package cli

import (
	"context"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// TestOptions are the inputs of `bbconnect test`.
type TestOptions struct {
	IO        *IOStreams
	Factory   *Factory
	IDs       []string
	All       bool
	JSON      bool
	testFlags testFlags
}

// NewCmdTest returns `bbconnect test`.
func NewCmdTest(f *Factory) *cobra.Command {
	opts := &TestOptions{IO: f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "test [ID...]",
		Short: "Run the live connection test of saved connectors",
		Long: `Run the live connection test of saved connectors, with their secrets from the OS
keychain: reach, git read access, API access, scopes, visibility and credential age.
Each check ends ✓ pass, ! warn, ✗ fail or – skipped, with a diagnosis and the fix.
The result is saved as the connector's last test (bbconnect list shows it).

With --json: one object {"connector": ID, "ok": bool, "checks": [{"name", "status",
"diagnosis", "fix", "duration_ms"}]} for a single ID, and an array of such objects
with --all or several IDs.

Exit status 0 when no check failed, 1 when one did.`,
		Example: `  bbconnect test bitbucket_cloud
  bbconnect test --all --json
  bbconnect test dc_ssh --ca-file ./corp-ca.pem`,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return completeIDs(f), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			return testRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.All, "all", false, "test every saved connector")
	fs.BoolVar(&opts.JSON, "json", false, "print JSON")
	opts.testFlags.register(fs, true)
	_ = cmd.MarkFlagFilename("ca-file", "pem", "crt")
	return cmd
}

func testRun(ctx context.Context, opts *TestOptions) error {
	f := opts.Factory
	switch {
	case opts.All && len(opts.IDs) > 0:
		return usageErrorf("give connector ids or --all, not both")
	case !opts.All && len(opts.IDs) == 0:
		return usageErrorf("name the connectors to test, or --all; bbconnect list shows them")
	}
	if err := validIDs(opts.IDs); err != nil {
		return err
	}
	now, err := f.Now()
	if err != nil {
		return err
	}
	st, err := f.openProfiles()
	if err != nil {
		return err
	}
	profiles, unreadable, err := selectProfiles(st, opts)
	if err != nil {
		return err
	}
	var kc SecretStore
	if len(profiles) > 0 {
		if kc, err = f.openKeychain(ctx); err != nil {
			return err
		}
	}
	reports := make([]conntest.Report, 0, len(profiles))
	anyFailed := false
	for i, p := range profiles {
		cfg := f.testConfig(opts.testFlags, now)
		cfg.TokenExpires, cfg.APITokenExpires = p.Tokens[wizard.SlotPassword].Expires, p.Tokens[wizard.SlotAPIToken].Expires
		r, err := testOne(ctx, kc, p, cfg)
		if err != nil {
			return err
		}
		anyFailed = anyFailed || !r.OK
		reports = append(reports, r)
		last := TestResult{At: now, OK: r.OK, Summary: r.Summary()}
		if _, err := st.RecordTest(ctx, p.Connector.ID, last); err != nil {
			fmt.Fprintf(f.IO.ErrOut, "! could not save the test result of %s: %v\n", p.Connector.ID, err)
		}
		if !opts.JSON {
			if i > 0 {
				fmt.Fprintln(f.IO.Out)
			}
			writeReport(f.IO.Out, r)
		}
	}
	if opts.JSON {
		var v any = reports
		if !opts.All && len(opts.IDs) == 1 && len(reports) == 1 {
			v = reports[0]
		}
		if err := writeJSON(f.IO.Out, v); err != nil {
			return err
		}
	} else if len(profiles) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "no saved connectors; create one with bbconnect setup")
	}
	if anyFailed || unreadable > 0 {
		return silentError{ExitFailure}
	}
	return nil
}

// selectProfiles loads the connectors named, or all of them, and counts
// the profiles that could not be read (each is said; the command then
// exits 1). A name that is not saved stops the command before any test
// runs.
func selectProfiles(st profile.Store, opts *TestOptions) ([]Profile, int, error) {
	if opts.All {
		ps, errs := st.List()
		for _, e := range errs {
			fmt.Fprintf(opts.IO.ErrOut, "✗ skipped: %s\n", wizard.Printable(e.Error()))
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].Connector.ID < ps[j].Connector.ID })
		return ps, len(errs), nil
	}
	out := make([]Profile, 0, len(opts.IDs))
	seen := map[string]bool{}
	for _, id := range opts.IDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		p, err := loadProfile(st, id)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, 0, nil
}

// testOne reads a connector's secrets from the keychain and tests it. A
// secret missing from the keychain is a failed check, not a crash.
func testOne(ctx context.Context, kc SecretStore, p Profile, cfg conntest.Config) (conntest.Report, error) {
	c := p.Connector
	var s Secrets
	_, passphrase := p.Tokens[wizard.SlotSSHKey]
	for _, slot := range c.StoredSlots(passphrase) {
		v, err := kc.Get(ctx, c.ID, slot)
		if err != nil {
			if ctx.Err() != nil {
				return conntest.Report{}, ErrInterrupted
			}
			p := wizard.UnreadableSecret(c.ID, slot, err)
			check := conntest.Check{Name: "keychain", Status: conntest.Fail, Diagnosis: p.Msg, Fix: p.Fix}
			return conntest.Report{Connector: c.ID, OK: false, Checks: []conntest.Check{check}}, nil
		}
		s.Set(slot, v)
	}
	return runTest(ctx, c, s, cfg)
}
