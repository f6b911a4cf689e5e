package wizard

import (
	"strings"
	"testing"
	"time"
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
