package tui

import (
	"context"
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// Startup is the work the CLI hands the wizard to run alongside its first
// screen: the OS keychain's probe and the recovery of rotations an earlier
// run left unfinished. The first screens ask no secret, so they need not
// wait for it; and it begins once the first screen is up (the screens'
// first Check, or Begin), so that drawing it does not share the machine
// with the keychain daemon.
type Startup interface {
	// Begin starts the work if it has not started; it does not wait.
	Begin()
	// Check waits for the start-up work and returns what it has to say
	// (a rotation it finished) and why the keychain cannot be used, nil
	// when it can. Called again after a failure, it checks again: the
	// user may have fixed the keychain meanwhile.
	Check(ctx context.Context) (notes []string, err error)
}

// bootState is where the start-up check stands, and what waits for it.
type bootState struct {
	checking bool  // a Check runs
	checked  bool  // a Check answered
	err      error // its answer
	// held is what waits for a working keychain (a move to Credentials, a
	// picker errand); while it waits the keychain screen is shown.
	held func() tea.Cmd
}

// startupMsg is a Check's answer.
type startupMsg struct {
	notes []string
	err   error
}

// needsKeychain reports whether place p reads or stores secrets: from the
// Credentials step on, up to the save.
func needsKeychain(p place) bool { return p >= placeCredentials && p <= placeSaving }

// keychainReady reports whether secrets can be asked for now.
func (m *Model) keychainReady() bool {
	return m.c.deps.Startup == nil || (m.boot.checked && m.boot.err == nil)
}

// checkStartup runs a Check in a command.
func (m *Model) checkStartup() tea.Cmd {
	s := m.c.deps.Startup
	if s == nil || m.boot.checking {
		return nil
	}
	m.boot.checking = true
	ctx := m.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return func() tea.Msg {
		notes, err := s.Check(ctx)
		return startupMsg{notes: notes, err: err}
	}
}

// whenReady runs do now when the keychain is known to work, else once a
// Check says it does; meanwhile the keychain screen says what happens.
// Nothing typed is lost: do runs on the state as it is.
func (m *Model) whenReady(do func() tea.Cmd) tea.Cmd {
	if m.keychainReady() {
		return do()
	}
	m.boot.held = do
	if m.boot.checked {
		return m.checkStartup() // it failed before: check again
	}
	return nil // the first Check is on its way
}

// started takes a Check's answer: its notes go to the picker (whose list
// a recovery may have changed) or above the first screen, and what waited
// for the keychain goes on when it works.
func (m *Model) started(msg startupMsg) tea.Cmd {
	m.boot.checking, m.boot.checked, m.boot.err = false, true, msg.err
	var cmds []tea.Cmd
	if msg.err == nil && m.boot.held != nil {
		do := m.boot.held
		m.boot.held = nil
		cmds = append(cmds, do())
	}
	if len(msg.notes) > 0 {
		if m.shown == placePicker {
			m.pickerErr = errors.New("! " + strings.Join(msg.notes, "\n! "))
			cmds = append(cmds, m.openPicker())
		} else {
			m.notice = msg.notes
		}
	}
	return tea.Batch(cmds...)
}

// keychainKey handles a key while the keychain screen is shown: r checks
// again, esc goes back to the screen the user was on.
func (m *Model) keychainKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.c.keys.Back):
		// Back to the screen shown, as it was left (a step shows what was
		// typed on it again).
		m.boot.held = nil
		if s, ok := m.page().(settler); ok {
			s.settle()
		}
		return m.page().Init()
	case key.Matches(k, m.c.keys.Retry) && !m.boot.checking:
		return m.checkStartup()
	}
	return nil
}

// keychainScreen is shown while something waits for the keychain.
type keychainScreen struct {
	c    *common
	boot *bootState
}

// Title implements component.
func (s keychainScreen) Title() string { return "Keychain" }

// Init implements component.
func (s keychainScreen) Init() tea.Cmd { return nil }

// Update implements component (the root handles its keys).
func (s keychainScreen) Update(tea.Msg) (component, tea.Cmd) { return s, nil }

// SetSize implements component.
func (s keychainScreen) SetSize(int, int) {}

// View implements component.
func (s keychainScreen) View() string {
	st := s.c.styles
	if s.boot.checking || !s.boot.checked {
		return st.Faint.Render("Checking the OS keychain, where bbconnect keeps your tokens…")
	}
	return st.Problem.Render("✗ "+s.boot.err.Error()) + "\n\n" +
		"Nothing you typed is lost. Fix the keychain (in another terminal), then press r to check again, or esc to go back."
}

// ShortHelp implements component.
func (s keychainScreen) ShortHelp() []key.Binding {
	if s.boot.checking || !s.boot.checked {
		return []key.Binding{s.c.keys.Quit}
	}
	return []key.Binding{s.c.keys.Retry, s.c.keys.Back, s.c.keys.Quit}
}

// keychainReady waits for the start-up check (see Startup) and prints what
// it said; while the keychain fails it says why and asks whether to check
// again. What was typed stays.
func (a *accessible) keychainReady() error {
	if a.d.Startup == nil || a.keychainOK {
		return nil
	}
	for {
		notes, err := a.d.Startup.Check(a.ctx)
		for _, n := range notes {
			a.printf("! %s\n", n)
		}
		if err == nil {
			a.keychainOK = true
			return nil
		}
		a.printf("\n✗ %v\nNothing you typed is lost. Fix the keychain (in another terminal), then check again.\n", err)
		again := true
		if err := runField(huh.NewConfirm().Title("Check the keychain again?").Affirmative("Check again").Negative("Quit").Value(&again), a.w, a.r); err != nil {
			return err
		}
		if !again {
			return ErrInterrupted
		}
	}
}
