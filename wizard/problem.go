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
