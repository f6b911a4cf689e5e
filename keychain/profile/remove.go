package profile

import (
	"context"
	"errors"
	"fmt"
	"os"
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

// Remove deletes a connector: its keychain items first, then its rotation
// journal, then its profile. If the keychain fails the profile is kept, so
// the user can fix the keychain and run delete again without leaving
// orphaned secrets behind; the error says so. An Id with no profile still
// has its keychain items removed (and the error matches ErrNotExist only
// when there was nothing at all).
func (s Store) Remove(ctx context.Context, id string, secrets SecretRemover) (Removed, error) {
	r := Removed{ID: id}
	if err := checkFileID(id); err != nil {
		return r, err
	}
	items, err := secrets.DeleteAll(ctx, id)
	r.Items = items
	if err != nil {
		return r, fmt.Errorf("the profile of %s was kept because its keychain items could not all be removed: %w", id, err)
	}
	jp := s.JournalPath(id)
	switch err := os.Remove(jp); {
	case err == nil:
		r.Journal = jp
	case !errors.Is(err, os.ErrNotExist):
		return r, fmt.Errorf("cannot remove the rotation record %s: %w", jp, err)
	}
	path, err := s.Delete(id)
	switch {
	case err == nil:
		r.Profile = path
	case errors.Is(err, ErrNotExist) && (len(r.Items) > 0 || r.Journal != ""):
	default:
		return r, err
	}
	return r, nil
}
