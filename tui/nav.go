package tui

import "github.com/bbconnect/bbconnect/wizard"

// The wizard's navigation: every place it can be, and every way between
// them, for both front ends (the bubbletea root and the accessible
// runner). It is pure: no screen, no service, no terminal; the front ends
// compute the facts it needs from what was typed, ask it where to go, and
// show that place. Reading this file alone draws the wizard:
//
//	                 ┌──────────────── q: done ───────────────────┐
//	 Picker ── n ──▶ Overview ▶ Details ▶ Credentials ▶ API access ▶ Connectivity ▶ Review ▶ Test ▶ Saving ▶ Saved
//	   │  ▲  enter ────────────────────────────────────────────────────────────────▶ Review      │               │
//	   │  │  r ──────────────────▶ Credentials [▶ API access] ─────────────────────▶ Review      │               │
//	   │  │  t ─────────────────────────────────────────────────────────────────────────▶ Test ──┤ enter/esc     │
//	   │  │  x ──▶ Exported ─ enter ─┐                                                           │               │
//	   │  └──── d (deleted) ◀────────┴──────────── enter (when opened on the picker) ◀───────────┴───────────────┘
//
//   - enter on a step goes to the next one. The repository picker (Repos)
//     comes between two steps, or between Review and Test, when an account
//     connector's test repository is still empty and the credentials can
//     list repositories (facts.reposFrom); choosing one carries on from the
//     step that opened it, esc goes back to that step.
//   - esc goes back one step, keeping what was typed: from Overview (or a
//     rotation's first step) to the picker, from Review to Connectivity (a
//     rotation's last step), from the test to Review (a picker test: to the
//     picker).
//   - A jump (Review's 1-5 and e, the test's b "back to fix") opens a step
//     and returns where it came from once that step is done (or on esc):
//     to Review, or straight to the re-run test.
//   - r on the test screen runs it again, and so does a trusted SSH host
//     key (a confirms the unknown one's fingerprint): the test stays.
//   - Ctrl+C quits (Interrupted, nothing more written), except while a save
//     runs: the first one stops it (Stopping) and its outcome is shown.
//   - p on Saved (and the picker's p) pushes the saved connector to Harness:
//     straight to Pushing when a Harness key is at hand (facts.harnessKey),
//     else through the key prompt (HarnessKey: enter proves and keeps the
//     key, esc goes back). Pushed shows the calls and Harness's test; p
//     there pushes again, k asks another key, esc goes back to Saved (the
//     picker's push: to the picker), enter goes on as Saved's does. Ctrl+C
//     while the push runs stops it (PushStopping), and what it did is shown.
//
// The settings steps are places in wizard.Step order, so a step and its
// place convert both ways (stepPlace, place.step).

// place is where the wizard is.
type place int

// The places.
const (
	placeNone         place = iota // no place (a return that is not set)
	placePicker                    // the saved connectors: new, edit, rotate, test, export, delete
	placeOverview                  // the settings steps, in wizard.Step order…
	placeDetails                   //
	placeCredentials               //
	placeAPIAccess                 //
	placeConnectivity              //
	placeReview                    // …and Review: every setting and the export
	placeRepos                     // the repository picker: fills the test repository
	placeTest                      // the connection test (and the unknown SSH host key to confirm)
	placeSaving                    // the save (or rotation) runs
	placeStopping                  // Ctrl+C asked the running save to stop; its outcome follows
	placeSaved                     // what was written, and what to do next in Harness; or why nothing was
	placeExported                  // a saved connector's export, written from the picker
	placeHarnessKey                // the Harness API key to prove and keep, before a push
	placePushing                   // the push to Harness runs: a line per call
	placePushStopping              // Ctrl+C asked the running push to stop; what it did follows
	placePushed                    // the push's calls, Harness's test next to bbconnect's
	placeDone                      // the wizard ended
	placeInterrupted               // Ctrl+C ended the wizard
	placeCount                     // how many places there are
)

// stepPlace is the place of a settings step or Review.
func stepPlace(s wizard.Step) place { return placeOverview + place(s) }

// step is the settings step (or Review) p shows, if it shows one.
func (p place) step() (wizard.Step, bool) {
	if p < placeOverview || p > placeReview {
		return 0, false
	}
	return wizard.Step(p - placeOverview), true
}

// event is what happened on the screen shown.
type event int

// The events.
const (
	evNext      event = iota // the screen is done: a valid step, a chosen repository, Review's enter, the test accepted, Saved's enter
	evBack                   // esc: the screen before, nothing typed is lost
	evJump                   // a settings step (navInput.step), coming back here once it is done: Review's 1-5 and e, the test's b
	evPick                   // the picker's choice (navInput.action)
	evRetry                  // the test again: r, or a trusted SSH host key
	evSaved                  // the save (or the push) finished
	evPush                   // p: push the saved connector to Harness (again)
	evNewKey                 // k: another Harness key, then the push
	evQuit                   // q: the wizard ends
	evInterrupt              // Ctrl+C
)

// navInput is one event with what it carries.
type navInput struct {
	ev     event
	step   wizard.Step // evJump: the step to open
	action Action      // evPick: what was picked
}

// noStep says that the repository picker is not offered.
const noStep wizard.Step = -1

// facts are what the transitions depend on besides the place, read from
// the settings typed so far.
type facts struct {
	// reposFrom is the first step after which the repository picker comes
	// (Credentials when the password can list by itself, else API
	// access), or noStep: no lister, a repository URL, a test repository
	// already set, or no screen to pick on.
	reposFrom wizard.Step
	// rotation lists the steps a rotation asks: Credentials, then API
	// access when it has a token of its own or needs the Atlassian email.
	rotation []wizard.Step
	// saveFailed is set when the save shown on Saved failed.
	saveFailed bool
	// harnessKey is set when a Harness API key is at hand for a push (the
	// environment's, or the keychain's for the known account).
	harnessKey bool
}

// nav is where the wizard is and what the user is doing there.
type nav struct {
	at place
	// action is the errand: a new connector, or what was picked.
	action Action
	// picker is set when the wizard opened on the picker: finished
	// errands go back to it.
	picker bool
	// ret is where a jumped-to step returns (Review or Test), placeNone
	// for none.
	ret place
	// reposAfter is the step whose completion opened the repository picker.
	reposAfter wizard.Step
}

// startNav is where the wizard starts: a rotation of initial at its first
// step, an edit of initial at Review, the picker when there are saved
// connectors to pick from, else a new connector at Overview.
func startNav(mode Mode, initial bool, profiles int, f facts) nav {
	switch {
	case mode == ModeRotate && initial:
		return nav{at: stepPlace(f.firstRotationStep()), action: ActionRotate}
	case initial:
		return nav{at: placeReview, action: ActionEdit}
	case mode == ModePicker && profiles > 0:
		return nav{at: placePicker, action: ActionNew, picker: true}
	}
	return nav{at: placeOverview, action: ActionNew}
}

// next is where in leads from n.
func (n nav) next(in navInput, f facts) nav {
	switch in.ev {
	case evNext:
		return n.forward(f)
	case evBack:
		return n.backward(f)
	case evJump:
		return n.jump(in.step, f)
	case evPick:
		return n.pick(in.action, f)
	case evRetry:
		return n
	case evSaved:
		switch n.at {
		case placeSaving, placeStopping:
			n.at = placeSaved
		case placePushing, placePushStopping:
			n.at = placePushed
		}
		return n
	case evPush:
		return n.push(f)
	case evNewKey:
		if n.at == placePushed {
			n.at = placeHarnessKey
		}
		return n
	case evQuit:
		n.at = placeDone
		return n
	case evInterrupt:
		switch n.at {
		case placeSaving:
			n.at = placeStopping
		case placePushing:
			n.at = placePushStopping
		default:
			n.at = placeInterrupted
		}
		return n
	}
	return n
}

// forward is evNext.
func (n nav) forward(f facts) nav {
	switch n.at {
	case placeRepos:
		return n.after(n.reposAfter, f, false)
	case placeTest:
		n.at = placeSaving
		if n.action == ActionTest {
			n.at = placePicker // the test is recorded; nothing is saved
		}
	case placeSaved, placeExported, placePushed:
		n.at = placeDone
		if n.picker {
			n.at = placePicker
		}
	case placeHarnessKey:
		n.at = placePushing
	case placeNone, placePicker, placeSaving, placeStopping, placePushing, placePushStopping, placeDone, placeInterrupted, placeCount:
	default:
		s, _ := n.at.step()
		return n.after(s, f, true)
	}
	return n
}

// push is evPush: from Saved (when the save succeeded), from Pushed
// (again), or the picker's push: to the key prompt when no Harness key is
// at hand, else to the push.
func (n nav) push(f facts) nav {
	switch {
	case n.at == placeSaved && !f.saveFailed, n.at == placePushed, n.at == placePicker && n.action == ActionPush:
	default:
		return n
	}
	n.at = placeHarnessKey
	if f.harnessKey {
		n.at = placePushing
	}
	return n
}

// pushReturn is where esc leads from the key prompt and from Pushed:
// the picker for the picker's push, else Saved.
func (n nav) pushReturn() place {
	if n.action == ActionPush {
		return placePicker
	}
	return placeSaved
}

// after is the place after step s is done: the repository picker when it
// is offered there (offer), the test after Review, the return of a jump,
// a rotation's next step, or the next step.
func (n nav) after(s wizard.Step, f facts, offer bool) nav {
	switch {
	case offer && n.action != ActionRotate && f.reposFrom != noStep && s >= f.reposFrom:
		n.at, n.reposAfter = placeRepos, s
	case s == wizard.StepReview:
		n.at = placeTest
	case n.ret != placeNone:
		n.at, n.ret = n.ret, placeNone
	case n.action == ActionRotate:
		n.at = placeReview
		for i, rs := range f.rotation {
			if rs == s && i+1 < len(f.rotation) {
				n.at = stepPlace(f.rotation[i+1])
			}
		}
	default:
		n.at = stepPlace(s + 1)
	}
	return n
}

// backward is evBack.
func (n nav) backward(f facts) nav {
	switch n.at {
	case placeRepos:
		n.at = stepPlace(n.reposAfter)
	case placeTest:
		n.at = placeReview
		if n.action == ActionTest {
			n.at = placePicker
		}
	case placeSaved:
		if f.saveFailed {
			n.at = placeReview
		}
	case placeExported:
		n.at = placePicker
	case placeHarnessKey, placePushed:
		n.at = n.pushReturn()
	case placeNone, placePicker, placeSaving, placeStopping, placePushing, placePushStopping, placeDone, placeInterrupted, placeCount:
	default:
		s, _ := n.at.step()
		return n.stepBack(s, f)
	}
	return n
}

// stepBack is esc on step s: the return of a jump, else the step before
// (a rotation's, when rotating), else the picker when there is one.
func (n nav) stepBack(s wizard.Step, f facts) nav {
	if n.ret != placeNone {
		n.at, n.ret = n.ret, placeNone
		return n
	}
	steps := n.steps(f)
	switch i := indexOf(steps, s); {
	case i > 0:
		n.at = stepPlace(steps[i-1])
	case n.picker:
		n.at = placePicker
	}
	return n
}

// jump opens step s and comes back to the place it was opened from (the
// test, else Review). A jump from a picker test makes it an edit: what is
// fixed is saved after the test. A rotation changes its own steps only.
func (n nav) jump(s wizard.Step, f facts) nav {
	if n.action == ActionTest {
		n.action = ActionEdit
	}
	if n.action == ActionRotate && indexOf(f.rotation, s) < 0 {
		s = f.firstRotationStep()
	}
	n.ret = placeReview
	if n.at == placeTest {
		n.ret = placeTest
	}
	n.at = stepPlace(s)
	if s == wizard.StepReview {
		n.ret = placeNone
	}
	return n
}

// pick starts the errand a picked.
func (n nav) pick(a Action, f facts) nav {
	n.action, n.ret = a, placeNone
	switch a {
	case ActionNew:
		n.at = placeOverview
	case ActionEdit:
		n.at = placeReview
	case ActionRotate:
		n.at = stepPlace(f.firstRotationStep())
	case ActionTest:
		n.at = placeTest
	case ActionExport:
		n.at = placeExported
	case ActionDelete:
		n.at = placePicker
	case ActionPush:
		n.at = placePicker
		return n.push(f)
	}
	return n
}

// steps are the settings steps the indicator counts ("step N of M"): a
// rotation's steps and Review, else all six.
func (n nav) steps(f facts) []wizard.Step {
	if n.action == ActionRotate {
		return append(append([]wizard.Step{}, f.rotation...), wizard.StepReview)
	}
	return wizardSteps
}

// wizardSteps are the six settings steps with Review.
var wizardSteps = []wizard.Step{
	wizard.StepOverview, wizard.StepDetails, wizard.StepCredentials,
	wizard.StepAPIAccess, wizard.StepConnectivity, wizard.StepReview,
}

// firstRotationStep is where a rotation starts.
func (f facts) firstRotationStep() wizard.Step {
	if len(f.rotation) == 0 {
		return wizard.StepCredentials
	}
	return f.rotation[0]
}

func indexOf(steps []wizard.Step, s wizard.Step) int {
	for i, v := range steps {
		if v == s {
			return i
		}
	}
	return -1
}

// pickerTest reports whether the errand is a picker's test of a saved
// connector, which saves nothing.
func (n *nav) pickerTest() bool { return n != nil && n.action == ActionTest }
