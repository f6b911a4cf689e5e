package profile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// Create saves a new profile. The Id must pass wizard.ValidateID and must
// not be saved already (also not with different letter case, since macOS
// and Windows folders ignore case); otherwise the error matches ErrExists.
// Schema is set, Created and Updated default to now, and the saved profile
// is returned. The file appears atomically and complete, or not at all.
func (s Store) Create(p Profile) (Profile, error) {
	id := p.Connector.ID
	if err := validateNewID(id); err != nil {
		return Profile{}, err
	}
	if err := s.ensureDir(); err != nil {
		return Profile{}, err
	}
	if fileExists(s.removingPath(id)) {
		return Profile{}, fmt.Errorf("%w: %q is still being removed (its keychain items could not all be removed): run bbconnect delete %s first", ErrExists, id, id)
	}
	if other, ok := s.sameIDAnyCase(id); ok {
		return Profile{}, fmt.Errorf("%w: %q is taken by %s: pick another id, or rotate or edit the saved connector", ErrExists, id, other)
	}
	if other, ok := s.SameExportName(id); ok {
		return Profile{}, exportNameErr(id, other)
	}
	now := s.now().UTC()
	p.Schema = Schema
	if p.Created.IsZero() {
		p.Created = now
	}
	p.Updated = now
	data, err := Encode(p)
	if err != nil {
		return Profile{}, err
	}
	err = createExclusive(s.Path(id), data)
	if errors.Is(err, os.ErrExist) {
		return Profile{}, fmt.Errorf("%w: %q is saved already: pick another id, or rotate or edit the saved connector", ErrExists, id)
	}
	if err != nil {
		return Profile{}, err
	}
	return p, nil
}

// Save updates a saved profile: the Id is locked, so id's file must exist
// and be a readable profile of this or an older schema (a corrupt or newer
// file is reported and left alone). Created is kept from the file, Updated
// is set to now, and the file is replaced atomically.
func (s Store) Save(p Profile) (Profile, error) {
	old, err := s.Load(p.Connector.ID)
	if err != nil {
		return Profile{}, err
	}
	if err := s.ensureDir(); err != nil {
		return Profile{}, err
	}
	p.Schema = Schema
	p.Created = old.Created
	p.Updated = s.now().UTC()
	data, err := Encode(p)
	if err != nil {
		return Profile{}, err
	}
	if err := WriteFileAtomic(s.Path(p.Connector.ID), data); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// RecordTest stores the result of a connection test in id's profile,
// under id's writer lock (see Lock), reading the profile afresh so that a
// rotation or edit saved meanwhile is kept.
func (s Store) RecordTest(ctx context.Context, id string, r TestResult) (Profile, error) {
	if r.At.IsZero() {
		r.At = s.now().UTC()
	}
	return s.modify(ctx, id, func(p *Profile) { p.LastTest = &r })
}

// List reads every profile in the folder, sorted by Id. A file that cannot
// be read (corrupt, newer schema, wrong permissions) is reported in the
// second result, one error per file, and the rest are still listed. A
// missing folder is an empty list.
func (s Store) List() ([]Profile, []error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{fmt.Errorf("cannot read the profile folder %s: %w", s.Dir, err)}
	}
	var ps []Profile
	var errs []error
	for _, e := range entries {
		id, ok := profileFileID(e.Name())
		if !ok || e.IsDir() {
			continue
		}
		p, err := s.Load(id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Connector.ID < ps[j].Connector.ID })
	return ps, errs
}

// Delete removes id's profile file, readable or not, and returns its path.
// It does not touch the keychain: Remove does both.
func (s Store) Delete(id string) (string, error) {
	if err := checkFileID(id); err != nil {
		return "", err
	}
	path := s.Path(id)
	err := os.Remove(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", notExist(id)
	}
	if err != nil {
		return "", fmt.Errorf("cannot remove profile %s: %w", path, err)
	}
	syncDir(s.Dir)
	return path, nil
}

// profileFileID returns the Id a file name stands for, if it is a profile
// file ("<id>.json"); temp files, journals and anything else are skipped.
func profileFileID(name string) (string, bool) {
	id, ok := strings.CutSuffix(name, ".json")
	if !ok || checkFileID(id) != nil {
		return "", false
	}
	return id, true
}

// SameExportName returns the id of a saved connector, other than id
// itself, whose exports would use the same Harness secret ids and
// Terraform resource name as id's ("x$y" and "x_y").
func (s Store) SameExportName(id string) (string, bool) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return "", false
	}
	for _, e := range entries {
		if other, ok := profileFileID(e.Name()); ok && !strings.EqualFold(other, id) && wizard.SameExportName(other, id) {
			return other, true
		}
	}
	return "", false
}

// exportNameErr says why id cannot be saved beside other.
func exportNameErr(id, other string) error {
	return fmt.Errorf("%w: %q and the saved connector %q would export to the same harness secret ids (%s_password, …) and terraform name (%s), so one would overwrite the other in harness: pick another id",
		ErrExportName, id, other, wizard.ExportName(id), wizard.ExportName(id))
}

func (s Store) sameIDAnyCase(id string) (string, bool) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return "", false
	}
	for _, e := range entries {
		if other, ok := profileFileID(e.Name()); ok && strings.EqualFold(other, id) {
			return filepath.Join(s.Dir, e.Name()), true
		}
	}
	return "", false
}

// ensureDir makes the folder with mode 0700, and narrows an existing one to
// 0700 (Windows has no such modes; there it only makes the folder). A
// folder that is a symbolic link is not followed to be narrowed: its
// target may be shared, and is not bbconnect's to change. It is used
// when only its owner can write to it, and refused otherwise.
func (s Store) ensureDir() error {
	if s.Dir == "" {
		return errors.New("no profile folder given")
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the profile folder %s: %w", s.Dir, err)
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Lstat(s.Dir)
	if err != nil {
		return fmt.Errorf("cannot read the profile folder %s: %w", s.Dir, err)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return checkLinkedDir(s.Dir)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(s.Dir, 0o700); err != nil { //nolint:gosec // a folder needs x to be used; 0700 is owner-only
			return fmt.Errorf("profile folder %s is mode %o and cannot be made 0700: %w", s.Dir, fi.Mode().Perm(), err)
		}
	}
	return nil
}

// checkLinkedDir accepts a profile folder reached through a symbolic link
// only when no one but its owner can write to it; its mode is left alone.
func checkLinkedDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot read the profile folder %s: %w", dir, err)
	}
	target, _ := filepath.EvalSymlinks(dir)
	switch {
	case !fi.IsDir():
		return fmt.Errorf("profile folder %s is a symbolic link to %s, which is not a folder: remove the link or give another --config-dir", dir, target)
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("profile folder %s is a symbolic link to %s, which others can write to (mode %o); bbconnect does not change a linked folder: make it yours alone (chmod 700 %s) or give another --config-dir", dir, target, fi.Mode().Perm(), target)
	}
	return nil
}
