package rotate

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/lock"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// The kill -9 tests re-execute this test binary as a helper that runs a
// rotation (or a recovery) and SIGKILLs itself at a named step. The parent
// then checks that the connector has the old or the new token and that
// Recover settles everything. The helper's keychain is shared with the
// parent: a file-backed fake (kill -9 safe, see fileBackend) or, with
// BBCONNECT_REAL_KEYRING=1, the real Secret Service.

const crashEnv = "BBCONNECT_ROTATE_CRASH_HELPER"

type crashConfig struct {
	Dir     string `json:"dir"`     // the fixture's temp dir (profiles in Dir/profiles)
	Keyring string `json:"keyring"` // fileBackend path; "" for the real keychain
	ID      string `json:"id"`
	Migrate bool   `json:"migrate"`
	Remote  bool   `json:"remote"`  // the connector has a copy in a fake Harness (Dir/remote.json)
	Recover bool   `json:"recover"` // run Recover instead of Rotate
	KillAt  string `json:"kill_at"` // step name; "" to record the steps
	// PauseAtKill: at KillAt, wait for a line on stdin before dying, so
	// the parent can start a second process while this one holds the lock.
	PauseAtKill bool `json:"pause_at_kill,omitempty"`
	// HoldInTest: the live test waits for a line on stdin (the rotation
	// holds the lock meanwhile).
	HoldInTest bool `json:"hold_in_test,omitempty"`
	// LockWaitMS is how long to wait for another rotation's lock.
	LockWaitMS int `json:"lock_wait_ms,omitempty"`
}

func TestMain(m *testing.M) {
	if cfg := os.Getenv(crashEnv); cfg != "" {
		os.Exit(crashHelper(cfg))
	}
	os.Exit(m.Run())
}

// crashHelper runs in the child. It prints every step it passes, one per
// line, so the parent can learn the steps and see where it died.
func crashHelper(raw string) int {
	var cfg crashConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	// The new token comes on stdin, never in the environment or argv.
	in := bufio.NewReader(os.Stdin)
	token, err := in.ReadString('\n')
	if err != nil {
		fmt.Fprintln(os.Stderr, "stdin:", err)
		return 2
	}
	token = strings.TrimSuffix(token, "\n")
	hook = func(step string) {
		fmt.Println(step)
		if step == cfg.KillAt {
			if cfg.PauseAtKill {
				_, _ = in.ReadString('\n')
			}
			p, err := os.FindProcess(os.Getpid())
			if err == nil {
				_ = p.Kill() // SIGKILL on unix, TerminateProcess on windows
			}
			select {} // never go past the step
		}
	}
	backend := keychain.System()
	if cfg.Keyring != "" {
		backend = &fileBackend{path: cfg.Keyring}
	}
	c := cloudConnector(cfg.ID)
	if cfg.Migrate {
		c = legacyConnector(cfg.ID)
	}
	f := fixture{
		store: profile.Store{Dir: filepath.Join(cfg.Dir, "profiles"), Now: func() time.Time { return rotated }},
		kc:    keychain.New(keychain.WithBackend(backend)),
		id:    cfg.ID,
		conn:  c,
	}
	if cfg.Remote {
		f.remote = &fileRemote{path: remotePath(cfg.Dir)}
	}
	f.store.LockWait = time.Duration(cfg.LockWaitMS) * time.Millisecond
	f.store.Owner = "bbconnect rotate (test helper)"
	f.store.OnLockWait = func(lock.Owner) { fmt.Println("waiting") }
	r := f.rotator(func(context.Context, wizard.Connector, wizard.Secrets) error {
		if cfg.HoldInTest {
			fmt.Println("testing")
			_, _ = in.ReadString('\n')
		}
		return nil
	})
	var said string
	if cfg.Recover {
		said, err = r.Recover(context.Background(), cfg.ID)
	} else {
		req := f.request(cfg.Migrate)
		req.Secrets[wizard.SlotPassword] = token
		var res Result
		res, err = r.Rotate(context.Background(), req)
		said = res.Recovered
	}
	if said != "" {
		fmt.Println("recovered:", strings.ReplaceAll(said, " ", "_"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// helperCmd is this test binary re-executed as the helper with cfg.
func helperCmd(ctx context.Context, t *testing.T, cfg crashConfig) *exec.Cmd {
	t.Helper()
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	// GORACE: the race runtime otherwise sleeps 1 s before every exit.
	cmd.Env = append(os.Environ(), crashEnv+"="+string(raw), "GORACE=atexit_sleep_ms=0")
	return cmd
}

// runCrashHelper runs the helper and returns the steps it printed and
// whether it was killed.
func runCrashHelper(t *testing.T, cfg crashConfig) ([]string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := helperCmd(ctx, t, cfg)
	cmd.Stdin = strings.NewReader(newToken + "\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	steps := strings.Fields(string(out))
	var ee *exec.ExitError
	switch {
	case err == nil:
		return steps, false
	case errors.As(err, &ee) && !ee.Exited():
		return steps, true // killed by a signal
	}
	t.Fatalf("helper %+v: %v\nstderr: %s", cfg, err, stderr.String())
	return nil, false
}

// crashAtEveryStep records the steps of a full run, then for each step
// starts over, kills the helper there, checks the connector, and recovers.
// When the kill leaves a rotation half-swapped, it also kills a recovery at
// each of its steps before the final recovery.
func crashAtEveryStep(t *testing.T, newBackend func(dir string) (keychain.Backend, string), migrate, remote bool) {
	setup := func(t *testing.T) (fixture, crashConfig) {
		dir := t.TempDir()
		backend, path := newBackend(dir)
		c := cloudConnector(randomID("crash"))
		if migrate {
			c = legacyConnector(c.ID)
		}
		f := newFixture(t, dir, backend, c)
		if remote {
			f = f.withRemote(t, dir)
		}
		t.Cleanup(func() { _, _ = f.kc.DeleteAll(context.Background(), f.id) })
		return f, crashConfig{Dir: dir, Keyring: path, ID: f.id, Migrate: migrate, Remote: remote}
	}
	f, cfg := setup(t)
	steps, killed := runCrashHelper(t, cfg)
	if killed || len(steps) < 8 || steps[len(steps)-1] != "done" {
		t.Fatalf("recording run: steps %v killed %v", steps, killed)
	}
	if !f.assertConsistent(t, true) {
		t.Fatal("recording run did not rotate")
	}
	for _, step := range steps {
		t.Run(step, func(t *testing.T) {
			f, cfg := setup(t)
			cfg.KillAt = step
			got, killed := runCrashHelper(t, cfg)
			if !killed || got[len(got)-1] != step {
				t.Fatalf("helper not killed at %s: steps %v", step, got)
			}
			f.assertConsistent(t, false)
			if remote && exists(f.store.JournalPath(f.id)) && indexOf(steps, step) >= indexOf(steps, "journal-remote") &&
				indexOf(steps, step) < indexOf(steps, "journal-swapping") {
				// Stopped at the Harness step: kill recoveries while they put
				// Harness back, too.
				rcfg := cfg
				rcfg.Recover = true
				for _, rstep := range []string{"remote-reverted", "rolled-back"} {
					rcfg.KillAt = rstep
					if _, killed := runCrashHelper(t, rcfg); killed {
						f.assertConsistent(t, false)
					}
				}
			}
			if exists(f.store.JournalPath(f.id)) && indexOf(steps, step) >= indexOf(steps, "journal-swapping") {
				// Half swapped: kill recoveries too, at each of their steps.
				rcfg := cfg
				rcfg.Recover, rcfg.KillAt = true, ""
				for _, rstep := range []string{"swapped:password", "profile-saved", "dropped", "unstaged"} {
					rcfg.KillAt = rstep
					if _, killed := runCrashHelper(t, rcfg); killed {
						f.assertConsistent(t, false)
					}
				}
			}
			pending := exists(f.store.JournalPath(f.id))
			said, err := f.rotator(nil).Recover(context.Background(), f.id)
			if err != nil {
				t.Fatalf("Recover: %v", err)
			}
			isNew := f.assertConsistent(t, true)
			wantNew := indexOf(steps, step) >= indexOf(steps, "journal-swapping")
			if isNew != wantNew {
				t.Fatalf("killed at %s: new token in place = %v, want %v (%s)", step, isNew, wantNew, said)
			}
			if pending == (said == "") {
				t.Fatalf("killed at %s: journal pending %v but Recover said %q", step, pending, said)
			}
		})
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func randomID(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1e9)
}

func fileKeyring(dir string) (keychain.Backend, string) {
	path := filepath.Join(dir, "keyring.json")
	return &fileBackend{path: path}, path
}

func TestKillAtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per step")
	}
	t.Run("rotation", func(t *testing.T) { crashAtEveryStep(t, fileKeyring, false, false) })
	t.Run("migration", func(t *testing.T) { crashAtEveryStep(t, fileKeyring, true, false) })
	// A connector pushed to Harness: the Harness step is journaled too.
	t.Run("harness", func(t *testing.T) { crashAtEveryStep(t, fileKeyring, false, true) })
	t.Run("harness-migration", func(t *testing.T) { crashAtEveryStep(t, fileKeyring, true, true) })
}
