package sshkey

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// testPassphrase protects the encrypted test keys. It is a fake, test-only value.
const testPassphrase = "test-only-passphrase" // #nosec G101 -- fake, test-only.

// fixture is one key made by the real ssh-keygen: extra arguments after
// "-q -f PATH -C COMMENT".
type fixture struct {
	name string
	args []string
}

var fixtures = []fixture{
	{"rsa_pem", []string{"-t", "rsa", "-b", "1024", "-m", "PEM", "-N", ""}},
	{"rsa_pem_enc", []string{"-t", "rsa", "-b", "1024", "-m", "PEM", "-N", testPassphrase}},
	{"rsa_openssh", []string{"-t", "rsa", "-b", "1024", "-N", ""}},
	{"rsa_openssh_enc", []string{"-t", "rsa", "-b", "1024", "-N", testPassphrase}},
	{"rsa_pkcs8", []string{"-t", "rsa", "-b", "1024", "-m", "PKCS8", "-N", ""}},
	{"ed25519", []string{"-t", "ed25519", "-N", ""}},
	{"ed25519_enc", []string{"-t", "ed25519", "-N", testPassphrase}},
	{"ecdsa", []string{"-t", "ecdsa", "-N", ""}},
	{"ecdsa_pem", []string{"-t", "ecdsa", "-m", "PEM", "-N", ""}},
	{"ecdsa_pkcs8_enc", []string{"-t", "ecdsa", "-m", "PKCS8", "-N", testPassphrase}},
}

var (
	keyOnce sync.Once
	keyDir  string
	keyErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if keyDir != "" {
		_ = os.RemoveAll(keyDir)
	}
	os.Exit(code)
}

// keys makes the fixture keys once per test binary and returns their folder.
// It skips the test when ssh-keygen is not installed.
func keys(tb testing.TB) string {
	tb.Helper()
	if _, err := exec.LookPath(Program); err != nil {
		tb.Skip("ssh-keygen is not installed: install openssh-client to run the key tests")
	}
	keyOnce.Do(func() {
		keyDir, keyErr = os.MkdirTemp("", "bbconnect-sshkey-")
		if keyErr != nil {
			return
		}
		for _, fx := range fixtures {
			args := append([]string{"-q", "-f", filepath.Join(keyDir, fx.name), "-C", "fixture-" + fx.name}, fx.args...)
			out, err := exec.Command(Program, args...).CombinedOutput() // #nosec G204 -- test fixture.
			if err != nil {
				keyErr = fmt.Errorf("ssh-keygen %s: %w: %s", fx.name, err, out)
				return
			}
		}
	})
	if keyErr != nil {
		tb.Fatal(keyErr)
	}
	return keyDir
}

// key returns the path of a fixture key.
func key(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(keys(tb), name)
}

// copyKey copies a fixture (and its .pub when withPub) into a fresh folder
// with the given mode and returns the new path.
func copyKey(t *testing.T, name string, mode os.FileMode, withPub bool) string {
	t.Helper()
	src := key(t, name)
	dst := filepath.Join(t.TempDir(), name)
	data, err := os.ReadFile(src) // #nosec G304 -- test fixture.
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, mode); err != nil { // WriteFile's mode is masked by umask.
		t.Fatal(err)
	}
	if withPub {
		pub, err := os.ReadFile(src + ".pub") // #nosec G304 -- test fixture.
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+".pub", pub, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
