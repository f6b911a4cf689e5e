package profile

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestStatus(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	meta := func(kind string, created, expires time.Time) map[wizard.SecretSlot]TokenMeta {
		return map[wizard.SecretSlot]TokenMeta{wizard.SlotPassword: {Kind: kind, Created: created, Expires: expires}}
	}
	legacy := cloudConnector("legacy")
	legacy.PasswordKind, legacy.APIAccess, legacy.APIUsername, legacy.APITokenSameAsPassword = wizard.AppPassword, wizard.APIUsernameAppPassword, "alice", false
	ssh := cloudConnector("ssh")
	ssh.Connection, ssh.PasswordKind, ssh.APIAccess, ssh.APITokenSameAsPassword = wizard.SSH, "", wizard.APINone, false
	tests := []struct {
		name        string
		p           Profile
		days        *int
		warn, exp   bool
		expiryText  string
		appPassword bool
		lastTest    string
		auth        string
		attention   []string
	}{
		{
			name: "healthy", p: Profile{
				Connector: cloudConnector("ok"), Tokens: meta("api-token", now.AddDate(0, -2, 0), now.AddDate(0, 10, 0)),
				LastTest: &TestResult{At: now.Add(-time.Hour), OK: true, Summary: "ok"},
			},
			days: ptr(wizard.DaysUntil(now, now.AddDate(0, 10, 0))), expiryText: "in 304 days (2027-03-01)", lastTest: "passed 2026-05-01",
			auth: "HTTP: API token|API: Email and API Token (same token)",
		},
		{
			name: "30 days is not a warning", p: Profile{Connector: cloudConnector("ok30"), Tokens: meta("api-token", now, now.AddDate(0, 0, 30))},
			days: ptr(30), expiryText: "in 30 days (2026-05-31)", lastTest: "never", auth: "HTTP: API token|API: Email and API Token (same token)",
		},
		{
			name: "29 days warns", p: Profile{Connector: cloudConnector("soon"), Tokens: meta("api-token", now, now.AddDate(0, 0, 29))},
			days: ptr(29), warn: true, expiryText: "in 29 days (2026-05-30)", lastTest: "never", auth: "HTTP: API token|API: Email and API Token (same token)",
			attention: []string{"the api token expires in 29 days (2026-05-30): create a new one and run bbconnect rotate soon"},
		},
		{
			name: "expired", p: Profile{
				Connector: cloudConnector("old"), Tokens: meta("api-token", now.AddDate(-1, 0, 0), now.AddDate(0, 0, -3)),
				LastTest: &TestResult{At: now.AddDate(0, 0, -1), Summary: "401 unauthorized"},
			},
			days: ptr(-3), exp: true, expiryText: "expired 2026-04-28", lastTest: "failed 2026-04-30: 401 unauthorized",
			auth: "HTTP: API token|API: Email and API Token (same token)",
			attention: []string{
				"the api token expired on 2026-04-28: create a new one and run bbconnect rotate old",
				"the last test failed: fix it and run bbconnect test old",
			},
		},
		{
			name: "app password", p: Profile{Connector: legacy, Tokens: meta("app-password", now.AddDate(-2, 0, 0), time.Time{})},
			expiryText: "no expiry", appPassword: true, lastTest: "never", auth: "HTTP: App Password|API: Username and App Password",
			attention: []string{"uses an app password: run bbconnect rotate legacy to move to an api token"},
		},
		{
			name: "ssh without tokens", p: Profile{Connector: ssh}, expiryText: "no expiry", lastTest: "never", auth: "SSH key|API: off",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.p.Status(now)
			if (r.DaysToExpiry == nil) != (tt.days == nil) || (r.DaysToExpiry != nil && *r.DaysToExpiry != *tt.days) {
				t.Errorf("days = %v, want %v", deref(r.DaysToExpiry), deref(tt.days))
			}
			if r.ExpiryWarning != tt.warn || r.Expired != tt.exp || r.ExpiryText != tt.expiryText {
				t.Errorf("warn %v expired %v text %q; want %v %v %q", r.ExpiryWarning, r.Expired, r.ExpiryText, tt.warn, tt.exp, tt.expiryText)
			}
			if r.AppPassword != tt.appPassword || (r.AppPassword && r.AppPasswordStatus != wizard.AppPasswordStatus(now)) || (!r.AppPassword && r.AppPasswordStatus != "") {
				t.Errorf("app password %v %q", r.AppPassword, r.AppPasswordStatus)
			}
			if r.LastTestText != tt.lastTest {
				t.Errorf("last test %q, want %q", r.LastTestText, tt.lastTest)
			}
			if got := strings.Join(r.Auth, "|"); got != tt.auth {
				t.Errorf("auth %q, want %q", got, tt.auth)
			}
			if strings.Join(r.Attention, "\n") != strings.Join(tt.attention, "\n") {
				t.Errorf("attention:\n%s\nwant:\n%s", strings.Join(r.Attention, "\n"), strings.Join(tt.attention, "\n"))
			}
			if r.ID != tt.p.Connector.ID || r.Edition != tt.p.Connector.Edition || r.URL != tt.p.Connector.URL {
				t.Errorf("identity fields: %+v", r)
			}
		})
	}
}

func TestStatusPicksEarliestExpiryAndOldestAge(t *testing.T) {
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	c := cloudConnector("two")
	c.APITokenSameAsPassword = false
	p := Profile{Connector: c, Tokens: map[wizard.SecretSlot]TokenMeta{
		wizard.SlotPassword: {Kind: "api-token", Created: now.AddDate(0, 0, -10), Expires: now.AddDate(0, 0, 100)},
		wizard.SlotAPIToken: {Kind: "api-token", Created: now.AddDate(0, 0, -40), Expires: now.AddDate(0, 0, 20)},
	}}
	r := p.Status(now)
	if r.ExpiresSlot != wizard.SlotAPIToken || *r.DaysToExpiry != 20 || *r.TokenAgeDays != 40 || !r.ExpiryWarning {
		t.Fatalf("row = %+v", r)
	}
}

func TestRowsJSON(t *testing.T) {
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	p := Profile{Connector: cloudConnector("j"), Tokens: map[wizard.SecretSlot]TokenMeta{
		wizard.SlotPassword: {Kind: "api-token", Created: now, Expires: now.AddDate(0, 0, 5)},
	}}
	b, err := json.Marshal(Rows([]Profile{p}, now))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id":"j"`, `"edition":"cloud"`, `"days_to_expiry":5`, `"expiry_warning":true`, `"app_password":false`, `"last_test_text":"never"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("json lacks %s: %s", want, b)
		}
	}
}

func ptr(i int) *int { return &i }

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
