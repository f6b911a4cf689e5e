package profile

import (
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestValidateExpiry(t *testing.T) {
	created := time.Date(2026, 5, 10, 15, 30, 0, 0, time.UTC)
	tests := []struct {
		name    string
		kind    string
		expires time.Time
		want    string // "" for ok
	}{
		{"api token default", "api-token", created.AddDate(1, 0, 0), ""},
		{"api token a year ahead as a date", "api-token", time.Date(2027, 5, 10, 0, 0, 0, 0, time.UTC), ""},
		{"api token date a year ahead in a later zone", "api-token", time.Date(2027, 5, 11, 0, 0, 0, 0, time.UTC), ""},
		{"api token in 30 days", "api-token", created.AddDate(0, 0, 30), ""},
		{"api token over a year", "api-token", created.AddDate(1, 0, 2), "within one year"},
		{"api token with no expiry", "api-token", time.Time{}, "within one year"},
		{"api token expiring before creation", "api-token", created.Add(-time.Hour), "not after"},
		{"access token no expiry", "access-token", time.Time{}, ""},
		{"access token two years", "access-token", created.AddDate(2, 0, 0), ""},
		{"dc token in the past", "http-access-token", created.AddDate(0, 0, -1), "not after"},
		{"app password no expiry", "app-password", time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateExpiry(tt.kind, created, tt.expires)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestNewTokenMetaDefaults(t *testing.T) {
	now := time.Date(2026, 2, 28, 9, 0, 0, 0, time.UTC)
	m, err := NewTokenMeta("api-token", now, time.Time{})
	if err != nil || !m.Expires.Equal(time.Date(2027, 2, 28, 9, 0, 0, 0, time.UTC)) || !m.Created.Equal(now) || !m.LastRotated.IsZero() {
		t.Fatalf("NewTokenMeta = %+v, %v", m, err)
	}
	m, err = NewTokenMeta("access-token", now, time.Time{})
	if err != nil || !m.Expires.IsZero() {
		t.Fatalf("access token = %+v, %v", m, err)
	}
	if _, err := NewTokenMeta("api-token", now, now.AddDate(2, 0, 0)); err == nil {
		t.Fatal("two-year api token accepted")
	}
}

func TestKindOfAndNewTokens(t *testing.T) {
	cloud := cloudConnector("c")
	ssh := cloud
	ssh.Connection, ssh.PasswordKind, ssh.APITokenSameAsPassword = wizard.SSH, "", false
	dc := wizard.NewConnector()
	dc.Edition, dc.PasswordKind, dc.APIAccess = wizard.DataCenter, wizard.HTTPAccessToken, wizard.APIAccessToken
	legacy := cloud
	legacy.PasswordKind, legacy.APIAccess, legacy.APITokenSameAsPassword = wizard.AppPassword, wizard.APIUsernameAppPassword, false
	cloudAT := cloud
	cloudAT.PasswordKind, cloudAT.APIAccess = wizard.AccessToken, wizard.APIAccessToken
	tests := []struct {
		name string
		c    wizard.Connector
		slot wizard.SecretSlot
		want string
	}{
		{"cloud http", cloud, wizard.SlotPassword, "api-token"},
		{"cloud email api", ssh, wizard.SlotAPIToken, "api-token"},
		{"dc api access", dc, wizard.SlotAPIToken, "http-access-token"},
		{"cloud access token api", cloudAT, wizard.SlotAPIToken, "access-token"},
		{"legacy api", legacy, wizard.SlotAPIToken, "app-password"},
		{"legacy http", legacy, wizard.SlotPassword, "app-password"},
		{"ssh passphrase", ssh, wizard.SlotSSHKey, KindSSHPassphrase},
		{"unknown slot", cloud, "other", ""},
	}
	for _, tt := range tests {
		if got := KindOf(tt.c, tt.slot); got != tt.want {
			t.Errorf("%s: KindOf = %q, want %q", tt.name, got, tt.want)
		}
	}
	toks, err := SavedTokens(ssh, nil, ssh.SecretSlots(), map[wizard.SecretSlot]time.Time{wizard.SlotAPIToken: t0.AddDate(0, 6, 0)}, t0)
	if err != nil || len(toks) != 1 || !toks[wizard.SlotAPIToken].Expires.Equal(t0.AddDate(0, 6, 0)) {
		t.Fatalf("SavedTokens(ssh) = %+v, %v", toks, err)
	}
	if _, err := SavedTokens(cloud, nil, cloud.SecretSlots(), map[wizard.SecretSlot]time.Time{wizard.SlotPassword: t0.AddDate(3, 0, 0)}, t0); err == nil || !strings.Contains(err.Error(), "password: ") {
		t.Fatalf("SavedTokens with a 3-year api token = %v", err)
	}
	if !UsesAppPassword(legacy) || UsesAppPassword(cloud) {
		t.Fatal("UsesAppPassword")
	}
	apiOnly := cloud
	apiOnly.APIAccess, apiOnly.APITokenSameAsPassword = wizard.APIUsernameAppPassword, false
	if !UsesAppPassword(apiOnly) {
		t.Fatal("UsesAppPassword misses app-password api access")
	}
}

// TestSavedTokens: a fresh token is dated now (rotated when it replaced
// one), a kept one keeps its dates unless its expiry was corrected, and a
// token whose kind changed counts as new.
func TestSavedTokens(t *testing.T) {
	cloud := cloudConnector("c")
	now := t0.AddDate(0, 3, 0)
	old := map[wizard.SecretSlot]TokenMeta{wizard.SlotPassword: {Kind: "api-token", Created: t0, Expires: t0.AddDate(0, 6, 0)}}

	got, err := SavedTokens(cloud, old, nil, nil, now)
	if err != nil || got[wizard.SlotPassword] != old[wizard.SlotPassword] {
		t.Fatalf("kept = %+v, %v", got, err)
	}
	exp := map[wizard.SecretSlot]time.Time{wizard.SlotPassword: t0.AddDate(0, 9, 0)}
	if got, err = SavedTokens(cloud, old, nil, exp, now); err != nil || !got[wizard.SlotPassword].Expires.Equal(t0.AddDate(0, 9, 0)) || !got[wizard.SlotPassword].Created.Equal(t0) {
		t.Fatalf("corrected expiry = %+v, %v", got, err)
	}
	exp[wizard.SlotPassword] = t0.AddDate(1, 1, 0)
	if _, err = SavedTokens(cloud, old, nil, exp, now); err == nil || !strings.Contains(err.Error(), "password: ") {
		t.Fatalf("expiry more than a year after the token was made: %v", err)
	}
	got, err = SavedTokens(cloud, old, []wizard.SecretSlot{wizard.SlotPassword}, nil, now)
	if m := got[wizard.SlotPassword]; err != nil || !m.Created.Equal(now) || !m.LastRotated.Equal(now) || !m.Expires.Equal(DefaultExpiry(now)) {
		t.Fatalf("fresh = %+v, %v", got, err)
	}
	changed := cloud
	changed.PasswordKind = wizard.AccessToken
	if got, err = SavedTokens(changed, old, nil, nil, now); err != nil || got[wizard.SlotPassword].Kind != "access-token" || !got[wizard.SlotPassword].Created.Equal(now) {
		t.Fatalf("kind changed = %+v, %v", got, err)
	}
	ssh := cloud
	ssh.Connection, ssh.PasswordKind, ssh.APITokenSameAsPassword = wizard.SSH, "", false
	if got, err = SavedTokens(ssh, nil, []wizard.SecretSlot{wizard.SlotSSHKey}, nil, now); err != nil || got[wizard.SlotSSHKey].Kind != KindSSHPassphrase {
		t.Fatalf("ssh passphrase = %+v, %v", got, err)
	}
}

// TestTestExpiries: the saved expiry while the kind is the same, else the
// default of a new token; none for a slot the connector does not use.
func TestTestExpiries(t *testing.T) {
	cloud := cloudConnector("c")
	saved := map[wizard.SecretSlot]TokenMeta{wizard.SlotPassword: {Kind: "api-token", Created: t0, Expires: t0.AddDate(0, 6, 0)}}
	if pw, api := TestExpiries(cloud, saved, t0); !pw.Equal(t0.AddDate(0, 6, 0)) || !api.IsZero() {
		t.Fatalf("saved: %v %v", pw, api)
	}
	if pw, _ := TestExpiries(cloud, nil, t0); !pw.Equal(DefaultExpiry(t0)) {
		t.Fatalf("new: %v", pw)
	}
	changed := cloud
	changed.PasswordKind = wizard.AccessToken
	if pw, _ := TestExpiries(changed, saved, t0); !pw.IsZero() {
		t.Fatalf("kind changed to one with no expiry: %v", pw)
	}
}
