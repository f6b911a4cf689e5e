package wizard

import (
	"fmt"
	"strings"
)

// MaxIDLen is the longest Id bbconnect makes or accepts. Harness accepts 128
// today, but older builds took 64, so 64 is safe everywhere.
const MaxIDLen = 64

// reservedIDs are the words Harness rejects as identifiers (entity identifier
// reference plus the backend validator).
var reservedIDs = map[string]bool{
	"or": true, "and": true, "eq": true, "ne": true, "lt": true, "gt": true, "le": true, "ge": true,
	"div": true, "mod": true, "not": true, "null": true, "true": true, "false": true, "new": true,
	"var": true, "return": true, "step": true, "parallel": true, "stepGroup": true, "org": true,
	"account": true, "status": true, "liteEngineTask": true, "class": true, "shellScriptProvisioner": true,
}

// DeriveID turns a Name into an Id the way the Harness UI does (trim, drop
// every character outside [0-9a-zA-Z_$ ], runs of spaces to "_"), then makes
// it valid: "_" before a leading digit or "$", a "_" suffix on a reserved
// word, "connector" for an empty result, capped at MaxIDLen.
func DeriveID(name string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(name) {
		if r == '_' || r == '$' || r == ' ' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	id := strings.Join(strings.Fields(b.String()), "_")
	if id == "" {
		return ""
	}
	if c := id[0]; c == '$' || (c >= '0' && c <= '9') {
		id = "_" + id
	}
	if reservedIDs[id] {
		id += "_"
	}
	if len(id) > MaxIDLen {
		id = id[:MaxIDLen]
	}
	return id
}

// ExportName is id as the exports spell it where "$" is not allowed: the
// Harness secret ids ("<name>_password", …) and the Terraform resource
// name. Ids hold only letters, digits, "_" and "$", so only "$" changes.
func ExportName(id string) string { return strings.ReplaceAll(id, "$", "_") }

// SameExportName reports whether connectors with ids a and b would export
// to the same secret ids and Terraform resource name ("x$y" and "x_y"),
// ignoring case as saved ids do.
func SameExportName(a, b string) bool { return strings.EqualFold(ExportName(a), ExportName(b)) }

// ValidateID checks an Id given explicitly; it is validated, never rewritten.
func ValidateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("id is empty: type one, or leave it to be made from the name")
	case len(id) > MaxIDLen:
		return fmt.Errorf("id is %d characters long; use at most %d", len(id), MaxIDLen)
	case reservedIDs[id]:
		return fmt.Errorf("%q is a word harness reserves; add a suffix such as %s_bitbucket", id, id)
	case id[0] >= '0' && id[0] <= '9', id[0] == '$':
		return fmt.Errorf("id must not start with a digit or $; try _%s", id)
	case !Word(id, 64, IsIDStart, IsIDByte):
		return fmt.Errorf("id may use only letters, digits, _ and $ (no hyphens or spaces); try %s", suggestID(id))
	}
	return nil
}

func suggestID(id string) string {
	s := DeriveID(strings.NewReplacer("-", "_", ".", "_", "/", "_").Replace(id))
	if s == "" {
		return "my_connector"
	}
	return s
}
