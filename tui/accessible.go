package tui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/term"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// maxTries is how often a step is asked again while wizard finds problems.
const maxTries = 3

// errInputEnded is returned when standard input ends mid-wizard.
var errInputEnded = errors.New("input ended before the wizard was done: nothing was saved")

// stepBuilders are the constructors of the settings steps' forms.
var stepBuilders = map[wizard.Step]func(*state) *stepForm{
	wizard.StepOverview:     newOverviewForm,
	wizard.StepDetails:      newDetailsForm,
	wizard.StepCredentials:  newCredentialsForm,
	wizard.StepAPIAccess:    newAPIAccessForm,
	wizard.StepConnectivity: newConnectivityForm,
}

// accessible runs the same step forms one field at a time, line by line
// (huh's accessible mode), for screen readers and dumb terminals.
type accessible struct {
	ctx context.Context
	w   io.Writer
	r   *lineReader
	in  io.Reader
	out io.Writer
	d   *Deps
	st  *state

	mu      sync.Mutex
	restore func() // puts the terminal back while a secret is read
}

func runAccessible(ctx context.Context, opts Options) (Result, error) {
	d := &opts.Deps
	a := &accessible{ctx: ctx, w: opts.Out, r: newLineReader(opts.In), in: opts.In, out: opts.Out, d: d, st: newState(opts.Initial, d)}
	a.st.accessible = true
	steps := wizard.SettingSteps
	action := ActionNew
	if opts.Initial != nil {
		action = ActionEdit
	}
	if opts.Mode == ModeRotate && opts.Initial != nil {
		action = ActionRotate
		a.st = newRotationState(*opts.Initial, nil, d)
		a.st.accessible = true
		steps = rotationSteps(a.st)
	}
	type outcome struct {
		r   Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		for i, step := range steps {
			a.printf("\n== %s (step %d of %d) ==\n", step.Title(), i+1, len(steps))
			if err := a.step(step); err != nil {
				done <- outcome{Result{Action: action}, err}
				return
			}
		}
		r, err := a.finish(action)
		done <- outcome{r, err}
	}()
	// A prompt blocks in a read that Ctrl+C (which cancels ctx) cannot
	// interrupt: stop waiting for it, put the terminal back and go.
	select {
	case o := <-done:
		return o.r, o.err
	case <-ctx.Done():
		a.restoreTerminal()
		return Result{Action: action}, ErrInterrupted
	}
}

// restoreTerminal puts back the terminal state a secret prompt changed.
func (a *accessible) restoreTerminal() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.restore != nil {
		a.restore()
		a.restore = nil
	}
}

func (a *accessible) setRestore(f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.restore = f
}

// note prints a help text, indented, before or after a question.
func (a *accessible) note(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	for _, l := range strings.Split(text, "\n") {
		a.printf("  %s\n", l)
	}
}

func (a *accessible) printf(format string, args ...any) { _, _ = fmt.Fprintf(a.w, format, args...) }

// step asks a step's fields until wizard finds no problem in them.
func (a *accessible) step(step wizard.Step) error {
	for try := 0; try < maxTries; try++ {
		spec := stepBuilders[step](a.st)
		if err := a.fields(spec); err != nil {
			return err
		}
		var ps wizard.Problems
		if spec.finish != nil {
			ps = spec.finish()
		}
		if len(ps) == 0 {
			ps = a.st.connector().ValidateStep(step, a.d.now())
		}
		if len(ps) == 0 {
			if step == wizard.StepCredentials && a.st.c.Connection == wizard.SSH && a.st.keySource == keyGenerate {
				if err := a.keygen(); err != nil {
					a.printf("ssh-keygen did not make the key: %v\n", err)
				}
				try--
				continue
			}
			return nil
		}
		a.printf("fix these before going on:\n")
		for _, p := range ps {
			a.printf("  %s\n", strings.Join(problemTexts(wizard.Problems{p}), ""))
		}
	}
	return fmt.Errorf("%s still has problems after %d tries: nothing was saved", step.Title(), maxTries)
}

// fields asks every field of every page shown, in order.
func (a *accessible) fields(spec *stepForm) error {
	for _, g := range spec.groups {
		if g.hide != nil && g.hide() {
			continue
		}
		if spec.refresh != nil {
			spec.refresh()
		}
		for _, f := range g.fields {
			if a.r.eof {
				return errInputEnded
			}
			if n, ok := spec.notes[f]; ok {
				a.note(n())
			}
			if s, ok := spec.secrets[f]; ok {
				if err := a.secret(s); err != nil {
					return err
				}
				continue
			}
			if err := runField(f, a.w, a.r); err != nil {
				return err
			}
			if n, ok := spec.after[f]; ok {
				a.note(n())
			}
		}
	}
	return nil
}

// runField asks one field. huh's accessible prompts can panic on answers
// they do not expect (a select given no number at the end of the input):
// that ends the wizard with an error instead.
func runField(f huh.Field, w io.Writer, r *lineReader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errInputEnded
			if !r.eof {
				err = fmt.Errorf("the answer could not be read (%v): nothing was saved", p)
			}
		}
	}()
	f.Init()
	f.Focus()
	if err := f.RunAccessible(w, r); err != nil {
		return fmt.Errorf("asking a question failed: %w", err)
	}
	return nil
}

// secret asks for a secret: without echo on a terminal, as a plain line
// otherwise (a pipe shows nothing). The value is never printed.
func (a *accessible) secret(s secretInput) error {
	for try := 0; try < maxTries; try++ {
		a.printf("%s: ", s.title())
		var v string
		if f, ok := a.in.(*os.File); ok && term.IsTerminal(f.Fd()) {
			if old, err := term.GetState(f.Fd()); err == nil {
				a.setRestore(func() { _ = term.Restore(f.Fd(), old) })
			}
			b, err := term.ReadPassword(f.Fd())
			a.setRestore(nil)
			a.printf("\n")
			if err != nil {
				return fmt.Errorf("reading the secret failed: %w", err)
			}
			v = string(b)
		} else {
			line, err := a.r.line()
			if err != nil {
				return errInputEnded
			}
			v = line
		}
		if err := s.check(v); err != nil {
			a.printf("%v\n", err)
			continue
		}
		*s.value = v
		return nil
	}
	return fmt.Errorf("no valid %s after %d tries: nothing was saved", strings.ToLower(s.title()), maxTries)
}

// keygen runs ssh-keygen on the terminal; it asks its own questions.
func (a *accessible) keygen() error {
	st := a.st
	path := expandHome(st.home, st.keygenPath)
	st.keySource, st.c.SSHKeyPath = keyExisting, path
	if !st.keygenRun {
		a.printf("run this, then give the key file:\n  %s\n", sshkey.KeygenCommand(keyLabel(st), path))
		return nil
	}
	cmd, err := sshkey.KeygenCmd(a.ctx, keyLabel(st), path)
	if err != nil {
		return err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.in, a.out, a.out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ssh-keygen failed: %w", err)
	}
	return nil
}

// finish prints the review, runs the test when there is a tester, asks
// whether to save and saves.
func (a *accessible) finish(action Action) (Result, error) {
	st := a.st
	conn := st.connector()
	a.printf("\n== Review ==\n")
	for _, sec := range reviewSections(conn, st) {
		a.printf("%s\n", sec.title)
		for _, row := range sec.rows {
			a.printf("  %s: %s\n", row[0], row[1])
		}
	}
	data, err := harnessYAML(conn)
	if err != nil {
		return Result{Action: action}, fmt.Errorf("the export failed: %w", err)
	}
	a.printf("Harness YAML (exported):\n%s\n", strings.TrimRight(string(data), "\n"))

	a.printf("\n== Connection test ==\n")
	untested := true
	var tested *TestReport
	if a.d.Tester == nil {
		a.printf("connection test not available yet: nothing was checked.\n")
	} else {
		report := a.d.Tester.Run(a.ctx, conn, st.secretsFor(conn), func(TestEvent) {})
		tested = &report
		for _, ch := range report.Checks {
			a.printf("%s\n", checkLine(Styles{}, ch))
			if ch.Status == CheckFail && ch.Fix != "" {
				a.printf("    fix: %s\n", ch.Fix)
			}
		}
		untested = !report.OK
	}
	if a.r.eof {
		return Result{Action: action, Connector: conn}, errInputEnded
	}
	if a.ctx.Err() != nil {
		return Result{Action: action, Connector: conn}, ErrInterrupted
	}
	if !a.confirm("Save the connector now?", !untested || a.d.Tester == nil) {
		return Result{Action: action, Connector: conn}, nil
	}
	if a.ctx.Err() != nil {
		return Result{Action: action, Connector: conn}, ErrInterrupted
	}
	sec := st.secretsFor(conn)
	var out saveOutcome
	if action == ActionRotate {
		out = rotateConnector(a.ctx, a.d, Rotation{Connector: conn, Secrets: sec})
	} else {
		out = saveConnector(a.d, conn, sec, st.saveMeta(conn, sec, tested, a.d.now()), untested)
	}
	if out.recovered != "" {
		a.printf("! %s\n", out.recovered)
	}
	if out.err != nil {
		return Result{Action: action, Connector: conn}, out.err
	}
	a.printf("\n== Saved ==\n")
	if out.summary != "" {
		a.printf("%s\n", out.summary)
	}
	if action == ActionRotate {
		untested = out.untested
	}
	a.printf("Profile: %s\nExport: %s\n", orNot(out.profilePath, "not saved"), orNot(out.exportPath, "not written"))
	for _, k := range out.keychain {
		a.printf("Keychain: %s\n", k)
	}
	return Result{
		Action: action, Connector: conn, Saved: true, Untested: untested, YAML: out.yaml,
		ProfilePath: out.profilePath, ExportPath: out.exportPath, Keychain: out.keychain,
	}, nil
}

func (a *accessible) confirm(q string, def bool) bool {
	yes := def
	c := huh.NewConfirm().Title(q).Value(&yes)
	_ = c.RunAccessible(a.w, a.r)
	return yes
}

// lineReader hands out one line per Read, so that huh's prompts, which
// each wrap the reader in a new scanner, never swallow the next answer.
type lineReader struct {
	r   *bufio.Reader
	eof bool
}

func newLineReader(r io.Reader) *lineReader { return &lineReader{r: bufio.NewReader(r)} }

// Read implements io.Reader, stopping after a newline.
func (l *lineReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := l.r.ReadByte()
		if err != nil {
			l.eof = true
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		p[n] = b
		n++
		if b == '\n' {
			break
		}
	}
	return n, nil
}

// line reads one line without its newline.
func (l *lineReader) line() (string, error) {
	s, err := l.r.ReadString('\n')
	if err != nil {
		l.eof = true
		if s == "" {
			return "", err
		}
	}
	return strings.TrimRight(s, "\r\n"), nil
}
