package main

import (
	"image"
	"image/color"
	"image/draw"
)

// arms are the half-lines of a box-drawing character: left, right, up,
// down, each 0 (none), 1 (light) or 2 (heavy).
type arms struct{ l, r, u, d uint8 }

// boxes are the box-drawing and block characters the renderer draws as
// exact rectangles: a font's glyphs leave gaps between rows and draw the
// heavy focus bar "┃" hardly thicker than a light line.
var boxes = map[rune]arms{
	'─': {1, 1, 0, 0}, '━': {2, 2, 0, 0}, '│': {0, 0, 1, 1}, '┃': {0, 0, 2, 2},
	'┌': {0, 1, 0, 1}, '┐': {1, 0, 0, 1}, '└': {0, 1, 1, 0}, '┘': {1, 0, 1, 0},
	'╭': {0, 1, 0, 1}, '╮': {1, 0, 0, 1}, '╰': {0, 1, 1, 0}, '╯': {1, 0, 1, 0},
	'├': {0, 1, 1, 1}, '┤': {1, 0, 1, 1}, '┬': {1, 1, 0, 1}, '┴': {1, 1, 1, 0}, '┼': {1, 1, 1, 1},
	'┏': {0, 2, 0, 2}, '┓': {2, 0, 0, 2}, '┗': {0, 2, 2, 0}, '┛': {2, 0, 2, 0},
	'╴': {1, 0, 0, 0}, '╶': {0, 1, 0, 0}, '╵': {0, 0, 1, 0}, '╷': {0, 0, 0, 1},
}

// blocks are block elements: the part of the cell they fill, in eighths
// (x0, y0, x1, y1).
var blocks = map[rune][4]int{
	'█': {0, 0, 8, 8}, '▌': {0, 0, 4, 8}, '▐': {4, 0, 8, 8}, '▀': {0, 0, 8, 4}, '▄': {0, 4, 8, 8},
	'▏': {0, 0, 1, 8}, '▕': {7, 0, 8, 8},
}

// drawsItself reports whether the renderer draws r as rectangles.
func drawsItself(r rune) bool {
	_, box := boxes[r]
	_, block := blocks[r]
	return box || block
}

// drawLine draws a box-drawing or block character into cell cr. A light
// line is one pixel per scale, a heavy one three: the focus bar stands out.
func drawLine(img *image.RGBA, cr image.Rectangle, r rune, c color.RGBA, scale int) {
	u := image.NewUniform(c)
	if b, ok := blocks[r]; ok {
		w, h := cr.Dx(), cr.Dy()
		draw.Draw(img, image.Rect(cr.Min.X+b[0]*w/8, cr.Min.Y+b[1]*h/8, cr.Min.X+b[2]*w/8, cr.Min.Y+b[3]*h/8), u, image.Point{}, draw.Over)
		return
	}
	a := boxes[r]
	cx, cy := (cr.Min.X+cr.Max.X)/2, (cr.Min.Y+cr.Max.Y)/2
	thick := func(weight uint8) int {
		if weight == 2 {
			return 3 * scale
		}
		return scale
	}
	// Horizontal arms meet the vertical ones at the centre, covering the
	// width of the thicker one.
	hv := func(weight uint8, x0, x1 int) {
		if weight == 0 {
			return
		}
		t := thick(weight)
		draw.Draw(img, image.Rect(x0, cy-t/2, x1, cy-t/2+t), u, image.Point{}, draw.Over)
	}
	vv := func(weight uint8, y0, y1 int) {
		if weight == 0 {
			return
		}
		t := thick(weight)
		draw.Draw(img, image.Rect(cx-t/2, y0, cx-t/2+t, y1), u, image.Point{}, draw.Over)
	}
	half := max(thick(a.u), thick(a.d)) / 2
	hv(a.l, cr.Min.X, cx+half+1)
	hv(a.r, cx-half, cr.Max.X)
	halfH := max(thick(a.l), thick(a.r)) / 2
	vv(a.u, cr.Min.Y, cy+halfH+1)
	vv(a.d, cy-halfH, cr.Max.Y)
}
