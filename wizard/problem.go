package wizard

import "strings"

// Problem is one thing wrong with a setting: the field, a short lowercase
// message that says what is wrong and what to do, and an optional proposed
// value.
type Problem struct {
	Field Field
	Msg   string
	Fix   string // a corrected value the UI can offer, or ""
}

// Error renders the problem as "field: message".
func (p Problem) Error() string { return string(p.Field) + ": " + p.Msg }

// Text is the problem as screens and the CLI show it: the message, then
// the fix it offers as " (fix: X)" unless the message already names it.
func (p Problem) Text() string { return p.Msg + p.FixText() }

// FixText is the fix part of Text: " (fix: X)", or "" when there is no
// fix or the message already names it. Screens style it on its own.
func (p Problem) FixText() string {
	if p.Fix == "" || strings.Contains(p.Msg, p.Fix) {
		return ""
	}
	return " (fix: " + p.Fix + ")"
}

// Problems is a list of Problem, itself an error when non-empty.
type Problems []Problem

// Error joins the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Field returns the first problem of field, if any.
func (ps Problems) Field(field Field) (Problem, bool) {
	for _, p := range ps {
		if p.Field == field {
			return p, true
		}
	}
	return Problem{}, false
}

// Err returns ps as an error, or nil when it is empty.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}
