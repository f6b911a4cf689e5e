// Package wire connects the terminal wizard (package tui) to the rest of
// bbconnect: it is the Factory's wizard runner. Its adapters give the
// wizard the saved connectors, the keychain, the live connection test,
// the journaled rotation, the export folder, the repository list and the
// push to Harness, in the shapes package tui asks for. The command line
// (package cli) calls the domain packages itself and builds on tui only
// through this runner.
package wire

import (
	"context"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
)

// Wire connects the terminal wizard to f.
func Wire(f *cli.Factory) {
	f.Wizard = func(ctx context.Context, _ *cli.IOStreams, req cli.WizardRequest) error {
		return runWizard(ctx, f, req)
	}
}
