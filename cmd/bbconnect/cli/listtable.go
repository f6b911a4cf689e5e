package cli

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// listColumn is one column of `bbconnect list`.
type listColumn struct {
	head string
	cell func(profile.Row) string
}

var (
	colID      = listColumn{"ID", func(r profile.Row) string { return r.ID }}
	colEdition = listColumn{"EDITION", func(r profile.Row) string { return string(r.Edition) }}
	colShortEd = listColumn{"EDITION", func(r profile.Row) string {
		if r.Edition == wizard.DataCenter {
			return "dc"
		}
		return "cloud"
	}}
	colURL     = listColumn{"URL", func(r profile.Row) string { return r.URL }}
	colAuth    = listColumn{"AUTH", func(r profile.Row) string { return strings.Join(r.Auth, ", ") }}
	colExpires = listColumn{"TOKEN EXPIRES", func(r profile.Row) string {
		if r.ExpiryWarning || r.Expired {
			return "! " + r.ExpiryText
		}
		return r.ExpiryText
	}}
	colApp = listColumn{"APP PASSWORD", func(r profile.Row) string {
		if r.AppPassword {
			return "! yes: migrate"
		}
		return "no"
	}}
	colLastTest = listColumn{"LAST TEST", lastTestCell}
)

// listLayouts are the tables tried on a terminal, widest first; the full
// one is what scripts and --wide get.
var listLayouts = [][]listColumn{
	{colID, colEdition, colURL, colAuth, colExpires, colApp, colLastTest},
	{colID, colShortEd, colURL, colAuth, colExpires, colLastTest},
	{colID, colShortEd, colAuth, colExpires, colLastTest},
	{colID, colAuth, colExpires},
}

// listLayout picks the widest layout that fits width columns (0: the full
// one, for output that is not a terminal).
func listLayout(rows []profile.Row, width int) (cols []listColumn, dropped bool) {
	if width <= 0 {
		return listLayouts[0], false
	}
	for i, cols := range listLayouts {
		if tableWidth(cols, rows) <= width {
			return cols, i > 0
		}
	}
	return listLayouts[len(listLayouts)-1], true
}

// tableWidth is the width of the table tabwriter prints (two spaces between columns).
func tableWidth(cols []listColumn, rows []profile.Row) int {
	total := 0
	for i, c := range cols {
		w := utf8.RuneCountInString(c.head)
		for _, r := range rows {
			w = max(w, utf8.RuneCountInString(c.cell(r)))
		}
		total += w
		if i > 0 {
			total += 2
		}
	}
	return total
}

// lastTestCell is the last test without its summary, to keep rows short.
func lastTestCell(r profile.Row) string {
	if r.LastTest == nil {
		return "never"
	}
	if r.LastTest.OK {
		return "passed " + r.LastTest.At.Format(time.DateOnly)
	}
	return "failed " + r.LastTest.At.Format(time.DateOnly)
}

// row is one table line of cells, tab-separated.
func row(cols []listColumn, r profile.Row) string {
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = c.cell(r)
	}
	return strings.Join(cells, "\t") + "\n"
}

func header(cols []listColumn) string {
	heads := make([]string, len(cols))
	for i, c := range cols {
		heads[i] = c.head
	}
	return strings.Join(heads, "\t") + "\n"
}
