package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// EnvCheck turns on TestScreenshotsUpToDate (make screenshots-check, part
// of make test): it takes about a minute, mostly waiting for screens.
const EnvCheck = "BBCONNECT_SCREENSHOTS_CHECK"

// TestScreenshotsUpToDate regenerates every picture, text twin, transcript
// and the walkthrough from the wizard as it is, and fails when one differs
// from what screenshots/ holds (or from its SHA256SUMS): a docs page pins
// these files, so a change to a screen must come with its new pictures.
func TestScreenshotsUpToDate(t *testing.T) {
	if os.Getenv(EnvCheck) == "" {
		t.Skipf("set %s=1 to regenerate the screenshots and compare them with screenshots/ (make screenshots-check)", EnvCheck)
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed: apt-get install tmux (.ci/run installs it)")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "bbconnect")
	build := exec.Command("go", "build", "-o", bin, "./cmd/bbconnect")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // as make build ships it
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	set, err := generate(ctx, bin, []palette{darkPalette, lightPalette})
	if err != nil && ctx.Err() == nil {
		// A recording that did not get through (a screen or an exit the
		// tmux driver waited for in vain) is recorded once more before it
		// fails the check: what is compared is what the screens show, and
		// a difference is never retried. The first error stays in the log.
		t.Logf("recording failed, recording again: %v", err)
		set, err = generate(ctx, bin, []palette{darkPalette, lightPalette})
	}
	if err != nil {
		t.Fatal(err)
	}
	files, err := set.files()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "screenshots")
	if problems := compareWithCommitted(dir, files); len(problems) > 0 {
		t.Fatalf("screenshots/ does not match the wizard as it draws now:\n  %s\n"+
			"run `make screenshots` and commit screenshots/ (a docs page pins these files)",
			strings.Join(problems, "\n  "))
	}
}

// compareWithCommitted lists how the files in dir and their SHA256SUMS
// differ from files, the regenerated set: for a text twin, its first
// differing line.
func compareWithCommitted(dir string, files map[string][]byte) []string {
	var problems []string
	committed, err := readSums(filepath.Join(dir, sumsName))
	if err != nil {
		return []string{err.Error()}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		if n != sumsName {
			names = append(names, filepath.ToSlash(n))
		}
	}
	sort.Strings(names)
	for _, n := range names {
		data := files[filepath.FromSlash(n)]
		want, ok := committed[n]
		delete(committed, n)
		onDisk, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n)))
		switch {
		case !ok || err != nil:
			problems = append(problems, n+": new, not committed")
		case fmt.Sprintf("%x", sha256.Sum256(onDisk)) != want:
			problems = append(problems, n+": the committed file does not match SHA256SUMS")
		case !bytes.Equal(onDisk, data):
			problems = append(problems, n+": differs"+firstDiff(n, onDisk, data))
		}
	}
	gone := make([]string, 0, len(committed))
	for n := range committed {
		gone = append(gone, n+": committed, but no longer made")
	}
	sort.Strings(gone)
	return append(problems, gone...)
}

// firstDiff is ", line N: was … now …" for text files.
func firstDiff(name string, was, now []byte) string {
	if !strings.HasSuffix(name, ".txt") {
		return ""
	}
	a, b := strings.Split(string(was), "\n"), strings.Split(string(now), "\n")
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf(", line %d:\n      was %q\n      now %q", i+1, strings.TrimRight(x, " "), strings.TrimRight(y, " "))
		}
	}
	return ""
}

// readSums reads a sha256sum listing: hex digest by file name.
func readSums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if ok {
			sums[name] = sum
		}
	}
	return sums, sc.Err()
}
