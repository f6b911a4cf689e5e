package profile

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/keychain"
)

// TestRealTokenOnlyInKeychain is TestTokenOnlyInKeychain against the real
// Secret Service (see keychain/testdata/with-secret-service.sh), checked
// with secret-tool.
func TestRealTokenOnlyInKeychain(t *testing.T) {
	if os.Getenv("BBCONNECT_REAL_KEYRING") != "1" {
		t.Skip("needs a real secret service: run under keychain/testdata/with-secret-service.sh (sets BBCONNECT_REAL_KEYRING=1)")
	}
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Skip("secret-tool not installed (apt-get install libsecret-tools)")
	}
	ctx := context.Background()
	kc := keychain.New()
	if err := kc.Probe(ctx); err != nil {
		t.Fatal(keychain.Explain(err))
	}
	s := testStore(t)
	const token = "ATATT3xREAL-TOKEN-profile-test"
	checkTokenOnlyInKeychain(ctx, t, s, kc, token)
	id := "TestRealTokenOnlyInKeychain"
	out, err := exec.Command("secret-tool", "lookup", "service", keychain.Service, "username", id+"/password").Output()
	if err != nil || string(out) != token {
		t.Fatalf("secret-tool lookup = %q, %v", out, err)
	}
	r, err := s.Remove(ctx, id, kc)
	if err != nil || len(r.Items) != 1 || r.Profile == "" {
		t.Fatalf("Remove = %+v, %v", r, err)
	}
	if out, err := exec.Command("secret-tool", "lookup", "service", keychain.Service, "username", id+"/password").Output(); err == nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("item still there after Remove: %q", out)
	}
}
