//go:build !windows

package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/creack/pty"
	"github.com/muesli/termenv"
)

// syncBuffer is a buffer written by one goroutine and read by another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Contains(text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Contains(s.b.String(), text)
}

// silentTerminal runs the wizard on a pseudo-terminal that never answers
// any query. It returns the terminal's output, the side to type into, the
// wizard's outcome and a stop function.
func silentTerminal(tb testing.TB, opts Options) (*syncBuffer, *os.File, func(time.Duration) (error, bool), func()) {
	tb.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		tb.Skipf("no pseudo-terminal available: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		tb.Fatal(err)
	}
	out := &syncBuffer{}
	go func() { _, _ = io.Copy(out, ptmx) }()
	ctx, cancel := context.WithCancel(context.Background())
	opts.In, opts.Out = tty, tty
	if opts.Env == nil {
		// A colour terminal with no hint of its background: lipgloss would
		// ask it with OSC 11 and wait for an answer that never comes.
		opts.Env = []string{"TERM=xterm-256color", "COLORTERM=truecolor"}
	}
	finished := make(chan struct{})
	var runErr error
	go func() {
		_, runErr = Run(ctx, opts)
		close(finished)
	}()
	wait := func(limit time.Duration) (error, bool) {
		select {
		case <-finished:
			return runErr, true
		case <-time.After(limit):
			return nil, false
		}
	}
	stop := func() {
		// Ctrl+C, not a cancelled context: a killed bubbletea v1 program
		// closes its input without waiting for its reader (a data race).
		_, _ = ptmx.Write([]byte{3})
		if _, ok := wait(5 * time.Second); !ok {
			cancel()
			tb.Error("wizard did not stop on ctrl+c")
		}
		cancel()
		_ = tty.Close()
		_ = ptmx.Close()
		lipgloss.SetColorProfile(termenv.Ascii)
		lipgloss.SetHasDarkBackground(true)
	}
	return out, ptmx, wait, stop
}

func waitOutput(out *syncBuffer, text string, limit time.Duration) (time.Duration, bool) {
	start := time.Now()
	for time.Since(start) < limit {
		if out.Contains(text) {
			return time.Since(start), true
		}
		time.Sleep(time.Millisecond)
	}
	return time.Since(start), false
}

func TestFirstScreenOnSilentTerminal(t *testing.T) {
	start := time.Now()
	out, _, _, stop := silentTerminal(t, Options{Deps: newFakes().deps(t.TempDir())})
	defer stop()
	if _, ok := waitOutput(out, "Overview", 3*time.Second); !ok {
		t.Fatal("the first screen did not appear on a terminal that never answers")
	}
	// termenv waits up to 5 s for a query's answer; the first screen must
	// come in a small fraction of that.
	if d := time.Since(start); d > time.Second {
		t.Fatalf("first screen after %s: something waited for the terminal", d)
	}
}

func TestCtrlCOnTerminal(t *testing.T) {
	f := newFakes()
	out, ptmx, wait, stop := silentTerminal(t, Options{Deps: f.deps(t.TempDir())})
	defer stop()
	if _, ok := waitOutput(out, "Overview", 3*time.Second); !ok {
		t.Fatal("no first screen")
	}
	if _, err := ptmx.Write([]byte("My Conn\r")); err != nil {
		t.Fatal(err)
	}
	if _, ok := waitOutput(out, "made from the name", 3*time.Second); !ok {
		t.Fatal("typing did not reach the wizard")
	}
	if _, err := ptmx.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	err, ok := wait(5 * time.Second)
	if !ok {
		t.Fatal("ctrl+c did not end the wizard")
	}
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if len(f.profiles.saved) != 0 || f.secrets.len() != 0 || f.exports.len() != 0 {
		t.Fatal("something was written")
	}
}

// BenchmarkStartToFirstScreen measures Run on a silent pseudo-terminal up to
// the first frame (ns/first-frame), terminal setup and teardown excluded.
func BenchmarkStartToFirstScreen(b *testing.B) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		deps := newFakes().deps(b.TempDir())
		b.StartTimer()
		out, _, _, stop := silentTerminal(b, Options{Deps: deps})
		d, ok := waitOutput(out, "Overview", 5*time.Second)
		b.StopTimer()
		if !ok {
			b.Fatal("no first screen")
		}
		total += d
		stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ns/first-frame")
}
