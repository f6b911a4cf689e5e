//go:build unix

package main

import (
	"io"
	"os"
	"testing"
)

func TestAnswerRepliesToEachQueryOnce(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	s := "x\x1b]11;?\x07y\x1b[6nz"
	done := answer(w, s, 0)
	if done != len(s)-1 {
		t.Errorf("done = %d, want %d", done, len(s)-1)
	}
	if again := answer(w, s, done); again != done {
		t.Errorf("answered twice")
	}
	_ = w.Close()
	got, _ := io.ReadAll(r)
	if string(got) != "\x1b]11;rgb:1d1d/1f1f/2727\x1b\\\x1b[1;1R" {
		t.Errorf("answers = %q", got)
	}
}
