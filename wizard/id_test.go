package wizard

import (
	"regexp"
	"strings"
	"testing"
)

func TestDeriveID(t *testing.T) {
	cases := map[string]string{
		"My-Repo v2.0":             "MyRepo_v20",
		"  Bitbucket   Cloud  ":    "Bitbucket_Cloud",
		"bitbucket-cloud":          "bitbucketcloud",
		"9 lives":                  "_9_lives",
		"$money":                   "_$money",
		"account":                  "account_",
		"stepGroup":                "stepGroup_",
		"---":                      "",
		"":                         "",
		"ünïcödé name":             "ncd_name",
		"a/b.c_d":                  "abc_d",
		strings.Repeat("x", 70):    strings.Repeat("x", 64),
		"Bitbucket Cloud - my-ws":  "Bitbucket_Cloud_myws",
		"Team_A's connector (old)": "Team_As_connector_old",
	}
	for name, want := range cases {
		if got := DeriveID(name); got != want {
			t.Errorf("DeriveID(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestValidateID(t *testing.T) {
	ok := []string{"a", "_", "bb_cloud", "A$b", "x" + strings.Repeat("y", 63)}
	for _, id := range ok {
		if err := ValidateID(id); err != nil {
			t.Errorf("ValidateID(%q) = %v, want nil", id, err)
		}
	}
	bad := map[string]string{
		"":                      "id is empty",
		"bb-cloud":              "no hyphens",
		"1bb":                   "must not start with a digit",
		"$bb":                   "must not start with a digit or $",
		"org":                   "reserves",
		"has space":             "only letters",
		strings.Repeat("x", 65): "at most 64",
	}
	for id, want := range bad {
		err := ValidateID(id)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateID(%q) = %v, want it to mention %q", id, err, want)
		}
		if err != nil && strings.ToLower(err.Error()[:1]) != err.Error()[:1] {
			t.Errorf("ValidateID(%q) message %q must start lowercase", id, err)
		}
	}
}

func FuzzDeriveID(f *testing.F) {
	for _, s := range []string{"My-Repo v2.0", "9", "$", "account", " ", "a  b", "ü", strings.Repeat("ab ", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		id := DeriveID(name)
		if id == "" {
			return
		}
		if err := ValidateID(id); err != nil {
			t.Fatalf("DeriveID(%q) = %q, which is invalid: %v", name, id, err)
		}
		if again := DeriveID(id); again != id {
			t.Fatalf("DeriveID is not stable: %q -> %q -> %q", name, id, again)
		}
	})
}

// Word is the hand-written form of the anchored patterns it replaced.
func TestWordMatchesThePatterns(t *testing.T) {
	id := regexp.MustCompile(`^[a-zA-Z_][0-9a-zA-Z_$]{0,63}$`)
	user := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]*$`)
	for _, s := range []string{"", "a", "_", "1a", "a1$_", "a-b", "demo.user", "-x", "x y", "é", strings.Repeat("a", 64), strings.Repeat("a", 65), "a\n"} {
		if got, want := Word(s, 64, IsIDStart, IsIDByte), id.MatchString(s); got != want {
			t.Errorf("id %q: %v, want %v", s, got, want)
		}
		if got, want := validUsername(s), user.MatchString(s); got != want {
			t.Errorf("username %q: %v, want %v", s, got, want)
		}
	}
}
