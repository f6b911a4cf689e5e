package tui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/bbconnect/bbconnect/wizard"
)

// fakeRotator plans migrations with keychain/rotate's own rules, records
// the rotations it is asked for and touches no keychain item: a token the
// wizard stored itself would show in memSecrets.
type fakeRotator struct {
	mu      sync.Mutex
	fail    error
	summary string
	got     []Rotation
}

func (r *fakeRotator) Rotate(_ context.Context, rot Rotation) (RotationResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, rot)
	if r.fail != nil {
		return RotationResult{}, r.fail
	}
	summary := r.summary
	if summary == "" {
		summary = "the new token of " + rot.Connector.ID + " passed the connection test and replaced the old one"
	}
	return RotationResult{
		Summary: summary, Tested: true, ProfilePath: "/profiles/" + rot.Connector.ID + ".json",
		Keychain: []string{"bbconnect/" + rot.Connector.ID + "/password"},
	}, nil
}

func (r *fakeRotator) rotations() []Rotation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Rotation(nil), r.got...)
}

// day is midnight UTC of a date, as the expiry question returns it.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// rotateToReview types a new API token for cloud_one and accepts its
// default expiry.
func rotateToReview(t *testing.T, d *driver, token string) {
	t.Helper()
	d.mustTitle("Rotate cloud_one › Credentials")
	d.mustNotSee("Move off App Passwords")
	d.enter(3) // password kind, scopes, username
	d.typ(token)
	d.enter()
	d.mustSee("API token expires")
	d.enter()
	d.mustTitle("Rotate cloud_one › Review")
}

// rotationSaving opens a rotation of cloud_one with the new token typed
// and asks to save, returning the rotation's command (not yet run).
func rotationSaving(t *testing.T, deps Deps, token string) (*driver, tea.Cmd) {
	t.Helper()
	c := cloudHTTP()
	d := newDriver(t, Options{Deps: deps, Initial: &c, Mode: ModeRotate})
	d.m.c.st.secrets.Password = token
	_, cmd := d.m.Update(saveMsgFromTest(d.m))
	return d, cmd
}

// The wizard's rotation goes through the Rotator: it never writes the
// keychain itself, hands over the new token with its expiry, and shows
// the rotation's sentence.
func TestRotateFlow(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	c := cloudHTTP()
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Initial: &c, Mode: ModeRotate})
	rotateToReview(t, d, "new-token-1")
	d.enter()
	waitFor(t, d, "the connection works")
	d.enter()
	d.mustTitle("Rotate cloud_one › Rotated")
	d.mustSeeText("✓ the new token of cloud_one passed the connection test and replaced the old one")
	d.mustSee("Profile:   /profiles/cloud_one.json", "Keychain:  bbconnect/cloud_one/password", "Export:    /exports/cloud_one.yaml")
	if v, _ := f.secrets.Get("cloud_one", wizard.SlotPassword); v != "stored-token" {
		t.Fatalf("the wizard wrote the keychain itself: %q", v)
	}
	rots := f.rotator.rotations()
	if len(rots) != 1 {
		t.Fatalf("rotations = %d", len(rots))
	}
	got := rots[0]
	if got.Connector.ID != "cloud_one" || got.Secrets.Password != "new-token-1" || !got.Secrets.PasswordExpires.Equal(day(2027, 11, 22)) {
		t.Fatalf("rotation = %+v (expires %v)", got.Connector, got.Secrets.PasswordExpires)
	}
	if len(f.profiles.saved) != 0 {
		t.Fatal("the wizard saved the profile itself: the rotation does that")
	}
	r, err := d.m.result()
	if err != nil || r.Action != ActionRotate || !r.Saved || r.Untested {
		t.Fatalf("result = %+v, %v", r, err)
	}
}

// Rotating a connector whose API access has its own token asks for both,
// in Credentials then API access; back from Review returns to API access.
func TestRotateBothTokens(t *testing.T) {
	t.Parallel()
	f := newFakes()
	c := cloudHTTP()
	c.APIAccess, c.APIEmail = wizard.APIEmailAPIToken, "jdoe@example.com"
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Initial: &c, Mode: ModeRotate})
	d.enter(3)
	d.typ("new-http-token")
	d.enter(2)
	d.mustTitle("Rotate cloud_one › API access")
	d.enter(4) // on, method, email, same token: no
	d.mustSee("Scopes the API token needs")
	d.enter()
	d.typ("new-api-token")
	d.enter()
	d.mustSee("API token expires")
	d.typ("2027-03-31")
	d.enter()
	d.mustTitle("Rotate cloud_one › Review")
	d.key(tea.KeyEsc)
	d.mustTitle("Rotate cloud_one › API access")
	d.key(tea.KeyEsc)
	d.mustTitle("Rotate cloud_one › Credentials")
}

// A rotation that fails keeps the old token, says so, and never shows the
// new token even when the error names it.
func TestRotateFailureKeepsOldToken(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	f.rotator.fail = errors.New("the new token failed the connection test: git read access: bitbucket refused new-token-2; nothing was changed, the old token is still in use")
	d, cmd := rotationSaving(t, f.deps(t.TempDir()), "new-token-2")
	d.run(cmd, 0)
	d.mustTitle("Rotate cloud_one › Not rotated")
	d.mustSeeText("the old token is still in use")
	for i, fr := range d.frames {
		if strings.Contains(ansi.Strip(fr), "new-token-2") {
			t.Fatalf("frame %d shows the new token:\n%s", i, fr)
		}
	}
	if v, _ := f.secrets.Get("cloud_one", wizard.SlotPassword); v != "stored-token" {
		t.Fatalf("keychain = %q", v)
	}
	if f.exports.len() != 0 {
		t.Fatal("export written after a failed rotation")
	}
	if _, err := d.m.result(); err == nil {
		t.Fatal("result has no error")
	}
}

// Without a Rotator the wizard does not rotate: writing the keychain
// directly would lose the guarantee that a working token is kept.
func TestRotateWithoutRotator(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	deps := f.deps(t.TempDir())
	deps.Rotator = nil
	d := newDriver(t, Options{Deps: deps, Mode: ModePicker})
	d.send(runes("r"))
	d.mustTitle("Saved connectors")
	d.mustSeeText("rotating in the wizard is not available here: use bbconnect rotate cloud_one")

	d, cmd := rotationSaving(t, deps, "new-token-3")
	d.run(cmd, 0)
	d.mustTitle("Rotate cloud_one › Not rotated")
	d.mustSeeText("token rotation is not available here: nothing was changed")
	if v, _ := f.secrets.Get("cloud_one", wizard.SlotPassword); v != "stored-token" {
		t.Fatalf("keychain = %q", v)
	}
}

// An SSH connector without API access has no token to rotate.
func TestRotateNothingToRotate(t *testing.T) {
	t.Parallel()
	f := newFakes()
	f.profiles.items = []Profile{{Connector: dcSSH("/keys/id_rsa")}}
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Mode: ModePicker})
	d.send(runes("r"))
	d.mustTitle("Saved connectors")
	d.mustSeeText("dc_two has no token to rotate: its ssh key has no api access; edit it to use another key")
}

// Ctrl+C while a rotation runs stops it and waits for its outcome instead
// of leaving it behind.
func TestRotateCtrlCWaitsForTheRotation(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	d, cmd := rotationSaving(t, f.deps(t.TempDir()), "new-token-4")
	d.mustSee("rotating: the new token is tested once more")
	d.mustSee("ctrl+c quit")
	d.send(tea.KeyMsg{Type: tea.KeyCtrlC})
	if d.quit || d.m.nav.at == placeInterrupted {
		t.Fatal("ctrl+c left the rotation behind")
	}
	d.run(cmd, 0)
	d.mustTitle("Rotate cloud_one › Rotated")
	d.send(tea.KeyMsg{Type: tea.KeyCtrlC})
	if !d.quit {
		t.Fatal("ctrl+c after the rotation did not quit")
	}
}

// TestRotateAppPasswordMigration rotates a connector saved with App
// Passwords before their removal, on 2026-11-22: the plan is shown, the
// HTTP password becomes an API token with its expiry, API access moves to
// Email and API Token with the Atlassian email, and the export changes.
func TestRotateAppPasswordMigration(t *testing.T) {
	f := newFakes()
	old := cloudHTTP()
	old.ID, old.Name, old.PasswordKind = "old_app", "Old App", wizard.AppPassword
	old.APIAccess, old.APIUsername = wizard.APIUsernameAppPassword, "jdoe"
	f.profiles.items = []Profile{{Connector: old, LastTest: "passed 2026-03-02"}}
	f.rotator.summary = "the new token of old_app passed the connection test and replaced the old one; it now uses an api token instead of an app password"
	deps := f.deps(t.TempDir())
	rec := &recorder{Model: newModel(Options{Deps: deps, Mode: ModePicker, Width: 80, Height: 24}, f.profiles.items)}
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(80, 24))
	fl := &flow{t: t, tm: tm, rec: rec, subst: strings.NewReplacer()}
	fl.wait("App Passwords were removed on 2026-07-28")
	fl.typ("r")
	fl.wait("Move off App Passwords")
	fl.golden("01_plan", "Rotate old_app › Credentials", "")
	fl.enterFocus("Password kind")
	fl.wait("> API token (recommended)")
	fl.enterFocus("Scopes to give the API token")
	fl.enterFocus("Username")
	fl.enterFocus("API token")
	fl.typ("ATATT3xNEWTOKEN")
	fl.enterFocus("API token expires")
	fl.typ("2028-01-01")
	fl.key(tea.KeyEnter, "give a date on or before 2027-11-22")
	for range "2028-01-01" {
		fl.tm.Send(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	fl.typ("2027-06-30")
	fl.enterTo("● API access")
	fl.focus("Enable API access?")
	fl.enterFocus("API authentication")
	fl.wait("> Email and API Token")
	fl.enterFocus("Email")
	fl.typ("jdoe@example.com")
	fl.enterFocus("Use the API token you typed in Credentials?")
	fl.golden("02_same_token", "Rotate old_app › API access", "Use the API token you typed in Credentials?")
	fl.enterTo("● Review")
	fl.wait("Email:           jdoe@example.com")
	fl.enterTo("the connection works")
	fl.enterTo("it now uses an api token")
	fl.golden("03_saved", "Rotate old_app › Rotated", "")
	fl.typ("q")
	fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*recorder)
	if !ok {
		t.Fatal("final model is not the wizard")
	}
	r, err := fm.result()
	if err != nil || !r.Saved || r.Action != ActionRotate {
		t.Fatalf("result = %+v, %v", r, err)
	}
	y := string(r.YAML)
	if !strings.Contains(y, "EmailAndApiToken") || strings.Contains(y, "UsernameToken") || !strings.Contains(y, "jdoe@example.com") {
		t.Fatalf("export did not move to EmailAndApiToken:\n%s", y)
	}
	rots := f.rotator.rotations()
	if len(rots) != 1 {
		t.Fatalf("rotations = %d", len(rots))
	}
	c := rots[0].Connector
	if c.ID != "old_app" || c.PasswordKind != wizard.APIToken || c.Username != "jdoe" || c.APIAccess != wizard.APIEmailAPIToken ||
		c.APIEmail != "jdoe@example.com" || c.APIUsername != "" || !c.APITokenSameAsPassword {
		t.Fatalf("migrated connector = %+v", c)
	}
	if s := rots[0].Secrets; s.Password != "ATATT3xNEWTOKEN" || s.APIToken != "" || !s.PasswordExpires.Equal(day(2027, 6, 30)) {
		t.Fatalf("rotation secrets: password set %v, api token set %v, expires %v", s.Password != "", s.APIToken != "", s.PasswordExpires)
	}
	t.Run("export", func(t *testing.T) { golden.RequireEqual(t, r.YAML) })
}

// Editing a saved connector (picker → edit) and typing a new token goes
// through the Rotator, which keeps the old token until the new one is
// tested and in place: the wizard never writes that slot itself. An edit
// that keeps the stored token saves as before.
func TestEditSavedConnectorRotatesNewToken(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		token      string
		wantRotate bool
	}{
		"new token":       {token: "edited-token", wantRotate: true},
		"unchanged token": {token: "stored-token"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := pickerFakes(t)
			d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Mode: ModePicker})
			d.enter() // edit cloud_one
			d.mustTitle("Review")
			d.m.c.st.secrets.Password = tt.token
			// Another bbconnect rotates the token while the wizard is open.
			if _, err := f.secrets.Set("cloud_one", wizard.SlotPassword, "rotated-meanwhile"); err != nil {
				t.Fatal(err)
			}
			_, cmd := d.m.Update(saveMsgFromTest(d.m))
			d.run(cmd, 0)
			d.mustTitle("Saved")
			rots := f.rotator.rotations()
			if !tt.wantRotate {
				if len(rots) != 0 || len(f.profiles.saved) != 1 {
					t.Fatalf("rotations = %d, profiles saved = %d", len(rots), len(f.profiles.saved))
				}
				// The token the edit loaded is not written back: a
				// rotation by another bbconnect while the wizard was
				// open would be undone.
				if v, _ := f.secrets.Get("cloud_one", wizard.SlotPassword); v != "rotated-meanwhile" {
					t.Fatal("the edit wrote back the token it had loaded")
				}
				return
			}
			if v, _ := f.secrets.Get("cloud_one", wizard.SlotPassword); v != "rotated-meanwhile" {
				t.Fatal("the edit wrote the new token to the keychain itself")
			}
			if len(rots) != 1 {
				t.Fatalf("rotations = %d", len(rots))
			}
			got := rots[0]
			if got.Connector.ID != "cloud_one" || got.Secrets.Password != "edited-token" || got.Secrets.APIToken != "" || got.Secrets.SSHPassphrase != "" {
				t.Fatalf("rotation of %s: password set %v, api token set %v", got.Connector.ID, got.Secrets.Password != "", got.Secrets.APIToken != "")
			}
			if len(f.profiles.saved) != 0 {
				t.Fatal("the wizard saved the profile itself: the rotation does that")
			}
			if r, err := d.m.result(); err != nil || r.Action != ActionEdit || !r.Saved {
				t.Fatalf("result = %+v, %v", r, err)
			}
		})
	}
}
