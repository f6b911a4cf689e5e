package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// fontDirs are where Debian's fonts-dejavu-core puts DejaVu (and where
// other systems commonly do). The pictures are byte-identical only with
// the same font files: CI installs the same Debian package.
var fontDirs = []string{
	"/usr/share/fonts/truetype/dejavu",
	"/usr/share/fonts/dejavu",
	"/usr/share/fonts/TTF",
	"/usr/local/share/fonts",
}

// fontChain is every face a glyph is looked up in, first to last: DejaVu
// Sans Mono (it has ✓ ✗ ● ○ › … and the arrows the wizard prints), DejaVu
// Sans for the rare symbol the mono face lacks, Go Mono last.
type fontChain struct {
	regular, bold []glyphFace
	size          float64
}

// glyphFace is a face and the font it was made from, which tells whether
// it has a glyph (a face alone answers with the "missing" box).
type glyphFace struct {
	font.Face
	sf  *sfnt.Font
	buf *sfnt.Buffer
}

// hasGlyph reports whether the font maps r to a real glyph.
func (g glyphFace) hasGlyph(r rune) bool {
	i, err := g.sf.GlyphIndex(g.buf, r)
	return err == nil && i != 0
}

// fontFiles are the DejaVu faces: regular and bold of each family.
var fontFiles = [][2]string{
	{"DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"},
	{"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"},
}

// loadFonts opens the chain at size pixels.
func loadFonts(size float64) (*fontChain, error) {
	fc := &fontChain{size: size}
	for _, pair := range fontFiles {
		reg, err := readFont(pair[0])
		if err != nil {
			return nil, err
		}
		bold, err := readFont(pair[1])
		if err != nil {
			return nil, err
		}
		for _, add := range []struct {
			ttf []byte
			to  *[]glyphFace
		}{{reg, &fc.regular}, {bold, &fc.bold}} {
			f, err := face(add.ttf, size)
			if err != nil {
				return nil, err
			}
			*add.to = append(*add.to, f)
		}
	}
	for _, add := range []struct {
		ttf []byte
		to  *[]glyphFace
	}{{gomono.TTF, &fc.regular}, {gomonobold.TTF, &fc.bold}} {
		f, err := face(add.ttf, size)
		if err != nil {
			return nil, err
		}
		*add.to = append(*add.to, f)
	}
	return fc, nil
}

func readFont(name string) ([]byte, error) {
	for _, dir := range fontDirs {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return b, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("font %s not found in %v: install DejaVu (apt-get install fonts-dejavu-core)", name, fontDirs)
}

func face(ttf []byte, size float64) (glyphFace, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return glyphFace{}, err
	}
	fa, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return glyphFace{}, err
	}
	return glyphFace{Face: fa, sf: f, buf: &sfnt.Buffer{}}, nil
}

// primary is the face the cell size comes from.
func (fc *fontChain) primary() font.Face { return fc.regular[0] }

// pick returns the first face of the chain that has r, or nil.
func (fc *fontChain) pick(r rune, bold bool) font.Face {
	faces := fc.regular
	if bold {
		faces = fc.bold
	}
	for _, f := range faces {
		if f.hasGlyph(r) {
			return f
		}
	}
	return nil
}
