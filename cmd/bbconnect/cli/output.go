package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeOutput writes an export where --output says: "-" is standard
// output; an existing file that is not a regular file (a terminal,
// /dev/stdout, /dev/null, a FIFO) is written to directly and never
// replaced; a regular file, or a new one, is written atomically (through
// a symbolic link, to the file it points to). It returns where it wrote.
func writeOutput(path string, data []byte, stdout io.Writer) (string, error) {
	if path == "-" {
		_, err := stdout.Write(data)
		return "standard output", err
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && !fi.Mode().IsRegular():
		if fi.IsDir() {
			return "", fmt.Errorf("%s is a folder: give a file path", path)
		}
		return path, writeDirect(path, data)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("cannot write %s: %w", path, err)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return path, writeFileAtomic(path, data)
}

// writeDirect writes data to an existing file that is not a regular file.
func writeDirect(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
