package rotate

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// The race tests run several rotation processes (this test binary
// re-executed as crashHelper) against one connector, and check that the
// writer lock lets exactly one change it at a time.

// proc is a running helper: its stdin, the lines it printed so far, and
// its end.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr strings.Builder
	done   chan struct{}
	err    error
	mu     sync.Mutex
	seen   []string
}

// startHelper starts the helper with cfg and token as its first stdin line.
func startHelper(t *testing.T, cfg crashConfig, token string) *proc {
	t.Helper()
	p := &proc{lines: make(chan string, 100), done: make(chan struct{})}
	p.cmd = helperCmd(context.Background(), t, cfg)
	p.cmd.Stderr = &p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(p.stdin, token+"\n"); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.seen = append(p.seen, sc.Text())
			p.mu.Unlock()
			p.lines <- sc.Text()
		}
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// waitLine waits for the helper to print want.
func (p *proc) waitLine(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l := <-p.lines:
			if l == want {
				return
			}
		case <-p.done:
			// drain what is left
			for {
				select {
				case l := <-p.lines:
					if l == want {
						return
					}
				default:
					t.Fatalf("helper ended (%v) before %q; printed %v; stderr: %s", p.err, want, p.printed(), p.stderr.String())
				}
			}
		case <-timeout:
			t.Fatalf("helper never printed %q; printed %v", want, p.printed())
		}
	}
}

func (p *proc) printed() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// wait waits for the helper to end and returns its exit code (-1 when killed).
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("helper did not end; printed %v", p.printed())
	}
	var ee *exec.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &ee) && ee.Exited():
		return ee.ExitCode()
	case errors.As(p.err, &ee):
		return -1
	}
	t.Fatalf("helper: %v", p.err)
	return 0
}

func (p *proc) say(t *testing.T) {
	t.Helper()
	if _, err := io.WriteString(p.stdin, "go\n"); err != nil {
		t.Fatalf("cannot write to the helper: %v", err)
	}
}

func (p *proc) recovered() string {
	for _, l := range p.printed() {
		if s, ok := strings.CutPrefix(l, "recovered: "); ok {
			return strings.ReplaceAll(s, "_", " ")
		}
	}
	return ""
}

// raceFixture is a saved connector with its old token in a keychain the
// helpers share.
func raceFixture(t *testing.T, newBackend func(dir string) (keychain.Backend, string)) (fixture, crashConfig) {
	t.Helper()
	dir := t.TempDir()
	backend, path := newBackend(dir)
	f := newFixture(t, dir, backend, cloudConnector(randomID("race")))
	t.Cleanup(func() { _, _ = f.kc.DeleteAll(context.Background(), f.id) })
	return f, crashConfig{Dir: dir, Keyring: path, ID: f.id}
}

// assertSettled checks that nothing is pending and the main item holds want.
func (f fixture) assertSettled(t *testing.T, want string) {
	t.Helper()
	ctx := context.Background()
	if got, err := f.kc.Get(ctx, f.id, wizard.SlotPassword); err != nil || got != want {
		t.Fatalf("main item = %q, %v; want %q", got, err, want)
	}
	if exists(f.store.JournalPath(f.id)) {
		t.Fatal("journal left")
	}
	if v, err := f.kc.Get(ctx, f.id, keychain.StagingSlot(wizard.SlotPassword)); !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("staging item left: %q %v", v, err)
	}
}

// concurrentRotations starts n rotations of one connector at once, each
// with its own token. The first to take the lock holds it (its live test
// waits) until every other has given up: exactly one wins, the others
// exit 1 naming the winner, and the winner's token is the one stored.
func concurrentRotations(t *testing.T, newBackend func(string) (keychain.Backend, string), n int) {
	f, cfg := raceFixture(t, newBackend)
	cfg.HoldInTest, cfg.LockWaitMS = true, 300
	ps := make([]*proc, n)
	for i := range ps {
		ps[i] = startHelper(t, cfg, fmt.Sprintf("ATATT3xCONCURRENT-%d", i))
	}
	exited := make(chan int, n)
	for i, p := range ps {
		go func() {
			<-p.done
			exited <- i
		}()
	}
	var losers []int
	for range n - 1 {
		select {
		case i := <-exited:
			losers = append(losers, i)
		case <-time.After(60 * time.Second):
			t.Fatalf("only %d of %d rotations ended", len(losers), n-1)
		}
	}
	winner := -1
	for i := range ps {
		if !contains(losers, i) {
			winner = i
		}
	}
	for _, i := range losers {
		p := ps[i]
		if code := p.wait(t); code != 1 {
			t.Fatalf("loser %d exited %d; printed %v; stderr %s", i, code, p.printed(), p.stderr.String())
		}
		want := fmt.Sprintf("connector %s is being changed by another bbconnect (pid %d, bbconnect rotate (test helper)", f.id, ps[winner].cmd.Process.Pid)
		if !strings.Contains(p.stderr.String(), want) {
			t.Fatalf("loser %d said %q; want it to name the winner: %q", i, p.stderr.String(), want)
		}
		if contains(p.printed(), "journal-staging") {
			t.Fatalf("loser %d wrote a journal", i)
		}
	}
	if !exists(f.store.JournalPath(f.id)) {
		t.Fatal("the winner's journal is gone while it still runs")
	}
	ps[winner].waitLine(t, "testing")
	ps[winner].say(t)
	if code := ps[winner].wait(t); code != 0 {
		t.Fatalf("winner exited %d: %s", code, ps[winner].stderr.String())
	}
	f.assertSettled(t, fmt.Sprintf("ATATT3xCONCURRENT-%d", winner))
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// killWhileSecondWaits kills a rotation at each of its steps while a
// second rotation of the same connector waits for the lock: the second
// then recovers the first (rolled back before the test passed, finished
// after) and puts its own token in place.
func killWhileSecondWaits(t *testing.T, newBackend func(string) (keychain.Backend, string)) {
	f, cfg := raceFixture(t, newBackend)
	steps, killed := runCrashHelper(t, cfg)
	if killed || steps[len(steps)-1] != "done" {
		t.Fatalf("recording run: %v", steps)
	}
	f.assertSettled(t, newToken)
	const second = "ATATT3xSECOND-token"
	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			f, cfg := raceFixture(t, newBackend)
			cfg.KillAt, cfg.PauseAtKill = step, true
			a := startHelper(t, cfg, newToken)
			a.waitLine(t, step)
			bcfg := cfg
			bcfg.KillAt, bcfg.PauseAtKill, bcfg.LockWaitMS = "", false, 30000
			b := startHelper(t, bcfg, second)
			b.waitLine(t, "waiting")
			a.say(t)
			if code := a.wait(t); code != -1 {
				t.Fatalf("first rotation not killed at %s (exit %d)", step, code)
			}
			if code := b.wait(t); code != 0 {
				t.Fatalf("second rotation after a kill at %s: exit %d: %s", step, code, b.stderr.String())
			}
			f.assertSettled(t, second)
			said := b.recovered()
			pos := indexOf(steps, step)
			switch {
			case pos < indexOf(steps, "journal-staging") || step == "done":
				if said != "" {
					t.Fatalf("killed at %s: nothing to recover, but: %s", step, said)
				}
			case pos < indexOf(steps, "journal-swapping"):
				if !strings.Contains(said, "rolled back") {
					t.Fatalf("killed at %s: want a rollback, got %q", step, said)
				}
			default:
				if !strings.Contains(said, "was finished") {
					t.Fatalf("killed at %s: want it finished, got %q", step, said)
				}
			}
			p, err := f.store.Load(f.id)
			if err != nil || !p.Tokens[wizard.SlotPassword].LastRotated.Equal(rotated) {
				t.Fatalf("profile after both: %+v %v", p.Tokens, err)
			}
		})
	}
}

// liveOwnerLeftAlone pauses a rotation after its test passed (journal
// "swapping") and before (journal "staging", in the test): recovery from
// another process must not act on it, and a delete must wait for it.
func liveOwnerLeftAlone(t *testing.T, newBackend func(string) (keychain.Backend, string)) {
	for _, pause := range []string{"testing", "journal-swapping"} {
		t.Run(pause, func(t *testing.T) {
			f, cfg := raceFixture(t, newBackend)
			if pause == "testing" {
				cfg.HoldInTest = true
			} else {
				cfg.KillAt, cfg.PauseAtKill = pause, true
			}
			a := startHelper(t, cfg, newToken)
			a.waitLine(t, pause)
			ctx := context.Background()
			r := f.rotator(nil)
			said, errs := r.RecoverAll(ctx)
			if len(said) > 0 || len(errs) > 0 || !exists(f.store.JournalPath(f.id)) {
				t.Fatalf("recovery acted on a live rotation: %v %v", said, errs)
			}
			if v, err := f.kc.Get(ctx, f.id, keychain.StagingSlot(wizard.SlotPassword)); err != nil || v != newToken {
				t.Fatalf("staged token touched: %q %v", v, err)
			}
			quick := f.store
			quick.LockWait = 200 * time.Millisecond
			if _, err := quick.Remove(ctx, f.id, f.kc); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", a.cmd.Process.Pid)) {
				t.Fatalf("delete during a rotation: %v", err)
			}
			if !f.store.Exists(f.id) {
				t.Fatal("delete removed the profile of a connector being rotated")
			}
			a.say(t)
			code := a.wait(t)
			if pause == "testing" && code != 0 || pause != "testing" && code != -1 {
				t.Fatalf("rotation ended %d", code)
			}
			if _, err := r.Recover(ctx, f.id); err != nil {
				t.Fatal(err)
			}
			f.assertSettled(t, newToken)
			// Now the delete goes through and leaves nothing behind.
			if _, err := f.store.Remove(ctx, f.id, f.kc); err != nil {
				t.Fatal(err)
			}
			for _, s := range keychain.Slots {
				if _, err := f.kc.Get(ctx, f.id, s); !errors.Is(err, keychain.ErrNotFound) {
					t.Fatalf("item %s left after delete: %v", s, err)
				}
			}
		})
	}
}

// A journal left by a connector that was deleted (by an older bbconnect,
// which kept the journal), or deleted and saved anew, is dropped, never
// applied: before, recovery re-created the deleted item and "finished"
// the old rotation over the new profile.
func TestStaleJournalNotApplied(t *testing.T) {
	for _, resaved := range []bool{false, true} {
		t.Run(fmt.Sprint("resaved=", resaved), func(t *testing.T) {
			f, cfg := raceFixture(t, fileKeyring)
			cfg.KillAt = "journal-swapping"
			if _, killed := runCrashHelper(t, cfg); !killed {
				t.Fatal("not killed")
			}
			ctx := context.Background()
			if _, err := f.store.Delete(f.id); err != nil {
				t.Fatal(err)
			}
			if err := f.kc.Delete(ctx, f.id, wizard.SlotPassword); err != nil {
				t.Fatal(err)
			}
			if resaved {
				later := f.store
				later.Now = func() time.Time { return rotated.Add(time.Hour) }
				c := cloudConnector(f.id)
				c.Description = "the new one"
				if _, err := later.Create(profile.Profile{Connector: c}); err != nil {
					t.Fatal(err)
				}
				if err := f.kc.Set(ctx, f.id, wizard.SlotPassword, "ATATT3xRESAVED"); err != nil {
					t.Fatal(err)
				}
			}
			said, err := f.rotator(nil).Recover(ctx, f.id)
			if err != nil || !strings.Contains(said, "was dropped") {
				t.Fatalf("Recover = %q, %v", said, err)
			}
			want := ""
			if resaved {
				want = "ATATT3xRESAVED"
				p, err := f.store.Load(f.id)
				if err != nil || p.Connector.Description != "the new one" || p.LastTest != nil {
					t.Fatalf("the new profile was changed: %+v %v", p, err)
				}
			}
			got, err := f.kc.Get(ctx, f.id, wizard.SlotPassword)
			if want == "" && !errors.Is(err, keychain.ErrNotFound) || want != "" && got != want {
				t.Fatalf("main item = %q, %v; want %q", got, err, want)
			}
			if exists(f.store.JournalPath(f.id)) {
				t.Fatal("journal left")
			}
		})
	}
}

func TestConcurrentRotations(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	concurrentRotations(t, fileKeyring, 5)
}

func TestKillWhileSecondWaits(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	killWhileSecondWaits(t, fileKeyring)
}

func TestLiveOwnerLeftAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	liveOwnerLeftAlone(t, fileKeyring)
}
