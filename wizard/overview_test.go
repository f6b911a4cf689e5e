package wizard

import (
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"bitbucket", "Bitbucket Cloud - my_ws", "a.b/c", strings.Repeat("n", 64)} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("ValidateName(%q) = %v", ok, err)
		}
	}
	bad := map[string]string{
		"":                      "name is empty",
		"   ":                   "name is empty",
		strings.Repeat("n", 65): "use at most 64",
		"team@x":                `cannot contain '@'`,
		"naïve":                 `cannot contain 'ï'`,
	}
	for in, want := range bad {
		if err := ValidateName(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateName(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestValidateDescription(t *testing.T) {
	if err := ValidateDescription(strings.Repeat("d", 1024)); err != nil {
		t.Fatal(err)
	}
	if err := ValidateDescription(strings.Repeat("d", 1025)); err == nil || !strings.Contains(err.Error(), "shorten it to 1024") {
		t.Fatalf("got %v", err)
	}
}

func TestParseTags(t *testing.T) {
	tags, ps := ParseTags([]string{"team:platform", "legacy", "url:https://x:8080", "team:infra, env : prod "})
	if len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
	want := []Tag{{"team", "infra"}, {"legacy", ""}, {"url", "https://x:8080"}, {"env", "prod"}}
	if len(tags) != len(want) {
		t.Fatalf("tags = %v, want %v", tags, want)
	}
	for i := range want {
		if tags[i] != want[i] {
			t.Errorf("tag %d = %v, want %v", i, tags[i], want[i])
		}
	}
	if got := FormatTags(tags); got != "team:infra, legacy, url:https://x:8080, env:prod" {
		t.Errorf("FormatTags = %q", got)
	}
	_, ps = ParseTags([]string{":value"})
	if p, ok := ps.Field("tag"); !ok || !strings.Contains(p.Msg, "has no key") {
		t.Errorf("empty key: %v", ps)
	}
	_, ps = ParseTags([]string{"x:<+input>"})
	if len(ps) != 1 || !strings.Contains(ps[0].Msg, "runtime inputs") {
		t.Errorf("expression tag: %v", ps)
	}
	many := make([]string, 129)
	for i := range many {
		many[i] = "k" + strings.Repeat("x", i)
	}
	if _, ps = ParseTags(many); len(ps) != 1 || !strings.Contains(ps[0].Msg, "at most 128") {
		t.Errorf("too many tags: %v", ps)
	}
}

// TestMergeTags: the export and ParseTags keep one tag per key, in its
// first place with its last value; blank keys go.
func TestMergeTags(t *testing.T) {
	got := MergeTags([]Tag{{"a", "1"}, {" ", "x"}, {"b", ""}, {" a ", "2"}})
	want := []Tag{{"a", "2"}, {"b", ""}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("MergeTags = %v, want %v", got, want)
	}
}

func FuzzParseTag(f *testing.F) {
	for _, s := range []string{"a:b", "a", "a:b:c", ":", "", " k : v "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tag, err := ParseTag(s)
		if err != nil {
			return
		}
		again, err := ParseTag(tag.String())
		if err != nil || again != tag {
			t.Fatalf("round trip %q -> %v -> %q -> %v (%v)", s, tag, tag.String(), again, err)
		}
	})
}
