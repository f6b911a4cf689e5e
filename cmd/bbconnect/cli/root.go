package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/bbconnect/bbconnect/wizard"
)

// Version is the version bbconnect reports; the build sets it with
// -ldflags "-X github.com/bbconnect/bbconnect/cmd/bbconnect/cli.Version=…".
var Version = "dev"

const rootLong = `bbconnect sets up Bitbucket connectors (Cloud and Data Center) for Harness, the way
the Harness connector settings describe them: it tests them live against Bitbucket,
keeps their tokens in the OS keychain (never in a file), exports the Harness YAML or
Terraform, and is re-run to rotate tokens.

Run without a command on a terminal, it starts the wizard (the same as bbconnect setup).

Environment:
  BBCONNECT_CONFIG_DIR      folder holding the bbconnect folder (like --config-dir)
  BBCONNECT_PASSWORD        HTTP password (token) for setup --non-interactive and rotate
  BBCONNECT_API_TOKEN       API token for setup --non-interactive and rotate
  BBCONNECT_SSH_PASSPHRASE  passphrase of an encrypted SSH key
  BBCONNECT_CLOUD_URL       where the connection test sends Bitbucket Cloud git traffic (emulators, gateways)
  BBCONNECT_CLOUD_API_URL   where the connection test sends Bitbucket Cloud API calls
  BBCONNECT_CLOUD_SSH       where the connection test sends Bitbucket Cloud SSH (host:port)
  BBCONNECT_CA_FILE         an extra CA bundle the connection test trusts
  BBCONNECT_KNOWN_HOSTS     the known_hosts file the connection test checks host keys against
  BBCONNECT_NOW             testing aid: fixes the clock (2026-11-22T00:00:00Z or 2026-11-22)
  BBCONNECT_KEYRING=mock    testing aid: secrets in memory for this process only, lost at exit
  BBCONNECT_CONNECT_TO      testing aid: host:port=127.0.0.1:port,… sends a host's test traffic to a local emulator; URLs, TLS checks and texts keep the host name
  BBCONNECT_ELAPSED         testing aid: every duration the connection test shows reads as this (12ms)
  BBCONNECT_STEADY_CURSOR   set to keep the text cursor from blinking

Exit status: 0 done, 1 failed (a check failed, no keychain, …), 2 invalid flags or
settings (one line per problem, naming the flag) or no terminal for the wizard,
130 interrupted with Ctrl+C (nothing written).`

const rootExample = `  bbconnect                      # the wizard (or the picker, with saved connectors)
  bbconnect setup --non-interactive --dry-run --name cloud --url https://bitbucket.org/acme \
    --test-repo app.git --username jdoe
  bbconnect list
  bbconnect test --all --json
  bbconnect rotate cloud
  bbconnect export cloud --format terraform
  bbconnect delete cloud --yes`

// NewCmdRoot returns the bbconnect command with every subcommand.
func NewCmdRoot(f *Factory) *cobra.Command {
	setupCmd := NewCmdSetup(f)
	root := &cobra.Command{
		Use:           "bbconnect",
		Short:         "Set up, test, rotate and export Bitbucket connectors for Harness",
		Long:          rootLong,
		Example:       rootExample,
		Version:       f.Version,
		Args:          rootArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return setupCmd.RunE(cmd, args)
		},
	}
	root.SetVersionTemplate("bbconnect {{.Version}}\n")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		f.Running = cmd.CommandPath()
		if !skipRecovery(cmd) {
			f.recoverRotations(cmd.Context())
		}
		return nil
	}
	root.PersistentFlags().StringVar(&f.ConfigDirFlag, "config-dir", "", "folder holding the bbconnect folder (default: your config dir; env BBCONNECT_CONFIG_DIR)")
	_ = root.MarkPersistentFlagDirname("config-dir")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageErrorf("%s (see --help)", flagError(err))
	})
	// `bbconnect` alone is `bbconnect setup`: it takes the same flags, but
	// its help lists only its own and points to setup's.
	root.Flags().AddFlagSet(setupCmd.Flags())
	root.Flags().SortFlags = false
	cobra.AddTemplateFunc("bbconnectRootFlags", rootFlagUsages)
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(),
		"{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}",
		"{{if .HasParent}}{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{else}}{{bbconnectRootFlags .}}{{end}}", 1))
	wrapHelp(root)
	registerCompletions(root)

	root.AddCommand(
		setupCmd,
		NewCmdTest(f),
		NewCmdRotate(f),
		NewCmdList(f),
		NewCmdExport(f),
		NewCmdDelete(f),
		NewCmdPush(f),
		NewCmdHarness(f),
		NewCmdImport(f),
	)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	hideRefusedInCompletion(root.Flags())
	return root
}

// rootFlagUsages lists the root command's own flags, then says where the
// setting flags are described.
func rootFlagUsages(cmd *cobra.Command) string {
	fs := pflag.NewFlagSet("root", pflag.ContinueOnError)
	fs.SortFlags = false
	for _, name := range []string{"accessible", "config-dir", "help", "version"} {
		if fl := cmd.Flags().Lookup(name); fl != nil {
			fs.AddFlag(fl)
		}
	}
	width := helpWidth(cmd)
	note := wrapWords("Without a command, bbconnect also takes every flag of bbconnect setup (see bbconnect setup --help).", width-2)
	return strings.TrimRight(fs.FlagUsagesWrapped(width), " \n") + "\n\n  " + strings.Join(note, "\n  ")
}

// skipRecovery reports whether cmd runs without looking at saved
// connectors: completion, help, and --dry-run.
func skipRecovery(cmd *cobra.Command) bool {
	switch cmd.Name() {
	case "completion", "help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd, "bash", "zsh", "fish", "powershell":
		return true
	}
	if fl := cmd.Flags().Lookup("dry-run"); fl != nil && fl.Changed {
		return true
	}
	return runsWizard(cmd)
}

// runsWizard reports whether cmd opens the terminal wizard, which probes
// the keychain and recovers alongside its first screen instead.
func runsWizard(cmd *cobra.Command) bool {
	if cmd.HasParent() && cmd.Name() != "setup" {
		return false
	}
	fl := cmd.Flags().Lookup("non-interactive")
	return fl != nil && fl.Value.String() != "true"
}

// rootArgs refuses an unknown command. It names the command only when it
// looks like one: a token pasted in the wrong place is never echoed.
func rootArgs(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if looksLikeCommand(args[0]) {
		return usageErrorf("unknown command %q; see bbconnect --help for the commands", args[0])
	}
	return usageErrorf("unknown command; see bbconnect --help for the commands")
}

func looksLikeCommand(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '-' {
			return false
		}
	}
	return true
}

// hideRefusedInCompletion keeps the refused secret flags out of shell
// completion (they are hidden from help already).
func hideRefusedInCompletion(fs *pflag.FlagSet) {
	for field := range refusedFlags {
		if fl := fs.Lookup(string(field)); fl != nil {
			fl.Hidden = true
		}
	}
}

// Run executes bbconnect with args on f's streams and returns the exit
// status. Ctrl+C outside the wizard cancels ctx; the command then stops
// without writing anything and the status is 130.
func Run(ctx context.Context, f *Factory, args []string) ExitCode {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil {
		err = ErrInterrupted
	}
	return Exit(err, f.IO.ErrOut)
}

// Main runs bbconnect as a process: the real streams and environment,
// the services wire connects, os.Args, and SIGINT handling. It returns the
// exit status.
func Main(version string, wire func(*Factory)) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	f := NewFactory(version)
	if wire != nil {
		wire(f)
	}
	return int(Run(ctx, f, os.Args[1:]))
}

// secretFlags are the flags about a secret. A value given to one may be a
// secret typed in the wrong place (--password-stdin=TOKEN), so the flag
// parser's message, which quotes it, is never printed for them.
var secretFlags = map[string]bool{
	"password-stdin": true, "api-token-stdin": true, "ssh-passphrase-stdin": true,
	"token-stdin": true, "token-expires": true, "slot": true,
}

// flagError is the parser's message, without the value given to a secret
// or refused flag, or to a flag too mangled to name.
func flagError(err error) string {
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) {
		fl := ive.GetFlag()
		if _, refused := refusedFlags[wizard.Field(fl.Name)]; refused || secretFlags[fl.Name] {
			if fl.Value.Type() == "bool" {
				return fmt.Sprintf("--%s takes no value (the value given is not shown); the secret itself goes on standard input", fl.Name)
			}
			return fmt.Sprintf("--%s: the value given is not valid (not shown)", fl.Name)
		}
	}
	var ise *pflag.InvalidSyntaxError
	if errors.As(err, &ise) {
		return "a flag is malformed (not shown): write --name or --name=value"
	}
	return err.Error()
}
