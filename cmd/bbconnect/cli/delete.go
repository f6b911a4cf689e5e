package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// DeleteOptions are the inputs of `bbconnect delete`.
type DeleteOptions struct {
	IO      *IOStreams
	Factory *Factory
	ID      string
	Yes     bool
}

// NewCmdDelete returns `bbconnect delete`.
func NewCmdDelete(f *Factory) *cobra.Command {
	opts := &DeleteOptions{IO: f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "delete ID",
		Short: "Remove a saved connector and its keychain items",
		Long: `Remove a saved connector: its profile and every keychain item it has (HTTP
password, API token, SSH key passphrase, and any half-finished rotation), and say
what was removed. Exported files are yours and stay where they are.

On a terminal it asks first; elsewhere --yes is required.`,
		Example: `  bbconnect delete bitbucket_cloud
  bbconnect delete bitbucket_cloud --yes`,
		Args: exactlyOneID,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return completeIDs(f), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	f := opts.Factory
	st, err := f.openProfiles()
	if err != nil {
		return err
	}
	if _, err := st.Load(opts.ID); err != nil && !errors.Is(err, profile.ErrNotExist) {
		// A profile that cannot be read can still be removed; say what was wrong.
		fmt.Fprintf(f.IO.ErrOut, "! %v\n", err)
	}
	if !opts.Yes {
		if !opts.IO.CanPrompt() {
			return usageErrorf("delete %s: add --yes to delete without being asked (standard input is not a terminal)", opts.ID)
		}
		ok, err := confirm(opts.IO, fmt.Sprintf("delete connector %s, its profile and its keychain items? [y/N] ", opts.ID))
		if err != nil || !ok {
			fmt.Fprintln(f.IO.ErrOut, "nothing was deleted")
			return silentError{ExitFailure}
		}
	}
	kc, err := f.openKeychain(ctx)
	if err != nil {
		return err
	}
	removed, err := st.Remove(ctx, opts.ID, kc)
	for _, line := range removedLines(removed) {
		fmt.Fprintln(f.IO.Out, line)
	}
	switch {
	case errors.Is(err, profile.ErrNotExist) && len(removed.Items) == 0 && removed.Profile == "":
		return failuref("no saved connector %q; bbconnect list shows the saved ones", opts.ID)
	case err != nil:
		return failuref("%s", keychain.Explain(err))
	}
	fmt.Fprintf(f.IO.Out, "✓ deleted connector %s\n", opts.ID)
	for _, format := range export.Formats {
		if p := filepath.Join(st.Dir, format.FileName(opts.ID)); fileExists(p) {
			fmt.Fprintf(f.IO.Out, "  kept the export %s (yours to delete)\n", p)
		}
	}
	return nil
}

// removedLines says what Remove took away, one line each ("nothing"
// lines are left to the caller).
func removedLines(r profile.Removed) []string {
	if len(r.Items) == 0 && r.Profile == "" && r.Journal == "" {
		return nil
	}
	return r.Lines()
}

// confirm asks a yes/no question on the terminal; only y or yes is yes.
func confirm(ios *IOStreams, question string) (bool, error) {
	fmt.Fprint(ios.ErrOut, question)
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && line == "" {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
