package tui

import (
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// The accessible runner's places (see nav.go), each asked line by line
// with the words the screens use, each returning the event it ends with.

// picker lists the saved connectors, asks which one (or a new one) and
// what to do with it, and sets up the errand as the screens' picker does.
func (a *accessible) picker() (navInput, error) {
	if a.d.Profiles != nil {
		if ps, err := a.d.Profiles.List(); err == nil {
			a.profiles = ps
		}
	}
	a.printf("\n== Saved connectors ==\n")
	now := a.d.now()
	for _, p := range a.profiles {
		a.printf("  %s\n", strings.TrimRight(pickerRow(p), " "))
		if note := profileNote(p, now); note != "" {
			a.printf("   %s\n", note)
		}
		if a.d.Harness != nil || p.Harness != nil {
			a.printf("   %s\n", strings.ReplaceAll(harnessNote(Styles{}, p.Harness, 0), "\n    ", "\n   "))
		}
	}
	if a.pickerErr != nil {
		a.printf("%v\n", a.pickerErr)
		a.pickerErr = nil
	}
	opts := []huh.Option[int]{huh.NewOption("New connector", 0)}
	for i, p := range a.profiles {
		opts = append(opts, huh.NewOption(p.Connector.ID, i+1))
	}
	opts = append(opts, huh.NewOption("Quit", -1))
	choice := min(1, len(a.profiles))
	if err := choose(a, "Which connector?", opts, &choice); err != nil {
		return navInput{}, err
	}
	switch choice {
	case -1:
		return navInput{ev: evQuit}, nil
	case 0:
		return a.startErrand(ActionNew, Profile{})
	}
	prof := a.profiles[choice-1]
	acts := make([]huh.Option[Action], 0, len(pickerActions)+1)
	for _, pa := range offeredActions(a.d) {
		acts = append(acts, huh.NewOption(pa.label, pa.action))
	}
	acts = append(acts, huh.NewOption("Back to the list", Action("")))
	act := ActionEdit
	if err := choose(a, "What to do with "+prof.Connector.ID+"?", acts, &act); err != nil {
		return navInput{}, err
	}
	if act != "" {
		// Every errand but a new connector reads or removes secrets.
		if err := a.keychainReady(); err != nil {
			return navInput{}, err
		}
	}
	switch act {
	case "":
		return navInput{ev: evBack}, nil
	case ActionDelete:
		yes, err := a.confirm("Delete "+prof.Connector.ID+" and its keychain items?", false)
		if err != nil || !yes {
			return navInput{ev: evBack}, err
		}
		a.pickerErr = deleteProfile(a.d, prof)
	case ActionPush:
		a.harnessAccess()
	}
	return a.startErrand(act, prof)
}

// startErrand sets up the state of errand act on prof; one that cannot
// start says why on the picker.
func (a *accessible) startErrand(act Action, prof Profile) (navInput, error) {
	st, err := errandState(a.d, act, prof)
	if err != nil {
		a.pickerErr = err
		return navInput{ev: evBack}, nil
	}
	a.setState(st)
	a.saved = nil
	return navInput{ev: evPick, action: act}, nil
}

// review prints every setting, the warnings and the export, then asks
// whether to run the test or change a step.
func (a *accessible) review() (navInput, error) {
	st := a.st
	conn := st.connector()
	steps := a.nav.steps(a.facts())
	a.printf("\n== %s ==\n", stepOfNTitle(steps, wizard.StepReview))
	for _, sec := range reviewSections(conn, st) {
		a.printf("%s\n", sec.title)
		for _, row := range sec.rows {
			a.printf("  %s: %s\n", row[0], row[1])
		}
	}
	if ws := conn.Warnings(a.d.now()); len(ws) > 0 {
		a.printf("Warnings\n")
		for _, w := range ws {
			a.printf("  ! %s\n", w)
		}
	}
	data, err := export.HarnessYAML(conn)
	var opts []huh.Option[int]
	if err != nil {
		a.printf("the export failed: %v\n", err)
	} else {
		a.printf("Harness YAML (exported):\n%s\n", strings.TrimRight(string(data), "\n"))
		opts = append(opts, huh.NewOption("Run the connection test, then save", -1))
	}
	for i, s := range steps[:len(steps)-1] {
		opts = append(opts, huh.NewOption("Change "+s.Title(), i))
	}
	opts = append(opts, huh.NewOption("Quit without saving", -2))
	choice := opts[0].Value
	if err := choose(a, "What next?", opts, &choice); err != nil {
		return navInput{}, err
	}
	switch choice {
	case -1:
		return navInput{ev: evNext}, nil
	case -2:
		return navInput{ev: evQuit}, nil
	}
	return navInput{ev: evJump, step: steps[choice]}, nil
}

// test runs the connection test, prints each check, and asks what next:
// save, fix the first failure, test again, trust an unknown host key.
// A picker's test saves nothing: it is recorded, then the picker shows.
func (a *accessible) test() (navInput, error) {
	st := a.st
	pickerTest := a.nav.pickerTest()
	a.printf("\n== Connection test ==\n")
	a.report = nil
	report := runTester(a.ctx, a.d.Tester, st, func(conntest.Event) {})
	if a.ctx.Err() != nil {
		return navInput{}, ErrInterrupted
	}
	a.report = &report
	for _, ch := range report.Checks {
		a.printf("%s\n", checkLine(Styles{}, ch))
		if ch.Status == conntest.Fail && ch.Fix != "" {
			a.printf("    fix: %s\n", ch.Fix)
		}
	}
	if pickerTest {
		a.pickerErr = recordTest(a.d, st.connector(), &report)
	}
	if report.OK {
		a.printf("the connection works.\n")
		if pickerTest {
			return navInput{ev: evNext}, nil
		}
		return a.yesNo("Save the connector now?", true, evNext, evBack)
	}
	return a.failed(report)
}

// failed asks what to do after a failed test.
func (a *accessible) failed(report conntest.Report) (navInput, error) {
	const (
		fix = iota
		retry
		trust
		accept
		review
	)
	step, field := fixOf(a.st.connector(), report.Checks)
	where := step.Title()
	if field != "" {
		where += " (" + string(field) + ")"
	}
	opts := []huh.Option[int]{huh.NewOption("Back to fix it: "+where, fix), huh.NewOption("Run the test again", retry)}
	fp := unknownHostKeyOf(a.d.Tester, report.Checks)
	if fp != "" {
		a.printf("unknown ssh host key %s: compare it with the fingerprint your bitbucket admin publishes.\n", fp)
		opts = append(opts, huh.NewOption("Trust this host key for this run and test again", trust))
	}
	if a.nav.pickerTest() {
		opts = append(opts, huh.NewOption("Back to the saved connectors", accept))
	} else {
		opts = append(opts, huh.NewOption("Save anyway", accept), huh.NewOption("Back to Review", review))
	}
	choice := fix
	if err := choose(a, "The test failed. What next?", opts, &choice); err != nil {
		return navInput{}, err
	}
	switch choice {
	case retry:
		return navInput{ev: evRetry}, nil
	case trust:
		a.st.hostKey = trustedHostKey{host: sshHost(a.st.connector()), fingerprint: fp}
		return navInput{ev: evRetry}, nil
	case accept:
		return navInput{ev: evNext}, nil
	case review:
		return navInput{ev: evBack}, nil
	}
	return navInput{ev: evJump, step: step}, nil
}

// save saves what was typed, as the screens do.
func (a *accessible) save() navInput {
	_, run := startSave(a.ctx, a.st, a.nav.action, a.report)
	out := run()
	if out.err == nil {
		a.st.idLocked = true
	}
	a.saved = &out
	return navInput{ev: evSaved}
}

// savedPlace prints what the save wrote and what to do next in Harness,
// once; after a failure it offers Review, else it ends with the error.
func (a *accessible) savedPlace() (navInput, error) {
	o := *a.saved
	a.printf("\n== %s ==\n%s", savedTitle(o), savedText(Styles{}, a.st, a.d, o))
	if o.err != nil {
		back, err := a.confirm("Back to Review to change the settings?", false)
		if err != nil || !back {
			return navInput{}, o.err
		}
		return navInput{ev: evBack}, nil
	}
	if push, err := a.offerPush(o); err != nil || push {
		return navInput{ev: evPush}, err
	}
	if a.nav.picker {
		return a.yesNo("Back to the saved connectors?", true, evNext, evQuit)
	}
	return navInput{ev: evNext}, nil
}

// exported writes the export of the saved connector picked and says where.
func (a *accessible) exported() navInput {
	o := exportOnly(a.d, a.st.connector())
	a.printf("\n== %s ==\n%s", savedTitle(o), savedText(Styles{}, a.st, a.d, o))
	return navInput{ev: evNext}
}

// choose asks a for one of opts, v holding the default.
func choose[T comparable](a *accessible, title string, opts []huh.Option[T], v *T) error {
	if a.r.eof {
		return errInputEnded
	}
	return runField(huh.NewSelect[T]().Title(title).Options(opts...).Value(v), a.w, a.r)
}

// confirm asks a yes/no question with its default.
func (a *accessible) confirm(q string, def bool) (bool, error) {
	if a.r.eof {
		return def, errInputEnded
	}
	yes := def
	c := huh.NewConfirm().Title(q).Value(&yes)
	if err := runField(c, a.w, a.r); err != nil {
		return def, err
	}
	return yes, nil
}

// yesNo asks q and reports ifYes or ifNo.
func (a *accessible) yesNo(q string, def bool, ifYes, ifNo event) (navInput, error) {
	yes, err := a.confirm(q, def)
	if err != nil {
		return navInput{}, err
	}
	if yes {
		return navInput{ev: ifYes}, nil
	}
	return navInput{ev: ifNo}, nil
}
