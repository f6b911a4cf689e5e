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
)
