package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

// pushOptions are the inputs of `bbconnect push`.
type pushOptions struct {
	Harness harnessFlags
	DryRun  bool
	JSON    bool
}

// NewCmdPush returns `bbconnect push`.
func NewCmdPush(f *Factory) *cobra.Command {
	opts := &pushOptions{}
	cmd := &cobra.Command{
		Use:   "push ID",
		Short: "Create or update the connector and its secrets in Harness, test it",
		Long: `Create or update (upsert) in Harness the secrets a saved connector refers to, then the
connector itself, at the connector's scope (account, org or project), then run
Harness's own connection test and show it next to bbconnect's last test.

HTTP connectors get text secrets with the tokens from the keychain. SSH connectors
get the PEM key uploaded as a file secret plus an SSH credential (user git, port 22)
in the same scope. A second push updates, never fails as a duplicate; an update
merges into the connector Harness holds, so settings bbconnect does not manage stay.

--dry-run lists the calls it would make (method, path, identifier), never a value:
it may read from Harness, never writes. The profile records the Harness account, URL,
secret ids, when it was pushed and Harness's test.

Exit status: 0 Harness's test passed (or the dry run listed the calls), 1 Harness
refused a call or its test failed (with Harness's error summary), 2 invalid use.`,
		Example: `  bbconnect push my_connector
  bbconnect push my_connector --dry-run
  HARNESS_PLATFORM_API_KEY=… bbconnect push my_connector --json | jq .test`,
		Args: exactlyOneID,
		RunE: func(cmd *cobra.Command, args []string) error {
			return pushRun(cmd.Context(), f, args[0], opts)
		},
	}
	opts.Harness.register(cmd.Flags())
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "list the calls without writing to Harness")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	return cmd
}

// pushJSON is what push --json prints.
type pushJSON struct {
	Connector  string         `json:"connector"`
	HarnessURL string         `json:"harness_url"`
	Calls      []pushJSONCall `json:"calls"`
	Test       pushJSONTest   `json:"test"`
}

type pushJSONCall struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
}

type pushJSONTest struct {
	Status       string `json:"status"`
	ErrorSummary string `json:"error_summary"`
}

func pushRun(ctx context.Context, f *Factory, id string, opts *pushOptions) error {
	st, p, err := f.openProfile(id)
	if err != nil {
		return err
	}
	return f.push(ctx, st, p, opts)
}

// push pushes one saved connector and records the outcome in its profile.
func (f *Factory) push(ctx context.Context, st profile.Store, p Profile, opts *pushOptions) error {
	stored := f.stored(p)
	conn := stored.Harness()
	if _, err := harnessapi.ConnectorObject(conn); err != nil {
		var ps wizard.Problems
		if errors.As(err, &ps) {
			return problemsError{ps}
		}
		return failuref("%v", err)
	}
	hs, err := f.resolveHarness(ctx, opts.Harness, true)
	if err != nil {
		return err
	}
	c, err := hs.client()
	if err != nil {
		return err
	}
	if !opts.DryRun {
		kc, err := f.openKeychain(ctx)
		if err != nil {
			return err
		}
		stored.Secret = func(ctx context.Context, slot wizard.SecretSlot) (string, error) {
			return kc.Get(ctx, p.Connector.ID, slot)
		}
	}
	in, err := stored.Input(ctx, opts.DryRun)
	if err != nil {
		return failuref("%s", keychain.Explain(err))
	}
	out, errOut := f.IO.Out, f.IO.ErrOut
	if !opts.JSON {
		warnUntested(errOut, p)
		if opts.DryRun {
			fmt.Fprintf(out, "dry run: nothing is written to harness account %s at %s\n", c.Account(), c.Endpoint())
		}
		ctx = harnessapi.WithObserver(ctx, func(call harnessapi.Call) { printCall(errOut, call) })
	}
	res, pushErr := c.Push(ctx, in)
	if !opts.DryRun && res.Connector != "" {
		if err := f.recordPush(ctx, st, p, c, res); err != nil {
			fmt.Fprintf(errOut, "! pushed, but the profile could not record it: %v\n", err)
		}
	}
	if opts.JSON {
		if err := writePushJSON(out, conn.ID, c.Endpoint(), res); err != nil {
			return err
		}
	} else if pushErr == nil {
		printPushResult(out, p, conn.ID, c, res, opts.DryRun)
	}
	if pushErr != nil {
		return harnessFailure(pushErr)
	}
	if !opts.DryRun && !res.Test.Passed() {
		if opts.JSON {
			return silentError{code: ExitFailure}
		}
		return failuref("✗ harness's test of %s failed: %s", conn.ID, testSummary(res.Test))
	}
	return nil
}

// stored is the saved connector p as a push reads it (its values are
// read through Secret, set once the keychain is open).
func (f *Factory) stored(p Profile) harnessapi.Stored {
	s := harnessapi.Stored{Connector: p.Connector, PassphraseStored: p.Tokens[wizard.SlotSSHKey].Kind != ""}
	if p.Harness != nil {
		s.Identifier = p.Harness.Identifier
	}
	return s
}

// warnUntested warns that a connector without a passing local test is
// being pushed.
func warnUntested(w io.Writer, p Profile) {
	switch {
	case p.LastTest == nil:
		fmt.Fprintf(w, "! %s was saved without a connection test; pushing anyway (bbconnect test %s runs it)\n", p.Connector.ID, p.Connector.ID)
	case !p.LastTest.OK:
		fmt.Fprintf(w, "! %s's last connection test failed (%s); pushing anyway\n", p.Connector.ID, p.LastTest.At.Format(time.DateOnly))
	}
}

// printCall is one progress line: a call made, or one a dry run would make.
func printCall(w io.Writer, call harnessapi.Call) {
	status := fmt.Sprint(call.Status)
	if call.Status == 0 {
		status = "planned"
	}
	id := ""
	if call.ID != "" && !strings.HasSuffix(call.Path, "/"+call.ID) {
		id = " (" + call.ID + ")"
	}
	fmt.Fprintf(w, "  %s %s%s %s\n", call.Method, call.Path, id, status)
}

// recordPush writes the Harness link into the profile, under the
// connector's writer lock.
func (f *Factory) recordPush(ctx context.Context, st profile.Store, p Profile, c *harnessapi.Client, res *harnessapi.PushResult) error {
	now, err := f.Now()
	if err != nil {
		now = time.Now()
	}
	_, err = st.RecordHarness(ctx, p.Connector.ID, profile.Pushed(p.Harness, c.Account(), c.Endpoint(), res, now))
	return err
}

// testSummary is Harness's test in one line.
func testSummary(t *harnessapi.TestResult) string { return t.Summary() }

func writePushJSON(w io.Writer, id, url string, res *harnessapi.PushResult) error {
	out := pushJSON{Connector: id, HarnessURL: url, Calls: []pushJSONCall{}, Test: pushJSONTest{Status: "NOT_RUN"}}
	for _, c := range res.Calls {
		out.Calls = append(out.Calls, pushJSONCall{Method: c.Method, Path: c.Path, Status: c.Status})
	}
	if t := res.Test; t != nil {
		out.Test = pushJSONTest{Status: t.Status, ErrorSummary: t.ErrorSummary}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func printPushResult(w io.Writer, p Profile, id string, c *harnessapi.Client, res *harnessapi.PushResult, dryRun bool) {
	var parts []string
	for _, s := range res.Secrets {
		parts = append(parts, fmt.Sprintf("secret %s %s", s.ID, s.Action))
	}
	parts = append(parts, "connector "+string(res.Connector))
	where := fmt.Sprintf("harness account %s (%s)", c.Account(), res.Scope)
	if dryRun {
		fmt.Fprintf(w, "%s in %s: %s\n", id, where, strings.Join(parts, ", "))
		return
	}
	fmt.Fprintf(w, "✓ pushed %s to %s: %s\n", id, where, strings.Join(parts, ", "))
	if res.Test.Passed() {
		fmt.Fprintf(w, "✓ harness's test passed\n")
	}
	local := "never run"
	if p.LastTest != nil {
		local = "failed"
		if p.LastTest.OK {
			local = "passed"
		}
		local += " " + p.LastTest.At.Format(time.DateOnly)
	}
	fmt.Fprintf(w, "  bbconnect's last test: %s\n", local)
}
