package main

import (
	"fmt"
	"io"
	"strings"
)

// table is the printed result: one row per measure, notes under it.
type table struct {
	rows  [][4]string
	notes []string
}

func (t *table) row(name, ours, gh, ratio string) {
	t.rows = append(t.rows, [4]string{name, ours, gh, ratio})
}

func (t *table) note(s string) { t.notes = append(t.notes, s) }

func (t *table) print(w io.Writer) {
	head := [4]string{"measure", "bbconnect", "gh auth login", "ratio"}
	width := [4]int{}
	for _, r := range append([][4]string{head}, t.rows...) {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(r [4]string) {
		cells := make([]string, 4)
		for i, c := range r {
			cells[i] = c + strings.Repeat(" ", width[i]-len([]rune(c)))
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
	line(head)
	var sep [4]string
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, r := range t.rows {
		line(r)
	}
	for _, n := range t.notes {
		fmt.Fprintln(w, "note: "+n)
	}
}
