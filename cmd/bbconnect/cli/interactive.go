package cli

import (
	"context"
	"time"

	"github.com/bbconnect/bbconnect/keychain/rotate"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// WizardRequest is what the terminal wizard is started with.
type WizardRequest struct {
	// Accessible prompts line by line (--accessible, TERM=dumb).
	Accessible bool
	// Now is the clock.
	Now time.Time
	// ProfileDir is where profiles and exports go.
	ProfileDir string
	// Keychain is the keychain the wizard stores secrets in; its calls
	// wait for the start-up check.
	Keychain SecretStore
	// Startup is the keychain's probe and the recovery of unfinished
	// rotations, run alongside the first screen: Begin starts it (the
	// wizard does, once its first screen is up), Check starts it if need
	// be and waits for it (and checks again after a failure it returned).
	Startup interface {
		Begin()
		Check(ctx context.Context) ([]string, error)
	}
	// Test is the live connection test's configuration: the environment
	// and --cloud-url, --cloud-api-url, at the clock Now.
	Test conntest.Config
	// Remote is the connectors' copy in Harness, for rotations.
	Remote rotate.Remote
}

// WizardFunc runs the terminal wizard on ios. It returns ErrInterrupted
// when the user pressed Ctrl+C (nothing was written then).
type WizardFunc func(ctx context.Context, ios *IOStreams, req WizardRequest) error

// nonInteractiveOnly are the flags that only make sense without the wizard.
var nonInteractiveOnly = []wizard.Field{
	fieldDryRun, fieldPasswordStdin, fieldAPITokenStdin, fieldSSHPassphraseStdin, fieldSkipTest, fieldSaveFailing, fieldOutput, wizard.FieldTokenExpires,
}

func interactiveSetup(ctx context.Context, opts *SetupOptions, ps wizard.Problems, now time.Time) error {
	f := opts.Factory
	for _, n := range nonInteractiveOnly {
		if opts.Given(n) {
			ps = append(ps, wizard.Problem{Field: n, Msg: "only with --non-interactive; the wizard asks for this itself"})
		}
	}
	if opts.anySetting() {
		ps = append(ps, wizard.Problem{Field: fieldNonInteractive, Msg: "settings given as flags need --non-interactive (add it, with every setting); the wizard asks for them itself"})
	}
	if len(ps) > 0 {
		return problemsError{ps}
	}
	if !opts.IO.CanPrompt() {
		return usageErrorf("the wizard needs a terminal, and standard input or output is not one\n" +
			"for scripts and CI, give every setting as a flag: bbconnect setup --non-interactive --name … (see bbconnect setup --help)")
	}
	st, err := f.openProfiles()
	if err != nil {
		return err
	}
	// Made before the recovery below uses it, and before the wizard
	// drops HARNESS_PLATFORM_API_KEY from the environment.
	remote := f.HarnessRemote()
	// The keychain's probe and the recovery of unfinished rotations run
	// while the first screen is drawn: it asks no secret.
	started, err := f.startKeychain(ctx, st)
	if err != nil {
		return err
	}
	req := WizardRequest{
		Accessible: opts.Accessible || f.getenv("TERM") == "dumb",
		Now:        now,
		ProfileDir: st.Dir,
		Keychain:   startedKeychain{started},
		Startup:    started,
		Test:       f.testConfig(opts.testFlags, now),
		Remote:     remote,
	}
	return f.Wizard(ctx, opts.IO, req)
}
