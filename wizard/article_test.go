package wizard

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestWithArticle(t *testing.T) {
	for noun, want := range map[string]string{
		"api token":              "an api token",
		"access token":           "an access token",
		"app password":           "an app password",
		"http access token":      "an http access token",
		"HTTP access token":      "an HTTP access token",
		"ssh-key":                "an ssh-key",
		"api-token":              "an api-token",
		"password":               "a password",
		"bitbucket cloud":        "a bitbucket cloud",
		"email and api token":    "an email and api token",
		"user":                   "a user",
		"url":                    "a url",
		"unlock prompt":          "an unlock prompt",
		"":                       "a ",
		"workspace access token": "a workspace access token",
	} {
		if got := WithArticle(noun); got != want {
			t.Errorf("WithArticle(%q) = %q, want %q", noun, got, want)
		}
	}
}

// badArticle finds "a" before a word that takes "an".
var badArticle = regexp.MustCompile(`(?i)\ba (api|access|app|http|https|ssh|email|account|org|object|error|hour|empty|unlock|update|openssh|ed25519)\b`)

// Every validation message, for every password kind and api access
// combination, uses the right article.
func TestMessagesUseTheRightArticle(t *testing.T) {
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	seen := 0
	for _, ed := range Editions {
		for _, kind := range PasswordKinds {
			for _, api := range APIAccessKinds {
				for _, same := range []bool{false, true} {
					c := NewConnector()
					c.Name, c.Edition, c.Connection, c.PasswordKind = "x", ed, HTTP, kind
					c.APIAccess, c.APITokenSameAsPassword = api, same
					for _, p := range c.Validate(now) {
						seen++
						if m := badArticle.FindString(p.Msg + " " + p.Fix); m != "" {
							t.Errorf("%s/%s/%s/%v: %q in %q", ed, kind, api, same, m, p.Msg)
						}
					}
				}
			}
		}
	}
	_, ps := NormalizeTestRepo(Cloud, "https://bitbucket.example.com/scm/prj/app.git")
	for _, p := range ps {
		seen++
		if m := badArticle.FindString(p.Msg); m != "" || !strings.Contains(p.Msg, "this is a bitbucket data center url") {
			t.Errorf("test repository message %q", p.Msg)
		}
	}
	if seen == 0 {
		t.Fatal("no message was checked")
	}
}
