package rotate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/bbconnect/bbconnect/keychain/profile"
)

// Recover finishes or rolls back a rotation of id that an earlier run left
// unfinished, and returns a sentence saying which ("" when there was
// nothing to do). A rotation interrupted before its new token passed the
// test is rolled back (the old token stays); one interrupted after it is
// finished (the new token goes in). If the keychain fails, the journal
// stays and the next run tries again.
func (r *Rotator) Recover(ctx context.Context, id string) (string, error) {
	j, ok, err := r.readJournal(id)
	if err != nil || !ok {
		return "", err
	}
	keep := context.WithoutCancel(ctx)
	switch j.State {
	case stateStaging:
		if err := r.rollback(keep, j); err != nil {
			return "", fmt.Errorf("an interrupted rotation of %s could not be rolled back yet: %w; its old token is still in use", id, err)
		}
		return fmt.Sprintf("an interrupted rotation of %s was rolled back: its new token had not been tested, so the old token is still in use; run bbconnect rotate %s again", id, id), nil
	default: // stateSwapping
		if _, err := r.finish(keep, j, nil); err != nil {
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
