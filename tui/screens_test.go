package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

func TestConnectivityFields(t *testing.T) {
	t.Parallel()
	c := cloudHTTP()
	c.Edition, c.URL, c.TestRepo, c.PasswordKind = wizard.DataCenter, "https://bitbucket.example.com/scm", "PROJ/repo.git", wizard.HTTPAccessToken
	d := atStep(t, newFakes(), c, 5)
	d.mustSee("Connect through Harness Platform", "Connect through a Harness Delegate")
	d.key(tea.KeyDown)
	d.enter()
	d.mustSee("Delegate selectors")
	d.mustSeeText("only delegates with all of them are used. Leave it empty for any delegate.")
	d.mustNotSee("Use any available delegate")
	d.typ("k8s, eu")
	d.mustSee("Only delegates with all of these tags: k8s, eu")
	d.enter()
	d.mustSee("CA bundle (optional)")
	d.enter()
	d.mustSee("Harness scope")
	d.key(tea.KeyDown, 2)
	d.enter()
	d.mustSee("Organisation identifier")
	d.enter()
	d.mustSeeText("project scope needs the org identifier")
	d.typ("default")
	d.enter()
	d.typ("my-proj")
	d.enter()
	d.mustSeeText("id may use only letters, digits, _ and $")
	for range "my-proj" {
		d.key(tea.KeyBackspace)
	}
	d.typ("my_proj")
	d.enter()
	d.mustTitle("Review")
	d.key(tea.KeyPgDown)
	got := d.m.c.st.connector()
	if got.Connectivity != wizard.ViaDelegate || strings.Join(got.DelegateSelectors, ",") != "k8s,eu" || got.Scope != wizard.ScopeProject {
		t.Fatalf("connectivity = %+v", got)
	}
	d.mustSee("Delegates:       k8s, eu", "Harness scope:   project (org default, project my_proj)")
}

func TestReviewMasksSecretsAndJumps(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 3)
	d.enter(3)
	d.typ("s3cretTOKEN")
	d.enter()
	d.mustSee("API token expires")
	d.enter()
	d.mustTitle("Review")
	d.mustSee("Password:        •••••• (API token)", "URL:             https://bitbucket.org/acme",
		"Test URL:        https://bitbucket.org/acme/widgets.git", "● Review")
	d.mustNotSee("s3cretTOKEN")
	// The YAML is further down the viewport.
	d.key(tea.KeyPgDown)
	d.key(tea.KeyPgDown)
	d.mustSee("passwordRef: account.cloud_one_password", "type: Bitbucket")
	// e edits Details and comes back to Review.
	d.typ("e")
	d.mustTitle("Details")
	d.enter(3)
	d.enter(2)
	d.mustTitle("Review")
}

func TestTestScreen(t *testing.T) {
	t.Parallel()
	f := newFakes()
	d := atStep(t, f, cloudHTTP(), 3)
	d.enter(3)
	d.typ("tok12345")
	d.enter(2) // the token, its default expiry
	d.mustTitle("Review")
	f.tester.fail = "git read access"
	d.enter()
	d.mustTitle("Connection test")
	waitFor(t, d, "the test failed")
	d.mustSee("✓ reach git host: ok", "✗ git read access: 401 unauthorized", "fix: check the token")
	// Saving a failing connector needs y.
	d.enter()
	d.mustSee("press y to save anyway")
	if f.profiles.saved != nil {
		t.Fatal("saved without confirmation")
	}
	// b goes back to the step of the failing field.
	d.typ("b")
	d.mustTitle("Credentials")
	// Retry after the fix: it passes, enter saves.
	f.tester.fail = ""
	d.key(tea.KeyEsc) // back to the test, which runs again
	d.mustTitle("Connection test")
	waitFor(t, d, "the connection works")
	if secrets := f.tester.secrets; secrets[len(secrets)-1].Password != "tok12345" {
		t.Fatal("tester did not get the password")
	}
	d.typ("r")
	waitFor(t, d, "the connection works")
	d.enter()
	d.mustTitle("Saved")
	d.mustSee("Profile:   /profiles/cloud_one.json", "Keychain:  keychain bbconnect/cloud_one/password",
		"Export:    /exports/cloud_one.yaml", "account.cloud_one_password: the api token")
	if f.tester.runs < 3 {
		t.Errorf("tester ran %d times, want 3", f.tester.runs)
	}
}

// waitFor processes messages until the screen shows text.
func waitFor(t *testing.T, d *driver, text string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(d.screen(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %q:\n%s", text, d.screen())
		}
		if d.m.testPage().events != nil {
			select {
			case msg := <-d.m.testPage().events:
				d.send(msg)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

func TestMissingServicesSayNotAvailable(t *testing.T) {
	t.Parallel()
	c := cloudHTTP()
	d := newDriver(t, Options{Deps: Deps{Now: func() time.Time { return testNow }, Tester: newFakes().tester}, Initial: &c})
	d.typ("3")
	d.enter(3)
	d.mustSeeText("no keychain is available: it is used for the connection test only and not stored.")
}

func TestCtrlCLeavesNothingWritten(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			f := newFakes()
			d := atStep(t, f, cloudHTTP(), n)
			d.send(tea.KeyMsg{Type: tea.KeyCtrlC})
			if !d.quit || d.m.nav.at != placeInterrupted {
				t.Fatal("ctrl+c did not end the wizard")
			}
			if _, err := d.m.result(); err != nil {
				t.Fatal(err)
			}
			if len(f.profiles.saved) != 0 || f.secrets.len() != 0 || f.exports.len() != 0 {
				t.Fatal("something was written")
			}
			if d.m.View() != "" {
				t.Fatal("view not cleared")
			}
		})
	}
}

func TestSecretNeverShown(t *testing.T) {
	t.Parallel()
	const token = "ATATT3xSECRETzz9"
	const apiToken = "APIsecretQQ77"
	f := newFakes()
	d := atStep(t, f, cloudHTTP(), 3)
	d.enter(3)
	d.typeSlow(token)
	d.enter(2) // the token, its default expiry
	d.typ("4")
	d.typ("y")
	d.enter()
	d.typ("jdoe@example.com")
	d.enter()
	d.typ("n")
	d.enter()
	d.typeSlow(apiToken)
	d.enter(2) // the token, its default expiry
	d.mustTitle("Review")
	d.enter()
	waitFor(t, d, "the connection works")
	d.enter()
	d.mustTitle("Saved")
	for i, fr := range d.frames {
		for _, s := range []string{token, apiToken} {
			if strings.Contains(ansi.Strip(fr), s) || strings.Contains(fr, s) {
				t.Fatalf("frame %d shows a secret:\n%s", i, fr)
			}
		}
	}
	for _, rendered := range []string{d.m.String(), fmt.Sprintf("%v", d.m), fmt.Sprintf("%+v", d.m), fmt.Sprintf("%#v", d.m), fmt.Sprint(d.m.c.st.secrets)} {
		if strings.Contains(rendered, token) || strings.Contains(rendered, apiToken) {
			t.Fatalf("model string shows a secret: %s", rendered)
		}
	}
	if v, _ := f.secrets.Get("cloud_one", wizard.SlotPassword); v != token {
		t.Fatal("password not stored")
	}
	if v, _ := f.secrets.Get("cloud_one", wizard.SlotAPIToken); v != apiToken {
		t.Fatal("api token not stored")
	}
}

func TestResizeRewraps(t *testing.T) {
	t.Parallel()
	d := newDriver(t, Options{Deps: newFakes().deps(t.TempDir())})
	d.send(tea.WindowSizeMsg{Width: 60, Height: 24})
	for _, l := range strings.Split(d.screen(), "\n") {
		if w := ansi.StringWidth(l); w > 60 {
			t.Fatalf("line wider than 60 (%d): %q", w, l)
		}
	}
	d.mustSee("Step 1 of 6: Overview · next: Details")
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	d.mustSee("● Overview  ○ Details")
	if n := strings.Count(d.screen(), "\n") + 1; n > 30 {
		t.Fatalf("%d lines for a 30-line terminal", n)
	}
}

func TestEveryScreenFits80x24(t *testing.T) {
	t.Parallel()
	pemKey, _ := keyFiles(t)
	for name, c := range map[string]wizard.Connector{"cloud": cloudHTTP(), "dc ssh": dcSSH(pemKey)} {
		for n := 1; n <= 5; n++ {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				t.Parallel()
				fitsAt(t, c, n)
			})
		}
	}
}

// fitsAt walks the pages of step n of c and checks each fits 80x24 with
// its title and key help.
func fitsAt(t *testing.T, c wizard.Connector, n int) {
	t.Helper()
	d := atStep(t, newFakes(), c, n)
	for i := 0; i < 8 && d.title() != "bbconnect › Review"; i++ {
		lines := strings.Split(d.screen(), "\n")
		if len(lines) > 24 {
			t.Fatalf("page %d: %d lines", i, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > 80 {
				t.Fatalf("page %d: line of %d columns: %q", i, w, l)
			}
		}
		last := lines[len(lines)-1]
		if !strings.HasPrefix(lines[0], " bbconnect › ") || !strings.Contains(last, "ctrl+c quit") && !strings.Contains(last, "…") {
			t.Fatalf("page %d: header or footer missing:\n%s", i, d.screen())
		}
		d.enter()
	}
}

// TestWordsOnScreen: the wizard speaks the screen's words, not flag
// values; Data Center API access names its HTTP access tokens; one place
// to create an API token; the same "(x or space ticks)" everywhere.
func TestWordsOnScreen(t *testing.T) {
	t.Parallel()
	dc := cloudHTTP()
	dc.Edition, dc.URL, dc.TestRepo, dc.PasswordKind = wizard.DataCenter, "https://bitbucket.example.com/scm", "PROJ/repo.git", wizard.HTTPAccessToken
	d := atStep(t, newFakes(), dc, 4)
	d.typ("y")
	d.mustSee("API authentication")
	d.mustSeeText("an HTTP access token: personal, project or repository")
	d.mustNotSee("workspace-level")

	d = atStep(t, newFakes(), cloudHTTP(), 3)
	d.enter()
	d.mustSeeText("Create the token at " + wizard.APITokenPlace + ". Tick each scope here as you add it there (x or space ticks).")
	d.mustNotSee("Personal settings")
	d.key(tea.KeyShiftTab)
	d.key(tea.KeyDown, 2)
	d.enter()
	d.mustSeeText(`choose "API token"`)
	d.mustNotSee("api-token")
}

// TestTestVerdictStaysOnScreen: with more checks than fit at 80×24, the
// verdict line (what enter does) stays on screen: passed checks shrink to
// a line each, a failure keeps its diagnosis and fix.
func TestTestVerdictStaysOnScreen(t *testing.T) {
	t.Parallel()
	c := cloudHTTP()
	d := newDriver(t, Options{Deps: newFakes().deps(t.TempDir()), Initial: &c})
	d.enter()
	waitFor(t, d, "the connection works")
	tp := d.m.testPage()
	long := strings.Repeat("a long diagnosis that wraps ", 4)
	tp.order, tp.checks = nil, map[string]conntest.Check{}
	for i := range 9 {
		name := fmt.Sprintf("check %d", i)
		tp.order = append(tp.order, name)
		tp.checks[name] = conntest.Check{Name: name, Status: conntest.Pass, Diagnosis: long}
	}
	scr := d.screen()
	if !strings.Contains(scr, "the connection works: press enter to save") {
		t.Fatalf("the verdict is cut off:\n%s", scr)
	}
	tp.checks["check 0"] = conntest.Check{Name: "check 0", Status: conntest.Fail, Diagnosis: "401 unauthorized", Fix: "paste the token again"}
	tp.report = &conntest.Report{Checks: []conntest.Check{tp.checks["check 0"]}}
	scr = d.screen()
	for _, want := range []string{"401 unauthorized", "fix: paste the token again", "the test failed"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("%q is not on screen:\n%s", want, scr)
		}
	}
}
