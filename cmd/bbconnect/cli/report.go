package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// Secrets are the secret values of one connector: wizard.Secrets, which
// stay in memory and whose String and GoString redact them.
type Secrets = wizard.Secrets

// The statuses a check ends with.
const (
	StatusPass    = "pass"
	StatusWarn    = "warn"
	StatusFail    = "fail"
	StatusSkipped = "skipped"
)

// Check is one finished check of a connection test, as `test --json`
// prints it.
type Check struct {
	Name       string `json:"name"`
	Status     string `json:"status"`
	Diagnosis  string `json:"diagnosis"`
	Fix        string `json:"fix"`
	DurationMS int64  `json:"duration_ms"`
}

// TestReport is the outcome of one connection test, as `test --json`
// prints it: {"connector": ID, "ok": bool, "checks": [...]}.
type TestReport struct {
	Connector string  `json:"connector"`
	OK        bool    `json:"ok"`
	Checks    []Check `json:"checks"`
}

// TestEvent is progress of a running test: a check started (Done false)
// or finished (Done true, with Check filled in).
type TestEvent struct {
	Name  string
	Done  bool
	Check Check
}

// failed reports whether any check failed.
func (r TestReport) failed() bool {
	if !r.OK {
		return true
	}
	for _, c := range r.Checks {
		if c.Status == StatusFail {
			return true
		}
	}
	return false
}

// summary is one line about the report, for the profile's last test.
func (r TestReport) summary() string {
	counts := map[string]int{}
	for _, c := range r.Checks {
		counts[c.Status]++
	}
	var parts []string
	for _, s := range []string{StatusPass, StatusWarn, StatusFail, StatusSkipped} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	verdict := "passed"
	if r.failed() {
		verdict = "failed"
	}
	if len(parts) == 0 {
		return verdict
	}
	return verdict + " (" + strings.Join(parts, ", ") + ")"
}

// redacted returns r with every secret value removed from its texts.
func (r TestReport) redacted(s Secrets) TestReport {
	out := r
	out.Checks = make([]Check, len(r.Checks))
	for i, c := range r.Checks {
		c.Name, c.Diagnosis, c.Fix = s.Redact(c.Name), s.Redact(c.Diagnosis), s.Redact(c.Fix)
		out.Checks[i] = c
	}
	return out
}

// statusIcon is the mark of a status: ✓ pass, ! warn, ✗ fail, – skipped.
func statusIcon(status string) string {
	switch status {
	case StatusPass:
		return "✓"
	case StatusWarn:
		return "!"
	case StatusFail:
		return "✗"
	}
	return "–"
}

// writeReport prints a report for people: one line per check with its
// mark, duration and diagnosis, and the fix under anything not passed.
func writeReport(w io.Writer, r TestReport) {
	verdict := "connection test passed"
	if r.failed() {
		verdict = "connection test failed"
	}
	fmt.Fprintf(w, "%s: %s\n", r.Connector, verdict)
	for _, c := range r.Checks {
		line := fmt.Sprintf("  %s %s", statusIcon(c.Status), c.Name)
		if c.Status != StatusSkipped && c.DurationMS > 0 {
			line += fmt.Sprintf(" (%s)", (time.Duration(c.DurationMS) * time.Millisecond).String())
		}
		if c.Diagnosis != "" {
			line += ": " + c.Diagnosis
		}
		fmt.Fprintln(w, line)
		if c.Fix != "" && c.Status != StatusPass {
			fmt.Fprintf(w, "      fix: %s\n", c.Fix)
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
