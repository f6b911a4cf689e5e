package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/bbconnect/bbconnect/wizard"
)

// pickerFlow opens the wizard on the picker of f's saved connectors in a
// teatest program at 80x24.
func pickerFlow(t *testing.T, f *fakes) (*flow, *teatest.TestModel) {
	t.Helper()
	deps := f.deps(t.TempDir())
	profiles, _ := f.profiles.List()
	rec := &recorder{Model: newModel(Options{Deps: deps, Mode: ModePicker, Width: 80, Height: 24}, profiles)}
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(80, 24))
	fl := &flow{t: t, tm: tm, rec: rec, subst: strings.NewReplacer()}
	fl.wait("bbconnect › Saved connectors")
	return fl, tm
}

// finalResult waits for the program to end and returns its result.
func finalResult(t *testing.T, tm *teatest.TestModel) (Result, error) {
	t.Helper()
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*recorder)
	if !ok {
		t.Fatal("final model is not the wizard")
	}
	return fm.result()
}

// Every picker errand ends on the picker again: a test (esc or enter, which
// saves nothing), an export (which shows no test it did not run), a
// rotation (whose Saved screen speaks of a rotation) and a delete; q ends.
func TestPickerErrandsReturnToPicker(t *testing.T) {
	f := pickerFakes(t)
	fl, tm := pickerFlow(t, f)

	fl.typ("t")
	fl.wait("the connection works: enter goes back to the saved connectors")
	fl.key(tea.KeyEsc, "bbconnect › Saved connectors")
	fl.typ("t")
	fl.wait("the connection works: enter goes back to the saved connectors")
	fl.key(tea.KeyEnter, "bbconnect › Saved connectors")
	if f.exports.len() != 0 || f.secrets.len() != 1 {
		t.Fatalf("a picker test wrote %d exports, %d secrets", f.exports.len(), f.secrets.len())
	}

	fl.typ("x")
	s := fl.wait("bbconnect › Exported")
	if !strings.Contains(s, "the export of saved connector cloud_one") || strings.Contains(s, "Connection test") {
		t.Fatalf("export screen:\n%s", s)
	}
	fl.key(tea.KeyEnter, "bbconnect › Saved connectors")

	fl.typ("r")
	fl.wait("bbconnect › Rotate cloud_one › Credentials")
	fl.focus("Password kind")
	fl.enterFocus("Scopes to give the API token")
	fl.enterFocus("Username")
	fl.enterFocus("API token")
	fl.typ("ATATT3xROTATED")
	fl.enterFocus("API token expires")
	fl.enterTo("bbconnect › Rotate cloud_one › Review")
	fl.enterTo("the connection works: press enter to save")
	fl.enterTo("bbconnect › Rotate cloud_one › Rotated")
	s = fl.wait("enter goes back to the saved connectors")
	for _, want := range []string{"Update the value of the secrets", "The connector itself does not change"} {
		if !strings.Contains(s, want) {
			t.Errorf("rotation's Saved screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "New Connector") {
		t.Errorf("rotation's Saved screen tells to create a connector:\n%s", s)
	}
	fl.key(tea.KeyEnter, "bbconnect › Saved connectors")

	fl.typ("d")
	fl.wait("delete cloud_one and its keychain items?")
	fl.typ("y")
	fl.settle("> old_app", 10*time.Millisecond, 2)
	if strings.Contains(fl.rec.screen(), "cloud_one") {
		t.Fatalf("cloud_one still listed:\n%s", fl.rec.screen())
	}
	fl.typ("q")
	r, err := finalResult(t, tm)
	if err != nil || r.Action != ActionDelete {
		t.Fatalf("result = %+v, %v", r, err)
	}
	if rots := f.rotator.rotations(); len(rots) != 1 || rots[0].Secrets.Password != "ATATT3xROTATED" {
		t.Fatalf("rotations = %d", len(rots))
	}
}

// "b back to fix" on a failed picker test opens the step and field the
// failure names; once fixed, enter goes straight back to the re-run test,
// and the fix is then saved as an edit of the connector.
func TestBackToFixReturnsToTest(t *testing.T) {
	f := pickerFakes(t)
	f.tester.fail, f.tester.diag = "git read access", "email used where the bitbucket username belongs"
	fl, tm := pickerFlow(t, f)
	fl.typ("t")
	fl.wait("the test failed: b goes back to fix it")
	fl.typ("b")
	fl.wait("bbconnect › Credentials")
	fl.focus("Username")
	f.tester.mu.Lock()
	f.tester.fail = ""
	f.tester.mu.Unlock()
	for range "jdoe" {
		fl.tm.Send(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	fl.typ("jdoe2")
	fl.enterFocus("API token")
	fl.enterFocus("API token expires")
	fl.enterTo("bbconnect › Connection test")
	s := fl.wait("the connection works: press enter to save")
	if strings.Contains(s, "Connectivity") {
		t.Fatalf("went through the later steps:\n%s", s)
	}
	fl.enterTo("bbconnect › Saved")
	s = fl.wait("enter goes back to the saved connectors")
	if !strings.Contains(s, "paste the export over it") {
		t.Errorf("an edit's Saved screen:\n%s", s)
	}
	fl.typ("q")
	r, err := finalResult(t, tm)
	if err != nil || !r.Saved || r.Connector.Username != "jdoe2" || r.Action != ActionEdit {
		t.Fatalf("result = %+v, %v", r, err)
	}
	if len(f.profiles.saved) != 1 || f.profiles.saved[0].Username != "jdoe2" {
		t.Fatalf("saved = %+v", f.profiles.saved)
	}
	if v, _ := f.secrets.Get("cloud_one", wizard.SlotPassword); v != "stored-token" {
		t.Fatalf("the stored token changed: %q", v)
	}
}
