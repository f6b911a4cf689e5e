package tui

import (
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// bubbletea v1 writes frames on a ticker: the first screen, ready right
// after Init, would wait for the first tick (up to 1/120 s, longer on a
// busy machine) before the user sees it. firstFrame draws it at once,
// exactly as the renderer will, and leaves the cursor where the renderer
// expects it (at the start of the frame's first line): the renderer's
// first flush then paints the same cells again and nothing moves.
type firstFrame struct {
	out io.Writer
}

// draw writes view the way bubbletea's standard renderer writes a first
// frame of width columns: each line cleared to its end when shorter than
// the screen, lines joined by CR LF, then back to the first line's start.
func (f *firstFrame) draw(view string, width, height int) {
	lines := strings.Split(view, "\n")
	if height > 0 && len(lines) > height {
		lines = lines[len(lines)-height:]
	}
	var b strings.Builder
	b.WriteByte('\r')
	for i, line := range lines {
		line = ansi.Truncate(line, width, "")
		b.WriteString(line)
		if ansi.StringWidth(line) < width {
			b.WriteString(ansi.EraseLineRight)
		}
		if i < len(lines)-1 {
			b.WriteString("\r\n")
		}
	}
	if len(lines) > 1 {
		b.WriteString(ansi.CursorUp(len(lines) - 1))
	}
	b.WriteByte('\r')
	_, _ = io.WriteString(f.out, b.String())
}

// drawFirstFrame draws the first screen now, once, when Run asked for it
// (a terminal whose size is known); see firstFrame.
func (m *Model) drawFirstFrame() {
	if m.first == nil || m.c.width <= 0 {
		return
	}
	f := m.first
	m.first = nil
	f.draw(m.View(), m.c.width, m.c.height)
}
