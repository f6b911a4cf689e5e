package tui

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestFirstFrameDrawnAtInit: with a terminal of known size, Init draws the
// first screen at once, line for line what View shows, and leaves the
// cursor at the start of its first line, where bubbletea's renderer starts
// its first frame (which then paints the same cells again).
func TestFirstFrameDrawnAtInit(t *testing.T) {
	var out bytes.Buffer
	m := newModel(Options{Deps: newFakes().deps(t.TempDir()), Width: 80, Height: 24}, nil)
	m.first = &firstFrame{out: &out}
	m.Init()
	view := m.View()
	got := out.String()
	lines := strings.Split(view, "\n")
	if !strings.HasSuffix(got, ansi.CursorUp(len(lines)-1)+"\r") {
		t.Fatalf("the cursor is not taken back to the first line: %q", got[max(0, len(got)-20):])
	}
	body := strings.TrimSuffix(strings.TrimPrefix(got, "\r"), ansi.CursorUp(len(lines)-1)+"\r")
	drawn := strings.Split(body, "\r\n")
	if len(drawn) != len(lines) {
		t.Fatalf("drew %d lines, the view has %d", len(drawn), len(lines))
	}
	for i := range lines {
		if strings.TrimSuffix(drawn[i], ansi.EraseLineRight) != lines[i] {
			t.Fatalf("line %d: drew %q, the view shows %q", i, drawn[i], lines[i])
		}
	}
	if !strings.Contains(got, "Overview") {
		t.Fatal("the first frame is not the Overview")
	}
	out.Reset()
	m.Init()
	if out.Len() != 0 {
		t.Fatal("the first frame was drawn twice")
	}
}

// TestFirstFrameNotOnAGuessedSize: without a known size nothing is drawn
// early (the renderer draws once the size is known).
func TestFirstFrameNotOnAGuessedSize(t *testing.T) {
	var out bytes.Buffer
	m := newModel(Options{Deps: newFakes().deps(t.TempDir())}, nil)
	m.first = &firstFrame{out: &out}
	m.Init()
	if out.Len() != 0 {
		t.Fatalf("drew %d bytes without knowing the size", out.Len())
	}
}
