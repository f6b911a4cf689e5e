package main

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

func TestParseANSI(t *testing.T) {
	s := parseANSI("\x1b[1;31mred\x1b[0m ok\n\x1b[38;5;42mx\x1b[48;2;1;2;3my\x1b[7mz", 10, 3)
	if got := s.cells[0][0]; got.r != 'r' || !got.bold || got.fg != ansiColor(1) {
		t.Errorf("bold red cell = %+v", got)
	}
	if got := s.cells[0][4]; got.r != 'o' || got.bold || got.fg != (tcolor{}) {
		t.Errorf("reset cell = %+v", got)
	}
	if got := s.cells[1][0]; got.fg.rgb != xterm256(42) {
		t.Errorf("256-colour cell = %+v", got)
	}
	if got := s.cells[1][1]; got.bg.kind != 2 || got.bg.rgb.R != 1 || got.bg.rgb.B != 3 {
		t.Errorf("true-colour background = %+v", got)
	}
	if !s.cells[1][2].reversed {
		t.Error("reverse video lost")
	}
	if p := s.plain(); !strings.HasPrefix(p, "red ok\nxyz\n") {
		t.Errorf("plain = %q", p)
	}
}

func TestWritePNG(t *testing.T) {
	s := parseANSI("\x1b[32m✓\x1b[0m Overview ─ ○ Details\n┃ ⣾ testing…", 80, 24)
	for _, pal := range []palette{darkPalette, lightPalette} {
		for scale := 1; scale <= 2; scale++ {
			st, err := newStyle(pal, scale)
			if err != nil {
				t.Skip(err)
			}
			var buf bytes.Buffer
			if err := s.writePNG(&buf, st); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() < 80*8*scale || b.Dy() < 24*14*scale {
				t.Errorf("%s %dx: image %v is too small for 80x24", pal.name, scale, b)
			}
		}
	}
}
