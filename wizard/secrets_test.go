package wizard

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSecretsRedact(t *testing.T) {
	s := Secrets{Password: "pw-secret-1", APIToken: "api-secret-2"}
	for _, out := range []string{s.String(), fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprint(&s)} {
		if strings.Contains(out, "secret-") {
			t.Errorf("a secret is printed: %s", out)
		}
	}
	if got := s.String(); got != `Secrets{Password:[redacted], APIToken:[redacted], SSHPassphrase:""}` {
		t.Errorf("String() = %s", got)
	}
	if s.Value(SlotPassword) != "pw-secret-1" || s.Value(SlotAPIToken) != "api-secret-2" || s.Value(SlotSSHKey) != "" || s.Value("x") != "" {
		t.Error("Value by slot")
	}
}

func TestSecretsSetOnly(t *testing.T) {
	exp := time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)
	var s Secrets
	for _, slot := range AllSlots {
		s.Set(slot, "v-"+string(slot))
		s.SetExpires(slot, exp)
	}
	s.Set("unknown", "x")
	if s.Password != "v-password" || s.APIToken != "v-api-token" || s.SSHPassphrase != "v-ssh-key" {
		t.Errorf("Set: %+v", s)
	}
	if s.PasswordExpires != exp || s.APITokenExpires != exp || !s.Expires(SlotSSHKey).IsZero() {
		t.Error("SetExpires: the passphrase has no expiry, the tokens do")
	}
	o := s.Only(SlotAPIToken)
	if o.Password != "" || o.SSHPassphrase != "" || o.APIToken != "v-api-token" || o.APITokenExpires != exp || !o.PasswordExpires.IsZero() {
		t.Errorf("Only(api-token) kept the wrong slots: %#v %v %v", o, o.PasswordExpires, o.APITokenExpires)
	}
}

func TestRedact(t *testing.T) {
	s := Secrets{Password: "hunter22", APIToken: "abc", SSHPassphrase: "pass phrase"}
	got := s.Redact("pw hunter22, short abc, phrase pass phrase, hunter22 again")
	if want := "pw [redacted], short abc, phrase [redacted], [redacted] again"; got != want {
		t.Errorf("Redact = %q, want %q (values shorter than %d stay)", got, want, MinRedactLen)
	}
	if s.RedactErr(nil) != "" || s.RedactErr(errors.New("x hunter22")) != "x [redacted]" {
		t.Error("RedactErr")
	}
	if Redact("abcd", "abcd", "") != Redacted {
		t.Error("a value of MinRedactLen is redacted")
	}
}

func TestStoredSlots(t *testing.T) {
	http := NewConnector()
	http.APIAccess, http.APITokenSameAsPassword = APIAccessToken, false
	ssh := http
	ssh.Connection = SSH
	tests := []struct {
		name       string
		c          Connector
		passphrase bool
		want       []SecretSlot
	}{
		{"http", http, false, []SecretSlot{SlotPassword, SlotAPIToken}},
		{"http ignores a passphrase", http, true, []SecretSlot{SlotPassword, SlotAPIToken}},
		{"ssh without passphrase", ssh, false, []SecretSlot{SlotAPIToken}},
		{"ssh with passphrase", ssh, true, []SecretSlot{SlotAPIToken, SlotSSHKey}},
	}
	for _, tt := range tests {
		if got := tt.c.StoredSlots(tt.passphrase); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: StoredSlots = %v, want %v", tt.name, got, tt.want)
		}
	}
}
