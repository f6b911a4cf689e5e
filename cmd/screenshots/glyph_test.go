package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// Every rune the screens contain, and every non-ASCII rune the wizard's
// code can print, is drawn from a font of the chain or by the renderer
// itself: no "√" for "✓", no "?" boxes.
func TestFontsHaveEveryGlyph(t *testing.T) {
	fc, err := loadFonts(15)
	if err != nil {
		t.Skipf("%v", err)
	}
	runes := map[rune]string{}
	add := func(where, text string) {
		for _, r := range text {
			if r >= 0x80 && unicode.IsPrint(r) {
				if _, ok := runes[r]; !ok {
					runes[r] = where
				}
			}
		}
	}
	root := filepath.Join("..", "..")
	for _, pattern := range []string{"screenshots/*.txt", "screenshots/accessible/*.txt", "tui/*.go", "wizard/*.go", "wizard/*/*.go"} {
		files, _ := filepath.Glob(filepath.Join(root, pattern))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			add(f, string(b))
		}
	}
	// What huh and bubbles draw: focus bar, select and multiselect marks,
	// spinner frames.
	add("huh/bubbles", "┃>•✓✗[]⣾⣽⣻⢿⡿⣟⣯⣷←→↑↓…")
	var missing []string
	for r, where := range runes {
		if !fc.has(r) {
			missing = append(missing, string(r)+" ("+where+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no glyph for %d rune(s): %s", len(missing), strings.Join(missing, ", "))
	}
	if len(runes) < 10 {
		t.Errorf("only %d runes found: are the paths right?", len(runes))
	}
}

// has reports whether r can be drawn: a glyph of the chain, or a line the
// renderer draws itself.
func (fc *fontChain) has(r rune) bool {
	if r < 0x20 || r == ' ' || drawsItself(r) {
		return true
	}
	return fc.pick(r, false) != nil && fc.pick(r, true) != nil
}
