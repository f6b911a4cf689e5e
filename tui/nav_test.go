package tui

import (
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

// TestNavTable is the wizard's state machine, transition by transition:
// from a place (with the errand, the picker and a pending return), an
// event and the facts read from the settings, to the place it leads to.
func TestNavTable(t *testing.T) {
	t.Parallel()
	cred, api := wizard.StepCredentials, wizard.StepAPIAccess
	plain := facts{reposFrom: noStep, rotation: []wizard.Step{cred}}
	listsAfterCred := facts{reposFrom: cred, rotation: []wizard.Step{cred}}
	listsAfterAPI := facts{reposFrom: api, rotation: []wizard.Step{cred, api}}
	rot2 := facts{reposFrom: noStep, rotation: []wizard.Step{cred, api}}
	failed := facts{reposFrom: noStep, rotation: []wizard.Step{cred}, saveFailed: true}
	keyed := facts{reposFrom: noStep, rotation: []wizard.Step{cred}, harnessKey: true}
	push := navInput{ev: evPush}

	next, back, saved := navInput{ev: evNext}, navInput{ev: evBack}, navInput{ev: evSaved}
	jump := func(s wizard.Step) navInput { return navInput{ev: evJump, step: s} }
	pick := func(a Action) navInput { return navInput{ev: evPick, action: a} }
	// n is a new connector's navigation; p one opened on the picker.
	n := func(at place) nav { return nav{at: at, action: ActionNew} }
	p := func(at place, a Action) nav { return nav{at: at, action: a, picker: true} }
	withRet := func(v nav, ret place) nav { v.ret = ret; return v }
	withRepos := func(v nav, after wizard.Step) nav { v.reposAfter = after; return v }

	tests := []struct {
		name string
		from nav
		in   navInput
		f    facts
		want nav
	}{
		// A new connector: the six steps in order, then the test and the save.
		{"overview → details", n(placeOverview), next, plain, n(placeDetails)},
		{"details → credentials", n(placeDetails), next, plain, n(placeCredentials)},
		{"credentials → api access", n(placeCredentials), next, plain, n(placeAPIAccess)},
		{"api access → connectivity", n(placeAPIAccess), next, plain, n(placeConnectivity)},
		{"connectivity → review", n(placeConnectivity), next, plain, n(placeReview)},
		{"review → test", n(placeReview), next, plain, n(placeTest)},
		{"test → saving", n(placeTest), next, plain, n(placeSaving)},
		{"saving → saved", n(placeSaving), saved, plain, n(placeSaved)},
		{"saved → done (no picker)", n(placeSaved), next, plain, n(placeDone)},
		{"saved → picker", p(placeSaved, ActionNew), next, plain, p(placePicker, ActionNew)},
		{"saved q → done", p(placeSaved, ActionNew), navInput{ev: evQuit}, plain, p(placeDone, ActionNew)},

		// esc goes back a step, keeping what was typed.
		{"details ← esc", n(placeDetails), back, plain, n(placeOverview)},
		{"review ← esc", n(placeReview), back, plain, n(placeConnectivity)},
		{"overview esc stays (no picker)", n(placeOverview), back, plain, n(placeOverview)},
		{"overview esc → picker", p(placeOverview, ActionNew), back, plain, p(placePicker, ActionNew)},
		{"test esc → review", n(placeTest), back, plain, n(placeReview)},
		{"saved esc stays when saved", n(placeSaved), back, plain, n(placeSaved)},
		{"saved esc → review when it failed", n(placeSaved), back, failed, n(placeReview)},
		{"saving esc stays", n(placeSaving), back, plain, n(placeSaving)},

		// The repository picker: after Credentials when the password lists,
		// after API access otherwise, and before the test.
		{"credentials → repos", n(placeCredentials), next, listsAfterCred, withRepos(n(placeRepos), cred)},
		{"repos → api access", withRepos(n(placeRepos), cred), next, listsAfterCred, withRepos(n(placeAPIAccess), cred)},
		{"repos esc → credentials", withRepos(n(placeRepos), cred), back, listsAfterCred, withRepos(n(placeCredentials), cred)},
		{"credentials → api access (cannot list yet)", n(placeCredentials), next, listsAfterAPI, n(placeAPIAccess)},
		{"api access → repos", n(placeAPIAccess), next, listsAfterAPI, withRepos(n(placeRepos), api)},
		{"review → repos", n(placeReview), next, listsAfterAPI, withRepos(n(placeRepos), wizard.StepReview)},
		{"repos → test", withRepos(n(placeRepos), wizard.StepReview), next, plain, withRepos(n(placeTest), wizard.StepReview)},
		{"overview → details (repos not yet)", n(placeOverview), next, listsAfterCred, n(placeDetails)},

		// Jumps: Review's 1-5 and e return to Review; the test's b returns
		// to the re-run test.
		{"review jump 3", n(placeReview), jump(cred), plain, withRet(n(placeCredentials), placeReview)},
		{"jumped step → review", withRet(n(placeCredentials), placeReview), next, plain, n(placeReview)},
		{"jumped step esc → review", withRet(n(placeOverview), placeReview), back, plain, n(placeReview)},
		{"jumped step → repos, then back", withRet(n(placeCredentials), placeReview), next, listsAfterCred, withRepos(withRet(n(placeRepos), placeReview), cred)},
		{"repos after a jump → review", withRepos(withRet(n(placeRepos), placeReview), cred), next, plain, withRepos(n(placeReview), cred)},
		{"test b → the field's step", n(placeTest), jump(wizard.StepDetails), plain, withRet(n(placeDetails), placeTest)},
		{"fixed step → test", withRet(n(placeDetails), placeTest), next, plain, n(placeTest)},
		{"fix step esc → test", withRet(n(placeDetails), placeTest), back, plain, n(placeTest)},
		{"test b without a field → review", n(placeTest), jump(wizard.StepReview), plain, n(placeReview)},

		// The picker's errands.
		{"picker n", p(placePicker, ActionNew), pick(ActionNew), plain, p(placeOverview, ActionNew)},
		{"picker enter: edit at review", p(placePicker, ActionNew), pick(ActionEdit), plain, p(placeReview, ActionEdit)},
		{"picker r: rotation's first step", p(placePicker, ActionNew), pick(ActionRotate), rot2, p(placeCredentials, ActionRotate)},
		{"picker t: test", p(placePicker, ActionNew), pick(ActionTest), plain, p(placeTest, ActionTest)},
		{"picker x: exported", p(placePicker, ActionNew), pick(ActionExport), plain, p(placeExported, ActionExport)},
		{"picker d: picker again", p(placePicker, ActionNew), pick(ActionDelete), plain, p(placePicker, ActionDelete)},
		{"picker q: done", p(placePicker, ActionNew), navInput{ev: evQuit}, plain, p(placeDone, ActionNew)},
		{"picker esc stays", p(placePicker, ActionNew), back, plain, p(placePicker, ActionNew)},
		{"a pick clears a return", withRet(p(placePicker, ActionEdit), placeReview), pick(ActionEdit), plain, p(placeReview, ActionEdit)},
		{"picker test enter → picker, nothing saved", p(placeTest, ActionTest), next, plain, p(placePicker, ActionTest)},
		{"picker test esc → picker", p(placeTest, ActionTest), back, plain, p(placePicker, ActionTest)},
		{"picker test b → fix, as an edit", p(placeTest, ActionTest), jump(cred), plain, withRet(p(placeCredentials, ActionEdit), placeTest)},
		{"fixed after a picker test → test again", withRet(p(placeCredentials, ActionEdit), placeTest), next, plain, p(placeTest, ActionEdit)},
		{"the edit's test → saving", p(placeTest, ActionEdit), next, plain, p(placeSaving, ActionEdit)},
		{"exported enter → picker", p(placeExported, ActionExport), next, plain, p(placePicker, ActionExport)},
		{"exported esc → picker", p(placeExported, ActionExport), back, plain, p(placePicker, ActionExport)},
		{"edit review esc → connectivity", p(placeReview, ActionEdit), back, plain, p(placeConnectivity, ActionEdit)},

		// A rotation asks its own steps only.
		{"rotation credentials → review", p(placeCredentials, ActionRotate), next, plain, p(placeReview, ActionRotate)},
		{"rotation credentials → api access", p(placeCredentials, ActionRotate), next, rot2, p(placeAPIAccess, ActionRotate)},
		{"rotation api access → review", p(placeAPIAccess, ActionRotate), next, rot2, p(placeReview, ActionRotate)},
		{"rotation review esc → its last step", p(placeReview, ActionRotate), back, rot2, p(placeAPIAccess, ActionRotate)},
		{"rotation api access esc → credentials", p(placeAPIAccess, ActionRotate), back, rot2, p(placeCredentials, ActionRotate)},
		{"rotation first step esc → picker", p(placeCredentials, ActionRotate), back, rot2, p(placePicker, ActionRotate)},
		{"rotation (no picker) first step esc stays", nav{at: placeCredentials, action: ActionRotate}, back, rot2, nav{at: placeCredentials, action: ActionRotate}},
		{"rotation never offers repos", p(placeCredentials, ActionRotate), next, listsAfterCred, p(placeReview, ActionRotate)},
		{"rotation review jump to details → its first step", p(placeReview, ActionRotate), jump(wizard.StepDetails), rot2, withRet(p(placeCredentials, ActionRotate), placeReview)},
		{"rotation saved → picker", p(placeSaved, ActionRotate), next, plain, p(placePicker, ActionRotate)},

		// r and a trusted host key run the test again, in place.
		{"test retry", n(placeTest), navInput{ev: evRetry}, plain, n(placeTest)},

		// Ctrl+C quits, except that it first stops a running save.
		{"ctrl+c on a step", n(placeDetails), navInput{ev: evInterrupt}, plain, n(placeInterrupted)},
		{"ctrl+c while saving stops it", n(placeSaving), navInput{ev: evInterrupt}, plain, n(placeStopping)},
		{"ctrl+c again quits", n(placeStopping), navInput{ev: evInterrupt}, plain, n(placeInterrupted)},
		{"stopped save → saved", n(placeStopping), saved, plain, n(placeSaved)},
		{"a late save result elsewhere is ignored", n(placeReview), saved, plain, n(placeReview)},

		// p pushes the saved connector to Harness: through the key prompt
		// when no key is at hand.
		{"saved p, no key → key prompt", n(placeSaved), push, plain, n(placeHarnessKey)},
		{"saved p, a key → pushing", n(placeSaved), push, keyed, n(placePushing)},
		{"saved p after a failed save stays", n(placeSaved), push, failed, n(placeSaved)},
		{"p elsewhere stays", n(placeReview), push, keyed, n(placeReview)},
		{"key proved → pushing", n(placeHarnessKey), next, plain, n(placePushing)},
		{"key prompt esc → saved", n(placeHarnessKey), back, plain, n(placeSaved)},
		{"ctrl+c on the key prompt quits", n(placeHarnessKey), navInput{ev: evInterrupt}, plain, n(placeInterrupted)},
		{"push done → pushed", n(placePushing), saved, plain, n(placePushed)},
		{"ctrl+c while pushing stops it", n(placePushing), navInput{ev: evInterrupt}, plain, n(placePushStopping)},
		{"stopped push → pushed", n(placePushStopping), saved, plain, n(placePushed)},
		{"ctrl+c again quits the push", n(placePushStopping), navInput{ev: evInterrupt}, plain, n(placeInterrupted)},
		{"esc while pushing stays", n(placePushing), back, plain, n(placePushing)},
		{"pushed enter → done (no picker)", n(placePushed), next, plain, n(placeDone)},
		{"pushed enter → picker", p(placePushed, ActionNew), next, plain, p(placePicker, ActionNew)},
		{"pushed esc → saved", p(placePushed, ActionNew), back, plain, p(placeSaved, ActionNew)},
		{"pushed p → again", n(placePushed), push, keyed, n(placePushing)},
		{"pushed p, key refused meanwhile → key prompt", n(placePushed), push, plain, n(placeHarnessKey)},
		{"pushed k → key prompt", n(placePushed), navInput{ev: evNewKey}, keyed, n(placeHarnessKey)},
		{"k elsewhere stays", n(placeSaved), navInput{ev: evNewKey}, keyed, n(placeSaved)},
		{"an edit's saved p → pushing", p(placeSaved, ActionEdit), push, keyed, p(placePushing, ActionEdit)},
		{"picker p, a key → pushing", p(placePicker, ActionNew), pick(ActionPush), keyed, p(placePushing, ActionPush)},
		{"picker p, no key → key prompt", p(placePicker, ActionNew), pick(ActionPush), plain, p(placeHarnessKey, ActionPush)},
		{"picker push's key prompt esc → picker", p(placeHarnessKey, ActionPush), back, plain, p(placePicker, ActionPush)},
		{"picker push's pushed esc → picker", p(placePushed, ActionPush), back, plain, p(placePicker, ActionPush)},
		{"picker push's pushed enter → picker", p(placePushed, ActionPush), next, plain, p(placePicker, ActionPush)},
	}
	for _, tt := range tests {
		if got := tt.from.next(tt.in, tt.f); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestNavStart is where the wizard opens.
func TestNavStart(t *testing.T) {
	t.Parallel()
	rot2 := facts{rotation: []wizard.Step{wizard.StepCredentials, wizard.StepAPIAccess}}
	tests := []struct {
		name     string
		mode     Mode
		initial  bool
		profiles int
		want     nav
	}{
		{"first run", ModePicker, false, 0, nav{at: placeOverview, action: ActionNew}},
		{"saved connectors", ModePicker, false, 2, nav{at: placePicker, action: ActionNew, picker: true}},
		{"setup", ModeNew, false, 2, nav{at: placeOverview, action: ActionNew}},
		{"edit", ModeNew, true, 0, nav{at: placeReview, action: ActionEdit}},
		{"rotate", ModeRotate, true, 0, nav{at: placeCredentials, action: ActionRotate}},
	}
	for _, tt := range tests {
		if got := startNav(tt.mode, tt.initial, tt.profiles, rot2); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// Every settings step and Review is a place, and back.
func TestStepPlaces(t *testing.T) {
	t.Parallel()
	for _, s := range wizardSteps {
		if got, ok := stepPlace(s).step(); !ok || got != s {
			t.Errorf("%s: place %d gives %v %v", s.Title(), stepPlace(s), got, ok)
		}
	}
	for _, p := range []place{placePicker, placeRepos, placeTest, placeSaved, placeHarnessKey, placePushing, placePushStopping, placePushed} {
		if _, ok := p.step(); ok {
			t.Errorf("place %d is not a step", p)
		}
	}
}
