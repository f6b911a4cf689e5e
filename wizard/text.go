package wizard

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSecretLen is the longest secret bbconnect takes (8 KiB): Bitbucket
// tokens and passphrases are far shorter, and anything longer is a
// mistake (a file piped in) that must be refused before it is stored.
const MaxSecretLen = 8 << 10

// isControl reports whether r is a control character: C0 (including tab
// and line breaks), DEL or C1. Terminals act on these (ESC starts escape
// sequences that can retitle the window or write the clipboard).
func isControl(r rune) bool { return unicode.IsControl(r) }

// ValidateText checks one line of text typed for a setting (what names
// it, e.g. "description"): it must be valid UTF-8 with no control
// character. The message names the character, never repeats the text.
func ValidateText(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid utf-8 text: type it again", what)
	}
	if i := strings.IndexFunc(s, isControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Errorf("%s holds a control character (%U), which terminals act on: remove it", what, r)
	}
	return nil
}

// Printable returns s without control characters other than line breaks
// and tabs, and with invalid UTF-8 replaced: for printing text that came
// from a file or the network (profiles, server messages, arguments), so
// that it cannot drive the terminal.
func Printable(s string) string {
	clean := func(s string) bool {
		if !utf8.ValidString(s) {
			return false
		}
		return strings.IndexFunc(s, func(r rune) bool { return isControl(r) && r != '\n' && r != '\t' }) < 0
	}
	if clean(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if !isControl(r) || r == '\n' || r == '\t' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// OneLine returns a text from a server or the network as one printable
// line of at most n runes (a longer one is cut and ends in "…"), for a
// diagnosis or an error message: Printable's rule, then line breaks and
// tabs as spaces and the ends trimmed.
func OneLine(s string, n int) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		return r
	}, Printable(s)))
	count := 0
	for i := range s {
		if count == max(n, 0) {
			return s[:i] + "…"
		}
		count++
	}
	return s
}

// Printable returns c with Printable applied to every text setting, for
// showing a connector read from a file.
func (c Connector) Printable() Connector {
	for _, p := range c.textFields() {
		*p.value = Printable(*p.value)
	}
	sel := make([]string, len(c.DelegateSelectors))
	for i, s := range c.DelegateSelectors {
		sel[i] = Printable(s)
	}
	c.DelegateSelectors = sel
	tags := make([]Tag, len(c.Tags))
	for i, t := range c.Tags {
		tags[i] = Tag{Key: Printable(t.Key), Value: Printable(t.Value)}
	}
	c.Tags = tags
	return c
}

type textField struct {
	field Field
	value *string
}

// textFields are c's free-text settings (pointers into c); StepOf names
// each one's step.
func (c *Connector) textFields() []textField {
	return []textField{
		{FieldName, &c.Name},
		{FieldID, &c.ID},
		{FieldDescription, &c.Description},
		{FieldURL, &c.URL},
		{FieldTestRepo, &c.TestRepo},
		{FieldUsername, &c.Username},
		{FieldSSHKey, &c.SSHKeyPath},
		{FieldAPIEmail, &c.APIEmail},
		{FieldAPIUsername, &c.APIUsername},
		{FieldCAFile, &c.CAFile},
		{FieldOrg, &c.Org},
		{FieldProject, &c.Project},
	}
}

// textProblems refuses control characters and invalid UTF-8 in the text
// settings of step s, in the CLI and the wizard alike.
func textProblems(c Connector, s Step) Problems {
	var ps Problems
	for _, f := range c.textFields() {
		if StepOf(f.field) != s || f.field == FieldName || f.field == FieldID { // stricter rules of their own
			continue
		}
		if err := ValidateText(strings.ReplaceAll(string(f.field), "-", " "), *f.value); err != nil {
			ps = append(ps, Problem{Field: f.field, Msg: err.Error()})
		}
	}
	switch s {
	case StepOverview:
		for _, t := range c.Tags {
			if err := ValidateText("a tag", t.Key+t.Value); err != nil {
				ps = append(ps, Problem{Field: FieldTag, Msg: err.Error()})
				break
			}
		}
	case StepConnectivity:
		for _, sel := range c.DelegateSelectors {
			if err := ValidateText("a delegate selector", sel); err != nil {
				ps = append(ps, Problem{Field: FieldDelegateSelector, Msg: err.Error()})
				break
			}
		}
	}
	return ps
}
