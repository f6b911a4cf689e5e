package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams are the standard streams a command reads and writes, with what
// is known about them. Commands never touch os.Stdin, os.Stdout or
// os.Stderr directly: results go to Out, status and problems to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	// readSecret reads one secret from the terminal without echo.
	readSecret func() (string, error)
	// termWidth reads the columns of the terminal on standard output.
	termWidth func() int
}

// System returns the streams of this process, with their terminal state
// detected.
func System() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
		readSecret: func() (string, error) {
			b, err := term.ReadPassword(int(os.Stdin.Fd())) // #nosec G115 -- a file descriptor fits an int.
			return string(b), err
		},
		termWidth: func() int {
			w, _, err := term.GetSize(int(os.Stdout.Fd())) // #nosec G115 -- a file descriptor fits an int.
			if err != nil {
				return 0
			}
			return w
		},
	}
}

// TerminalWidth is the number of columns of the terminal on standard
// output, or 0 when standard output is not a terminal (output for
// scripts then keeps one stable layout).
func (s *IOStreams) TerminalWidth() int {
	if !s.stdoutTTY || s.termWidth == nil {
		return 0
	}
	return max(s.termWidth(), 0)
}

// SetTerminalWidth sets the columns TerminalWidth reports (tests).
func (s *IOStreams) SetTerminalWidth(w int) { s.termWidth = func() int { return w } }

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY marks standard input as a terminal or not (tests).
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetStdoutTTY marks standard output as a terminal or not (tests).
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY marks standard error as a terminal or not (tests).
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// CanPrompt reports whether the user can be asked questions: both standard
// input and standard output are terminals.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stdoutTTY }

func isTerminal(f *os.File) bool {
	fd := f.Fd()
	if fd > uintptr(^uint(0)>>1) {
		return false
	}
	return term.IsTerminal(int(fd)) // #nosec G115 -- bounded above.
}

// ReadLine asks for a line of text (echoed) on the terminal with prompt.
// The value is trimmed.
func (s *IOStreams) ReadLine(prompt string) (string, error) {
	fmt.Fprint(s.ErrOut, prompt)
	line, err := bufio.NewReader(s.In).ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// ReadSecret asks for a secret on the terminal with prompt, without echo
// (test streams read a line of In). The value is trimmed.
func (s *IOStreams) ReadSecret(prompt string) (string, error) {
	fmt.Fprint(s.ErrOut, prompt)
	defer fmt.Fprintln(s.ErrOut)
	if s.readSecret != nil {
		v, err := s.readSecret()
		return strings.TrimSpace(v), err
	}
	line, err := bufio.NewReader(s.In).ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimSpace(line), nil
}
