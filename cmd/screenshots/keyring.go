package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// keyring is a throwaway Secret Service (gnome-keyring on a private D-Bus
// session) for one recording: every bbconnect run of the recording sees
// the tokens the ones before it saved, as on a user's machine, so the
// picker and a rotation find them. It is keychain/testdata's
// with-secret-service.sh kept running until close.
type keyring struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	addr  string
}

// startKeyring starts the keyring; it fails when dbus-run-session or
// gnome-keyring-daemon is missing (.ci/run installs them).
func startKeyring() (*keyring, error) {
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s not found: apt-get install dbus gnome-keyring (the screenshots keep tokens in a throwaway keyring)", tool)
		}
	}
	script, err := findScript()
	if err != nil {
		return nil, err
	}
	// The script prints the bus address, then waits for its input to end.
	cmd := exec.Command("dbus-run-session", "--", "sh", script, "sh", "-c", `echo "$DBUS_SESSION_BUS_ADDRESS"; exec cat >/dev/null`) //nolint:gosec,noctx // our own script; stopped by close
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir()}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard // dbus-daemon's fd-limit warning
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	k := &keyring{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	k.addr = strings.TrimSpace(line)
	if err != nil || !strings.Contains(k.addr, "=") {
		k.close()
		return nil, errors.New("the throwaway keyring did not start")
	}
	return k, nil
}

// close stops the keyring; its items go with it.
func (k *keyring) close() {
	_ = k.stdin.Close()
	_ = k.cmd.Wait()
}

// findScript is keychain/testdata/with-secret-service.sh of the module
// bbconnect runs from (the repository root, or a folder inside it).
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "keychain", "testdata", "with-secret-service.sh")
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("%s not found: run from the bbconnect repository", p)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from the bbconnect repository (keychain/testdata/with-secret-service.sh)")
		}
		dir = parent
	}
}
