package profile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SecretRemover deletes every keychain item of a connector and says which;
// *keychain.Keychain satisfies it.
type SecretRemover interface {
	DeleteAll(ctx context.Context, id string) ([]string, error)
}

// Removed is what Remove took away.
type Removed struct {
	ID      string   `json:"id"`
	Items   []string `json:"keychain_items"` // keychain user names, e.g. "my_conn/password"
	Profile string   `json:"profile,omitempty"`
	Journal string   `json:"journal,omitempty"`
}

// Lines says what was removed, one thing per line, for `bbconnect delete`.
func (r Removed) Lines() []string {
	var out []string
	for _, it := range r.Items {
		out = append(out, "removed keychain item "+it+" (service bbconnect)")
	}
	if r.Journal != "" {
		out = append(out, "removed unfinished rotation record "+r.Journal)
	}
	if r.Profile != "" {
		out = append(out, "removed profile "+r.Profile)
	}
	if len(out) == 0 {
		out = append(out, "nothing to remove for "+r.ID)
	}
	return out
}

// RemovingSuffix ends the name of a profile being removed: Remove renames
// the profile to "<id>.removing.json" before it deletes the keychain
// items, and removes that file last. One left behind (the keychain failed
// half-way, the process was killed) is finished by FinishRemovals.
const RemovingSuffix = ".removing.json"

func (s Store) removingPath(id string) string { return filepath.Join(s.Dir, id+RemovingSuffix) }

// Remove deletes a connector under its writer lock (see Lock): first its
// profile (renamed aside, so it is gone from every list at once), then its
// rotation journal, then its keychain items, then the renamed profile.
// When the profile cannot be removed (a read-only folder), nothing is.
// When no keychain item could be removed the profile is put back and the
// error says it was kept; when some were, the rest are removed by
// FinishRemovals on the next run. An Id with no profile still has its
// keychain items removed (the error matches ErrNotExist only when there
// was nothing at all).
func (s Store) Remove(ctx context.Context, id string, secrets SecretRemover) (Removed, error) {
	r := Removed{ID: id}
	if err := checkFileID(id); err != nil {
		return r, err
	}
	unlock, err := s.Lock(ctx, id)
	if err != nil {
		return r, err
	}
	defer unlock()
	aside := s.removingPath(id)
	hadProfile := false
	switch err := os.Rename(s.Path(id), aside); {
	case err == nil:
		hadProfile = true
		syncDir(s.Dir)
	case errors.Is(err, os.ErrNotExist):
		hadProfile = fileExists(aside) // a removal left unfinished
	default:
		return r, fmt.Errorf("cannot remove profile %s (nothing was removed): %w", s.Path(id), err)
	}
	jp := s.JournalPath(id)
	switch err := os.Remove(jp); {
	case err == nil:
		r.Journal = jp
	case !errors.Is(err, os.ErrNotExist):
		s.putBack(id, hadProfile)
		return r, fmt.Errorf("cannot remove the rotation record %s (nothing was removed): %w", jp, err)
	}
	items, err := secrets.DeleteAll(ctx, id)
	r.Items = items
	if err != nil {
		if len(items) == 0 && r.Journal == "" && s.putBack(id, hadProfile) {
			return r, fmt.Errorf("the profile of %s was kept because its keychain items could not be removed: %w", id, err)
		}
		if hadProfile {
			r.Profile = s.Path(id)
		}
		return r, fmt.Errorf("the profile of %s was removed, but not all of its keychain items: %w; bbconnect removes the rest on its next run with a working keychain (or run bbconnect delete %s again)", id, err, id)
	}
	if hadProfile {
		if err := os.Remove(aside); err != nil && !errors.Is(err, os.ErrNotExist) {
			return r, fmt.Errorf("cannot remove %s: %w", aside, err)
		}
		syncDir(s.Dir)
		r.Profile = s.Path(id)
	}
	if !hadProfile && len(r.Items) == 0 && r.Journal == "" {
		return r, notExist(id)
	}
	return r, nil
}

// putBack renames a profile set aside by Remove back into place, and says
// whether it did.
func (s Store) putBack(id string, had bool) bool {
	if !had || os.Rename(s.removingPath(id), s.Path(id)) != nil {
		return false
	}
	syncDir(s.Dir)
	return true
}

// PendingRemovals lists the Ids whose removal was left unfinished, sorted.
func (s Store) PendingRemovals() ([]string, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the profile folder %s: %w", s.Dir, err)
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), RemovingSuffix); ok && checkFileID(id) == nil && !e.IsDir() {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// FinishRemovals finishes the removals an earlier run left unfinished
// (see Remove) and says what it did, one sentence each. A connector whose
// writer lock is held by a live process is left to it.
func (s Store) FinishRemovals(ctx context.Context, secrets SecretRemover) ([]string, []error) {
	ids, err := s.PendingRemovals()
	if err != nil {
		return nil, []error{err}
	}
	var said []string
	var errs []error
	for _, id := range ids {
		quick := s
		quick.LockWait = -1 // try once: a live owner finishes its own work
		r, err := quick.Remove(ctx, id, secrets)
		switch {
		case isBusy(err):
		case err != nil:
			errs = append(errs, fmt.Errorf("the removal of %s could not be finished yet: %w", id, err))
		default:
			said = append(said, fmt.Sprintf("finished removing connector %s (%d keychain items)", id, len(r.Items)))
		}
	}
	return said, errs
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
