package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// The export formats.
var formats = []string{"harness", "terraform"}

// parseFormat reads --format: harness (YAML) or terraform.
func parseFormat(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "harness", "yaml", "harness-yaml":
		return "harness", nil
	case "terraform", "tf", "hcl":
		return "terraform", nil
	}
	return "", fmt.Errorf("%q is not one of %s", s, strings.Join(formats, ", "))
}

// renderExport renders c in format ("harness" or "terraform") with o.
func renderExport(c wizard.Connector, format string, o export.Options) ([]byte, error) {
	ft, err := export.ParseFormat(format)
	if err != nil {
		return nil, usageErrorf("--format: %v", err)
	}
	data, err := export.RenderWith(c, ft, o)
	if err != nil {
		return nil, failuref("cannot export %s: %v", c.ID, err)
	}
	return data, nil
}

// printExportWarnings says on stderr what the export cannot carry: for
// Terraform, what the provider cannot say (export.TerraformWarnings).
func printExportWarnings(ios *IOStreams, c wizard.Connector, format string) {
	if format != "terraform" {
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
