package quietterm

import (
	"strings"
	"testing"
)

func TestDarkBackground(t *testing.T) {
	tests := map[string]bool{
		"":             true,
		"15;0":         true,
		"0;15":         false,
		"0;7":          false,
		"15;8":         true,
		"0;default;15": false,
		"12;default;0": true,
		"garbage":      true,
		"15;":          true,
		";;;":          true,
	}
	for in, want := range tests {
		if got := DarkBackground(in); got != want {
			t.Errorf("DarkBackground(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzDarkBackground: any value is read without panicking, and only the
// last field of the list decides.
func FuzzDarkBackground(f *testing.F) {
	for _, s := range []string{"", "15;0", "0;15", "0;default;7", "x;y", ";", "1;2;3;4;9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := s[strings.LastIndex(s, ";")+1:]
		if got, want := DarkBackground(s), DarkBackground(last); got != want {
			t.Fatalf("DarkBackground(%q) = %v, but its last field %q gives %v", s, got, last, want)
		}
	})
}
