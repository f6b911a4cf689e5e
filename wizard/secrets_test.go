package wizard

import (
	"fmt"
	"strings"
	"testing"
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
	if v := s.Values(); len(v) != 3 || v[0] != s.Password || v[1] != s.APIToken {
		t.Errorf("Values() = %d values", len(v))
	}
}
