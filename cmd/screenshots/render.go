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
	"golang.org/x/image/math/fixed"
)

// tcolor is a terminal colour as the program asked for it: the default,
// one of the 16 ANSI colours (which the palette decides), or an exact one.
type tcolor struct {
	kind uint8 // 0 default, 1 ANSI 0-15, 2 exact
	idx  uint8
	rgb  color.RGBA
}

// cell is one character of the captured screen with its attributes.
type cell struct {
	r        rune
	fg, bg   tcolor
	bold     bool
	under    bool
	reversed bool
}

// screen is a captured terminal: rows of cells.
type screen struct {
	w, h  int
	cells [][]cell
}

// parseANSI reads `tmux capture-pane -e -p` output (text with SGR sequences
// only) into a w x h screen.
func parseANSI(text string, w, h int) *screen {
	s := &screen{w: w, h: h, cells: make([][]cell, h)}
	for y := range s.cells {
		s.cells[y] = make([]cell, w)
		for x := range s.cells[y] {
			s.cells[y][x] = cell{r: ' '}
		}
	}
	var cur cell
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
			*c = cell{}
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
			c.fg = ansiColor(n - 30)
		case n >= 90 && n <= 97:
			c.fg = ansiColor(n - 90 + 8)
		case n == 39:
			c.fg = tcolor{}
		case n >= 40 && n <= 47:
			c.bg = ansiColor(n - 40)
		case n >= 100 && n <= 107:
			c.bg = ansiColor(n - 100 + 8)
		case n == 49:
			c.bg = tcolor{}
		case (n == 38 || n == 48) && i+1 < len(ps):
			col, used := extColor(ps[i+1:])
			i += used
			if n == 38 {
				c.fg = col
			} else {
				c.bg = col
			}
		}
	}
}

func ansiColor(n int) tcolor { return tcolor{kind: 1, idx: uint8(n)} } //nolint:gosec // 0-15

// extColor reads "5;N" (256 colours) or "2;R;G;B" (true colour).
func extColor(ps []string) (tcolor, int) {
	num := func(i int) uint8 {
		if i >= len(ps) {
			return 0
		}
		v, _ := strconv.Atoi(ps[i])
		return uint8(v) //nolint:gosec // SGR values are 0-255
	}
	switch ps[0] {
	case "5":
		n := int(num(1))
		if n < 16 {
			return ansiColor(n), 2
		}
		return tcolor{kind: 2, rgb: xterm256(n)}, 2
	case "2":
		return tcolor{kind: 2, rgb: color.RGBA{num(1), num(2), num(3), 0xff}}, 4
	}
	return tcolor{}, 1
}

// xterm256 is colour n (16-255) of the xterm 256-colour table.
func xterm256(n int) color.RGBA {
	if n < 232 {
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

// style is how a picture is drawn: palette, scale (1 or 2 for HiDPI) and fonts.
type style struct {
	pal   palette
	scale int
	fonts *fontChain
}

// newStyle loads the fonts for pal at scale.
func newStyle(pal palette, scale int) (style, error) {
	fc, err := loadFonts(15 * float64(scale))
	if err != nil {
		return style{}, err
	}
	return style{pal: pal, scale: scale, fonts: fc}, nil
}

// writePNG draws the screen and writes it as a PNG.
func (s *screen) writePNG(out io.Writer, st style) error {
	return (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(out, s.draw(st))
}

// draw paints the screen: cell backgrounds, glyphs, lines and underlines.
func (s *screen) draw(st style) *image.RGBA {
	g := st.geometry()
	img := image.NewRGBA(image.Rect(0, 0, s.w*g.cw+2*g.pad, s.h*g.ch+2*g.pad))
	draw.Draw(img, img.Bounds(), image.NewUniform(st.pal.bg), image.Point{}, draw.Src)
	for y, row := range s.cells {
		for x, c := range row {
			fg, bg := st.pal.resolve(c.fg, true), st.pal.resolve(c.bg, false)
			if c.reversed {
				fg, bg = bg, fg
			}
			cr := image.Rect(g.pad+x*g.cw, g.pad+y*g.ch, g.pad+(x+1)*g.cw, g.pad+(y+1)*g.ch)
			if bg != st.pal.bg {
				draw.Draw(img, cr, image.NewUniform(bg), image.Point{}, draw.Src)
			}
			switch {
			case c.r == ' ' || c.r == 0:
			case drawsItself(c.r):
				drawLine(img, cr, c.r, fg, st.scale)
			default:
				st.glyph(img, cr, g, c, fg)
			}
			if c.under {
				draw.Draw(img, image.Rect(cr.Min.X, cr.Max.Y-2*st.scale, cr.Max.X, cr.Max.Y-st.scale), image.NewUniform(fg), image.Point{}, draw.Src)
			}
		}
	}
	return img
}

// geometry is the cell size, the baseline and the margin, in pixels.
type geometry struct{ cw, ch, ascent, pad int }

func (st style) geometry() geometry {
	f := st.fonts.primary()
	m := f.Metrics()
	adv, _ := f.GlyphAdvance('M')
	return geometry{cw: adv.Ceil(), ch: (m.Ascent + m.Descent).Ceil() + 2*st.scale, ascent: m.Ascent.Ceil() + st.scale, pad: 14 * st.scale}
}

// glyph draws c's rune from the first face that has it, centred in its
// cell when that face is not the monospaced one; "?" when none has it.
func (st style) glyph(img *image.RGBA, cr image.Rectangle, g geometry, c cell, fg color.RGBA) {
	r := c.r
	f := st.fonts.pick(r, c.bold)
	if f == nil {
		r, f = '?', st.fonts.pick('?', c.bold)
	}
	x := fixed.I(cr.Min.X)
	if adv, ok := f.GlyphAdvance(r); ok && adv.Ceil() != g.cw {
		x += (fixed.I(g.cw) - adv) / 2
	}
	d := font.Drawer{Dst: img, Src: image.NewUniform(fg), Face: f, Dot: fixed.Point26_6{X: x, Y: fixed.I(cr.Min.Y + g.ascent)}}
	d.DrawString(string(r))
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
