package lock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const holderEnv = "BBCONNECT_LOCK_HOLDER"

func TestMain(m *testing.M) {
	if path := os.Getenv(holderEnv); path != "" {
		// The holder: take the lock, say so, and hold it until killed or
		// until stdin closes.
		l, err := Acquire(context.Background(), path, Options{Command: "bbconnect rotate"})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("locked")
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		_ = l.Release()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startHolder runs a process that holds the lock at path until its stdin
// is closed or it is killed.
func startHolder(t *testing.T, path string) (*exec.Cmd, func()) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), holderEnv+"="+path, "GORACE=atexit_sleep_ms=0")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("holder said %q, %v", line, err)
	}
	stop := func() { _ = stdin.Close(); _ = cmd.Wait() }
	t.Cleanup(func() { _ = cmd.Process.Kill(); stop() })
	return cmd, stop
}

func TestBusyNamesTheHolderAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conn.lock")
	holder, release := startHolder(t, path)

	var waitedFor Owner
	start := time.Now()
	_, err := Acquire(context.Background(), path, Options{Wait: 300 * time.Millisecond, What: "connector conn", OnWait: func(o Owner) { waitedFor = o }})
	var be *BusyError
	if !errors.As(err, &be) || !errors.Is(err, ErrBusy) {
		t.Fatalf("second writer: %v, want a BusyError", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 3*time.Second {
		t.Fatalf("waited %s, want about 300ms", d)
	}
	want := fmt.Sprintf("pid %d, bbconnect rotate", holder.Process.Pid)
	if !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "connector conn is being changed by another bbconnect") {
		t.Fatalf("message %q does not name the holder (%s)", err, want)
	}
	if waitedFor.PID != holder.Process.Pid {
		t.Fatalf("OnWait got %+v", waitedFor)
	}

	// Released by its holder: the waiter gets it.
	done := make(chan error, 1)
	go func() {
		l, err := Acquire(context.Background(), path, Options{Wait: 10 * time.Second})
		if err == nil {
			err = l.Release()
		}
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	release()
	if err := <-done; err != nil {
		t.Fatalf("after release: %v", err)
	}
}

func TestKilledHolderReleases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conn.lock")
	holder, _ := startHolder(t, path)
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_, _ = holder.Process.Wait()
	l, err := Acquire(context.Background(), path, Options{Wait: 5 * time.Second})
	if err != nil {
		t.Fatalf("lock of a killed holder still held: %v", err)
	}
	if o := ReadOwner(path); o.PID != os.Getpid() {
		t.Fatalf("owner record %+v, want this process", o)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatalf("second release: %v", err)
	}
}

func TestInProcessExclusiveAndCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conn.lock")
	l, err := Acquire(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if _, err := Acquire(context.Background(), path, Options{}); !errors.Is(err, ErrBusy) {
		t.Fatalf("second open file in the same process: %v, want busy", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, path, Options{Wait: time.Minute}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled wait: %v", err)
	}
}

func TestSymlinkNotFollowed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("O_NOFOLLOW is unix")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	if err := os.WriteFile(target, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "conn.lock")
	if err := os.Symlink(target, path); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := Acquire(context.Background(), path, Options{}); err == nil {
		t.Fatal("a symlinked lock file was followed")
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Fatalf("target changed: %q", b)
	}
}

// A waiter on a lock file that its holder removes locks the new file, so
// that it never shares the lock with a newcomer.
func TestRemovedWhileWaited(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conn.lock")
	held, err := Acquire(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *Lock, 1)
	go func() {
		l, err := Acquire(context.Background(), path, Options{Wait: 10 * time.Second})
		if err != nil {
			t.Error(err)
		}
		got <- l
	}()
	time.Sleep(100 * time.Millisecond)
	if err := held.RemoveAndRelease(); err != nil {
		t.Fatal(err)
	}
	waiter := <-got
	defer waiter.Release()
	if _, err := Acquire(context.Background(), path, Options{}); !errors.Is(err, ErrBusy) {
		t.Fatalf("a newcomer got the lock the waiter holds: %v", err)
	}
}
