package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// renderExport renders c in format with o.
func renderExport(c wizard.Connector, format export.Format, o export.Options) ([]byte, error) {
	data, err := export.RenderWith(c, format, o)
	if err != nil {
		return nil, failuref("cannot export %s: %v", c.ID, err)
	}
	return data, nil
}

// printExportWarnings says on stderr what the export cannot carry: for
// Terraform, what the provider cannot say (export.TerraformWarnings).
func printExportWarnings(ios *IOStreams, c wizard.Connector, format export.Format) {
	if format != export.FormatTerraform {
		return
	}
	for _, w := range export.TerraformWarnings(c) {
		fmt.Fprintf(ios.ErrOut, "! %s\n", w)
	}
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so a reader sees the old file or the new one, never
// half of one. The folder is made (0700) when missing; the file is 0600.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil && !isWindows() {
		return fmt.Errorf("cannot set the mode of %s: %w", name, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	ok = true
	return nil
}

func isWindows() bool { return os.PathSeparator == '\\' }
