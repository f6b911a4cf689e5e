package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareWithCommitted: the check names each file that differs (a text
// twin with its first differing line), is new, is gone, or was edited
// without its sum.
func TestCompareWithCommitted(t *testing.T) {
	dir := t.TempDir()
	committed := map[string][]byte{
		"01-a.txt":    []byte("same\nold line\n"),
		"01-a.png":    []byte("png"),
		"02-gone.txt": []byte("gone"),
		"03-edit.png": []byte("edited"),
	}
	for n, b := range committed {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sumsOf := map[string][]byte{}
	for n, b := range committed {
		sumsOf[n] = b
	}
	sumsOf["03-edit.png"] = []byte("before the edit")
	if err := os.WriteFile(filepath.Join(dir, sumsName), sums(sumsOf), 0o600); err != nil {
		t.Fatal(err)
	}
	now := map[string][]byte{
		"01-a.txt":    []byte("same\nnew line\n"),
		"01-a.png":    []byte("png"),
		"03-edit.png": []byte("edited"),
		"04-new.png":  []byte("new"),
	}
	got := strings.Join(compareWithCommitted(dir, now), "\n")
	for _, want := range []string{
		"01-a.txt: differs, line 2:\n      was \"old line\"\n      now \"new line\"",
		"02-gone.txt: committed, but no longer made",
		"03-edit.png: the committed file does not match SHA256SUMS",
		"04-new.png: new, not committed",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "01-a.png") {
		t.Errorf("an equal file is listed:\n%s", got)
	}
}
