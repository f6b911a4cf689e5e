package tui

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// Saving after the connection test records how it ended, which tokens are
// new and when they expire.
func TestSaveRecordsLastTest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fail     string
		keys     []string
		wantOK   bool
		wantSumm string
	}{
		{"passed", "", nil, true, "3 passed"},
		{"failed, saved anyway", "git read access", []string{"y"}, false, "git read access: 401 unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakes()
			f.tester.fail = tt.fail
			d := atStep(t, f, cloudHTTP(), 3)
			d.enter(3)
			d.typ("ATATT3xTOKEN")
			d.enter()
			d.typ("2027-02-01")
			d.enter()
			d.mustTitle("Review")
			d.enter()
			waitFor(t, d, map[bool]string{true: "the connection works", false: "the test failed"}[tt.wantOK])
			d.enter()
			for _, k := range tt.keys {
				d.typ(k)
			}
			d.mustTitle("Saved")
			if len(f.profiles.metas) != 1 {
				t.Fatalf("saved %d times", len(f.profiles.metas))
			}
			m := f.profiles.metas[0]
			if m.LastTest == nil || m.LastTest.OK != tt.wantOK || m.LastTest.Summary != tt.wantSumm || !m.LastTest.At.Equal(testNow) {
				t.Fatalf("last test = %+v", m.LastTest)
			}
			if !reflect.DeepEqual(m.NewTokens, []wizard.SecretSlot{wizard.SlotPassword}) {
				t.Fatalf("new tokens = %v", m.NewTokens)
			}
			if !m.Expires[wizard.SlotPassword].Equal(day(2027, 2, 1)) {
				t.Fatalf("expires = %v", m.Expires)
			}
		})
	}
}

// A saved connector tested from the picker (t, then enter) is not saved
// again: only the test is recorded in its profile (as bbconnect test
// does), no token is new, nothing is stored or exported, and the wizard
// is back on the picker.
func TestPickerTestDoesNotSave(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	f.profiles.items[0].SlotExpires = map[wizard.SecretSlot]time.Time{wizard.SlotPassword: day(2027, 1, 5)}
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Mode: ModePicker})
	d.send(runes("t"))
	waitFor(t, d, "the connection works: enter goes back to the saved connectors")
	d.enter()
	d.mustTitle("Saved connectors")
	if len(f.profiles.metas) != 1 {
		t.Fatalf("profile written %d times", len(f.profiles.metas))
	}
	m := f.profiles.metas[0]
	if len(m.NewTokens) != 0 || len(m.Expires) != 0 || m.LastTest == nil || !m.LastTest.OK {
		t.Fatalf("meta = %+v", m)
	}
	if v, _ := f.secrets.Get("cloud_one", wizard.SlotPassword); v != "stored-token" || f.secrets.len() != 1 || f.exports.len() != 0 {
		t.Fatalf("stored again: %d secrets, %d exports", f.secrets.len(), f.exports.len())
	}
}

// "b" on the test screen goes to the step of the field the first failing
// check names, else by the check's name (TestTestScreen presses it).
func TestFixStep(t *testing.T) {
	t.Parallel()
	acct := cloudAccessToken()
	acct.URLType, acct.URL, acct.TestRepo = wizard.Account, "https://bitbucket.org/acme", "app.git"
	acct.APIAccess, acct.APIEmail = wizard.APIEmailAPIToken, "jdoe@example.com"
	tests := []struct {
		check, diag string
		want        wizard.Step
		field       wizard.Field
	}{
		{"git read access", "repository not found", wizard.StepDetails, wizard.FieldTestRepo},
		{"git read access", "email used where the bitbucket username belongs", wizard.StepCredentials, wizard.FieldUsername},
		{"api access", "the atlassian email is wrong", wizard.StepAPIAccess, wizard.FieldAPIEmail},
		{"scopes", "the token lacks read:repository", wizard.StepAPIAccess, wizard.FieldAPIToken},
		{"reach git host", "the certificate is not trusted", wizard.StepConnectivity, wizard.FieldCAFile},
		{"reach git host", "host not found", wizard.StepDetails, wizard.FieldURL},
		{"reach git host", "timed out", wizard.StepDetails, ""},
		{"api access", "rate limited", wizard.StepCredentials, ""},
	}
	for _, tt := range tests {
		m := newTestScreen(&common{deps: &Deps{}, st: newState(&acct, &Deps{})})
		m.order = []string{"reach api host", tt.check}
		m.checks = map[string]conntest.Check{
			"reach api host": {Name: "reach api host", Status: conntest.Warn, Diagnosis: "host not found"},
			tt.check:         {Name: tt.check, Status: conntest.Fail, Diagnosis: tt.diag},
		}
		m.report = &conntest.Report{}
		if got, field := m.fix(); got != tt.want || field != tt.field {
			t.Errorf("%s/%s: fix = %s %q, want %s %q", tt.check, tt.diag, got.Title(), field, tt.want.Title(), tt.field)
		}
	}
}

// A save holds the connector's writer lock while it writes, and a lock
// held by another process stops it before anything is written.
func TestSaveHoldsTheWriterLock(t *testing.T) {
	t.Parallel()
	f := newFakes()
	d := f.deps(t.TempDir())
	held := false
	d.Lock = func(_ context.Context, id string) (func(), error) {
		if id != "busy" {
			held = true
			return func() { held = false }, nil
		}
		return nil, errors.New("connector busy is being changed by another bbconnect (pid 42, bbconnect rotate): let it finish, then try again")
	}
	conn := cloudHTTP()
	conn.ID = "busy"
	out := saveConnector(context.Background(), &d, conn, Secrets{Password: "ATATT3xTOKEN"}, SaveMeta{}, false)
	if out.err == nil || !strings.Contains(out.err.Error(), "nothing was saved: connector busy is being changed by another bbconnect (pid 42") {
		t.Fatalf("save while locked: %v", out.err)
	}
	if f.secrets.len() != 0 || len(f.profiles.saved) != 0 {
		t.Fatal("a save wrote while another process held the lock")
	}
	conn.ID = "free"
	d.Secrets = lockCheckingSecrets{SecretStore: d.Secrets, held: &held, t: t}
	if out := saveConnector(context.Background(), &d, conn, Secrets{Password: "ATATT3xTOKEN"}, SaveMeta{}, false); out.err != nil {
		t.Fatal(out.err)
	}
	if held {
		t.Fatal("the lock was not released")
	}
}

type lockCheckingSecrets struct {
	SecretStore
	held *bool
	t    *testing.T
}

func (s lockCheckingSecrets) Set(id string, slot wizard.SecretSlot, v string) (string, error) {
	if !*s.held {
		s.t.Errorf("%s/%s stored without the lock", id, slot)
	}
	return s.SecretStore.Set(id, slot, v)
}
