// Package tui is the terminal wizard of bbconnect: a bubbletea program whose
// root model routes between one small model per screen (Overview, Details,
// Credentials, API access, Connectivity, Review, the repository picker,
// Connection test, Saved, and a picker of saved connectors). Each settings
// step embeds a huh form.
//
// Where the wizard goes is one pure navigation, nav.go: its places, the
// events between them and the facts they depend on. Both front ends use
// it: the bubbletea root (screens in a slice, by place) and the accessible
// runner (the same places asked line by line). It lives here, not in
// package wizard, because its places are this front end's screens (picker,
// repository picker, test, saving); wizard.Step keeps the settings steps.
// No rule lives here: every check, option and word of help comes from
// package wizard; tui only presents it.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"golang.org/x/term"

	"github.com/bbconnect/bbconnect/tui/internal/quietterm"
	"github.com/bbconnect/bbconnect/wizard"
)

// Mode says how the wizard starts.
type Mode int

// The modes.
const (
	// ModeNew starts a new connector at Overview.
	ModeNew Mode = iota
	// ModePicker opens on the saved connectors when there are any.
	ModePicker
	// ModeRotate replaces the tokens of Options.Initial.
	ModeRotate
)

// Options configure Run.
type Options struct {
	// Deps are the services (see Deps: the Tester is required).
	Deps Deps
	// In and Out are the terminal (default os.Stdin, os.Stdout).
	In  io.Reader
	Out io.Writer
	// Accessible prompts line by line instead of drawing screens; TERM=dumb
	// turns it on as well.
	Accessible bool
	// Initial is the connector to edit or rotate (nil for a new one).
	Initial *wizard.Connector
	// Mode says where to start.
	Mode Mode
	// Width and Height fix the screen size (tests); 0 uses the terminal's.
	Width, Height int
	// Env is the environment consulted for colours (nil: the process's).
	Env []string
}

// Result is what the wizard did.
type Result struct {
	Action    Action
	Connector wizard.Connector
	// Saved is true when the connector was saved (profile, keychain, export).
	Saved       bool
	Untested    bool
	ProfilePath string
	ExportPath  string
	Keychain    []string
	// YAML is the exported Harness connector YAML, when made.
	YAML []byte
}

// ErrInterrupted is returned when the user pressed Ctrl+C: nothing was
// written. The CLI exits 130.
var ErrInterrupted = errors.New("interrupted: nothing was saved")

// Run shows the wizard on the terminal until the user is done.
func Run(ctx context.Context, opts Options) (Result, error) {
	if opts.In == nil {
		opts.In = os.Stdin
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	if opts.Deps.Tester == nil {
		return Result{}, errors.New("the wizard needs a connection tester (Deps.Tester)")
	}
	setupColors(opts.Out, env)
	d := opts.Deps
	if opts.Accessible || getenv(env, "TERM") == "dumb" {
		return runAccessible(ctx, opts)
	}
	var profiles []Profile
	if opts.Mode == ModePicker && d.Profiles != nil {
		ps, err := d.Profiles.List()
		if err != nil {
			return Result{}, fmt.Errorf("cannot list the saved connectors: %w", err)
		}
		profiles = ps
	}
	m := newModel(opts, profiles)
	m.ctx, m.c.ctx = ctx, ctx
	if w, h, tty := terminalSize(opts); w > 0 && h > 0 {
		// The size is known now: the first frame is drawn at it, and on a
		// terminal at once (see firstframe.go).
		m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		if tty {
			m.first = &firstFrame{out: opts.Out}
		}
	}
	// The renderer writes on a ticker: at bubbletea's default 60 fps the
	// first screen waits up to 17 ms for the first tick; at its maximum,
	// 120, half that (frames are written only when the view changed, so
	// the faster ticker costs nothing while the screen is still).
	progOpts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(opts.In), tea.WithOutput(opts.Out), tea.WithFPS(maxFPS)}
	if getenv(env, EnvSteadyCursor) != "" {
		progOpts = append(progOpts, tea.WithFilter(steadyCursor))
	}
	p := tea.NewProgram(m, progOpts...)
	final, err := p.Run()
	fm, _ := final.(*Model)
	switch {
	case fm != nil && fm.nav.at == placeInterrupted && fm.savedDone():
		// Ctrl+C on the Saved screen: the save is done, not undone.
		return fm.result()
	case fm != nil && fm.nav.at == placeInterrupted, errors.Is(err, tea.ErrInterrupted):
		return Result{}, ErrInterrupted
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return Result{}, fmt.Errorf("wizard stopped: %w", ctx.Err())
	case err != nil:
		return Result{}, fmt.Errorf("the wizard failed: %w", err)
	case fm == nil:
		return Result{}, errors.New("the wizard ended without a result")
	}
	return fm.result()
}

// EnvSteadyCursor is the variable that, when set, keeps the text cursor from blinking: for
// people who find blinking distracting, and for screenshots, which would
// otherwise catch it on or off by chance.
const EnvSteadyCursor = "BBCONNECT_STEADY_CURSOR"

// terminalSize is the size the wizard starts at: Options' when fixed, else
// the output terminal's (one ioctl; no query is sent), 0 when unknown; tty
// says whether the output is a terminal.
func terminalSize(opts Options) (w, h int, tty bool) {
	f, ok := opts.Out.(*os.File)
	tty = ok && term.IsTerminal(int(f.Fd()))
	if opts.Width > 0 && opts.Height > 0 {
		return opts.Width, opts.Height, tty
	}
	if !tty {
		return 0, 0, false
	}
	w, h, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0, 0, tty
	}
	return w, h, tty
}

// maxFPS is bubbletea's highest frame rate.
const maxFPS = 120

// steadyCursor drops the cursor's blink ticks: a focused input then keeps
// its cursor shown.
func steadyCursor(_ tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(cursor.BlinkMsg); ok {
		return nil
	}
	return msg
}

// savedDone reports whether a save (or an export) finished before the wizard
// ended: Ctrl+C then leaves what was written, and says so.
func (m *Model) savedDone() bool { return m.out != nil && !m.out.pending && m.out.err == nil }

// result turns the final model into a Result.
func (m *Model) result() (Result, error) {
	r := Result{Action: m.nav.action, Connector: m.c.st.connector()}
	if m.out == nil {
		return r, nil
	}
	o := m.out
	r.Connector, r.YAML, r.Untested = o.conn, o.yaml, o.untested
	r.ProfilePath, r.ExportPath, r.Keychain = o.profilePath, o.exportPath, o.keychain
	if o.err != nil {
		return r, o.err
	}
	r.Saved = !o.exportOnly
	return r, nil
}

// setupColors decides colours from the environment only, before anything
// is drawn: the colour profile from NO_COLOR/CLICOLOR and TERM, the
// background from COLORFGBG (dark when unset). Neither lipgloss nor huh's
// adaptive theme then queries the terminal, which a silent terminal would
// answer with a multi-second wait.
//
// termenv takes any CI variable to mean "not a terminal" and drops every
// style, cursor included; the wizard only runs on a terminal, so when out
// really is one it is told so, and NO_COLOR and TERM still decide colours.
func setupColors(out io.Writer, env []string) {
	opts := []termenv.OutputOption{termenv.WithEnvironment(envList(env))}
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opts = append(opts, termenv.WithTTY(true))
	}
	r := lipgloss.NewRenderer(out, opts...)
	r.SetHasDarkBackground(quietterm.DarkBackground(getenv(env, "COLORFGBG")))
	r.SetColorProfile(termenv.NewOutput(out, opts...).EnvColorProfile())
	lipgloss.SetDefaultRenderer(r)
}

type envList []string

// Getenv implements termenv.Environ.
func (e envList) Getenv(k string) string { return getenv(e, k) }

// Environ implements termenv.Environ.
func (e envList) Environ() []string { return e }

func getenv(env []string, k string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if name, v, ok := strings.Cut(env[i], "="); ok && name == k {
			return v
		}
	}
	return ""
}
