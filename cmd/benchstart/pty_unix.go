//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
)

// What marks each program's first screen.
var (
	bbconnectMarkers = []string{"Overview"}
	ghMarkers        = []string{"What account do you want", "Where do you use GitHub"}
)

// queries are the terminal queries a program may send at start and what an
// answering terminal (a dark xterm) replies.
var queries = []struct{ ask, answer string }{
	{"\x1b]11;?", "\x1b]11;rgb:1d1d/1f1f/2727\x1b\\"},
	{"\x1b]10;?", "\x1b]10;rgb:dcdc/dcdc/dcdc\x1b\\"},
	{"\x1b[6n", "\x1b[1;1R"},
	{"\x1b[>c", "\x1b[>41;380;0c"},
	{"\x1b[c", "\x1b[?62;22c"},
	{"\x1b[0c", "\x1b[?62;22c"},
	{"\x1b[?2026$p", "\x1b[?2026;2$y"},
	{"\x1b[?u", "\x1b[?0u"},
}

// firstScreen starts bin with args in a fresh 80x24 pseudo-terminal, in an
// empty home and config folder, and returns how long it took until the
// output shows one of markers. A silent terminal never answers a query;
// an answering one replies to each as a terminal emulator would.
func firstScreen(bin string, args []string, answering bool, markers []string) (time.Duration, error) {
	home, err := os.MkdirTemp("", "benchstart-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(home)
	cmd := exec.Command(bin, args...) //nolint:gosec,noctx // the program under measurement
	cmd.Env = programEnv(home)
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		return 0, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = f.Close()
	}()
	found := make(chan time.Duration, 1)
	var mu sync.Mutex
	var out bytes.Buffer
	go func() {
		buf := make([]byte, 32<<10)
		answered := 0
		for {
			n, err := f.Read(buf)
			if n > 0 {
				mu.Lock()
				out.Write(buf[:n])
				s := out.String()
				mu.Unlock()
				if answering {
					answered = answer(f, s, answered)
				}
				for _, m := range markers {
					if strings.Contains(s, m) {
						found <- time.Since(start)
						return
					}
				}
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case d := <-found:
		return d, nil
	case <-time.After(10 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		tail := out.String()
		if len(tail) > 200 {
			tail = tail[len(tail)-200:]
		}
		return 0, errors.New("no first screen within 10 s; last output: " + strings.ToValidUTF8(tail, "?"))
	}
}

// answer replies to the queries in s past offset done and returns the new
// offset.
func answer(f *os.File, s string, done int) int {
	for {
		best, which := -1, -1
		for i, q := range queries {
			if j := strings.Index(s[done:], q.ask); j >= 0 && (best < 0 || j < best) {
				best, which = j, i
			}
		}
		if which < 0 {
			return done
		}
		_, _ = f.WriteString(queries[which].answer)
		done += best + len(queries[which].ask)
	}
}

// programEnv is a clean environment: an empty home and config folder, a
// colour terminal, the session's D-Bus (a real Secret Service under make
// bench), nothing that logs either program in.
func programEnv(home string) []string {
	env := []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8",
		"BBCONNECT_CONFIG_DIR=" + home + "/.config", "GH_CONFIG_DIR=" + home + "/.config/gh", "XDG_CONFIG_HOME=" + home + "/.config",
	}
	if bus := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); bus != "" {
		env = append(env, "DBUS_SESSION_BUS_ADDRESS="+bus)
	} else {
		env = append(env, "BBCONNECT_KEYRING=mock")
	}
	return env
}

// version times `bin --version` to its exit.
func version(bin string) (time.Duration, error) {
	home, err := os.MkdirTemp("", "benchstart-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(home)
	cmd := exec.Command(bin, "--version") //nolint:noctx // the program under measurement
	cmd.Env = programEnv(home)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, errors.New(strings.TrimSpace(string(out)))
	}
	return time.Since(start), nil
}
