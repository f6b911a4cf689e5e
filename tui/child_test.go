//go:build !windows

package tui

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/creack/pty"
)

// childEnv marks the test binary re-run as the wizard on a real controlling
// terminal (see TestNoTerminalQueryAtStart).
const childEnv = "BBCONNECT_TUI_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild runs the wizard on this process's terminal, as the binary does.
func runChild() int {
	_, err := Run(context.Background(), Options{Deps: Deps{Now: func() time.Time { return testNow }, Tester: newFakes().tester}})
	switch {
	case errors.Is(err, ErrInterrupted):
		return 130
	case err != nil:
		return 1
	}
	return 0
}

// TestNoTerminalQueryAtStart runs the wizard as a child process whose
// controlling terminal is a pseudo-terminal that never answers. A colour
// query (OSC 11 for the background) would hold the first screen back for
// termenv's 5 s timeout; the first screen must come at once. Ctrl+C then
// exits 130.
func TestNoTerminalQueryAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = []string{childEnv + "=1", "TERM=xterm-256color", "COLORTERM=truecolor", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	start := time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Skipf("no pseudo-terminal available: %v", err)
	}
	defer func() { _ = ptmx.Close() }()
	out := &syncBuffer{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				_, _ = out.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	if _, ok := waitOutput(out, "Overview", 8*time.Second); !ok {
		_ = cmd.Process.Kill()
		t.Fatal("the first screen never appeared")
	}
	// termenv waits 5 s for an answer; 4 s leaves room for a loaded
	// machine (the race detector, parallel packages) without missing it.
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("first screen after %s: the wizard waited for the terminal to answer", d)
	}
	if _, err := ptmx.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Fatalf("exit = %v, want status 130", err)
		}
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("ctrl+c did not end the wizard")
	}
}
