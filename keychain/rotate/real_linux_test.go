package rotate

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/keychain"
)

// The Real tests share the session's Secret Service between this process
// and the kill -9 helpers (see keychain/testdata/with-secret-service.sh).

func needRealKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("BBCONNECT_REAL_KEYRING") != "1" {
		t.Skip("needs a real secret service: run under keychain/testdata/with-secret-service.sh (sets BBCONNECT_REAL_KEYRING=1)")
	}
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Skip("secret-tool not installed (apt-get install libsecret-tools)")
	}
	if err := keychain.New().Probe(context.Background()); err != nil {
		t.Fatal(keychain.Explain(err))
	}
}

func realKeyring(string) (keychain.Backend, string) { return keychain.System(), "" }

func TestRealKillAtEveryStep(t *testing.T) {
	needRealKeyring(t)
	t.Run("rotation", func(t *testing.T) { crashAtEveryStep(t, realKeyring, false, false) })
	t.Run("migration", func(t *testing.T) { crashAtEveryStep(t, realKeyring, true, false) })
	t.Run("harness", func(t *testing.T) { crashAtEveryStep(t, realKeyring, false, true) })
}

func TestRealRotate(t *testing.T) {
	needRealKeyring(t)
	dir := t.TempDir()
	f := newFixture(t, dir, keychain.System(), legacyConnector(randomID("real_rotate")))
	t.Cleanup(func() { _, _ = f.kc.DeleteAll(context.Background(), f.id) })
	if _, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(true)); err != nil {
		t.Fatal(keychain.Explain(err))
	}
	if !f.assertConsistent(t, true) {
		t.Fatal("not rotated")
	}
	lookup := func(user string) string {
		out, _ := exec.Command("secret-tool", "lookup", "service", keychain.Service, "username", user).Output()
		return string(out)
	}
	if got := lookup(f.id + "/password"); got != newToken {
		t.Fatalf("secret-tool lookup password = %q", got)
	}
	for _, user := range []string{f.id + "/password.next", f.id + "/api-token"} {
		if got := lookup(user); got != "" {
			t.Fatalf("%s still in the keychain: %q", user, got)
		}
	}
	// The token is in the keychain only: not in the profile folder.
	err := walkFiles(dir, func(path string, b []byte) {
		if strings.Contains(string(b), newToken) {
			t.Errorf("the token is in %s", path)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func walkFiles(dir string, fn func(path string, b []byte)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := dir + "/" + e.Name()
		if e.IsDir() {
			if err := walkFiles(p, fn); err != nil {
				return err
			}
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fn(p, b)
	}
	return nil
}

func TestRealConcurrentRotations(t *testing.T) {
	needRealKeyring(t)
	concurrentRotations(t, realKeyring, 5)
}

func TestRealKillWhileSecondWaits(t *testing.T) {
	needRealKeyring(t)
	killWhileSecondWaits(t, realKeyring)
}

func TestRealLiveOwnerLeftAlone(t *testing.T) {
	needRealKeyring(t)
	liveOwnerLeftAlone(t, realKeyring)
}
