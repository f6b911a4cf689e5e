// Package lock is an advisory lock between bbconnect processes: one file
// per locked thing, held with flock on unix and LockFileEx on Windows, so
// the operating system releases it when its holder exits, however it
// exits (kill -9 included). The file also says who holds it (process id,
// command, since when), for the message of the process that has to wait.
// It is not re-entrant: a process takes a lock once and releases it.
package lock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Owner is who holds a lock.
type Owner struct {
	PID     int       `json:"pid"`
	Command string    `json:"command,omitempty"`
	Since   time.Time `json:"since"`
}

// String says who, as "pid 123, bbconnect rotate, since 10:02:03".
func (o Owner) String() string {
	if o.PID == 0 {
		return "another bbconnect process"
	}
	s := fmt.Sprintf("pid %d", o.PID)
	if o.Command != "" {
		s += ", " + o.Command
	}
	if !o.Since.IsZero() {
		s += ", since " + o.Since.Local().Format(time.TimeOnly)
	}
	return s
}

// ErrBusy is matched (errors.Is) by a *BusyError.
var ErrBusy = errors.New("held by another process")

// BusyError says that another process holds the lock and who.
type BusyError struct {
	// What is what the lock protects ("connector my_conn").
	What   string
	Owner  Owner
	Waited time.Duration
}

// Error names the holder and says what to do.
func (e *BusyError) Error() string {
	msg := fmt.Sprintf("%s is being changed by another bbconnect (%s)", e.What, e.Owner)
	if e.Waited > 0 {
		msg += fmt.Sprintf("; waited %s", e.Waited.Round(100*time.Millisecond))
	}
	return msg + ": let it finish, then try again"
}

// Is makes errors.Is(err, ErrBusy) true.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// Options tune Acquire.
type Options struct {
	// Wait is how long to wait for another holder; 0 tries once.
	Wait time.Duration
	// What is what the lock protects, for messages ("connector my_conn").
	What string
	// Command is what this process is doing, recorded for others
	// ("bbconnect rotate"). It must never hold a secret.
	Command string
	// OnWait, when set, is called once when the lock is found busy and
	// Acquire starts to wait, with the holder.
	OnWait func(Owner)
}

// Lock is a held lock.
type Lock struct {
	f    *os.File
	path string
}

// pollEvery is how often a waiting Acquire tries again.
const pollEvery = 25 * time.Millisecond

// Acquire takes the lock kept in the file at path (made 0600 when
// missing; its folder must exist), waiting up to o.Wait while another
// process holds it. A lock still held then is a *BusyError naming the
// holder; ctx cancels the wait.
func Acquire(ctx context.Context, path string, o Options) (*Lock, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock file %s: %w", path, err)
	}
	start := time.Now()
	waiting := false
	for {
		ok, err := tryLock(f)
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("cannot lock %s: %w", path, err)
		}
		if ok && !samePath(f, path) {
			// The file was removed (RemoveAndRelease) while this one
			// waited on it: lock the file now at path instead.
			_ = f.Close()
			if f, err = openFile(path); err != nil {
				return nil, fmt.Errorf("cannot open the lock file %s: %w", path, err)
			}
			continue
		}
		if ok {
			l := &Lock{f: f, path: path}
			l.record(o.Command)
			return l, nil
		}
		waited := time.Since(start)
		if waited >= o.Wait {
			_ = f.Close()
			return nil, &BusyError{What: what(o, path), Owner: ReadOwner(path), Waited: waited}
		}
		if !waiting && o.OnWait != nil {
			o.OnWait(ReadOwner(path))
		}
		waiting = true
		t := time.NewTimer(min(pollEvery, o.Wait-waited))
		select {
		case <-ctx.Done():
			t.Stop()
			_ = f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func what(o Options, path string) string {
	if o.What != "" {
		return o.What
	}
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// record writes who holds the lock into its file. It is best effort: the
// lock holds without it, others then say "another bbconnect process".
func (l *Lock) record(command string) {
	b, err := json.Marshal(Owner{PID: os.Getpid(), Command: command, Since: time.Now().UTC().Truncate(time.Second)})
	if err != nil {
		return
	}
	if err := l.f.Truncate(0); err != nil {
		return
	}
	_, _ = l.f.WriteAt(append(b, '\n'), 0)
}

// ReadOwner reads who holds (or last held) the lock at path; the zero
// Owner when the file says nothing readable.
func ReadOwner(path string) Owner {
	b, err := os.ReadFile(path) //nolint:gosec // the lock file in bbconnect's own folder
	if err != nil {
		return Owner{}
	}
	var o Owner
	if json.Unmarshal(b, &o) != nil {
		return Owner{}
	}
	return o
}

// samePath reports whether the open file f is still the file at path.
func samePath(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path) //nolint:gosec // the lock file in bbconnect's own folder
	return err == nil && os.SameFile(a, b)
}

// RemoveAndRelease removes the lock file, then releases the lock: for a
// lock of something that no longer exists. A process that was waiting on
// the removed file notices and locks the new one (see Acquire). Where an
// open file cannot be removed (Windows) the file stays.
func (l *Lock) RemoveAndRelease() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = os.Remove(l.path)
	return l.Release()
}

// Release clears the owner record and releases the lock. Releasing twice
// is a no-op.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	if err != nil {
		return fmt.Errorf("cannot release the lock %s: %w", l.path, err)
	}
	return nil
}
