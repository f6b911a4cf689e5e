package profile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/bbconnect/bbconnect/wizard"
)

func validateNewID(id string) error {
	if err := wizard.ValidateID(id); err != nil {
		return err
	}
	return checkFileID(id)
}

// WriteFileAtomic replaces path with data so that a reader, or the next run
// after a crash, sees the old file or the new one, never a mix: the data
// goes to a 0600 temp file in the same folder, is fsynced, renamed over
// path, and the folder is fsynced. Profiles and the rotation journal are
// written with it.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("cannot replace %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// createExclusive writes path atomically only if it does not exist; it
// returns an error matching os.ErrExist otherwise. A hard link from the
// complete temp file is atomic and fails on an existing name; where links
// are not supported it falls back to a check and a rename.
func createExclusive(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp) }()
	err = os.Link(tmp, path)
	switch {
	case err == nil:
	case errors.Is(err, os.ErrExist):
		return os.ErrExist
	default:
		if _, serr := os.Lstat(path); serr == nil {
			return os.ErrExist
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("cannot create %s: %w", path, err)
		}
	}
	syncDir(filepath.Dir(path))
	return nil
}

func writeTemp(path string, data []byte) (string, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return "", fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	tmp := f.Name()
	fail := func(err error) (string, error) {
		_ = f.Close()
		_ = os.Remove(tmp)
		return "", fmt.Errorf("cannot write %s: %w", path, err)
	}
	if runtime.GOOS != "windows" {
		if err := f.Chmod(0o600); err != nil {
			return fail(err)
		}
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("cannot write %s: %w", path, err)
	}
	return tmp, nil
}

// syncDir makes a rename or removal in dir durable. It is best effort:
// some systems (Windows) cannot open a folder for syncing.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
