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
	"github.com/bbconnect/bbconnect/wizard/conntest"
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

// accessible runs the same navigation (nav.go) and the same step forms
// as the screens, one field at a time, line by line (huh's accessible
// mode), for screen readers and dumb terminals: the picker, the steps
// numbered as the screens number them, Review with its warnings, the test
// when asked, the save and what to do next in Harness (see
// accessible_places.go).
type accessible struct {
	ctx context.Context
	w   io.Writer
	r   *lineReader
	in  io.Reader
	out io.Writer
	d   *Deps
	st  *state
	nav nav
	// profiles are the saved connectors the picker lists.
	profiles []Profile
	// report is the last test's; saved the last save's outcome.
	report *conntest.Report
	saved  *saveOutcome
	// pickerErr is what the picker says when it shows next.
	pickerErr error
	// harness is where a push goes (nil until read); pushErr is how the
	// last push ended.
	harness *HarnessAccess
	pushErr error
	// keychainOK is set once the start-up check passed.
	keychainOK bool

	mu      sync.Mutex
	restore func() // puts the terminal back while a secret is read
}

// prompting counts the goroutines that ask the accessible prompts. After
// Ctrl+C, Run returns while one may still be blocked in a read; tests wait
// on it (once its input is closed) before the next Run resets the
// process-wide Lip Gloss renderer that the prompt reads.
var prompting sync.WaitGroup

func runAccessible(ctx context.Context, opts Options) (Result, error) {
	d := &opts.Deps
	a := &accessible{ctx: ctx, w: opts.Out, r: newLineReader(opts.In), in: opts.In, out: opts.Out, d: d}
	if opts.Mode == ModeRotate && opts.Initial != nil {
		a.setState(newRotationState(*opts.Initial, nil, d))
	} else {
		a.setState(newState(opts.Initial, d))
	}
	if opts.Mode == ModePicker && d.Profiles != nil {
		ps, err := d.Profiles.List()
		if err != nil {
			return Result{}, fmt.Errorf("cannot list the saved connectors: %w", err)
		}
		a.profiles = ps
	}
	a.nav = startNav(opts.Mode, opts.Initial != nil, len(a.profiles), a.facts())
	if d.Startup != nil {
		d.Startup.Begin() // while the first questions are read out
	}
	type outcome struct {
		r   Result
		err error
	}
	done := make(chan outcome, 1)
	prompting.Add(1)
	go func() {
		defer prompting.Done()
		r, err := a.run()
		done <- outcome{r, err}
	}()
	// A prompt blocks in a read that Ctrl+C (which cancels ctx) cannot
	// interrupt: stop waiting for it, put the terminal back and go.
	select {
	case o := <-done:
		return o.r, o.err
	case <-ctx.Done():
		a.restoreTerminal()
		return Result{Action: a.nav.action}, ErrInterrupted
	}
}

// setState makes st the settings asked, line by line.
func (a *accessible) setState(st *state) {
	st.accessible = true
	a.st, a.report = st, nil
}

// facts are what the navigation needs to know of the settings typed.
func (a *accessible) facts() facts {
	return facts{
		reposFrom:  reposFrom(a.st),
		rotation:   rotationSteps(a.st),
		saveFailed: a.saved != nil && a.saved.err != nil,
		harnessKey: a.harness != nil && a.harness.HaveKey,
	}
}

// run shows each place the navigation leads to until the wizard ends.
func (a *accessible) run() (Result, error) {
	for {
		if a.ctx.Err() != nil {
			return a.result(), ErrInterrupted
		}
		var in navInput
		var err error
		switch at := a.nav.at; at {
		case placeDone:
			return a.result(), nil
		case placePicker:
			in, err = a.picker()
		case placeRepos:
			in, err = a.repos()
		case placeReview:
			in, err = a.review()
		case placeTest:
			in, err = a.test()
		case placeSaving:
			in = a.save()
		case placeSaved:
			in, err = a.savedPlace()
		case placeExported:
			in = a.exported()
		case placeHarnessKey:
			in, err = a.harnessKey()
		case placePushing:
			in, err = a.push()
		case placePushed:
			in, err = a.pushed()
		default:
			s, ok := at.step()
			if !ok {
				return a.result(), fmt.Errorf("the wizard has no line-by-line form for place %d", at)
			}
			steps := a.nav.steps(a.facts())
			a.printf("\n== %s ==\n", stepOfNTitle(steps, s))
			in, err = navInput{ev: evNext}, a.step(s)
		}
		if err != nil {
			return a.result(), err
		}
		next := a.nav.next(in, a.facts())
		if needsKeychain(next.at) {
			if err := a.keychainReady(); err != nil {
				return a.result(), err
			}
		}
		a.nav = next
	}
}

// result is what the wizard did, for the CLI.
func (a *accessible) result() Result {
	r := Result{Action: a.nav.action, Connector: a.st.connector()}
	if o := a.saved; o != nil && o.err == nil {
		r.Connector, r.YAML, r.Untested = o.conn, o.yaml, o.untested
		r.ProfilePath, r.ExportPath, r.Keychain = o.profilePath, o.exportPath, o.keychain
		r.Saved = true
	}
	return r
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
			ps = waived(a.st.connector().ValidateStep(step, a.d.now()), spec.waive)
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
			a.printf("  ✗ %s\n", p.Text())
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
			a.note(spec.noteOf(f))
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
	path := sshkey.ExpandHomeIn(st.home, st.keygenPath)
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
