package wizard

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of the Overview fields.
const (
	MaxNameLen        = 64
	MaxDescriptionLen = 1024
	MaxTags           = 128
)

// ValidateName checks a connector Name: required, at most 64 characters of
// letters, digits, "-", "_", ".", space and "/".
func ValidateName(name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("name is empty: give the connector a name, e.g. bitbucket-cloud")
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLen {
		return fmt.Errorf("name is %d characters long; use at most %d", n, MaxNameLen)
	}
	for _, r := range name {
		if !nameRune(r) {
			return fmt.Errorf("name cannot contain %q; use letters, digits, spaces and - _ . /", r)
		}
	}
	return nil
}

func nameRune(r rune) bool {
	return r == '-' || r == '_' || r == '.' || r == ' ' || r == '/' ||
		(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// ValidateDescription checks the optional description (at most 1024 characters).
func ValidateDescription(s string) error {
	if n := utf8.RuneCountInString(s); n > MaxDescriptionLen {
		return fmt.Errorf("description is %d characters long; shorten it to %d", n, MaxDescriptionLen)
	}
	return nil
}

// ParseTag reads one tag, "key:value" or "key". The value may contain ":"
// (the tag splits on the first one only).
func ParseTag(s string) (Tag, error) {
	s = strings.TrimSpace(s)
	key, value, _ := strings.Cut(s, ":")
	key = strings.TrimSpace(key)
	if key == "" {
		return Tag{}, fmt.Errorf("tag %q has no key; write key:value or key", s)
	}
	if strings.ContainsAny(key, "<>") || strings.Contains(value, "<+") {
		return Tag{}, fmt.Errorf("tag %q: harness tags cannot hold expressions or runtime inputs", s)
	}
	return Tag{Key: key, Value: strings.TrimSpace(value)}, nil
}

// ParseTags reads tags given one per item or comma-separated within an item.
// A key given twice keeps the last value. Problems name the field "tag".
func ParseTags(items []string) ([]Tag, Problems) {
	var tags []Tag
	var ps Problems
	for _, item := range items {
		for _, part := range splitTagList(item) {
			t, err := ParseTag(part)
			if err != nil {
				ps = append(ps, Problem{Field: FieldTag, Msg: err.Error()})
				continue
			}
			tags = append(tags, t)
		}
	}
	tags = MergeTags(tags)
	if len(tags) > MaxTags {
		ps = append(ps, Problem{Field: FieldTag, Msg: fmt.Sprintf("%d tags given; harness allows at most %d", len(tags), MaxTags)})
	}
	return tags, ps
}

// MergeTags drops tags whose key is blank and keeps one tag per key (keys
// trimmed): a repeated key keeps its first place and its last value.
func MergeTags(tags []Tag) []Tag {
	var out []Tag
	index := map[string]int{}
	for _, t := range tags {
		t.Key = strings.TrimSpace(t.Key)
		if t.Key == "" {
			continue
		}
		if i, ok := index[t.Key]; ok {
			out[i] = t
			continue
		}
		index[t.Key] = len(out)
		out = append(out, t)
	}
	return out
}

func splitTagList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// FormatTags renders tags as the user types them, comma-separated.
func FormatTags(tags []Tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}

func validateOverview(c Connector) Problems {
	var ps Problems
	if err := ValidateName(c.Name); err != nil {
		ps = append(ps, Problem{Field: FieldName, Msg: err.Error()})
	}
	id := c.ID
	if id == "" {
		id = DeriveID(c.Name)
	}
	if err := ValidateID(id); err != nil && c.Name != "" {
		ps = append(ps, Problem{Field: FieldID, Msg: err.Error(), Fix: suggestID(id)})
	}
	if err := ValidateDescription(c.Description); err != nil {
		ps = append(ps, Problem{Field: FieldDescription, Msg: err.Error()})
	}
	if len(c.Tags) > MaxTags {
		ps = append(ps, Problem{Field: FieldTag, Msg: fmt.Sprintf("%d tags given; harness allows at most %d", len(c.Tags), MaxTags)})
	}
	for _, t := range c.Tags {
		if strings.TrimSpace(t.Key) == "" {
			ps = append(ps, Problem{Field: FieldTag, Msg: "a tag has no key; write key:value or key"})
		}
	}
	return ps
}
