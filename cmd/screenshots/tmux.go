package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// term drives one program in a detached tmux server of its own, at a fixed
// size.
type term struct {
	sock string
	w, h int
}

const pane = "shot"

func (t *term) tmux(ctx context.Context, stdin []byte, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "tmux", append([]string{"-u", "-L", t.sock}, args...)...) //nolint:gosec // tmux with our own arguments; secrets go through stdin
	// A clean environment: nothing of the caller's (CI, NO_COLOR, LANG)
	// changes what the program draws. The program gets startTerm's env.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LC_ALL=C.UTF-8", "TERM=xterm-256color"}
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("tmux %s: %w: %s", args[0], err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// startTerm runs argv in a new w x h tmux session. env holds KEY=VALUE pairs
// for the program: URLs and paths only, never secrets (they would show in
// tmux's own argument list).
func startTerm(ctx context.Context, sock string, w, h int, env []string, argv ...string) (*term, error) {
	t := &term{sock: sock, w: w, h: h}
	args := []string{"-f", "/dev/null", "new-session", "-d", "-s", pane, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h)}
	for _, e := range env {
		args = append(args, "-e", e)
		if strings.HasPrefix(e, "PATH=") {
			// tmux keeps its own PATH for the program: set it on the way in.
			argv = append([]string{"env", e}, argv...)
		}
	}
	args = append(args, argv...)
	args = append(args, ";", "set-option", "-t", pane, "status", "off", ";", "set-option", "-t", pane, "remain-on-exit", "on")
	if _, err := t.tmux(ctx, nil, args...); err != nil {
		return nil, err
	}
	return t, nil
}

// keys sends tmux key names ("Enter", "Tab", "Down", "C-c").
func (t *term) keys(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		if _, err := t.tmux(ctx, nil, "send-keys", "-t", pane, k); err != nil {
			return err
		}
		time.Sleep(60 * time.Millisecond) // let the program redraw between keys, like a person typing
	}
	return nil
}

// typeText types s literally.
func (t *term) typeText(ctx context.Context, s string) error {
	_, err := t.tmux(ctx, nil, "send-keys", "-t", pane, "-l", s)
	return err
}

// pasteSecret pastes a secret through a tmux buffer read from standard
// input, so it never appears in an argument list.
func (t *term) pasteSecret(ctx context.Context, s string) error {
	if _, err := t.tmux(ctx, []byte(s), "load-buffer", "-b", "secret", "-"); err != nil {
		return err
	}
	_, err := t.tmux(ctx, nil, "paste-buffer", "-d", "-b", "secret", "-t", pane)
	return err
}

// capture returns the pane with its colours (SGR sequences).
func (t *term) capture(ctx context.Context) (string, error) {
	return t.tmux(ctx, nil, "capture-pane", "-t", pane, "-e", "-p")
}

// settled waits until the pane stops changing (two captures 120 ms apart
// are the same) and returns it with its colours: a picture never catches
// a redraw half done.
func (t *term) settled(ctx context.Context) (string, error) {
	prev, err := t.capture(ctx)
	if err != nil {
		return "", err
	}
	for range 50 {
		time.Sleep(120 * time.Millisecond)
		cur, err := t.capture(ctx)
		if err != nil {
			return "", err
		}
		if cur == prev {
			return cur, nil
		}
		prev = cur
	}
	return "", fmt.Errorf("the screen kept changing for 6 s:\n%s", prev)
}

// history returns the whole pane, scrollback included, without colours,
// wrapped lines joined: the transcript of a line-by-line (accessible) run.
func (t *term) history(ctx context.Context) (string, error) {
	return t.tmux(ctx, nil, "capture-pane", "-t", pane, "-p", "-J", "-S", "-", "-E", "-")
}

// waitFor polls the pane until it shows text, or fails after timeout.
func (t *term) waitFor(ctx context.Context, text string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		out, err := t.tmux(ctx, nil, "capture-pane", "-t", pane, "-p")
		if err == nil && strings.Contains(out, text) {
			return nil
		}
		last = out
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("waited %s for %q; the screen shows:\n%s", timeout, text, last)
}

// goroutines asks a program that did not end for its goroutines (Ctrl+\\
// sends SIGQUIT on a line-by-line terminal; Go prints every goroutine's
// stack as it exits) and returns the end of what it printed: the reason
// for a hang, in the error that reports it.
func (t *term) goroutines(ctx context.Context) string {
	// Which processes still hold the pane's terminal: a pane stays alive
	// while any does, even after the program itself ended.
	procs := "(the pane's processes are unknown)"
	if tty, err := t.tmux(ctx, nil, "display-message", "-p", "-t", pane, "#{pane_tty}"); err == nil {
		if out, err := exec.CommandContext(ctx, "ps", "-t", strings.TrimSpace(tty), "-o", "pid,ppid,stat,args").CombinedOutput(); err == nil { //nolint:gosec // ps of our own pane
			procs = "processes on the pane's terminal:\n" + string(out)
		}
	}
	if err := t.keys(ctx, "C-\\"); err != nil {
		return procs
	}
	_ = t.waitFor(ctx, "Pane is dead", 5*time.Second)
	h, err := t.history(ctx)
	if err != nil {
		return ""
	}
	i := strings.Index(h, "SIGQUIT")
	if i < 0 {
		return procs + "(no goroutine dump)"
	}
	return procs + h[i:]
}

// changed waits until the pane (with its colours) differs from prev, for
// at most limit.
func (t *term) changed(ctx context.Context, prev string, limit time.Duration) {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); {
		if cur, err := t.capture(ctx); err != nil || cur != prev {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (t *term) close() {
	_ = exec.Command("tmux", "-L", t.sock, "kill-server").Run() //nolint:gosec,noctx // our own tmux server
}
