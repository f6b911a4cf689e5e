package conntest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// Status is how a check ended.
type Status string

// The statuses a check ends with.
const (
	Pass    Status = "pass"
	Warn    Status = "warn"
	Fail    Status = "fail"
	Skipped Status = "skipped"
)

// Icon is the mark of a status on the test screen and in bbconnect test:
// ✓ pass, ! warn, ✗ fail, – skipped, and ? for a status it does not know.
func (s Status) Icon() string {
	switch s {
	case Pass:
		return "✓"
	case Warn:
		return "!"
	case Fail:
		return "✗"
	case Skipped:
		return "–"
	}
	return "?"
}

// Check is one finished check: its name, status, a one-line diagnosis, the
// fix (empty when nothing needs doing) and how long it took.
type Check struct {
	Name       string `json:"name"`
	Status     Status `json:"status"`
	Diagnosis  string `json:"diagnosis"`
	Fix        string `json:"fix"`
	DurationMS int64  `json:"duration_ms"`
	// HostKeyFingerprint is set when an SSH host key is unknown: the
	// SHA256 fingerprint the user may confirm (then re-run with
	// Config.ConfirmedHostKey).
	HostKeyFingerprint string `json:"host_key_fingerprint,omitempty"`
}

// Report is the result of one connection test, in Plan order.
type Report struct {
	Connector string  `json:"connector"`
	OK        bool    `json:"ok"`
	Cancelled bool    `json:"cancelled,omitempty"`
	Checks    []Check `json:"checks"`
}

// Failed returns the checks that failed.
func (r Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status == Fail {
			out = append(out, c)
		}
	}
	return out
}

// Err is nil for a report that is OK, else one line: the first failed
// check and its diagnosis, or that the test did not finish.
func (r Report) Err() error {
	if r.OK {
		return nil
	}
	if f := r.Failed(); len(f) > 0 {
		return errors.New(f[0].Name + ": " + f[0].Diagnosis)
	}
	return errors.New("the connection test did not finish")
}

// Summary is one line about the report, as a profile keeps its last test:
// the first failure, or how many checks passed, warned and were skipped.
func (r Report) Summary() string {
	counts := map[Status]int{}
	for _, ch := range r.Checks {
		if ch.Status == Fail && !r.OK {
			line := ch.Name
			if ch.Diagnosis != "" {
				line += ": " + ch.Diagnosis
			}
			return wizard.OneLine(strings.Join(strings.Fields(line), " "), 160)
		}
		counts[ch.Status]++
	}
	if !r.OK {
		return "the test did not finish"
	}
	parts := []string{fmt.Sprintf("%d passed", counts[Pass])}
	if n := counts[Warn]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d with a warning", n))
	}
	if n := counts[Skipped]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", n))
	}
	return strings.Join(parts, ", ")
}

// Check returns the check called name, if the report has it.
func (r Report) Check(name string) (Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

// Event reports progress: a check started (Done false) or finished (Done
// true, with its result). Events for one check arrive in that order.
type Event struct {
	Name  string
	Done  bool
	Check Check
}

// The check names, as the report and the screens show them.
const (
	CheckReachGit   = "reach git host"
	CheckReachAPI   = "reach api host"
	CheckGit        = "git read access"
	CheckAPI        = "api access"
	CheckScopes     = "scopes"
	CheckVisibility = "visibility"
	CheckAge        = "credential age"
)

// Plan returns the names of the checks Run reports for c, in display
// order. Every name is always present: a check that does not apply ends
// skipped, with the reason.
func Plan(c wizard.Connector) []string {
	_ = c
	return []string{CheckReachGit, CheckReachAPI, CheckGit, CheckAPI, CheckScopes, CheckVisibility, CheckAge}
}

// Secrets are the secret values a test needs: wizard.Secrets, whose
// String and GoString redact them.
type Secrets = wizard.Secrets

// redact returns c with every secret value of s removed from its texts.
func redact(c Check, s Secrets) Check {
	c.Diagnosis, c.Fix = s.Redact(c.Diagnosis), s.Redact(c.Fix)
	return c
}
