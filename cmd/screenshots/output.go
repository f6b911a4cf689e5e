package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Where the files go inside the output folder.
const (
	lightDir     = "light"
	accessDir    = "accessible"
	gifName      = "walkthrough.gif"
	sumsName     = "SHA256SUMS"
	scaleSuffix2 = "@2x"
)

// files renders the set into file contents keyed by path relative to the
// output folder: per picture a text twin, PNGs at 1x and 2x (the first
// palette at the top, the light one in light/), the walkthrough GIF, the
// accessible transcripts and SHA256SUMS of all of them.
func (set *outputSet) files() (map[string][]byte, error) {
	out := map[string][]byte{}
	for ri, rec := range set.recs {
		dir := ""
		if ri > 0 {
			dir = rec.pal.name
		}
		styles := make([]style, 2)
		for i := range styles {
			st, err := newStyle(rec.pal, i+1)
			if err != nil {
				return nil, err
			}
			styles[i] = st
		}
		for i, sh := range rec.shots {
			base := fmt.Sprintf("%02d-%s", i+1, sh.name)
			scr := parseANSI(sh.raw, width, height)
			if ri == 0 {
				out[base+".txt"] = []byte(scr.plain())
			}
			for si, st := range styles {
				var buf bytes.Buffer
				if err := scr.writePNG(&buf, st); err != nil {
					return nil, err
				}
				name := base
				if si == 1 {
					name += scaleSuffix2
				}
				out[filepath.Join(dir, name+".png")] = buf.Bytes()
			}
		}
		if len(rec.frames) > 0 {
			g, err := walkthroughGIF(rec.frames, styles[0])
			if err != nil {
				return nil, err
			}
			out[gifName] = g
		}
	}
	for name, text := range set.transcript {
		out[filepath.Join(accessDir, name+".txt")] = []byte(text)
	}
	out[sumsName] = sums(out)
	return out, nil
}

// sums is a sha256sum-style listing of files, sorted by name.
func sums(files map[string][]byte) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		if n != sumsName {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%x  %s\n", sha256.Sum256(files[n]), filepath.ToSlash(n))
	}
	return []byte(b.String())
}

// generated says whether a file in the output folder is one this tool
// writes (and so removes before writing a new set).
func generated(rel string) bool {
	base := filepath.Base(rel)
	switch filepath.Dir(rel) {
	case ".":
		return base == gifName || base == sumsName || (len(base) > 3 && base[0] >= '0' && base[0] <= '9' && (strings.HasSuffix(base, ".png") || strings.HasSuffix(base, ".txt")))
	case lightDir:
		return strings.HasSuffix(base, ".png")
	case accessDir:
		return strings.HasSuffix(base, ".txt")
	}
	return false
}

// write replaces the generated files in dir with the set's.
func (set *outputSet) write(dir string) (int, error) {
	files, err := set.files()
	if err != nil {
		return 0, err
	}
	for _, sub := range []string{".", lightDir, accessDir} {
		ents, _ := os.ReadDir(filepath.Join(dir, sub))
		for _, e := range ents {
			rel := filepath.Join(sub, e.Name())
			if !e.IsDir() && generated(rel) {
				if err := os.Remove(filepath.Join(dir, rel)); err != nil {
					return 0, err
				}
			}
		}
	}
	for rel, data := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil { //nolint:gosec // pictures for the docs
			return 0, err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil { //nolint:gosec // pictures for the docs
			return 0, err
		}
	}
	return len(files), nil
}
