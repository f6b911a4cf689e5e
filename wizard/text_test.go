package wizard

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestControlCharactersRefusedInEveryTextSetting(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	base := NewConnector()
	base.Name, base.URL, base.TestRepo, base.Username = "ok", "https://bitbucket.org/acme", "app.git", "jdoe"
	base.PasswordKind = APIToken
	cases := map[string]func(c *Connector){
		"description":       func(c *Connector) { c.Description = "a\x1b]0;t\x07" },
		"tag":               func(c *Connector) { c.Tags = []Tag{{Key: "k", Value: "\x1b]52;c;x\x07"}} },
		"delegate-selector": func(c *Connector) { c.Connectivity, c.DelegateSelectors = ViaDelegate, []string{"d\u009b"} },
		"test-repo":         func(c *Connector) { c.TestRepo = "app\x00.git" },
		"org":               func(c *Connector) { c.Scope, c.Org, c.Project = ScopeProject, "o\x07", "p" },
		"api-email":         func(c *Connector) { c.APIAccess, c.APIEmail = APIEmailAPIToken, "a@b.c\x1b" },
	}
	for field, mutate := range cases {
		c := base
		mutate(&c)
		found := false
		for _, p := range c.Validate(now) {
			found = found || string(p.Field) == field && strings.Contains(p.Msg, "control character")
		}
		if !found {
			t.Errorf("%s: %v", field, c.Validate(now))
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                      "plain",
		"two\nlines\tok":             "two\nlines\tok",
		"\x1b]0;title\x07rest":       "]0;titlerest",
		"csi\u009b31m c1":            "csi31m c1",
		"bad \xff utf8":              "bad \uFFFD utf8",
		"nul\x00del\x7f":             "nuldel",
		"\x1b[2J\x1b[H clear screen": "[2J[H clear screen",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
	c := Connector{Description: "d\x1b", Tags: []Tag{{Key: "k\x07", Value: "v"}}, DelegateSelectors: []string{"s\x1b"}}
	p := c.Printable()
	if p.Description != "d" || p.Tags[0].Key != "k" || p.DelegateSelectors[0] != "s" || c.Tags[0].Key != "k\x07" {
		t.Errorf("Connector.Printable = %+v (original %+v)", p, c)
	}
}

func TestSecretValueRules(t *testing.T) {
	for v, want := range map[string]string{
		strings.Repeat("a", MaxSecretLen+1): "longer than 8 KiB",
		"sec\x00ret":                        "control characters",
		"sec\x1bret":                        "control characters",
		"sec\xffret":                        "not valid utf-8",
		"sec ret":                           "spaces",
	} {
		err := ValidateSecretValue("api token", v)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "sec") {
			t.Errorf("ValidateSecretValue(%.10q) = %v, want %q", v, err, want)
		}
	}
	if err := ValidateSecretValue("api token", strings.Repeat("a", MaxSecretLen)); err != nil {
		t.Errorf("8 KiB refused: %v", err)
	}
	if err := ValidatePassphrase("passphrase", "correct horse battery"); err != nil {
		t.Errorf("a passphrase with spaces refused: %v", err)
	}
	if err := ValidatePassphrase("passphrase", "a\x00b"); err == nil {
		t.Error("a passphrase with NUL accepted")
	}
}

func TestOneLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"plain", 10, "plain"},
		{" two\nlines\tand a tab\r\n", 40, "two lines and a tab"},
		{"a\u009b2Jb\x1bc", 20, "a2Jbc"}, // C1 and C0 controls dropped
		{"bad \xff utf-8", 40, "bad \uFFFD utf-8"},
		{"abcdef", 3, "abc…"},
		{"ééééé", 2, "éé…"},
		{"abc", 0, "…"},
	} {
		if got := OneLine(tc.in, tc.n); got != tc.want {
			t.Errorf("OneLine(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// FuzzOneLine: whatever a server sends, the line shown is valid UTF-8
// with no control character and at most n runes plus the "…".
func FuzzOneLine(f *testing.F) {
	f.Add("plain", 10)
	f.Add("esc \x1b]52;c;aGk=\x07 and csi \u009b2J", 80)
	f.Add("bad \xff utf-8", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n%300 + 1
		if n < 1 {
			n = 1
		}
		out := OneLine(s, n)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid utf-8: %q", out)
		}
		if i := strings.IndexFunc(out, unicode.IsControl); i >= 0 {
			t.Fatalf("control character in %q", out)
		}
		if c := utf8.RuneCountInString(out); c > n+1 {
			t.Fatalf("%d runes for n=%d", c, n)
		}
	})
}
