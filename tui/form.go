package tui

import (
	"reflect"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
)

// formGroup is one page of a step's form with the rule that hides it.
type formGroup struct {
	fields []huh.Field
	hide   func() bool
}

// stepForm is what a step's constructor builds: the pages of its form and
// what to do when the form is completed.
type stepForm struct {
	groups []formGroup
	// finish applies derived values (normalised URL, parsed tags) and
	// returns problems the fields could not catch on their own.
	finish func() wizard.Problems
	// waive, when set, drops the problems the step may leave for later
	// (a test repository picked from the list after Credentials).
	waive func(wizard.Problem) bool
	// paste, when set, is called after a key that pasted text into field;
	// when it filled other fields it returns the page to resume at.
	paste func(field huh.Field) (resume int, rebuild bool)
	// extra, keys and help, when set, add to the page of the focused
	// field: text under the form, keys of its own (reporting whether they
	// took the key) and their help.
	extra func(focused huh.Field, width int) string
	keys  func(c *common, focused huh.Field, k tea.KeyMsg) bool
	help  func(focused huh.Field) []key.Binding
	// fix, when set, puts the correction a field's problem offers into
	// the field (one key, UseFix) and returns the page to resume at.
	fix func(field huh.Field) (resume int, ok bool)
	// refresh, when set, recomputes the texts that follow what is typed
	// (expected formats, normalised URLs, problems). It runs in Update,
	// never in a command, so it reads the state without racing the event
	// loop (huh's *Func options evaluate in commands).
	refresh func()
	// notes are the help texts accessible mode prints before asking a field
	// whose help is not wizard's for its key (see noteOf; huh's accessible
	// prompts show titles only); after run once the field is answered
	// (they may settle values the answer implies) and their text is printed.
	notes map[huh.Field]func() string
	after map[huh.Field]func() string
	// secrets are the masked inputs (addSecret), which accessible mode
	// asks itself.
	secrets map[huh.Field]secretInput
	// done, when set, runs after a valid completion instead of moving on
	// (e.g. to run ssh-keygen); nil means move on.
	done func() tea.Cmd
	// layout, when set, fits width-dependent texts (wrapped labels) and
	// heights to the form's width; it runs before the form is laid out
	// (when it is built and when its size changes).
	layout func(formWidth int, t *huh.Theme)
}

// secretInput is a masked input's value, title and check, declared once
// for the screens' field (addSecret) and accessible mode's prompt.
type secretInput struct {
	value *string
	title func() string
	check func(string) error
}

// tokenSecret is a masked token titled by title (which may follow the
// settings), its value checked by wizard's rule for secret values.
func tokenSecret(value *string, title func() string) secretInput {
	return secretInput{value: value, title: title, check: func(v string) error {
		return wizard.ValidateSecretValue(strings.ToLower(title()), v)
	}}
}

// keep makes validate accept an empty answer in accessible mode, where
// huh keeps the field's current value for an empty line but validates the
// empty line itself: the current value is validated instead.
// It also accepts anything while the focus moves back (see lenient).
func keep(st *state, cur *string, validate func(string) error) func(string) error {
	return lenient(st, func(s string) error {
		if st.accessible && s == "" {
			s = *cur
		}
		return validate(s)
	})
}

// lenient makes validate accept anything while the focus moves back:
// shift+tab leaves a field whatever it holds, and the field is checked
// again when the user moves forward through it.
func lenient[T any](st *state, validate func(T) error) func(T) error {
	return func(v T) error {
		if st.back {
			return nil
		}
		return validate(v)
	}
}

// about gives f the key of the setting it asks and wizard's help for that
// setting as its description, both from the one name.
func about[F interface {
	Key(string) F
	Description(string) F
}](f F, field wizard.Field) F {
	return f.Key(string(field)).Description(wizard.FieldHelp(field))
}

// noteOf is what accessible mode prints before asking f: the step's own
// note when it has one, else wizard's help for the setting f is keyed by.
func (spec *stepForm) noteOf(f huh.Field) string {
	if n, ok := spec.notes[f]; ok {
		return n()
	}
	return wizard.FieldHelp(wizard.Field(f.GetKey()))
}

// addSecret declares the masked input s for the setting named field: the
// huh field the screens show, which accessible mode asks itself as s
// (never echoed). The value stays in memory.
func (spec *stepForm) addSecret(st *state, field wizard.Field, s secretInput) *huh.Input {
	f := huh.NewInput().
		Key(string(field)).
		Title(s.title()).
		Description(secretHelp(field, st.deps())).
		EchoMode(huh.EchoModePassword).
		Value(s.value).
		Validate(lenient(st, s.check))
	if spec.secrets == nil {
		spec.secrets = map[huh.Field]secretInput{}
	}
	spec.secrets[f] = s
	return f
}

// huhOptions are wizard's options but those in leave, for a select.
// Disabled ones keep their label ("(removed)") and are refused by the
// field's validation.
func huhOptions[T ~string](opts []wizard.Option[T], leave ...T) []huh.Option[T] {
	var out []huh.Option[T]
	for _, o := range opts {
		if !slices.Contains(leave, o.Value) {
			out = append(out, huh.NewOption(o.Label, o.Value))
		}
	}
	return out
}

// optionHelp is the note of the option holding v, else wizard's help for
// field: the help under a select follows the option the cursor is on.
func optionHelp[T ~string](opts []wizard.Option[T], v T, field wizard.Field) string {
	for _, o := range opts {
		if o.Value == v {
			return o.Note
		}
	}
	return wizard.FieldHelp(field)
}

// optionNotes lists each option's note, for accessible mode.
func optionNotes[T ~string](opts []wizard.Option[T]) func() string {
	return func() string {
		lines := make([]string, 0, len(opts))
		for _, o := range opts {
			lines = append(lines, o.Label+": "+o.Note)
		}
		return strings.Join(lines, "\n")
	}
}

func page(hide func() bool, fields ...huh.Field) formGroup {
	return formGroup{fields: fields, hide: hide}
}

// build makes the huh page of g in theme. The fields get the theme before
// the page measures them: huh would otherwise build its default theme
// anew for every field it lays out (the cost of the first screen).
func (g formGroup) build(theme *huh.Theme) *huh.Group {
	for _, f := range g.fields {
		f.WithTheme(theme)
	}
	hg := huh.NewGroup(g.fields...).WithTheme(theme)
	if g.hide != nil {
		hg = hg.WithHideFunc(g.hide)
	}
	return hg
}

// formStep is the model of one settings step: it owns a huh form, passes
// it every message and reports evNext when it completes and the step's
// settings are valid. focus names the field to start on (a jump to fix it).
type formStep struct {
	c        *common
	step     wizard.Step
	build    func(st *state) *stepForm
	spec     *stepForm
	form     *huh.Form
	problems wizard.Problems
	resume   int
	focus    wizard.Field
	// moving is the field a key left while huh's focus command is on
	// its way; leaving is set once the step has reported it is done.
	moving  huh.Field
	leaving bool
	// laid is the form and size the form was last laid out for (resize);
	// refreshed the field values the texts were last refreshed for.
	laid      layoutKey
	refreshed []any
}

func newFormStep(c *common, step wizard.Step, build func(st *state) *stepForm) *formStep {
	return &formStep{c: c, step: step, build: build}
}

// Init builds the form afresh from the state (so revisiting a step shows
// what was typed) and starts it.
func (m *formStep) Init() tea.Cmd {
	m.settle()
	m.spec = m.build(m.c.st)
	// Start on the first page shown: a form never starts on a hidden page.
	trimmed := 0
	for len(m.spec.groups) > 1 && m.spec.groups[0].hide != nil && m.spec.groups[0].hide() {
		m.spec.groups = m.spec.groups[1:]
		trimmed++
	}
	if m.spec.refresh != nil {
		m.spec.refresh()
		m.refreshed = m.values()
	}
	groups := make([]*huh.Group, len(m.spec.groups))
	for i, g := range m.spec.groups {
		groups[i] = g.build(m.c.styles.Form)
	}
	m.form = huh.NewForm(groups...).
		WithTheme(m.c.styles.Form).
		WithKeyMap(formKeyMap()).
		WithShowHelp(false).
		WithShowErrors(false)
	m.resize()
	cmds := []tea.Cmd{m.form.Init()}
	target := m.resume - trimmed
	if i := m.pageOf(m.focus); i >= 0 {
		target = i
	}
	m.resume, m.focus = 0, ""
	for range m.spec.groups {
		if m.groupOf(m.form.GetFocusedField()) >= target {
			break
		}
		cmds = append(cmds, m.form.NextGroup())
	}
	return tea.Batch(cmds...)
}

// refreshMsg makes a form rebuild its page after refresh changed texts.
type refreshMsg struct{}

func updateForm(f *huh.Form, msg tea.Msg) (*huh.Form, bool) {
	m, _ := f.Update(msg)
	ff, ok := m.(*huh.Form)
	return ff, ok
}

// values are the values of the form's fields, in order.
func (m *formStep) values() []any {
	var vs []any
	for _, g := range m.spec.groups {
		for _, f := range g.fields {
			vs = append(vs, f.GetValue())
		}
	}
	return vs
}

// groupOf is the index of the page holding f.
func (m *formStep) groupOf(f huh.Field) int {
	for i, g := range m.spec.groups {
		for _, gf := range g.fields {
			if gf == f {
				return i
			}
		}
	}
	return len(m.spec.groups)
}

// Update implements the step: back keys, the form, completion.
func (m *formStep) Update(msg tea.Msg) (component, tea.Cmd) {
	if m.form == nil {
		return m, m.Init()
	}
	pasted, moves := false, false
	focused := m.form.GetFocusedField()
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.c.keys.Back) && !m.filtering():
			return m, navCmd(m.place(), evBack)
		case key.Matches(k, m.c.keys.PrevStep) && m.onFirstField():
			return m, navCmd(m.place(), evBack)
		case m.spec.keys != nil && m.spec.keys(m.c, focused, k):
			m.resize()
			return m, nil
		case key.Matches(k, m.c.keys.UseFix) && m.spec.fix != nil:
			if resume, ok := m.spec.fix(focused); ok {
				m.resume = resume
				return m, m.Init()
			}
		}
		pasted = k.Paste || (k.Type == tea.KeyRunes && len(k.Runes) > 1)
		moves = m.form.State == huh.StateNormal && movesFocus(focused, k)
		// Going back never validates: an empty required field must not
		// keep the focus (huh refuses a page change while a field fails).
		m.c.st.back = moves && key.Matches(k, m.c.keys.PrevStep)
	}
	wasNormal := m.form.State == huh.StateNormal
	f, cmd := m.form.Update(msg)
	if ff, ok := f.(*huh.Form); ok {
		m.form = ff
	}
	if moves {
		m.startMove(focused)
	}
	m.trackMove(focusMsgKind(msg))
	if pasted && m.spec.paste != nil {
		if resume, rebuild := m.spec.paste(focused); rebuild {
			// The paste filled fields other than the focused one: rebuild
			// the form from the state so every field shows its new value.
			m.resume = resume
			return m, m.Init()
		}
	}
	if m.spec.refresh != nil && m.form.State == huh.StateNormal {
		// The texts follow the values: a key that changed none (the
		// cursor moving in a list) leaves them as they are, and the page
		// is not drawn a second time.
		if vs := m.values(); !reflect.DeepEqual(vs, m.refreshed) {
			m.refreshed = vs
			m.spec.refresh()
			// Let the page redraw with the new texts.
			if ff, ok := updateForm(m.form, refreshMsg{}); ok {
				m.form = ff
			}
		}
	}
	m.resize()
	if !wasNormal {
		// A finished form ignores messages; completing again would run
		// the step's end (ssh-keygen) twice.
		return m, cmd
	}
	switch m.form.State {
	case huh.StateCompleted:
		return m.complete()
	case huh.StateAborted:
		return m, navCmd(m.place(), evBack)
	case huh.StateNormal:
	}
	return m, cmd
}

func (m *formStep) complete() (component, tea.Cmd) {
	var ps wizard.Problems
	if m.spec.finish != nil {
		ps = m.spec.finish()
	}
	if len(ps) == 0 {
		ps = waived(m.c.st.connector().ValidateStep(m.step, m.c.now()), m.spec.waive)
	}
	m.problems = ps
	if len(ps) > 0 {
		return m, m.Init()
	}
	if m.spec.done != nil {
		if cmd := m.spec.done(); cmd != nil {
			return m, cmd
		}
	}
	m.leaving = true
	return m, navCmd(m.place(), evNext)
}

func (m *formStep) place() place { return stepPlace(m.step) }

// Title implements component.
func (m *formStep) Title() string { return m.step.Title() }

// pageOf is the index of the page shown that holds the field keyed key,
// -1 when none does.
func (m *formStep) pageOf(key wizard.Field) int {
	if key == "" {
		return -1
	}
	for i, g := range m.spec.groups {
		if g.hide != nil && g.hide() {
			continue
		}
		for _, f := range g.fields {
			if f.GetKey() == string(key) {
				return i
			}
		}
	}
	return -1
}

// filtering reports whether a select is being filtered (esc clears the filter).
func (m *formStep) filtering() bool {
	type filterer interface{ GetFiltering() bool }
	if f, ok := m.form.GetFocusedField().(filterer); ok {
		return f.GetFiltering()
	}
	return false
}

// onFirstField reports whether the focus is on the form's first field, where
// shift+tab leaves the step instead of moving within it.
func (m *formStep) onFirstField() bool {
	focused := m.form.GetFocusedField()
	for _, g := range m.spec.groups {
		if g.hide != nil && g.hide() {
			continue
		}
		for _, f := range g.fields {
			if _, note := f.(*huh.Note); note && len(g.fields) > 1 {
				continue
			}
			return f == focused
		}
	}
	return true
}

// View renders the problems left after completion and the form.
func (m *formStep) View() string {
	if m.form == nil {
		return ""
	}
	var b strings.Builder
	if len(m.problems) > 0 {
		b.WriteString(m.c.styles.Problem.Render("fix these before going on:") + "\n")
		for _, p := range m.problems {
			b.WriteString(problemLine(m.c.styles, p) + "\n")
		}
	}
	b.WriteString(strings.TrimRight(m.form.View(), "\n"))
	if m.spec.extra != nil {
		if extra := m.spec.extra(m.form.GetFocusedField(), m.c.width-2); extra != "" {
			b.WriteString("\n" + extra)
		}
	}
	for _, err := range m.form.Errors() {
		b.WriteString("\n" + m.c.styles.Problem.Render("✗ "+err.Error()))
	}
	return b.String()
}

// SetSize implements component: the form reflows at once (huh lays out
// its page only when it handles a message).
func (m *formStep) SetSize(int, int) {
	if m.form == nil {
		return
	}
	m.resize()
	if ff, ok := updateForm(m.form, refreshMsg{}); ok {
		m.form = ff
	}
}

// ShortHelp implements component: the focused field's keys plus the wizard's.
func (m *formStep) ShortHelp() []key.Binding {
	var ks []key.Binding
	if m.form != nil {
		ks = append(ks, m.form.KeyBinds()...)
		if m.spec.help != nil {
			ks = append(m.spec.help(m.form.GetFocusedField()), ks...)
		}
	}
	return append(ks, m.c.keys.Back, m.c.keys.Quit)
}

func problemLine(s Styles, p wizard.Problem) string {
	line := s.Problem.Render("✗ " + p.Msg)
	if fix := p.FixText(); fix != "" {
		line += s.Fix.Render(fix)
	}
	return line
}
