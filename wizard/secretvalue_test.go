package wizard

import (
	"strings"
	"testing"
)

func TestValidateSecretValue(t *testing.T) {
	tests := map[string]struct {
		in      string
		wantErr string
	}{
		"ok":         {in: "ATATT3xFfGF0abc", wantErr: ""},
		"empty":      {in: "", wantErr: "api token is empty"},
		"blank":      {in: "   ", wantErr: "only blanks"},
		"inner":      {in: "abc def", wantErr: "spaces or line breaks"},
		"trailingNL": {in: "abcdef\n", wantErr: "spaces or line breaks"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := ValidateSecretValue("api token", tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if strings.TrimSpace(tt.in) != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.in)) {
				t.Fatalf("error repeats the secret: %v", err)
			}
		})
	}
}
