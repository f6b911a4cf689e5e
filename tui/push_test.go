package tui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/bbconnect/bbconnect/wizard/harness"
)

// fakeHarness is an in-memory HarnessService: it accepts goodKey, pushes
// with five calls and answers Harness's test with testFails (passed when
// empty), or refuses the first call with refuse.
type fakeHarness struct {
	mu        sync.Mutex
	access    HarnessAccess
	goodKey   string
	logins    []string // account, endpoint of each login
	pushed    []string
	testFails string
	refuse    *harness.Error
	// hold makes a push wait after its first call until its context ends.
	hold bool
}

const fakeKey = "pat.acme.tok1.SECRETKEYVALUE"

func (h *fakeHarness) Access(context.Context) HarnessAccess {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.access
}

func (h *fakeHarness) LogIn(_ context.Context, key, account, endpoint string) (HarnessAccess, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logins = append(h.logins, account+" "+endpoint)
	if key != h.goodKey {
		return HarnessAccess{}, &harness.Error{Call: "GET /ng/api/organizations", HTTPStatus: 401, Code: "INVALID_TOKEN", Message: "Token is not valid.", CorrelationID: "c0ffee"}
	}
	if account == "" {
		account = harness.APIKey(key).Account()
	}
	h.access = HarnessAccess{Account: account, Endpoint: orNot(endpoint, harness.DefaultEndpoint), HaveKey: true}
	return h.access, nil
}

func (h *fakeHarness) Push(ctx context.Context, id string, observe harness.Observer) (*harness.PushResult, error) {
	h.mu.Lock()
	h.pushed = append(h.pushed, id)
	fails, refuse, hold := h.testFails, h.refuse, h.hold
	h.mu.Unlock()
	res := &harness.PushResult{}
	call := func(method, path string, status int) {
		c := harness.Call{Method: method, Path: path, Status: status, Tries: 1}
		res.Calls = append(res.Calls, c)
		observe(c)
	}
	if refuse != nil {
		call("GET", "/ng/api/v2/secrets/"+id+"_password", refuse.HTTPStatus)
		return res, refuse
	}
	call("GET", "/ng/api/v2/secrets/"+id+"_password", 200)
	if hold {
		<-ctx.Done()
		call("POST", "/ng/api/v2/secrets", 0)
		return res, errors.New("harness POST /ng/api/v2/secrets: " + ctx.Err().Error())
	}
	call("POST", "/ng/api/v2/secrets", 200)
	res.Secrets = []harness.SecretPush{{ID: id + "_password", Action: harness.Created}}
	call("GET", "/ng/api/connectors/"+id, 400)
	call("POST", "/ng/api/connectors", 200)
	res.Connector = harness.Created
	call("POST", "/ng/api/connectors/testConnection/"+id, 200)
	res.Test = &harness.TestResult{HTTPStatus: 200, Status: "SUCCESS"}
	if fails != "" {
		res.Test = &harness.TestResult{HTTPStatus: 200, Status: "FAILURE", ErrorSummary: fails}
	}
	return res, nil
}

// waitPush is waitFor for a push: the push's messages (which the driver
// does not wait for) are delivered until the screen shows text, however
// it is wrapped.
func waitPush(t *testing.T, d *driver, text string) {
	t.Helper()
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(squash(d.screen()), squash(text)) {
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %q:\n%s", text, d.screen())
		}
		if p := d.m.pushPage(); p != nil && p.events != nil {
			select {
			case msg := <-p.events:
				d.send(msg)
			case <-time.After(10 * time.Millisecond):
			}
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// harnessFakes are the picker's fakes with a Harness that knows the
// account but has no key yet.
func harnessFakes(t *testing.T) (*fakes, *fakeHarness, Deps) {
	t.Helper()
	f := pickerFakes(t)
	h := &fakeHarness{goodKey: fakeKey, access: HarnessAccess{Account: "acme", Endpoint: "https://harness.example.com/gateway"}}
	deps := f.deps(t.TempDir())
	deps.Harness = h
	return f, h, deps
}

// The picker's p without a stored key: the key prompt (masked), the key
// proved and kept, then a line per call and Harness's test next to
// bbconnect's; enter goes back to the picker.
func TestPushFromPickerAsksKeyThenPushes(t *testing.T) {
	t.Parallel()
	_, h, deps := harnessFakes(t)
	d := newDriver(t, Options{Deps: deps, Mode: ModePicker})
	d.mustSee("p push", "not in Harness")
	d.typ("p")
	d.mustTitle("Harness API key")
	d.mustSee("No Harness API key is stored for account acme", "┃ Harness API key")
	d.mustNotSee("Harness account id", "Harness URL") // both known
	d.enter()
	d.mustSee("✗ paste the key")
	d.typ("pat.acme.tok1.WRONG")
	d.enter()
	waitPush(t, d, "401 INVALID_TOKEN: Token is not valid. (correlation id c0ffee)")
	d.mustNotSee("WRONG")
	for range "pat.acme.tok1.WRONG" {
		d.key(tea.KeyBackspace)
	}
	d.typ(fakeKey)
	d.mustSee("> " + strings.Repeat("*", len(fakeKey)))
	d.mustNotSee("SECRETKEYVALUE")
	d.send(tea.WindowSizeMsg{Width: 30, Height: 24}) // a long key scrolls in its field
	for _, l := range strings.Split(d.screen(), "\n") {
		if strings.Contains(l, "> *") && len([]rune(strings.TrimSpace(l))) > 28 {
			t.Fatalf("the masked key is wider than the screen: %q", l)
		}
	}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.enter()
	waitPush(t, d, "✓ Harness's test passed")
	d.mustTitle("Pushed to Harness")
	d.mustSee("● Push of saved connector cloud_one to Harness", "Push cloud_one to Harness account acme",
		"GET  /ng/api/v2/secrets/cloud_one_password 200", "GET  /ng/api/connectors/cloud_one 400 not there yet",
		"POST /ng/api/connectors/testConnection/cloud_one 200", "secret cloud_one_password created, connector created",
		"bbconnect's last test: pass 2026-11-01", "enter saved connectors", "p push again")
	if len(h.pushed) != 1 || h.pushed[0] != "cloud_one" {
		t.Fatalf("pushed %v", h.pushed)
	}
	// The key is kept: p pushes again without asking.
	d.typ("p")
	waitPush(t, d, "✓ Harness's test passed")
	if len(h.pushed) != 2 || len(h.logins) != 2 {
		t.Fatalf("pushed %v after logins %v", h.pushed, h.logins)
	}
	d.enter()
	d.mustTitle("Saved connectors")
}

// The key prompt asks the account and the URL when none is known: tab and
// shift+tab move between the fields whatever they hold (empty ones too),
// enter proves from any field, and a key without an account names what is
// missing.
func TestHarnessKeyPromptFields(t *testing.T) {
	t.Parallel()
	_, h, deps := harnessFakes(t)
	h.access = HarnessAccess{}
	d := newDriver(t, Options{Deps: deps, Mode: ModePicker})
	d.typ("p")
	d.mustSee("┃ Harness API key", "Harness account id", "(taken from the key)", "Harness URL", harness.DefaultEndpoint)
	d.key(tea.KeyShiftTab) // on the first field, empty: stays, not stuck
	d.mustSee("┃ Harness API key")
	d.key(tea.KeyTab)
	d.mustSee("┃ Harness account id")
	d.key(tea.KeyShiftTab)
	d.mustSee("┃ Harness API key")
	d.typ("sat-without-account")
	d.enter() // enter proves from any field: the account is missing
	d.mustSee("✗ the key does not name its account", "┃ Harness account id")
	d.typ("acme")
	d.key(tea.KeyTab)
	d.typ("ftp://nope")
	d.enter()
	d.mustSee("is not a url")
	if len(h.logins) != 0 {
		t.Fatalf("a key was sent before its fields were right: %v", h.logins)
	}
	d.key(tea.KeyEsc)
	d.mustTitle("Saved connectors")
}

// The Saved screen of a new connector offers p once it knows whether a
// key is at hand; with one, p pushes straight away. A failing Harness test
// shows its summary and a fix.
func TestPushFromSavedWithKey(t *testing.T) {
	t.Parallel()
	c := cloudHTTP()
	f := newFakes()
	h := &fakeHarness{access: HarnessAccess{Account: "acme", HaveKey: true}, testFails: "Please check your credentials (potential token expiration issue)"}
	deps := f.deps(t.TempDir())
	deps.Harness = h
	d := newDriver(t, Options{Deps: deps, Initial: &c})
	d.enter()
	waitFor(t, d, "the connection works")
	d.enter()
	d.mustTitle("Saved")
	waitFor(t, d, "p pushes it to Harness")
	d.typ("p")
	waitPush(t, d, "✗ Harness's test failed: Please check your credentials")
	d.mustSee("✓ Settings reviewed  ✓ Connection test  ✓ Saved  ● Harness", "bbconnect's last test: passed")
	d.mustSeeText("fix: bbconnect's test passed with the same token")
	d.key(tea.KeyEsc)
	d.mustTitle("Saved")
	d.enter()
	if !d.quit {
		t.Fatal("enter on Saved did not end the wizard")
	}
}

// A key Harness refuses while pushing: the error names the call, status,
// code, message and correlation id; k asks another key.
func TestPushRefusedKey(t *testing.T) {
	t.Parallel()
	_, h, deps := harnessFakes(t)
	h.access.HaveKey = true
	h.refuse = &harness.Error{Call: "GET /ng/api/v2/secrets/cloud_one_password", HTTPStatus: 401, Code: "EXPIRED_TOKEN", Message: "Token expired", CorrelationID: "abc123"}
	d := newDriver(t, Options{Deps: deps, Mode: ModePicker})
	d.typ("p")
	waitPush(t, d, "✗ harness GET /ng/api/v2/secrets/cloud_one_password: 401 EXPIRED_TOKEN: Token expired (correlation id abc123)")
	d.mustSee("k enters another Harness key", "k another Harness key")
	d.typ("k")
	d.mustTitle("Harness API key")
	d.key(tea.KeyEsc)
	d.mustTitle("Saved connectors")
}

// Ctrl+C while the push runs stops it: the wizard stays and says what
// happened; a second Ctrl+C ends it.
func TestCtrlCStopsPush(t *testing.T) {
	t.Parallel()
	_, h, deps := harnessFakes(t)
	h.access.HaveKey, h.hold = true, true
	d := newDriver(t, Options{Deps: deps, Mode: ModePicker})
	d.typ("p")
	waitPush(t, d, "GET  /ng/api/v2/secrets/cloud_one_password 200")
	d.mustTitle("Pushing to Harness")
	d.mustSee("ctrl+c stop the push")
	d.send(tea.KeyMsg{Type: tea.KeyCtrlC})
	waitPush(t, d, "! push stopped: what was written stays in Harness")
	if d.quit {
		t.Fatal("the first ctrl+c ended the wizard")
	}
	d.send(tea.KeyMsg{Type: tea.KeyCtrlC})
	if !d.quit {
		t.Fatal("the second ctrl+c did not end the wizard")
	}
}

// The picker shows whether each connector is in Harness and Harness's
// last test, within 80 and 60 columns.
func TestPickerHarnessStatus(t *testing.T) {
	t.Parallel()
	for _, width := range []int{80, 60} {
		f, _, deps := harnessFakes(t)
		pushed := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
		f.profiles.items[0].Harness = &HarnessStatus{Account: "acme", Pushed: pushed, LastTest: &TestResult{OK: true, Summary: "passed"}}
		f.profiles.items[1].Harness = &HarnessStatus{Account: "acme", Imported: pushed, LastTest: &TestResult{Summary: "Please check your credentials (potential token expiration issue) and more words"}}
		d := newDriver(t, Options{Deps: deps, Mode: ModePicker, Width: width, Height: 24})
		d.mustSee("Harness (acme, pushed 2026-11-20): its test passed", "Harness (acme, imported 2026-11-20): its test failed:", "Please check your credentials")
		for _, l := range strings.Split(d.screen(), "\n") {
			if w := len([]rune(l)); w > width {
				t.Errorf("%d columns: a line of %d: %q", width, w, l)
			}
		}
	}
}

// Accessible mode pushes the same way: asked after the save, the key read
// as a line (not a terminal), a line of text per call, Harness's test.
func TestAccessiblePush(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	c := cloudHTTP()
	f := newFakes()
	h := &fakeHarness{goodKey: fakeKey}
	deps := f.deps(t.TempDir())
	deps.Harness = h
	if _, err := f.secrets.Set("cloud_one", "password", "stored-token"); err != nil {
		t.Fatal(err)
	}
	input := strings.Join([]string{
		"",    // review: run the test
		"y",   // save
		"y",   // push it now
		"bad", // a key without an account, which Harness refuses…
		"",    // the account cannot be empty:
		"acme",
		"",  // the URL: the default
		"y", // try another key
		fakeKey,
		"https://harness.example.com/gateway",
		"1", // done
	}, "\n") + "\n"
	var out bytes.Buffer
	_, err := Run(context.Background(), Options{Deps: deps, Accessible: true, Initial: &c, In: strings.NewReader(input), Out: &out})
	got := out.String()
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, got)
	}
	for _, want := range []string{
		"Push it to Harness now", "== Harness API key ==", "No Harness API key is stored", "Harness API key (pat.… or sat.…, not shown):",
		"✗ harness GET /ng/api/organizations: 401 INVALID_TOKEN", "✓ the key works for account acme",
		"== Push to Harness ==", "  POST /ng/api/connectors/testConnection/cloud_one 200", "✓ Harness's test passed",
		"bbconnect's last test: passed",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "SECRETKEYVALUE") {
		t.Fatal("the key was printed")
	}
	if len(h.pushed) != 1 || len(h.logins) != 2 || h.logins[0] != "acme " || h.logins[1] != " https://harness.example.com/gateway" {
		t.Fatalf("pushed %v, logins %q", h.pushed, h.logins)
	}
}

// TestHarnessScreens walks the push in a teatest program at 80x24 and
// compares its screens with golden files (go test ./tui -run
// TestHarnessScreens -update rewrites them): the picker with the Harness
// status, the key prompt, a passing push, a failing Harness test, a push
// stopped by Ctrl+C.
func TestHarnessScreens(t *testing.T) {
	f, h, deps := harnessFakes(t)
	f.profiles.items[1].Harness = &HarnessStatus{
		Account: "acme", Imported: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		LastTest: &TestResult{Summary: "Please check your credentials (potential token expiration issue)"},
	}
	profiles, _ := f.profiles.List()
	rec := &recorder{Model: newModel(Options{Deps: deps, Mode: ModePicker, Width: 80, Height: 24}, profiles)}
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(80, 24))
	fl := &flow{t: t, tm: tm, rec: rec, subst: strings.NewReplacer()}
	fl.wait("cannot be read from the keychain") // the picker's check has answered
	fl.golden("01_picker", "Saved connectors", "")

	fl.typ("p")
	fl.golden("02_key_prompt", "Harness API key", "")
	fl.paste(fakeKey)
	fl.wait("> " + strings.Repeat("*", len(fakeKey)))
	fl.key(tea.KeyEnter, "✓ Harness's test passed")
	fl.golden("03_pushed", "Pushed to Harness", "")

	h.mu.Lock()
	h.testFails = "Please check your credentials (potential token expiration issue)"
	h.mu.Unlock()
	fl.typ("p")
	fl.wait("✗ Harness's test failed")
	fl.golden("04_test_failed", "Push to Harness", "")

	h.mu.Lock()
	h.hold = true
	h.mu.Unlock()
	fl.typ("p")
	fl.wait("ctrl+c stop the push")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	fl.wait("! push stopped")
	fl.golden("05_stopped", "Push to Harness", "")
	if s := fl.rec.screen(); !strings.Contains(s, "POST /ng/api/v2/secrets no answer") || strings.Contains(s, "SECRETKEYVALUE") {
		t.Errorf("stopped push:\n%s", s)
	}

	fl.key(tea.KeyEnter, "bbconnect › Saved connectors")
	fl.typ("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// Keys that arrive in one batch (a paste, a script, a slow link) each go
// to the screen the key before leads to: p, the key pasted and enter on
// the Saved screen push; so do p, the key and enter on the picker.
func TestPushKeysInOneBatch(t *testing.T) {
	t.Parallel()
	batch := func(d *driver, keys ...tea.KeyMsg) {
		var cmds []tea.Cmd
		for _, k := range keys {
			_, cmd := d.m.Update(k)
			cmds = append(cmds, cmd)
		}
		for _, c := range cmds {
			d.run(c, 0)
		}
	}
	p := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("p")}
	paste := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(fakeKey), Paste: true}
	enter := tea.KeyMsg{Type: tea.KeyEnter}

	_, h, deps := harnessFakes(t)
	d := newDriver(t, Options{Deps: deps, Mode: ModePicker})
	batch(d, p, paste, enter)
	waitPush(t, d, "✓ Harness's test passed")
	if len(h.pushed) != 1 {
		t.Fatalf("pushed %v", h.pushed)
	}

	c := cloudHTTP()
	f := newFakes()
	h = &fakeHarness{goodKey: fakeKey, access: HarnessAccess{Account: "acme"}}
	deps = f.deps(t.TempDir())
	deps.Harness = h
	d = newDriver(t, Options{Deps: deps, Initial: &c})
	d.enter()
	waitFor(t, d, "the connection works")
	batch(d, enter, p, paste, enter) // save, push, the key, prove
	waitPush(t, d, "✓ Harness's test passed")
	if len(h.pushed) != 1 || d.quit {
		t.Fatalf("pushed %v, quit %v", h.pushed, d.quit)
	}
}

// After a rotation that also updated Harness, the Saved screen does not
// send the user to Harness to update the secret by hand.
func TestNextInHarnessAfterARotationInHarness(t *testing.T) {
	t.Parallel()
	got := strings.Join(nextInHarness(saveOutcome{rotation: true, inHarness: true}), "\n")
	if !strings.Contains(got, "Nothing: the rotation put the new token in Harness") || strings.Contains(got, "Update the value") {
		t.Fatalf("next in Harness:\n%s", got)
	}
	if got := strings.Join(nextInHarness(saveOutcome{rotation: true}), "\n"); !strings.Contains(got, "Update the value") {
		t.Fatalf("a rotation not in Harness:\n%s", got)
	}
}
