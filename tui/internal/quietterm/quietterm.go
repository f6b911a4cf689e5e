// Package quietterm keeps the terminal from being asked about its colours
// when bbconnect starts.
//
// Bubble Tea v1 asks Lip Gloss for the terminal's background in its package
// init (tea_init.go), and Lip Gloss then sends an OSC 11 query and waits up
// to five seconds for an answer that a silent terminal never gives. This
// package's init runs first and settles the background from the
// environment (COLORFGBG, dark when unset), so nothing is asked. It runs
// first because Go initialises ready packages in import-path order, and
// "github.com/bbconnect/…" sorts before "github.com/charmbracelet/bubbletea",
// which cannot be ready before Lip Gloss, which this package imports.
package quietterm

import (
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

func init() {
	lipgloss.SetHasDarkBackground(DarkBackground(os.Getenv("COLORFGBG")))
}

// DarkBackground reads COLORFGBG ("fg;bg" or "fg;default;bg"): background
// colours 7 and 9-15 are light; anything else, or nothing, is dark.
func DarkBackground(colorfgbg string) bool {
	parts := strings.Split(colorfgbg, ";")
	bg, err := strconv.Atoi(strings.TrimSpace(parts[len(parts)-1]))
	if colorfgbg == "" || err != nil {
		return true
	}
	light := bg == 7 || (bg >= 9 && bg <= 15)
	return !light
}
