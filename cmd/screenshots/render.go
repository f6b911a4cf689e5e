package main

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// cell is one character of the captured screen with its attributes.
type cell struct {
	r        rune
	fg, bg   color.RGBA
	bold     bool
	hasBG    bool
	under    bool
	reversed bool
}

// screen is a captured terminal: rows of cells.
type screen struct {
	w, h  int
	cells [][]cell
}

var (
	defaultFG = color.RGBA{0xdc, 0xdc, 0xdc, 0xff}
	defaultBG = color.RGBA{0x1d, 0x1f, 0x27, 0xff}
	// The 16 ANSI colours (a calm palette close to common terminal defaults).
	ansi16 = [16]color.RGBA{
		{0x2e, 0x34, 0x36, 0xff},
		{0xe0, 0x5d, 0x5d, 0xff},
		{0x7f, 0xc8, 0x6b, 0xff},
		{0xe5, 0xc0, 0x6b, 0xff},
		{0x62, 0x9f, 0xe8, 0xff},
		{0xc6, 0x78, 0xdd, 0xff},
		{0x56, 0xc0, 0xc8, 0xff},
		{0xd3, 0xd7, 0xcf, 0xff},
		{0x70, 0x74, 0x80, 0xff},
		{0xff, 0x7b, 0x7b, 0xff},
		{0x9e, 0xe8, 0x85, 0xff},
		{0xff, 0xdc, 0x85, 0xff},
		{0x85, 0xb8, 0xff, 0xff},
		{0xe0, 0x9c, 0xff, 0xff},
		{0x7e, 0xe0, 0xe8, 0xff},
		{0xff, 0xff, 0xff, 0xff},
	}
)

// parseANSI reads `tmux capture-pane -e -p` output (text with SGR sequences
// only) into a w x h screen.
func parseANSI(text string, w, h int) *screen {
	s := &screen{w: w, h: h, cells: make([][]cell, h)}
	for y := range s.cells {
		s.cells[y] = make([]cell, w)
		for x := range s.cells[y] {
			s.cells[y][x] = cell{r: ' ', fg: defaultFG, bg: defaultBG}
		}
	}
	cur := cell{fg: defaultFG, bg: defaultBG}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for y, line := range lines {
		if y >= h {
			break
		}
		x := 0
		rs := []rune(line)
		for i := 0; i < len(rs); i++ {
			if rs[i] == 0x1b && i+1 < len(rs) && rs[i+1] == '[' {
				j := i + 2
				for j < len(rs) && (rs[j] < 0x40 || rs[j] > 0x7e) {
					j++
				}
				if j < len(rs) && rs[j] == 'm' {
					applySGR(&cur, string(rs[i+2:j]))
				}
				i = j
				continue
			}
			if x < w {
				c := cur
				c.r = rs[i]
				s.cells[y][x] = c
			}
			x++
		}
	}
	return s
}

func applySGR(c *cell, params string) {
	if params == "" {
		params = "0"
	}
	ps := strings.Split(params, ";")
	for i := 0; i < len(ps); i++ {
		n, _ := strconv.Atoi(ps[i])
		switch {
		case n == 0:
			*c = cell{fg: defaultFG, bg: defaultBG}
		case n == 1:
			c.bold = true
		case n == 22:
			c.bold = false
		case n == 4:
			c.under = true
		case n == 24:
			c.under = false
		case n == 7:
			c.reversed = true
		case n == 27:
			c.reversed = false
		case n >= 30 && n <= 37:
			c.fg = ansi16[n-30]
		case n >= 90 && n <= 97:
			c.fg = ansi16[n-90+8]
		case n == 39:
			c.fg = defaultFG
		case n >= 40 && n <= 47:
			c.bg, c.hasBG = ansi16[n-40], true
		case n >= 100 && n <= 107:
			c.bg, c.hasBG = ansi16[n-100+8], true
		case n == 49:
			c.bg, c.hasBG = defaultBG, false
		case (n == 38 || n == 48) && i+1 < len(ps):
			col, used := extColor(ps[i+1:])
			i += used
			if n == 38 {
				c.fg = col
			} else {
				c.bg, c.hasBG = col, true
			}
		}
	}
}

// extColor reads "5;N" (256 colours) or "2;R;G;B" (true colour).
func extColor(ps []string) (color.RGBA, int) {
	num := func(i int) uint8 {
		if i >= len(ps) {
			return 0
		}
		v, _ := strconv.Atoi(ps[i])
		return uint8(v) //nolint:gosec // SGR values are 0-255
	}
	switch ps[0] {
	case "5":
		return xterm256(int(num(1))), 2
	case "2":
		return color.RGBA{num(1), num(2), num(3), 0xff}, 4
	}
	return defaultFG, 1
}

func xterm256(n int) color.RGBA {
	switch {
	case n < 16:
		return ansi16[n]
	case n < 232:
		n -= 16
		lv := func(v int) uint8 {
			if v == 0 {
				return 0
			}
			return uint8(55 + v*40) //nolint:gosec // at most 255
		}
		return color.RGBA{lv(n / 36), lv(n / 6 % 6), lv(n % 6), 0xff}
	}
	g := uint8(8 + (n-232)*10) //nolint:gosec // at most 238
	return color.RGBA{g, g, g, 0xff}
}

// substitutes maps glyphs Go Mono lacks to ones it has.
var substitutes = map[rune]rune{
	'┃': '│', '━': '─', '╭': '┌', '╮': '┐', '╰': '└', '╯': '┘', '▌': '│', '▐': '│',
	'✓': '√', '✔': '√', '✗': '×', '✘': '×', '…': '…', '❯': '>', '➜': '>',
	'⣾': '*', '⣽': '*', '⣻': '*', '⢿': '*', '⡿': '*', '⣟': '*', '⣯': '*', '⣷': '*',
	'⠋': '*', '⠙': '*', '⠹': '*', '⠸': '*', '⠼': '*', '⠴': '*', '⠦': '*', '⠧': '*', '⠇': '*', '⠏': '*',
}

// writePNG draws the screen with Go Mono and writes it as a PNG.
func (s *screen) writePNG(out io.Writer) error {
	const size, pad = 15.0, 14
	regular, err := face(gomono.TTF, size)
	if err != nil {
		return err
	}
	bold, err := face(gomonobold.TTF, size)
	if err != nil {
		return err
	}
	m := regular.Metrics()
	cw := font.MeasureString(regular, "M").Ceil()
	ch := (m.Ascent + m.Descent).Ceil() + 2
	img := image.NewRGBA(image.Rect(0, 0, s.w*cw+2*pad, s.h*ch+2*pad))
	draw.Draw(img, img.Bounds(), image.NewUniform(defaultBG), image.Point{}, draw.Src)
	for y, row := range s.cells {
		for x, c := range row {
			fg, bg := c.fg, c.bg
			if c.reversed {
				fg, bg = bg, fg
			}
			px, py := pad+x*cw, pad+y*ch
			if c.hasBG || c.reversed {
				draw.Draw(img, image.Rect(px, py, px+cw, py+ch), image.NewUniform(bg), image.Point{}, draw.Src)
			}
			r := c.r
			if sub, ok := substitutes[r]; ok {
				r = sub
			}
			if _, ok := regular.GlyphAdvance(r); !ok {
				r = '?'
			}
			if r != ' ' && r != 0 {
				f := regular
				if c.bold {
					f = bold
				}
				d := font.Drawer{Dst: img, Src: image.NewUniform(fg), Face: f, Dot: fixed.P(px, py+m.Ascent.Ceil()+1)}
				d.DrawString(string(r))
			}
			if c.under {
				draw.Draw(img, image.Rect(px, py+ch-2, px+cw, py+ch-1), image.NewUniform(fg), image.Point{}, draw.Src)
			}
		}
	}
	return png.Encode(out, img)
}

func face(ttf []byte, size float64) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}

// plain returns the screen's text without attributes, trailing spaces trimmed.
func (s *screen) plain() string {
	var b strings.Builder
	for _, row := range s.cells {
		line := make([]rune, len(row))
		for i, c := range row {
			line[i] = c.r
		}
		b.WriteString(strings.TrimRight(string(line), " "))
		b.WriteByte('\n')
	}
	return b.String()
}
