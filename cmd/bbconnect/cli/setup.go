package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// SetupOptions are the inputs of `bbconnect setup`.
type SetupOptions struct {
	IO      *IOStreams
	Factory *Factory

	Settings settingFlags

	NonInteractive bool
	DryRun         bool
	Accessible     bool
	Format         string
	Output         string
	TokenExpires   string
	SkipTest       bool
	SaveFailing    bool

	PasswordStdin      bool
	APITokenStdin      bool
	SSHPassphraseStdin bool

	// testFlags are --cloud-url and --cloud-api-url (the CA file is
	// the connector's).
	testFlags testFlags

	// Push pushes the saved connector to Harness (bbconnect push) after setup.
	Push    bool
	Harness harnessFlags

	// Given reports whether a flag was set on the command line.
	Given func(flag wizard.Field) bool
	// Refused lists the secret-valued flags that were given.
	Refused wizard.Problems
}

const setupExample = `  # the wizard, on a terminal
  bbconnect setup

  # Bitbucket Cloud over HTTP with an API token, printed and not saved
  bbconnect setup --non-interactive --dry-run \
    --name "Bitbucket Cloud" --url https://bitbucket.org/acme --test-repo app.git \
    --username jdoe --password-kind api-token \
    --api-access email-api-token --api-email jdoe@acme.com --api-token-same-as-password

  # the same, saved: the token comes from stdin (or BBCONNECT_PASSWORD), never from a flag
  my-secret-tool get bitbucket-token | bbconnect setup --non-interactive --password-stdin \
    --name "Bitbucket Cloud" --url https://bitbucket.org/acme --test-repo app.git \
    --username jdoe --password-kind api-token --token-expires 2027-06-30

  # Data Center over SSH through a delegate, at project scope, as Terraform
  bbconnect setup --non-interactive --dry-run --format terraform \
    --name dc-ssh --edition datacenter --connection ssh \
    --url ssh://git@bitbucket.acme.com:7999/ --test-repo PRJ/app.git --ssh-key ~/.ssh/bbconnect_rsa \
    --connectivity delegate --delegate-selector build \
    --scope project --org default --project app`

// NewCmdSetup returns `bbconnect setup`.
func NewCmdSetup(f *Factory) *cobra.Command {
	opts := &SetupOptions{IO: f.IO, Factory: f}
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Create a connector: the wizard, or every setting as a flag",
		Long: `Create a Bitbucket connector the way the Harness connector settings describe it,
test it live, keep its tokens in the OS keychain and export it.

On a terminal this runs the wizard. With --non-interactive every setting is a flag
and the secrets come from standard input (--password-stdin, then --api-token-stdin,
then --ssh-passphrase-stdin, one line each, in that order) or from the environment
(BBCONNECT_PASSWORD, BBCONNECT_API_TOKEN, BBCONNECT_SSH_PASSPHRASE); never from a
flag value. --dry-run runs every local check (the settings, the SSH key file),
prints the export and stores nothing.

Without --dry-run the keychain is checked first, then the secrets are read, the
SSH key is checked, the connection is tested live (unless --skip-test; a failing
test saves nothing unless --save-failing), and the profile, the keychain items and
the export are written, each said where. Invalid settings exit with status 2 and
one line per problem, each naming its flag.`,
		Example: setupExample,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Given = func(flag wizard.Field) bool { return cmd.Flags().Changed(string(flag)) }
			opts.Refused = refusedProblems(cmd.Flags())
			return setupRun(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	opts.Settings.register(fs)
	fs.BoolVar(&opts.NonInteractive, "non-interactive", false, "take every setting from flags; never prompt")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "print the export to stdout and store nothing (with --non-interactive)")
	fs.BoolVar(&opts.Accessible, "accessible", false, "wizard prompts line by line, for screen readers (also TERM=dumb)")
	fs.StringVar(&opts.Format, "format", "harness", "export format: harness (YAML) or terraform")
	fs.StringVar(&opts.Output, "output", "", "where to write the export (default <config dir>/bbconnect/<id>.harness.yaml or .tf)")
	fs.StringVar(&opts.TokenExpires, "token-expires", "", "when the token expires, `YYYY-MM-DD` (API tokens: at most a year; default one year from today)")
	fs.BoolVar(&opts.SkipTest, "skip-test", false, "save without the live connection test")
	fs.BoolVar(&opts.SaveFailing, "save-failing", false, "save even when the connection test fails")
	fs.BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the HTTP password (token) from the first line of stdin")
	fs.BoolVar(&opts.APITokenStdin, "api-token-stdin", false, "read the API token from the next line of stdin")
	fs.BoolVar(&opts.SSHPassphraseStdin, "ssh-passphrase-stdin", false, "read the SSH key passphrase from the next line of stdin")
	opts.testFlags.register(fs, false)
	fs.BoolVar(&opts.Push, "push", false, "then push the connector and its secrets to Harness (see bbconnect push)")
	fs.StringVar(&opts.Harness.URL, "harness-url", "", "with --push: Harness API base URL (env HARNESS_ENDPOINT)")
	fs.StringVar(&opts.Harness.Account, "harness-account", "", "with --push: Harness account id (env HARNESS_ACCOUNT_ID)")
	registerRefused(fs)
	registerCompletions(cmd)
	_ = cmd.MarkFlagFilename("ssh-key")
	_ = cmd.MarkFlagFilename("ca-file", "pem", "crt")
	_ = cmd.MarkFlagFilename("output")
	return cmd
}

// anySetting reports whether a connector setting was given as a flag.
func (o *SetupOptions) anySetting() bool {
	for _, n := range settingNames {
		if o.Given != nil && o.Given(n) {
			return true
		}
	}
	return false
}

func setupRun(ctx context.Context, opts *SetupOptions) error {
	f := opts.Factory
	if len(opts.Refused) > 0 {
		return problemsError{opts.Refused}
	}
	now, err := f.Now()
	if err != nil {
		return err
	}
	c, ps := opts.Settings.connector()
	format, ferr := export.ParseFormat(opts.Format)
	if ferr != nil {
		ps = append(ps, wizard.Problem{Field: fieldFormat, Msg: ferr.Error()})
	}
	if !opts.NonInteractive {
		if opts.Push {
			return usageErrorf("--push needs --non-interactive (in the wizard, push after saving with bbconnect push ID)")
		}
		return interactiveSetup(ctx, opts, ps, now)
	}
	ps = mergeProblems(ps, c.Validate(now))
	ps = append(ps, opts.flagProblems(c)...)
	expires, eps := tokenExpiry(opts.TokenExpires, c, now)
	ps = append(ps, eps...)
	if len(ps) > 0 {
		return problemsError{ps}
	}
	c = normalized(c)
	if opts.DryRun {
		// Every local check runs, as in a real run: only the keychain,
		// the secrets and the live test are left out.
		key, kps := checkSSHKey(c)
		if len(kps) > 0 {
			return problemsError{kps}
		}
		data, err := renderExport(c, format, export.Options{SSHPassphrase: key.Encrypted})
		if err != nil {
			return err
		}
		printWarnings(f.IO, c, now)
		printExportWarnings(f.IO, c, format)
		_, err = f.IO.Out.Write(data)
		return err
	}
	return saveNonInteractive(ctx, opts, c, format, now, expires)
}

// flagProblems checks the flags that are not connector settings against
// the connector: secret sources that do not apply, and flag combinations.
func (o *SetupOptions) flagProblems(c wizard.Connector) wizard.Problems {
	var ps wizard.Problems
	add := func(field wizard.Field, msg string) { ps = append(ps, wizard.Problem{Field: field, Msg: msg}) }
	if o.DryRun {
		for _, n := range []wizard.Field{fieldPasswordStdin, fieldAPITokenStdin, fieldSSHPassphraseStdin, fieldSkipTest, fieldSaveFailing, fieldOutput, fieldPush} {
			if o.Given(n) {
				add(n, "--dry-run stores and tests nothing; drop this flag or --dry-run")
			}
		}
		return ps
	}
	if o.PasswordStdin && c.Connection != wizard.HTTP {
		add(fieldPasswordStdin, "an ssh connector has no http password; drop this flag")
	}
	if o.APITokenStdin && !c.NeedsSeparateAPIToken() {
		if c.APITokenSameAsPassword {
			add(fieldAPITokenStdin, "--api-token-same-as-password reuses the http password; drop one of the two")
		} else {
			add(fieldAPITokenStdin, "api access is off, so there is no api token; drop this flag or set --api-access")
		}
	}
	if o.SSHPassphraseStdin && c.Connection != wizard.SSH {
		add(fieldSSHPassphraseStdin, "only an ssh key has a passphrase; drop this flag")
	}
	if o.SkipTest && o.SaveFailing {
		add(fieldSaveFailing, "--skip-test runs no test that could fail; drop one of the two")
	}
	if o.Output != "" && strings.HasSuffix(o.Output, "/") {
		add(fieldOutput, "give a file path, not a folder")
	}
	return ps
}

// tokenExpiry reads --token-expires. API tokens expire within a year:
// the default is one year from today and a later date is refused.
func tokenExpiry(raw string, c wizard.Connector, now time.Time) (time.Time, wizard.Problems) {
	usesAPIToken := (c.Connection == wizard.HTTP && c.PasswordKind == wizard.APIToken) || c.APIAccess == wizard.APIEmailAPIToken
	hasToken := c.Connection == wizard.HTTP || c.NeedsSeparateAPIToken()
	today := now.UTC().Truncate(24 * time.Hour)
	limit := today.AddDate(1, 0, 0)
	if strings.TrimSpace(raw) == "" {
		if usesAPIToken {
			return limit, nil
		}
		return time.Time{}, nil
	}
	bad := func(msg string) (time.Time, wizard.Problems) {
		return time.Time{}, wizard.Problems{{Field: wizard.FieldTokenExpires, Msg: msg}}
	}
	if !hasToken {
		return bad("this connector stores no token; drop this flag")
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(raw))
	switch {
	case err != nil:
		return bad(fmt.Sprintf("the value given is not a date (not shown, in case it is a token); write YYYY-MM-DD, e.g. %s", limit.Format(time.DateOnly)))
	case t.Before(today):
		return bad(fmt.Sprintf("%s has passed; create a new token and give its expiry date", t.Format(time.DateOnly)))
	case usesAPIToken && t.After(limit):
		return bad(fmt.Sprintf("api tokens expire within a year; give a date on or before %s", limit.Format(time.DateOnly)))
	}
	return t, nil
}

// printWarnings writes what is allowed but worth saying, to stderr.
func printWarnings(ios *IOStreams, c wizard.Connector, now time.Time) {
	for _, w := range c.Warnings(now) {
		fmt.Fprintf(ios.ErrOut, "! %s\n", w)
	}
}

// noArgs refuses positional arguments with a usage error that does not
// echo them (a token pasted by mistake must not be printed back).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments (%d given); settings are flags, see %s --help", cmd.CommandPath(), len(args), cmd.CommandPath())
	}
	return nil
}
