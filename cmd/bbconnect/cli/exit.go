package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// ExitCode is the status bbconnect exits with. Every command maps its
// outcome to one of these, in one place (Exit).
type ExitCode int

// The exit statuses.
const (
	// ExitOK: the command did what was asked.
	ExitOK ExitCode = 0
	// ExitFailure: it could not (a failed check, no keychain, a write failed).
	ExitFailure ExitCode = 1
	// ExitUsage: invalid flags or settings, or no terminal for the wizard.
	ExitUsage ExitCode = 2
	// ExitInterrupted: the user pressed Ctrl+C.
	ExitInterrupted ExitCode = 130
)

// ErrInterrupted is returned when the user cancels with Ctrl+C.
var ErrInterrupted = errors.New("interrupted: nothing was written")

// exitError carries the exit status for an error; its message is printed
// as is, one line per line.
type exitError struct {
	code ExitCode
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageErrorf is an invalid-flags error: exit status 2.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: ExitUsage, msg: fmt.Sprintf(format, args...)}
}

// failuref is a failure to do what was asked: exit status 1.
func failuref(format string, args ...any) error {
	return &exitError{code: ExitFailure, msg: fmt.Sprintf(format, args...)}
}

// silentError exits with code after the command has said everything itself.
type silentError struct{ code ExitCode }

func (e silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// problemsError is a list of invalid settings: exit status 2, one line per
// problem, each naming its flag.
type problemsError struct{ ps wizard.Problems }

func (e problemsError) Error() string { return formatProblems(e.ps) }

// formatProblems renders problems as "--flag: " + Problem.Text lines: the
// CLI's one rendering of a Problem.
func formatProblems(ps wizard.Problems) string {
	lines := make([]string, 0, len(ps))
	for _, p := range ps {
		lines = append(lines, flagName(p.Field)+": "+p.Text())
	}
	return strings.Join(lines, "\n")
}

// flagName turns a problem field into the flag that sets it.
func flagName(field wizard.Field) string {
	f := string(field)
	if f == "" || strings.HasPrefix(f, "-") || strings.HasPrefix(f, "BBCONNECT_") {
		return f
	}
	return "--" + f
}

// Exit prints err (if any) to w and returns the exit status for it.
func Exit(err error, w io.Writer) ExitCode {
	if err == nil {
		return ExitOK
	}
	var (
		se silentError
		pe problemsError
		ee *exitError
	)
	switch {
	case errors.As(err, &se):
		return se.code
	case errors.Is(err, ErrInterrupted):
		fmt.Fprintln(w, err.Error())
		return ExitInterrupted
	case errors.As(err, &pe):
		fmt.Fprintln(w, wizard.Printable(pe.Error()))
		return ExitUsage
	case errors.As(err, &ee):
		fmt.Fprintln(w, wizard.Printable(ee.msg))
		return ee.code
	}
	// Errors may quote files and servers: never let them drive the terminal.
	fmt.Fprintln(w, wizard.Printable(err.Error()))
	if isCobraUsageError(err) {
		return ExitUsage
	}
	return ExitFailure
}

// isCobraUsageError recognises the errors cobra and pflag return for bad
// arguments, which do not have types of their own.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "bad flag syntax", "if any flags in the group"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
