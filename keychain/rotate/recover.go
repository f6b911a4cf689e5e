package rotate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/bbconnect/bbconnect/keychain/lock"
	"github.com/bbconnect/bbconnect/keychain/profile"
)

// Recover finishes or rolls back a rotation of id that an earlier run left
// unfinished, and returns a sentence saying which ("" when there was
// nothing to do). A rotation interrupted before its new token passed the
// test is rolled back (the old token stays); one interrupted after it is
// finished (the new token goes in). If the keychain fails, the journal
// stays and the next run tries again.
//
// Recover never acts on a rotation whose owner is alive: it tries the
// connector's writer lock once, and when another process holds it (that
// rotation is still running) it does nothing and returns "". A journal
// whose connector no longer exists, or was deleted and saved anew, is not
// applied: its staging items and the journal are removed.
func (r *Rotator) Recover(ctx context.Context, id string) (string, error) {
	if _, ok, err := r.readJournal(id); err != nil || !ok {
		return "", err
	}
	quick := r.Store
	quick.LockWait = -1
	unlock, err := quick.Lock(ctx, id)
	if errors.Is(err, lock.ErrBusy) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer unlock()
	return r.recoverLocked(ctx, id)
}

// recoverLocked is Recover for a caller that holds id's writer lock.
func (r *Rotator) recoverLocked(ctx context.Context, id string) (string, error) {
	j, ok, err := r.readJournal(id)
	if err != nil || !ok {
		return "", err
	}
	keep := context.WithoutCancel(ctx)
	p, err := r.Store.Load(id)
	switch {
	case errors.Is(err, profile.ErrNotExist):
		if err := r.rollback(keep, j); err != nil {
			return "", fmt.Errorf("the unfinished rotation of %s, a connector that no longer exists, could not be cleaned up yet: %w", id, err)
		}
		return fmt.Sprintf("an unfinished rotation of %s was dropped: the connector no longer exists", id), nil
	case err != nil:
		return "", fmt.Errorf("an interrupted rotation of %s was left as it is: %w", id, err)
	case !j.Profile.IsZero() && !j.Profile.Equal(p.Created):
		if err := r.rollback(keep, j); err != nil {
			return "", fmt.Errorf("the unfinished rotation of an earlier connector %s could not be cleaned up yet: %w", id, err)
		}
		return fmt.Sprintf("an unfinished rotation of an earlier connector %s (deleted since) was dropped; the saved %s was not changed", id, id), nil
	}
	switch j.State {
	case stateRemote:
		if err := r.revertRemote(keep, j); err != nil {
			return "", fmt.Errorf("an interrupted rotation of %s is not finished: harness may hold the new token (%w); %s keeps its old token here, and bbconnect rotate %s (or any bbconnect command that can reach harness) puts harness back",
				id, err, id, id)
		}
		if err := r.rollback(keep, j); err != nil {
			return "", fmt.Errorf("an interrupted rotation of %s was put back in harness, but its staged copy could not be cleaned up yet: %w; its old token is still in use", id, err)
		}
		return fmt.Sprintf("an interrupted rotation of %s was rolled back in harness and here: the old token is in use on both sides; run bbconnect rotate %s again", id, id), nil
	case stateStaging:
		if err := r.rollback(keep, j); err != nil {
			return "", fmt.Errorf("an interrupted rotation of %s could not be rolled back yet: %w; its old token is still in use", id, err)
		}
		return fmt.Sprintf("an interrupted rotation of %s was rolled back: its new token had not been tested, so the old token is still in use; run bbconnect rotate %s again", id, id), nil
	default: // stateSwapping
		if err := r.finish(keep, j, nil); err != nil {
			return "", fmt.Errorf("an interrupted rotation of %s could not be finished yet: %w; bbconnect tries again on its next run", id, err)
		}
		if j.Tested {
			return fmt.Sprintf("an interrupted rotation of %s was finished: its new token had passed the connection test and is now in use", id), nil
		}
		return fmt.Sprintf("an interrupted rotation of %s was finished: its new token is now in use (it was not tested: run bbconnect test %s)", id, id), nil
	}
}

// Pending lists the Ids with an unfinished rotation, sorted.
func (r *Rotator) Pending() ([]string, error) {
	entries, err := os.ReadDir(r.Store.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the profile folder %s: %w", r.Store.Dir, err)
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), profile.JournalSuffix); ok && id != "" && !e.IsDir() && !strings.HasPrefix(id, ".") {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// RecoverAll runs Recover for every pending rotation. Call it when
// bbconnect starts, before anything reads a connector's secrets, and show
// the sentences. Errors are per connector; the others are still recovered.
func (r *Rotator) RecoverAll(ctx context.Context) ([]string, []error) {
	ids, err := r.Pending()
	if err != nil {
		return nil, []error{err}
	}
	var said []string
	var errs []error
	for _, id := range ids {
		s, err := r.Recover(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if s != "" {
			said = append(said, s)
		}
	}
	return said, errs
}
