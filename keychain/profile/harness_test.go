package profile

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestHarnessLinkRoundTrip(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	c := wizard.NewConnector()
	c.Name, c.ID, c.URL = "bb", "bb", "https://bitbucket.org/ws"
	p, err := s.Create(Profile{Connector: c})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	link := HarnessLink{
		Account: "acc", URL: "https://app.harness.io/gateway", SecretIDs: []string{"bb_password"},
		PushedAt: at, LastTest: &TestResult{At: at, OK: false, Summary: "Please check your credentials"},
	}
	if _, err := s.RecordHarness(context.Background(), p.ID(), link); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("bb")
	if err != nil || got.Harness == nil || got.Harness.Account != "acc" || got.Harness.SecretIDs[0] != "bb_password" ||
		!got.Harness.PushedAt.Equal(at) || got.Harness.LastTest.Summary != "Please check your credentials" {
		t.Fatalf("%+v %v", got.Harness, err)
	}
}

func TestHarnessLogin(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	if _, ok, err := s.LoadHarnessLogin(); ok || err != nil {
		t.Fatalf("none: %v %v", ok, err)
	}
	l := HarnessLogin{Account: "acc", URL: "http://127.0.0.1:1", User: "Dev"}
	if err := s.SaveHarnessLogin(l); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.LoadHarnessLogin(); !ok || err != nil || got != l {
		t.Fatalf("%+v %v %v", got, ok, err)
	}
	if ps, errs := s.List(); len(ps) != 0 || len(errs) != 0 {
		t.Fatalf("login file taken for a profile: %v %v", ps, errs)
	}
	if fi, _ := os.Stat(s.HarnessLoginPath()); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if err := os.WriteFile(s.HarnessLoginPath(), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.LoadHarnessLogin(); err == nil {
		t.Fatal("corrupt login accepted")
	}
	if err := s.RemoveHarnessLogin(); err != nil || s.RemoveHarnessLogin() != nil {
		t.Fatal("remove")
	}
}

// TestHarnessOnly: only an imported profile that never stored a token here
// has its keychain items missing by design.
func TestHarnessOnly(t *testing.T) {
	at := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	tokens := map[wizard.SecretSlot]TokenMeta{wizard.SlotPassword: {}}
	cases := map[string]struct {
		p    Profile
		want bool
	}{
		"imported, no token":   {Profile{Harness: &HarnessLink{Imported: at}}, true},
		"imported, rotated in": {Profile{Harness: &HarnessLink{Imported: at}, Tokens: tokens}, false},
		"pushed":               {Profile{Harness: &HarnessLink{PushedAt: at}}, false},
		"not in harness":       {Profile{}, false},
	}
	for name, c := range cases {
		if got := c.p.HarnessOnly(); got != c.want {
			t.Errorf("%s: HarnessOnly = %v, want %v", name, got, c.want)
		}
	}
}
