package main

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"sort"
)

// Frame times of the walkthrough, in hundredths of a second.
const (
	gifFirst = 250
	gifFrame = 110
	gifLast  = 500
)

// walkthroughGIF renders the frames with st and encodes them as one
// looping GIF: one palette for all frames (the 256 most used colours, the
// rest mapped to the nearest), and after the first frame only the
// rectangle that changed, which keeps it small.
func walkthroughGIF(frames []string, st style) ([]byte, error) {
	imgs := make([]*image.RGBA, len(frames))
	for i, raw := range frames {
		imgs[i] = parseANSI(raw, width, height).draw(st)
	}
	pal := commonPalette(imgs)
	idx := newIndexer(pal)
	anim := &gif.GIF{Config: image.Config{ColorModel: pal, Width: imgs[0].Bounds().Dx(), Height: imgs[0].Bounds().Dy()}}
	for i, img := range imgs {
		r := img.Bounds()
		if i > 0 {
			r = changed(imgs[i-1], img)
			if r.Empty() {
				anim.Delay[len(anim.Delay)-1] += gifFrame
				continue
			}
		}
		p := image.NewPaletted(r, pal)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				p.SetColorIndex(x, y, idx.index(img.RGBAAt(x, y)))
			}
		}
		anim.Image = append(anim.Image, p)
		anim.Delay = append(anim.Delay, gifFrame)
		anim.Disposal = append(anim.Disposal, gif.DisposalNone)
	}
	anim.Delay[0] = gifFirst
	anim.Delay[len(anim.Delay)-1] = gifLast
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, anim); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// commonPalette is the 256 colours used most across imgs (ties broken by
// value, so it is the same on every run).
func commonPalette(imgs []*image.RGBA) color.Palette {
	count := map[color.RGBA]int{}
	for _, img := range imgs {
		for i := 0; i+3 < len(img.Pix); i += 4 {
			count[color.RGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], 0xff}]++
		}
	}
	cols := make([]color.RGBA, 0, len(count))
	for c := range count {
		cols = append(cols, c)
	}
	key := func(c color.RGBA) uint32 { return uint32(c.R)<<16 | uint32(c.G)<<8 | uint32(c.B) }
	sort.Slice(cols, func(i, j int) bool {
		if count[cols[i]] != count[cols[j]] {
			return count[cols[i]] > count[cols[j]]
		}
		return key(cols[i]) < key(cols[j])
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range cols[:min(256, len(cols))] {
		pal = append(pal, c)
	}
	return pal
}

// indexer maps colours to their nearest palette entry, remembering answers.
type indexer struct {
	pal  color.Palette
	memo map[color.RGBA]uint8
}

func newIndexer(pal color.Palette) *indexer {
	return &indexer{pal: pal, memo: map[color.RGBA]uint8{}}
}

func (x *indexer) index(c color.RGBA) uint8 {
	if i, ok := x.memo[c]; ok {
		return i
	}
	i := uint8(x.pal.Index(c)) //nolint:gosec // at most 256 colours
	x.memo[c] = i
	return i
}

// changed is the smallest rectangle outside which a and b are the same.
func changed(a, b *image.RGBA) image.Rectangle {
	r := image.Rectangle{}
	bd := b.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		ra := a.Pix[a.PixOffset(bd.Min.X, y):a.PixOffset(bd.Max.X, y)]
		rb := b.Pix[b.PixOffset(bd.Min.X, y):b.PixOffset(bd.Max.X, y)]
		if bytes.Equal(ra, rb) {
			continue
		}
		x0, x1 := 0, len(ra)/4
		for x0 < x1 && bytes.Equal(ra[4*x0:4*x0+4], rb[4*x0:4*x0+4]) {
			x0++
		}
		for x1 > x0 && bytes.Equal(ra[4*x1-4:4*x1], rb[4*x1-4:4*x1]) {
			x1--
		}
		r = r.Union(image.Rect(bd.Min.X+x0, y, bd.Min.X+x1, y+1))
	}
	return r
}
