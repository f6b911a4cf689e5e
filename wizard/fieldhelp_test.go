package wizard

import (
	"strings"
	"testing"
)

func TestFieldHelp(t *testing.T) {
	fields := []Field{
		FieldName, FieldID, FieldDescription, FieldTag, FieldEdition, FieldURLType, FieldConnection, FieldURL, FieldTestRepo,
		FieldUsername, FieldPasswordKind, FieldPassword, FieldSSHKey, FieldSSHPassphrase, FieldTokenExpires,
		FieldAPIAccess, FieldAPIEmail, FieldAPIUsername, FieldAPIToken, FieldAPITokenSameAsPassword, FieldScopes,
		FieldConnectivity, FieldDelegateSelector, FieldCAFile, FieldScope, FieldOrg, FieldProject,
	}
	if len(fields) != len(fieldHelp) {
		t.Errorf("%d fields listed, %d have help: a constant or its help is missing", len(fields), len(fieldHelp))
	}
	for _, f := range fields {
		t.Run(string(f), func(t *testing.T) {
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
