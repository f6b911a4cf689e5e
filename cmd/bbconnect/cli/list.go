package cli

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain/profile"
)

// ListOptions are the inputs of `bbconnect list`.
type ListOptions struct {
	Factory *Factory
	JSON    bool
	Wide    bool
}

// NewCmdList returns `bbconnect list`.
func NewCmdList(f *Factory) *cobra.Command {
	opts := &ListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List saved connectors: auth, token expiry, last test",
		Long: `List the saved connectors with their edition, URL, how they authenticate, the days
until their tokens expire (flagged under 30 days), the App Password status, and the
last connection test. On a terminal the table fits its width: columns that do not fit are
left out (--wide prints them all). With --json, an array of objects, one per connector,
with every detail. Output that is not a terminal always has every column.

A profile file that cannot be read is reported (not changed) and the exit status is 1.`,
		Example: `  bbconnect list
  bbconnect list --wide
  bbconnect list --json | jq -r '.[] | select(.attention | length > 0) | .id'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return listRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&opts.Wide, "wide", false, "print every column, however wide the terminal")
	return cmd
}

func listRun(opts *ListOptions) error {
	f := opts.Factory
	now, err := f.Now()
	if err != nil {
		return err
	}
	st, err := f.openProfiles()
	if err != nil {
		return err
	}
	profiles, errs := st.List()
	for i := range profiles { // read from files: printed without control characters
		profiles[i].Connector = profiles[i].Connector.Printable()
	}
	sort.Slice(profiles, func(i, j int) bool { return profiles[i].Connector.ID < profiles[j].Connector.ID })
	rows := profile.Rows(profiles, now)
	if rows == nil {
		rows = []profile.Row{}
	}
	if opts.JSON {
		if err := writeJSON(f.IO.Out, rows); err != nil {
			return err
		}
	} else {
		writeListTable(f.IO, rows, opts.Wide)
	}
	for _, e := range errs {
		fmt.Fprintf(f.IO.ErrOut, "✗ %v\n", e)
	}
	if len(errs) > 0 {
		return silentError{ExitFailure}
	}
	return nil
}

// writeListTable prints rows as an aligned table that fits the terminal
// (the widest layout that does; every column with --wide or when
// standard output is not a terminal), then what needs attention.
func writeListTable(ios *IOStreams, rows []profile.Row, wide bool) {
	if len(rows) == 0 {
		fmt.Fprintln(ios.ErrOut, "no saved connectors; create one with bbconnect setup")
		return
	}
	width := ios.TerminalWidth()
	if wide {
		width = 0
	}
	cols, dropped := listLayout(rows, width)
	tw := tabwriter.NewWriter(ios.Out, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, header(cols))
	for _, r := range rows {
		fmt.Fprint(tw, row(cols, r))
	}
	_ = tw.Flush()
	note := func(s string) {
		if width > 0 {
			s = strings.Join(wrapWords(s, width-2), "\n  ")
		}
		fmt.Fprintln(ios.Out, s)
	}
	for _, r := range rows {
		if r.AppPassword && r.AppPasswordStatus != "" {
			note("! " + r.ID + ": " + r.AppPasswordStatus)
		}
		for _, a := range r.Attention {
			note("! " + r.ID + ": " + a)
		}
	}
	if dropped {
		fmt.Fprintln(ios.ErrOut, "some columns do not fit this terminal: bbconnect list --wide shows them all, --json everything")
	}
}
