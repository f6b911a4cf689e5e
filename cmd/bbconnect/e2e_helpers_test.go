package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
)

// The end-to-end tests run the built bbconnect in a real terminal: tmux at
// 80x24, keys sent with send-keys, screens read with capture-pane. Secrets
// are pasted through a tmux buffer loaded from standard input, so they never
// appear in an argument list. The keychain is go-keyring's in-memory mock
// (BBCONNECT_KEYRING=mock, a testing aid), since a real Secret Service only
// runs in the keychain test target.

var (
	binPath  string
	buildErr error
)

func TestMain(m *testing.M) {
	code := func() int {
		if _, err := exec.LookPath("tmux"); err != nil {
			return m.Run() // every e2e test skips with the reason
		}
		dir, err := os.MkdirTemp("", "bbconnect-e2e-")
		if err != nil {
			buildErr = err
			return m.Run()
		}
		defer os.RemoveAll(dir)
		binPath = filepath.Join(dir, "bbconnect")
		build := exec.Command("go", "build", "-o", binPath, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build ships it
		out, err := build.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
		return m.Run()
	}()
	os.Exit(code)
}

// term is one bbconnect process in its own tmux server.
type term struct {
	t      *testing.T
	sock   string
	status string // file the exit status is written to
}

const pane = "e2e"

// sessions numbers the tmux servers of this process (tests run one at a time).
var sessions int

// needTmux skips when tmux is missing and fails when the build failed.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the real-terminal tests need it (apt-get install tmux)")
	}
	if testing.Short() {
		t.Skip("end-to-end terminal test skipped in -short mode")
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// start runs bbconnect args in a new 80x24 tmux session with env (and a
// private HOME), keeping the pane after exit to read the status.
func start(t *testing.T, env map[string]string, args ...string) *term {
	t.Helper()
	needTmux(t)
	sessions++
	tm := &term{t: t, sock: fmt.Sprintf("bbconnect-e2e-%d-%d", os.Getpid(), sessions), status: filepath.Join(t.TempDir(), "status")}
	cmd := []string{"-f", "/dev/null", "new-session", "-d", "-s", pane, "-x", "80", "-y", "24"}
	if _, ok := env["HOME"]; !ok {
		cmd = append(cmd, "-e", "HOME="+t.TempDir())
	}
	for k, v := range env {
		cmd = append(cmd, "-e", k+"="+v)
	}
	// A shell runs bbconnect and writes its exit status to a file: tmux 3.3
	// sometimes marks a pane dead before it has the status.
	cmd = append(cmd, "-e", "BBCONNECT_E2E_STATUS="+tm.status, "sh", "-c", `"$0" "$@"; echo $? > "$BBCONNECT_E2E_STATUS.tmp" && mv "$BBCONNECT_E2E_STATUS.tmp" "$BBCONNECT_E2E_STATUS"`, binPath)
	cmd = append(cmd, args...)
	cmd = append(cmd, ";", "set-option", "-t", pane, "remain-on-exit", "on")
	tm.tmux(nil, cmd...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tm.sock, "kill-server").Run() })
	return tm
}

func (tm *term) tmux(stdin []byte, args ...string) string {
	tm.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-L", tm.sock}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", args[0], err, out)
	}
	return string(out)
}

// sendKeys sends tmux key names (Enter, Down, C-c, …).
func (tm *term) sendKeys(keys ...string) {
	tm.t.Helper()
	tm.tmux(nil, append([]string{"send-keys", "-t", pane}, keys...)...)
}

// typeText types s literally.
func (tm *term) typeText(s string) {
	tm.t.Helper()
	tm.tmux(nil, "send-keys", "-t", pane, "-l", s)
}

// pasteSecret types a secret through a tmux buffer read from stdin.
func (tm *term) pasteSecret(s string) {
	tm.t.Helper()
	tm.tmux([]byte(s), "load-buffer", "-b", "secret", "-")
	tm.tmux(nil, "paste-buffer", "-d", "-b", "secret", "-t", pane)
}

func (tm *term) screen() string {
	tm.t.Helper()
	return tm.tmux(nil, "capture-pane", "-p", "-t", pane)
}

// waitFor polls the screen until it shows text, and returns the screen.
func (tm *term) waitFor(text string, timeout time.Duration) string {
	tm.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := tm.screen()
		if strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("after %s the screen does not show %q:\n%s", timeout, text, s)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

var ansiRE = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// focused reports whether the field titled label has the focus in screen,
// a capture with escapes: its title carries the focus bar (┃), or its
// lines show the text cursor (reverse video).
func focused(screen, label string) bool {
	lines := strings.Split(screen, "\n")
	plain := func(l string) string { return strings.TrimSpace(ansiRE.ReplaceAllString(l, "")) }
	for i, l := range lines {
		title := plain(l)
		if strings.TrimSpace(strings.TrimLeft(title, "┃│ ")) != label {
			continue
		}
		if strings.HasPrefix(title, "┃") {
			return true
		}
		for _, f := range lines[i+1:] {
			if strings.TrimSpace(strings.TrimLeft(plain(f), "┃│ ")) == "" {
				break
			}
			if strings.Contains(f, "\x1b[7m") {
				return true
			}
		}
	}
	return false
}

// waitFocus waits until the text field titled label has the cursor, so
// that what is typed next goes there (huh moves the focus asynchronously).
// The cursor blinks; polling catches it lit.
func (tm *term) waitFocus(label string) {
	tm.t.Helper()
	deadline := time.Now().Add(step)
	for {
		if focused(tm.tmux(nil, "capture-pane", "-e", "-p", "-t", pane), label) {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the field %q never got the cursor:\n%s", label, tm.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// at waits until the field titled label has the focus, then sends keys:
// huh moves the focus asynchronously, so keys sent sooner would reach the
// field before.
func (tm *term) at(label string, keys ...string) {
	tm.t.Helper()
	tm.waitFocus(label)
	if len(keys) > 0 {
		tm.sendKeys(keys...)
	}
}

// waitExit waits for bbconnect to end and returns its exit status.
func (tm *term) waitExit(timeout time.Duration) int {
	tm.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if data, err := os.ReadFile(tm.status); err == nil {
			code, err := strconv.Atoi(strings.TrimSpace(string(data)))
			if err != nil {
				tm.t.Fatalf("exit status %q: %v", data, err)
			}
			return code
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("bbconnect did not exit within %s:\n%s", timeout, tm.screen())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

const step = 10 * time.Second

// emulator starts the local Bitbucket and returns it with the environment
// that points bbconnect at it.
func emulator(t *testing.T) (*emu.Server, map[string]string, string) {
	t.Helper()
	needTmux(t)
	srv, err := emu.Start(emu.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := t.TempDir()
	return srv, map[string]string{
		"BBCONNECT_NOW":           "2026-11-22T00:00:00Z",
		"BBCONNECT_CONFIG_DIR":    cfg,
		"BBCONNECT_KEYRING":       "mock",
		"BBCONNECT_CLOUD_URL":     srv.CloudURL,
		"BBCONNECT_CLOUD_API_URL": srv.CloudAPIURL,
		"BBCONNECT_CLOUD_SSH":     srv.SSHAddr,
		"BBCONNECT_CA_FILE":       srv.CAFile,
		"BBCONNECT_KNOWN_HOSTS":   srv.KnownHostsFile,
	}, cfg
}

// files lists every file under dir, relative.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// noSecretOnDisk fails when secret is in any file under dir.
func noSecretOnDisk(t *testing.T, dir, secret string) {
	t.Helper()
	for _, f := range files(t, dir) {
		if data, _ := os.ReadFile(filepath.Join(dir, f)); bytes.Contains(data, []byte(secret)) {
			t.Errorf("%s holds the secret", f)
		}
	}
}
