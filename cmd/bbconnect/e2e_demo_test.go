package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemoHarnessTour runs `make demo`'s Harness tour the way
// BBCONNECT_DEMO=harness runs it (no terminal, no pauses): the script
// starts bbemu, finds a throwaway keyring, scans, imports an App Password
// connector and migrates it, and Harness's own test passes.
func TestDemoHarnessTour(t *testing.T) {
	needTmux(t) // the build of bbconnect (tmux itself is not used)
	for _, tool := range []string{"sh", "dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the demo needs %s (apt-get install dbus gnome-keyring)", tool)
		}
	}
	bin := t.TempDir()
	for name, path := range map[string]string{"bbconnect": binPath, "bbemu": bbemuBinary(t)} {
		if err := os.Symlink(path, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "../bbemu/demo.sh")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "BBCONNECT_DEMO=harness",
		"BBCONNECT_DEMO_BIN=" + bin, "BBEMU_DIR=" + t.TempDir(), "NO_COLOR=1",
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	s := string(out)
	for _, want := range []string{
		"3 app-password",
		"imported bb_cloud_legacy",
		"harness's test passed",
		"deleted the old harness secret account.bb_app_password",
		"2 app-password",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the tour did not show %q:\n%s", want, s)
		}
	}
}
