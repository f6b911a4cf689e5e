package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// ExportOptions are the inputs of `bbconnect export`.
type ExportOptions struct {
	IO           *IOStreams
	Factory      *Factory
	ID           string
	Format       string
	Output       string
	ResourceOnly bool
	PrintEnv     bool
}

// NewCmdExport returns `bbconnect export`.
func NewCmdExport(f *Factory) *cobra.Command {
	opts := &ExportOptions{IO: f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "export ID",
		Short: "Print a saved connector as Harness YAML or Terraform",
		Long: `Print a saved connector as the Harness connector YAML (default) or as Terraform.
The export names the Harness secrets it refers to after the connector; it never
holds a secret value.

The Terraform export is one file for one terraform apply: the Harness provider it
needs (harness/harness >= 0.42.2), the secrets as resources whose values come from
sensitive input variables, and the harness_platform_connector_bitbucket resource.
--print-env prints those variables from the keychain as export TF_VAR_…= lines for
a shell to eval; it writes them to stdout only, never to a file or a terminal.
--resource-only prints the connector resource alone, referring to secrets you
create yourself. Where Terraform cannot say what the YAML says (connectivity
through the Harness Platform, tag values holding ':'), a warning goes to stderr.

With --output the export is written to that file (atomically, mode 0600) instead.`,
		Example: `  bbconnect export bitbucket_cloud
  bbconnect export bitbucket_cloud --format terraform --output bitbucket.tf
  eval "$(bbconnect export bitbucket_cloud --format terraform --print-env)" && terraform apply
  bbconnect export bitbucket_cloud --format terraform --resource-only`,
		Args: exactlyOneID,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return completeIDs(f), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			return exportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "harness", "harness (YAML) or terraform")
	cmd.Flags().StringVar(&opts.Output, "output", "", "write to this file instead of stdout")
	cmd.Flags().BoolVar(&opts.ResourceOnly, "resource-only", false, "terraform: the connector resource alone (create the secrets yourself)")
	cmd.Flags().BoolVar(&opts.PrintEnv, "print-env", false, "terraform: print the secret variables from the keychain as export TF_VAR_…= lines, for eval")
	registerCompletions(cmd)
	_ = cmd.MarkFlagFilename("output")
	return cmd
}

func exportRun(ctx context.Context, opts *ExportOptions) error {
	f := opts.Factory
	format, err := export.ParseFormat(opts.Format)
	if err != nil {
		return usageErrorf("--format: %v", err)
	}
	if err := opts.check(format); err != nil {
		return err
	}
	st, p, err := f.openProfile(opts.ID)
	if err != nil {
		return err
	}
	_, hasPassphrase := p.Tokens[wizard.SlotSSHKey]
	o := export.Options{ResourceOnly: opts.ResourceOnly, SSHPassphrase: hasPassphrase && p.Connector.Connection == wizard.SSH}
	if opts.PrintEnv {
		return printEnv(ctx, f, p.Connector, o)
	}
	data, err := renderExport(p.Connector.Printable(), format, o)
	if err != nil {
		return err
	}
	printExportWarnings(f.IO, p.Connector, format)
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

// check refuses flag combinations that make no sense, and --print-env
// where its secrets would land in a file or on a screen.
func (o *ExportOptions) check(format export.Format) error {
	switch {
	case o.ResourceOnly && format != export.FormatTerraform:
		return usageErrorf("--resource-only: only the terraform export has resources; add --format terraform")
	case !o.PrintEnv:
		return nil
	case format != export.FormatTerraform:
		return usageErrorf("--print-env: only the terraform export has variables; add --format terraform")
	case o.ResourceOnly:
		return usageErrorf("--print-env: the resource alone has no variables; drop --resource-only")
	case o.Output != "" && o.Output != "-":
		return usageErrorf("--print-env writes secrets to stdout only, never to a file: drop --output and run eval \"$(bbconnect export %s --format terraform --print-env)\"", o.ID)
	case o.IO.IsStdoutTTY():
		return usageErrorf("--print-env prints secrets for a shell to read, not for a screen: run eval \"$(bbconnect export %s --format terraform --print-env)\"", o.ID)
	case isRegularFile(o.IO.Out):
		return usageErrorf("--print-env would write secrets into a file (stdout is redirected to one): run eval \"$(bbconnect export %s --format terraform --print-env)\" instead", o.ID)
	}
	return nil
}

// printEnv prints the Terraform export's input variables as export lines
// for a POSIX shell: the secrets from the keychain, the SSH key path
// from the profile. Single quotes keep the shell from reading anything
// in a value.
func printEnv(ctx context.Context, f *Factory, c wizard.Connector, o export.Options) error {
	vars := export.TerraformVars(c, o)
	kc, err := f.openKeychain(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, v := range vars {
		value := sshkey.ExpandHome(c.SSHKeyPath)
		if v.Slot != "" {
			value, err = kc.Get(ctx, c.ID, v.Slot)
			if err != nil {
				return failuref("cannot read the %s of %s from the keychain: %s", v.Slot, c.ID, keychain.Explain(err))
			}
		}
		fmt.Fprintf(&b, "export %s=%s\n", v.Env(), shellQuote(value))
	}
	_, err = io.WriteString(f.IO.Out, b.String())
	return err
}

// shellQuote quotes s for a POSIX shell: '…', with each ' as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isRegularFile reports whether w is an open regular file (stdout
// redirected with >).
func isRegularFile(w io.Writer) bool {
	fl, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := fl.Stat()
	return err == nil && info.Mode().IsRegular()
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
	st, err := f.openProfiles()
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
func sameExportName(st profile.Store, id string) (string, bool) {
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
