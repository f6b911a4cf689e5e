package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain/profile"
)

// ListOptions are the inputs of `bbconnect list`.
type ListOptions struct {
	IO      *IOStreams
	Factory *Factory
	JSON    bool
}

// NewCmdList returns `bbconnect list`.
func NewCmdList(f *Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List saved connectors: edition, auth, token expiry, App Password status, last test",
		Long: `List the saved connectors with their edition, URL, how they authenticate, the days
until their tokens expire (flagged under 30 days), the App Password status, and the
last connection test. With --json, an array of objects, one per connector.

A profile file that cannot be read is reported (not changed) and the exit status is 1.`,
		Example: `  bbconnect list
  bbconnect list --json | jq -r '.[] | select(.attention | length > 0) | .id'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func listRun(opts *ListOptions) error {
	f := opts.Factory
	now, err := f.Now()
	if err != nil {
		return err
	}
	st, _, err := f.openProfiles()
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
		writeListTable(f.IO, rows)
	}
	for _, e := range errs {
		fmt.Fprintf(f.IO.ErrOut, "✗ %v\n", e)
	}
	if len(errs) > 0 {
		return silentError{ExitFailure}
	}
	return nil
}

// writeListTable prints rows as an aligned table, then what needs attention.
func writeListTable(ios *IOStreams, rows []profile.Row) {
	if len(rows) == 0 {
		fmt.Fprintln(ios.ErrOut, "no saved connectors; create one with bbconnect setup")
		return
	}
	tw := tabwriter.NewWriter(ios.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEDITION\tURL\tAUTH\tTOKEN EXPIRES\tAPP PASSWORD\tLAST TEST")
	for _, r := range rows {
		expiry := r.ExpiryText
		if r.ExpiryWarning || r.Expired {
			expiry = "! " + expiry
		}
		app := "no"
		if r.AppPassword {
			app = "! yes: migrate"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Edition, r.URL, strings.Join(r.Auth, ", "), expiry, app, lastTestCell(r))
	}
	_ = tw.Flush()
	for _, r := range rows {
		if r.AppPassword && r.AppPasswordStatus != "" {
			fmt.Fprintf(ios.Out, "! %s: %s\n", r.ID, r.AppPasswordStatus)
		}
		for _, a := range r.Attention {
			fmt.Fprintf(ios.Out, "! %s: %s\n", r.ID, a)
		}
	}
}

// lastTestCell is the last test without its summary, to keep rows short.
func lastTestCell(r profile.Row) string {
	if r.LastTest == nil {
		return "never"
	}
	if r.LastTest.OK {
		return "passed " + r.LastTest.At.Format(time.DateOnly)
	}
	return "failed " + r.LastTest.At.Format(time.DateOnly)
}
