package profile

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/keychain/lock"
)

// DefaultLockWait is how long a writer waits for another process that
// holds a connector's lock before it gives up and names the holder.
const DefaultLockWait = 2 * time.Second

// LockSuffix ends the name of a connector's lock file.
const LockSuffix = ".lock"

// LockPath is the file of id's writer lock. Its name is lower case: Ids
// are unique regardless of case, so "Acme" and "acme" share one lock.
func (s Store) LockPath(id string) string {
	return filepath.Join(s.Dir, strings.ToLower(id)+LockSuffix)
}

// Lock takes the writer lock of connector id, shared by every bbconnect
// process: only one at a time sets up, edits, rotates, recovers or
// deletes a connector. It waits up to s.LockWait (DefaultLockWait when
// zero; a negative wait tries once) for another holder, then returns an
// error naming it (matching lock.ErrBusy). Call unlock when done; the
// lock also goes when the process dies. It is not re-entrant. Unlocking
// a connector that has nothing saved (deleted, or a failed setup) removes
// its lock file.
func (s Store) Lock(ctx context.Context, id string) (unlock func(), err error) {
	if err := checkFileID(id); err != nil {
		return nil, err
	}
	if err := s.ensureDir(); err != nil {
		return nil, err
	}
	wait := s.LockWait
	switch {
	case wait == 0:
		wait = DefaultLockWait
	case wait < 0:
		wait = 0
	}
	l, err := lock.Acquire(ctx, s.LockPath(id), lock.Options{
		Wait: wait, What: "connector " + id, Command: s.Owner, OnWait: s.OnLockWait,
	})
	if err != nil {
		return nil, err
	}
	return func() {
		if s.Exists(id) || fileExists(s.JournalPath(id)) || fileExists(s.removingPath(id)) {
			_ = l.Release()
			return
		}
		_ = l.RemoveAndRelease() // nothing left to guard: no lock file left behind
	}, nil
}

func isBusy(err error) bool { return errors.Is(err, lock.ErrBusy) }
