package wizard

import (
	"strings"
	"testing"
)

func TestFieldHelp(t *testing.T) {
	fields := []string{
		"name", "id", "description", "tag", "edition", "url-type", "connection", "url", "test-repo",
		"username", "password-kind", "password", "ssh-key", "api-access", "api-email", "api-username",
		"api-token", "api-token-same-as-password", "connectivity", "delegate-selector", "ca-file",
		"scope", "org", "project", "token-expires",
	}
	for _, f := range fields {
		t.Run(f, func(t *testing.T) {
			h := FieldHelp(f)
			if h == "" {
				t.Fatalf("no help for %q", f)
			}
			if !strings.HasSuffix(h, ".") {
				t.Errorf("help for %q does not end with a period: %q", f, h)
			}
			if StepOf(f) == StepReview {
				t.Errorf("field %q belongs to no step", f)
			}
		})
	}
	if FieldHelp("no-such-field") != "" {
		t.Error("unknown field has help")
	}
}
