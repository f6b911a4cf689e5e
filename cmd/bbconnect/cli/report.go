package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// Secrets are the secret values of one connector: wizard.Secrets, which
// stay in memory and whose String and GoString redact them.
type Secrets = wizard.Secrets

// writeReport prints a report for people: one line per check with its
// mark, duration and diagnosis, and the fix under anything not passed.
func writeReport(w io.Writer, r conntest.Report) {
	verdict := "connection test passed"
	if !r.OK {
		verdict = "connection test failed"
	}
	fmt.Fprintf(w, "%s: %s\n", r.Connector, verdict)
	for _, c := range r.Checks {
		line := fmt.Sprintf("  %s %s", c.Status.Icon(), c.Name)
		if c.Status != conntest.Skipped && c.DurationMS > 0 {
			line += fmt.Sprintf(" (%s)", (time.Duration(c.DurationMS) * time.Millisecond).String())
		}
		if c.Diagnosis != "" {
			line += ": " + c.Diagnosis
		}
		// Diagnoses quote servers: never let them drive the terminal.
		fmt.Fprintln(w, wizard.Printable(line))
		if c.Fix != "" && c.Status != conntest.Pass {
			fmt.Fprintf(w, "      fix: %s\n", wizard.Printable(c.Fix))
		}
	}
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
