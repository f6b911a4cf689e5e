package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// ExportOptions are the inputs of `bbconnect export`.
type ExportOptions struct {
	IO      *IOStreams
	Factory *Factory
	ID      string
	Format  string
	Output  string
}

// NewCmdExport returns `bbconnect export`.
func NewCmdExport(f *Factory, runF func(context.Context, *ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{IO: f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "export ID",
		Short: "Print a saved connector as Harness YAML or a Terraform block",
		Long: `Print a saved connector as the Harness connector YAML (default) or as a
harness_platform_connector_bitbucket Terraform block. The export names the Harness
secrets it refers to after the connector; it never holds a secret value.

With --output the export is written to that file (atomically, mode 0600) instead.`,
		Example: `  bbconnect export bitbucket_cloud
  bbconnect export bitbucket_cloud --format terraform --output bitbucket.tf`,
		Args: exactlyOneID,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return completeIDs(f), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return exportRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "harness", "harness (YAML) or terraform")
	cmd.Flags().StringVar(&opts.Output, "output", "", "write to this file instead of stdout")
	registerCompletions(cmd)
	_ = cmd.MarkFlagFilename("output")
	return cmd
}

func exportRun(opts *ExportOptions) error {
	f := opts.Factory
	format, err := parseFormat(opts.Format)
	if err != nil {
		return usageErrorf("--format: %v", err)
	}
	st, _, err := f.openProfiles()
	if err != nil {
		return err
	}
	p, err := loadProfile(st, opts.ID)
	if err != nil {
		return err
	}
	data, err := renderExport(f, p.Connector.Printable(), format)
	if err != nil {
		return err
	}
	if other, ok := sameExportName(st, p.Connector.ID); ok {
		fmt.Fprintf(f.IO.ErrOut, "! %s; rename one (delete it and set it up again with another --id) before applying both\n", exportClash(p.Connector.ID, other))
	}
	if opts.Output == "" {
		_, err = f.IO.Out.Write(data)
		return err
	}
	where, err := writeOutput(opts.Output, data, f.IO.Out)
	if err != nil {
		return failuref("%v", err)
	}
	if opts.Output != "-" {
		fmt.Fprintf(f.IO.ErrOut, "✓ wrote %s\n", where)
	}
	return nil
}

// exactlyOneID requires one connector Id.
func exactlyOneID(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return usageErrorf("%s needs the id of a saved connector; bbconnect list shows them", cmd.CommandPath())
	case len(args) > 1:
		return usageErrorf("%s takes one connector id (%d given)", cmd.CommandPath(), len(args))
	}
	return validIDs(args)
}

// validIDs refuses an argument that cannot be a connector id (exit 2). The
// argument is not repeated: it may be a token pasted in the wrong place.
func validIDs(ids []string) error {
	for _, id := range ids {
		if profile.CheckID(id) != nil {
			return usageErrorf("an argument is not a connector id: ids use letters, digits, _ and $ (bbconnect list shows the saved ones)")
		}
	}
	return nil
}

// completeIDs lists the saved connector ids, for shell completion.
func completeIDs(f *Factory) []string {
	st, _, err := f.openProfiles()
	if err != nil {
		return nil
	}
	ps, _ := st.List()
	ids := make([]string, 0, len(ps))
	for _, p := range ps {
		ids = append(ids, p.Connector.ID)
	}
	return ids
}

// sameExportName returns a saved connector other than id whose exports
// would use the same Harness secret ids and Terraform resource name.
func sameExportName(st ProfileStore, id string) (string, bool) {
	ps, _ := st.List()
	for _, p := range ps {
		if other := p.Connector.ID; !strings.EqualFold(other, id) && wizard.SameExportName(other, id) {
			return other, true
		}
	}
	return "", false
}

// exportClash says what two connectors with the same export name share.
func exportClash(id, other string) string {
	name := wizard.ExportName(id)
	return fmt.Sprintf("%s and the saved connector %s export to the same harness secret ids (%s_password, …) and terraform name (%s): one would overwrite the other in harness",
		id, other, name, name)
}
