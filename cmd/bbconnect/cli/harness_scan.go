package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/wizard"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

// scanOptions are the inputs of `bbconnect harness scan`.
type scanOptions struct {
	Harness harnessFlags
	Org     string
	Project string
	JSON    bool
	Import  bool
}

// NewCmdHarnessScan returns `bbconnect harness scan`.
func NewCmdHarnessScan(f *Factory) *cobra.Command {
	opts := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Find the Bitbucket connectors of a Harness account that still use App Passwords",
		Long: `Walk the Harness account, each of its organisations and each of their projects (a
listing only returns the scope asked, so every scope is visited, several at a time),
and list every Bitbucket connector with its scope, URL, authentication, API access,
Harness's last test and a verdict:

  app-password  API access "Username and App Password" (UsernameToken): an App Password
  unknown       Cloud, HTTP username and password, no API access: the password may be
                an App Password (Harness never shows secret values)
  ok            anything else (Data Center never had App Passwords)

--org O scans that organisation and its projects; --project P (with --org) one
project. --import saves every app-password connector as a local profile, linked to
Harness, ready for bbconnect rotate to migrate it.

Exit status: 1 when any app-password connector is found (or a scope could not be
listed), so a pipeline can gate on it; 0 otherwise.`,
		Example: `  bbconnect harness scan
  bbconnect harness scan --org default --json | jq '.[] | select(.verdict != "ok")'
  bbconnect harness scan --import && bbconnect list`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Project != "" && opts.Org == "" {
				return usageErrorf("--project needs --org: a project lives in an organisation")
			}
			return scanRun(cmd.Context(), f, opts)
		},
	}
	opts.Harness.register(cmd.Flags())
	cmd.Flags().StringVar(&opts.Org, "org", "", "scan only this organisation (and its projects)")
	cmd.Flags().StringVar(&opts.Project, "project", "", "scan only this project (needs --org)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array, one object per connector")
	cmd.Flags().BoolVar(&opts.Import, "import", false, "save every app-password connector as a local profile")
	return cmd
}

func scanRun(ctx context.Context, f *Factory, opts *scanOptions) error {
	hs, err := f.resolveHarness(ctx, opts.Harness, true)
	if err != nil {
		return err
	}
	c, err := hs.client()
	if err != nil {
		return err
	}
	so := harnessapi.ScanOptions{Org: opts.Org, Project: opts.Project}
	progress := f.IO.IsStderrTTY()
	if progress {
		so.Progress = func(done, total int) {
			fmt.Fprintf(f.IO.ErrOut, "\r\x1b[Kscanning harness account %s: %d/%d scopes", c.Account(), done, total)
		}
	}
	found, scanErr := c.Scan(ctx, so)
	if progress {
		fmt.Fprint(f.IO.ErrOut, "\r\x1b[K")
	}
	if found == nil && scanErr != nil {
		return harnessFailure(scanErr)
	}
	if opts.JSON {
		if found == nil {
			found = []harnessapi.Finding{}
		}
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(found); err != nil {
			return err
		}
	} else {
		now, err := f.Now()
		if err != nil {
			return err
		}
		printFindings(f.IO.Out, c.Account(), found, now)
	}
	failed := false
	if scanErr != nil {
		for _, e := range splitJoined(scanErr) {
			fmt.Fprintf(f.IO.ErrOut, "! could not list %v\n", e)
		}
		failed = true
	}
	flagged := 0
	for _, fd := range found {
		if fd.Verdict == harnessapi.VerdictAppPassword {
			flagged++
		}
	}
	if opts.Import && flagged > 0 {
		if err := f.importFindings(ctx, c, found); err != nil {
			return err
		}
	}
	if flagged > 0 || failed {
		return silentError{code: ExitFailure}
	}
	return nil
}

// splitJoined lists the errors of an errors.Join.
func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// printFindings prints the scan as a table, the counts and, when any
// connector is on an App Password, where App Passwords stand at now and
// what to do.
func printFindings(w io.Writer, account string, found []harnessapi.Finding, now time.Time) {
	counts := map[string]int{}
	for _, fd := range found {
		counts[fd.Verdict]++
	}
	if len(found) == 0 {
		fmt.Fprintf(w, "no bitbucket connectors in harness account %s\n", account)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERDICT\tSCOPE\tIDENTIFIER\tURL\tAUTH\tAPI ACCESS\tLAST TEST")
	for _, fd := range found {
		last := strings.ToLower(fd.LastTest)
		if last == "" {
			last = "-"
		}
		if !fd.TestedAt.IsZero() {
			last += " " + fd.TestedAt.Format(time.DateOnly)
		}
		api := fd.APIAccess
		if api == "" {
			api = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", fd.Verdict, fd.Scope(), fd.Identifier, fd.URL, fd.Auth, api, last)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\n%d connector(s): %d app-password, %d unknown, %d ok\n", len(found),
		counts[harnessapi.VerdictAppPassword], counts[harnessapi.VerdictUnknown], counts[harnessapi.VerdictOK])
	if counts[harnessapi.VerdictAppPassword] > 0 {
		fmt.Fprintln(w, wizard.AppPasswordStatus(now))
		fmt.Fprintln(w, "import them with --import (or bbconnect harness import ID), then migrate each with bbconnect rotate ID")
	}
}

// importFindings saves every app-password finding as a local profile;
// one already saved is skipped with a note.
func (f *Factory) importFindings(ctx context.Context, c *harnessapi.Client, found []harnessapi.Finding) error {
	var errs []error
	for _, fd := range found {
		if fd.Verdict != harnessapi.VerdictAppPassword {
			continue
		}
		if err := f.importOne(ctx, c, fd.Scope(), fd.Identifier, ""); err != nil {
			errs = append(errs, err)
		}
	}
	for _, err := range errs {
		fmt.Fprintf(f.IO.ErrOut, "! %v\n", err)
	}
	if len(errs) > 0 {
		return silentError{code: ExitFailure}
	}
	return nil
}
