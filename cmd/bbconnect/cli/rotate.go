package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/keychain/rotate"
	"github.com/bbconnect/bbconnect/wizard"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

// RotateOptions are the inputs of `bbconnect rotate`.
type RotateOptions struct {
	Factory      *Factory
	ID           string
	Slot         string
	TokenStdin   bool
	TokenExpires string
	Email        string
	SkipTest     bool
	testFlags    testFlags
	// LocalOnly leaves the connector's copy in Harness alone.
	LocalOnly bool
	// DeleteOldSecret deletes the Harness secrets a migration left unused.
	DeleteOldSecret bool
	Refused         wizard.Problems
}

const rotateLong = `Replace a saved connector's token. The new token is stored beside the old one,
read back, and tested live with the connector's settings; only then does it replace
the old one. Whatever interrupts it (Ctrl+C, a crash, a keychain error), the
connector keeps a working token: the old one or the new one, never neither. A
rotation left unfinished is finished or rolled back on the next run, and said so.
Only one bbconnect changes a connector at a time: another one (a rotation, a delete)
waits up to 2 seconds, then says which process holds the connector and exits 1.

The new token comes from the first line of standard input (--token-stdin), from
BBCONNECT_PASSWORD (password slot) or BBCONNECT_API_TOKEN (api-token slot), or, on a
terminal, from a prompt that does not echo. Never from a flag value.

A connector that still uses an App Password is migrated: the HTTP password becomes an
API token (the username stays your Bitbucket username), and Username and App Password
API access becomes Email and API Token (the Atlassian email: asked on a terminal,
--email otherwise). API tokens expire within a year: --token-expires, by default one
year from today.

A connector pushed to Harness (or imported from it) is rotated there too: after the
local test passes, the new token is put in the Harness secret the connector refers to
and Harness runs its own test; only then does the keychain take it. When Harness
refuses or its test fails, the old value goes back to Harness, the old token stays
here, and the exit status is 1 with Harness's error summary. Each Harness call is
shown on stderr (method, path, status). An interrupted rotation is settled on both
sides by the next run; if Harness cannot be reached then, bbconnect says so and tries
again on every run. --local-only leaves Harness alone (bbconnect push ID updates it
later). The key: HARNESS_PLATFORM_API_KEY, or the one bbconnect harness login keeps.

An App Password connector imported from Harness (bbconnect harness import) is
migrated in Harness as well: a NEW secret <connector>_api_token is created (the App
Password secret is never overwritten), the connector is pointed at it with Email and
API Token API access, and Harness tests it; if that fails, the previous connector is
restored and the new secret deleted. The old secret is named for you to delete;
--delete-old-secret deletes it after Harness's test passed.`

const rotateExample = `  # on a terminal: asks for the new token
  bbconnect rotate bitbucket_cloud

  # from a secret manager, with the expiry chosen when the token was made
  my-secret-tool get bitbucket-token | bbconnect rotate bitbucket_cloud --token-stdin --token-expires 2027-06-30

  # the separate API access token
  BBCONNECT_API_TOKEN=… bbconnect rotate dc_ssh --slot api-token

  # an App Password connector, moved to an API token
  bbconnect rotate legacy --email jdoe@acme.com

  # a pushed connector: here and in Harness (exit 1 if Harness's test fails)
  printf '%s\n' "$NEW_TOKEN" | bbconnect rotate web --token-stdin

  # only the keychain; bbconnect push web later puts the token in Harness
  bbconnect rotate web --local-only

  # migrate a connector imported from Harness, then delete its App Password secret
  bbconnect harness import bb_legacy --org default --project web
  bbconnect rotate bb_legacy --email jdoe@acme.com --delete-old-secret`

// NewCmdRotate returns `bbconnect rotate`.
func NewCmdRotate(f *Factory) *cobra.Command {
	opts := &RotateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:     "rotate ID",
		Short:   "Replace a connector's token, tested before the old one goes",
		Long:    rotateLong,
		Example: rotateExample,
		Args:    exactlyOneID,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return completeIDs(f), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			opts.Refused = refusedProblems(cmd.Flags())
			return rotateRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Slot, "slot", "", "which token: password or api-token (default: the HTTP password, else the API token)")
	fs.BoolVar(&opts.TokenStdin, "token-stdin", false, "read the new token from the first line of stdin")
	fs.StringVar(&opts.TokenExpires, "token-expires", "", "when the new token expires, `YYYY-MM-DD` (API tokens: at most a year; default one year from today)")
	fs.StringVar(&opts.Email, "email", "", "Atlassian account email, when moving API access off an App Password")
	fs.BoolVar(&opts.SkipTest, "skip-test", false, "replace the token without the live test (not recommended)")
	opts.testFlags.register(fs, true)
	fs.BoolVar(&opts.LocalOnly, "local-only", false, "change only the keychain, not the connector in Harness (bbconnect push updates Harness later)")
	fs.BoolVar(&opts.DeleteOldSecret, "delete-old-secret", false, "after Harness's test passed, delete the Harness secret a migration no longer uses")
	registerRefused(fs)
	_ = cmd.RegisterFlagCompletionFunc("slot", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{string(wizard.SlotPassword), string(wizard.SlotAPIToken)}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func rotateRun(ctx context.Context, opts *RotateOptions) error {
	f := opts.Factory
	if len(opts.Refused) > 0 {
		return problemsError{opts.Refused}
	}
	now, err := f.Now()
	if err != nil {
		return err
	}
	st, p, err := f.openProfile(opts.ID)
	if err != nil {
		return err
	}
	inHarness := p.Harness != nil && !opts.LocalOnly
	switch {
	case opts.DeleteOldSecret && opts.LocalOnly:
		return usageErrorf("--delete-old-secret deletes a harness secret: drop --local-only, or the other flag")
	case opts.DeleteOldSecret && p.Harness == nil:
		return usageErrorf("--delete-old-secret deletes a harness secret, and %s is not in harness (bbconnect push or harness import links it)", opts.ID)
	}
	remote := f.harnessRemote()
	if f.Unsetenv != nil {
		// Read now: no child of the connection test inherits it.
		_ = f.Unsetenv(harnessapi.EnvAPIKey)
	}
	if inHarness {
		// A Harness key is needed after the local test: say so before the
		// token is asked for.
		if _, err := remote.key(ctx, p.Harness.Account); err != nil {
			fmt.Fprintf(f.IO.ErrOut, "! %s is in harness account %s: its token is rotated there too (or, with --local-only, only here)\n", p.Connector.ID, p.Harness.Account)
			return failuref("%v", err)
		}
	}
	if err := askEmail(opts, p.Connector); err != nil {
		return err
	}
	c, ps := rotationTarget(p.Connector, opts)
	slot, sps := rotationSlot(c, opts.Slot)
	ps = append(ps, sps...)
	var expires time.Time
	if len(ps) == 0 {
		var eps wizard.Problems
		expires, eps = slotExpiry(opts.TokenExpires, c, slot, now)
		ps = append(ps, eps...)
	}
	if len(ps) > 0 {
		return problemsError{ps}
	}
	migrating, steps := rotate.MigrationPlan(p.Connector, now)
	if migrating {
		fmt.Fprintf(f.IO.ErrOut, "! %s uses an app password; moving it to an api token:\n", c.ID)
		for i, s := range steps {
			fmt.Fprintf(f.IO.ErrOut, "  %d. %s\n", i+1, s.Text())
		}
	}

	kc, err := f.openKeychain(ctx)
	if err != nil {
		return err
	}
	secret, err := readRotationSecret(opts, slot)
	if err != nil {
		return err
	}
	req := rotate.Request{
		ID:      c.ID,
		Secrets: map[wizard.SecretSlot]string{slot: secret},
		Expires: map[wizard.SecretSlot]time.Time{},
	}
	if !expires.IsZero() {
		req.Expires[slot] = expires
	}
	if migrating {
		req.Connector = &c
	}
	r := rotate.Rotator{Store: st, Secrets: kc, Now: f.clock()}
	if !opts.LocalOnly {
		r.Remote = remote
	}
	if inHarness {
		fmt.Fprintf(f.IO.ErrOut, "harness account %s: after the local test, harness gets the new token and runs its own test\n", p.Harness.Account)
		ctx = harnessapi.WithObserver(ctx, func(call harnessapi.Call) { printCall(f.IO.ErrOut, call) })
	}
	if !opts.SkipTest {
		cfg := f.testConfig(opts.testFlags, now)
		cfg.TokenExpires, cfg.APITokenExpires = tokenExpiries(p, slot, expires)
		r.Tester = func(ctx context.Context, c wizard.Connector, s Secrets) error {
			r, err := runTest(ctx, c, s, cfg)
			if err != nil {
				return err
			}
			writeReport(f.IO.ErrOut, r)
			return r.Err()
		}
	}
	res, err := r.Rotate(ctx, req)
	if res.Recovered != "" {
		fmt.Fprintf(f.IO.ErrOut, "! %s\n", res.Recovered)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		var rf *rotate.RemoteFailedError
		if errors.As(err, &rf) {
			return failuref("✗ %s", wizard.Redact(err.Error(), secret))
		}
		return failuref("%s", wizard.Redact(err.Error(), secret))
	}
	fmt.Fprintf(f.IO.Out, "✓ rotated the %s of %s\n", strings.Join(slotNames(res.Replaced), " and "), c.ID)
	if res.Summary != "" {
		fmt.Fprintf(f.IO.Out, "  %s\n", res.Summary)
	}
	if !res.Tested {
		fmt.Fprintf(f.IO.Out, "  – the new token was not tested (--skip-test): run bbconnect test %s\n", c.ID)
	}
	switch {
	case res.Remote != nil:
		return harnessRotated(ctx, f.IO, *res.Remote, remote, opts.DeleteOldSecret)
	case p.Harness != nil && opts.LocalOnly:
		fmt.Fprintf(f.IO.Out, "! harness still holds the old token (--local-only): bbconnect push %s puts the new one there\n", c.ID)
	default:
		fmt.Fprintf(f.IO.Out, "next, in Harness: put the new token in the secret the connector refers to (or bbconnect push %s does it)\n", c.ID)
	}
	return nil
}

// harnessRotated says what the rotation did in Harness and, with
// --delete-old-secret, deletes the secrets a migration left unused.
func harnessRotated(ctx context.Context, ios *IOStreams, step rotate.RemoteStep, remote *harnessRemote, deleteOld bool) error {
	w := ios.Out
	where := fmt.Sprintf("harness account %s (%s)", step.Account, harnessapi.Scope{Org: step.Org, Project: step.Project})
	refs := strings.Join(step.SecretRefs(), ", ")
	if step.Kind == rotate.RemoteRepoint {
		fmt.Fprintf(w, "✓ in %s, connector %s now uses the new secret %s; harness's test passed\n", where, step.Connector, refs)
	} else {
		fmt.Fprintf(w, "✓ in %s, secret %s holds the new token; harness's test passed\n", where, refs)
	}
	var deleted []string
	var err error
	if deleteOld && len(step.OldSecrets) > 0 {
		deleted, err = remote.DeleteOldSecrets(context.WithoutCancel(ctx), step)
	}
	for _, s := range deleted {
		fmt.Fprintf(w, "✓ deleted the old harness secret %s\n", s)
	}
	var left []string
	for _, s := range step.OldSecrets {
		if !slices.Contains(deleted, s) {
			left = append(left, s)
		}
	}
	if len(left) > 0 {
		fmt.Fprintf(w, "  %s no longer uses the old secret %s: delete it in harness once nothing else does (or rotate with --delete-old-secret)\n",
			step.Connector, strings.Join(left, ", "))
	}
	if err != nil {
		return failuref("the old harness secret could not be deleted: %v; delete it in harness", err)
	}
	return nil
}

// askEmail asks on a terminal for the Atlassian email that API access
// needs when it moves off an App Password and --email was not given.
func askEmail(opts *RotateOptions, c wizard.Connector) error {
	f := opts.Factory
	if !rotate.NeedsMigration(c) || c.APIAccess != wizard.APIUsernameAppPassword || opts.Email != "" || !f.IO.CanPrompt() {
		return nil
	}
	v, err := f.IO.ReadLine("atlassian account email for api access (email and api token): ")
	if err != nil {
		return usageErrorf("no email was given; give it with --email")
	}
	opts.Email = v
	return nil
}

// rotationTarget is the connector after rotation: moved off App Passwords
// when it used one (API access then needs the Atlassian email).
func rotationTarget(c wizard.Connector, opts *RotateOptions) (wizard.Connector, wizard.Problems) {
	if !rotate.NeedsMigration(c) {
		if opts.Email != "" {
			return c, wizard.Problems{{Field: fieldEmail, Msg: "only used to move api access off an app password; this connector does not use one"}}
		}
		return c, nil
	}
	var ps wizard.Problems
	if c.APIAccess == wizard.APIUsernameAppPassword {
		if err := wizard.ValidateEmail(opts.Email); err != nil {
			ps = append(ps, wizard.Problem{Field: fieldEmail, Msg: err.Error() + " (api access moves from username and app password to email and api token)"})
		}
	}
	return rotate.MigrateFromAppPassword(c, opts.Email), ps
}

// rotationSlot picks the slot to rotate: --slot, else the HTTP password,
// else the API token.
func rotationSlot(c wizard.Connector, given string) (wizard.SecretSlot, wizard.Problems) {
	slots := c.SecretSlots()
	if given == "" {
		if len(slots) == 0 {
			return "", wizard.Problems{{Field: fieldSlot, Msg: "this connector has no token: an ssh key without api access has nothing to rotate (replace the key file itself)"}}
		}
		return slots[0], nil
	}
	for _, s := range slots {
		if string(s) == strings.TrimSpace(given) {
			return s, nil
		}
	}
	return "", wizard.Problems{{Field: fieldSlot, Msg: fmt.Sprintf("the value given is not a token of this connector; choose one of %s", strings.Join(slotNames(slots), ", "))}}
}

// slotExpiry reads --token-expires for the token in slot: API tokens at
// most a year ahead (the default), other tokens as given.
func slotExpiry(raw string, c wizard.Connector, slot wizard.SecretSlot, now time.Time) (time.Time, wizard.Problems) {
	kind := profile.KindOf(c, slot)
	probe := c
	probe.Connection, probe.PasswordKind, probe.APIAccess = wizard.HTTP, wizard.PasswordKind(kind), wizard.APINone
	return tokenExpiry(raw, probe, now)
}

// tokenExpiries are the expiry dates the test sees: the new one for the
// rotated slot, the saved one for the other.
func tokenExpiries(p Profile, slot wizard.SecretSlot, expires time.Time) (password, apiToken time.Time) {
	password, apiToken = p.Tokens[wizard.SlotPassword].Expires, p.Tokens[wizard.SlotAPIToken].Expires
	if slot == wizard.SlotPassword {
		password = expires
	} else {
		apiToken = expires
	}
	return password, apiToken
}

// readRotationSecret reads the new token: stdin, the slot's environment
// variable, or a prompt without echo on a terminal.
func readRotationSecret(opts *RotateOptions, slot wizard.SecretSlot) (string, error) {
	f := opts.Factory
	env := EnvPassword
	if slot == wizard.SlotAPIToken {
		env = EnvAPIToken
	}
	src := secretSource{slot: slot, what: "the new token", stdin: opts.TokenStdin, flag: fieldTokenStdin, env: env}
	if ps := stdinIsTerminalProblem(f, []secretSource{src}); len(ps) > 0 {
		return "", problemsError{ps}
	}
	src.required = opts.TokenStdin || !f.IO.CanPrompt() || f.getenv(env) != ""
	if src.required {
		vals, ps := gatherSecrets(f, []secretSource{src})
		if len(ps) > 0 {
			return "", problemsError{ps}
		}
		return vals[slot], nil
	}
	v, err := f.IO.ReadSecret(fmt.Sprintf("new %s for %s (not shown): ", slot, opts.ID))
	if err != nil || v == "" {
		return "", usageErrorf("no new token was given; paste it at the prompt, or pipe it with --token-stdin")
	}
	if p := secretProblem(src, v); p != nil {
		return "", usageErrorf("%s", p.Text())
	}
	return v, nil
}

func slotNames(slots []wizard.SecretSlot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = string(s)
	}
	return out
}
