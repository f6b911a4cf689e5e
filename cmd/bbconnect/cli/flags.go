package cli

import "github.com/bbconnect/bbconnect/wizard"

// The flags that set no connector setting but that problems name (the
// settings' own flags are the wizard.Field constants).
const (
	fieldFormat         wizard.Field = "format"
	fieldOutput         wizard.Field = "output"
	fieldSlot           wizard.Field = "slot"
	fieldEmail          wizard.Field = "email"
	fieldNonInteractive wizard.Field = "non-interactive"
	fieldDryRun         wizard.Field = "dry-run"
	fieldSkipTest       wizard.Field = "skip-test"
	fieldSaveFailing    wizard.Field = "save-failing"
	fieldPush           wizard.Field = "push"

	// The secrets' sources: one line of stdin each.
	fieldPasswordStdin      wizard.Field = "password-stdin"
	fieldAPITokenStdin      wizard.Field = "api-token-stdin"
	fieldSSHPassphraseStdin wizard.Field = "ssh-passphrase-stdin"
	fieldTokenStdin         wizard.Field = "token-stdin"
)
