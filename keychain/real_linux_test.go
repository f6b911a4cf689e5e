package keychain

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

// The Real tests use the Secret Service of the session they run in. They
// run only with BBCONNECT_REAL_KEYRING=1, which testdata/with-secret-service.sh
// sets after starting an unlocked gnome-keyring on a private bus:
//
//	dbus-run-session -- keychain/testdata/with-secret-service.sh go test -race -run Real ./keychain/...

func needRealKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("BBCONNECT_REAL_KEYRING") != "1" {
		t.Skip("needs a real secret service: run under keychain/testdata/with-secret-service.sh (sets BBCONNECT_REAL_KEYRING=1)")
	}
	if _, err := exec.LookPath("secret-tool"); err != nil {
		t.Skip("secret-tool not installed (apt-get install libsecret-tools)")
	}
}

func randomID(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + "_" + hex.EncodeToString(b)
}

// secretTool runs secret-tool and returns its stdout; exit status 1 with
// no output is "nothing found".
func secretTool(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	var out, stderr bytes.Buffer
	cmd := exec.Command("secret-tool", args...)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 && out.Len() == 0 {
		return "", false
	}
	if err != nil {
		t.Fatalf("secret-tool %v: %v: %s", args, err, stderr.String())
	}
	return out.String(), true
}

func TestRealRoundTrip(t *testing.T) {
	needRealKeyring(t)
	ctx := context.Background()
	k := New()
	if err := k.Probe(ctx); err != nil {
		t.Fatalf("Probe on a running secret service: %s", Explain(err))
	}
	id := randomID(t, "real_kc")
	token := "ATATT3x" + randomID(t, "tok")
	t.Cleanup(func() { _, _ = k.DeleteAll(context.Background(), id) })
	if err := k.Set(ctx, id, wizard.SlotPassword, token); err != nil {
		t.Fatalf("Set: %s", Explain(err))
	}
	// The item is in the OS keychain, under the documented attributes.
	got, ok := secretTool(t, "lookup", "service", Service, "username", id+"/password")
	if !ok || got != token {
		t.Fatalf("secret-tool lookup = %q, %v", got, ok)
	}
	found, _ := secretTool(t, "search", "--all", "service", Service, "username", id+"/password")
	if !strings.Contains(found, "Password for '"+id+"/password' on '"+Service+"'") {
		t.Fatalf("secret-tool search does not show the item:\n%s", found)
	}
	if v, err := k.Get(ctx, id, wizard.SlotPassword); err != nil || v != token {
		t.Fatalf("Get = %q, %v", v, err)
	}
	// And not in plain text in the keyring's own files.
	if dir := os.Getenv("BBCONNECT_KEYRING_DATA"); dir != "" {
		assertNotOnDisk(t, dir, token)
	}
	if err := k.Set(ctx, id, wizard.SlotAPIToken, token+"-api"); err != nil {
		t.Fatal(err)
	}
	removed, err := k.DeleteAll(ctx, id)
	if err != nil || strings.Join(removed, ",") != id+"/password,"+id+"/api-token" {
		t.Fatalf("DeleteAll = %v, %v", removed, err)
	}
	if _, ok := secretTool(t, "lookup", "service", Service, "username", id+"/password"); ok {
		t.Fatal("item still in the keychain after DeleteAll")
	}
	if _, err := k.Get(ctx, id, wizard.SlotPassword); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after DeleteAll = %v", err)
	}
	// The probe leaves nothing behind.
	if out, ok := secretTool(t, "search", "--all", "service", Service); ok && strings.Contains(out, "'"+probePrefix) {
		t.Fatalf("probe items left behind:\n%s", out)
	}
}

// assertNotOnDisk fails when any file under dir contains secret.
func assertNotOnDisk(t *testing.T, dir, secret string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("the token is on disk in %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRealLockedCollection runs a probe in a private gnome-keyring (its
// own session bus, started by testdata/with-secret-service.sh) whose login
// collection the helper locks first. With no display for the unlock prompt
// the Secret Service dismisses it, and the probe must say "locked".
func TestRealLockedCollection(t *testing.T) {
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon", "dbus-send"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (apt-get install dbus gnome-keyring); skipping the locked-keyring test", tool)
		}
	}
	script, err := filepath.Abs(filepath.Join("testdata", "with-secret-service.sh"))
	if err != nil {
		t.Fatal(err)
	}
	res := runProbeHelper(t, "lock-then-probe", []string{helperTimeoutEnv + "=3s"}, "dbus-run-session", "--", "sh", script)
	switch res.Reason {
	case ReasonLocked:
	case ReasonTimeout:
		t.Logf("the unlock prompt was shown somewhere and not answered: %s", res.Error)
	default:
		t.Fatalf("reason %q (%s), want %q", res.Reason, res.Error, ReasonLocked)
	}
	if !strings.Contains(res.Explain, "unlock") {
		t.Fatalf("explanation does not say how to unlock:\n%s", res.Explain)
	}
}
