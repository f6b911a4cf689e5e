package emu

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// sqQuote quotes s the way git does for SSH commands.
func sqQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func TestParseGitCommand(t *testing.T) {
	tests := []struct {
		in, service, path string
		ok                bool
	}{
		{"git-upload-pack 'acme/repo.git'", "git-upload-pack", "acme/repo.git", true},
		{"git-upload-pack '/demo/repo.git'", "git-upload-pack", "/demo/repo.git", true},
		{"git upload-pack 'acme/repo.git'", "git-upload-pack", "acme/repo.git", true},
		{"git-receive-pack 'acme/repo.git'", "git-receive-pack", "acme/repo.git", true},
		{"git-upload-pack acme/repo.git", "git-upload-pack", "acme/repo.git", true},
		{`git-upload-pack 'it'\''s.git'`, "git-upload-pack", "it's.git", true},
		{"git-upload-pack 'a' 'b'", "", "", false},
		{"git-upload-pack 'a", "", "", false},
		{"git-upload-pack ''", "", "", false},
		{"git-upload-pack a;rm", "", "", false},
		{"bash -c id", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			svc, p, err := parseGitCommand(tt.in)
			if (err == nil) != tt.ok || svc != tt.service || p != tt.path {
				t.Errorf("got %q %q %v", svc, p, err)
			}
		})
	}
}

func FuzzParseGitCommand(f *testing.F) {
	for _, s := range []string{"acme/repo.git", "/demo/repo.git", "it's", `a\b`, "x y", "", "'", "a'b'c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		// Whatever the input, no panic.
		_, _, _ = parseGitCommand(p)
		_, _, _ = parseGitCommand("git-upload-pack " + p)
		// Round trip: a path quoted as git quotes it parses back unchanged.
		svc, got, err := parseGitCommand("git-upload-pack " + sqQuote(p))
		if p == "" || strings.ContainsAny(p, "\x00\n") {
			if err == nil {
				t.Fatalf("accepted bad path %q", p)
			}
			return
		}
		if err != nil || svc != "git-upload-pack" || got != p {
			t.Fatalf("round trip of %q: %q %q %v", p, svc, got, err)
		}
	})
}

func TestParseGitPath(t *testing.T) {
	tests := []struct {
		in          string
		owner, slug string
		rest        string
		ok          bool
	}{
		{"/acme/repo.git/info/refs", "acme", "repo", "/info/refs", true},
		{"/acme/repo/git-upload-pack", "acme", "repo", "/git-upload-pack", true},
		{"/DEMO/repo.git/git-receive-pack", "DEMO", "repo", "/git-receive-pack", true},
		{"/acme/repo.git/HEAD", "", "", "", false},
		{"/acme/../info/refs", "", "", "", false},
		{"/acme/.git/info/refs", "", "", "", false},
		{"/acme/info/refs", "", "", "", false},
		{"//repo.git/info/refs", "", "", "", false},
		{"/acme/re po.git/info/refs", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			gp, ok := parseGitPath(tt.in)
			if ok != tt.ok || gp.owner != tt.owner || gp.slug != tt.slug || gp.rest != tt.rest {
				t.Errorf("got %+v %v", gp, ok)
			}
		})
	}
}

func FuzzParseGitPath(f *testing.F) {
	for _, s := range []string{"/acme/repo.git/info/refs", "/a/b/git-upload-pack", "/x/.git/info/refs", "", "/", "///"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		gp, ok := parseGitPath(p)
		if !ok {
			return
		}
		if !validSegment(gp.owner) || !validSegment(gp.slug) || strings.Contains(gp.owner+gp.slug, "/") {
			t.Fatalf("accepted %q as %+v", p, gp)
		}
		// Round trip: the canonical form parses to the same parts.
		again, ok := parseGitPath("/" + gp.owner + "/" + gp.slug + ".git" + gp.rest)
		if !ok || again != gp {
			t.Fatalf("canonical form of %q: %+v %v", p, again, ok)
		}
	})
}

func FuzzParsePages(f *testing.F) {
	for _, s := range [][2]string{{"10", "1"}, {"100", "3"}, {"0", "-1"}, {"x", ""}, {"", ""}, {"99999999999999999999", "1"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		cp, msg := parseCloudPage(url.Values{"pagelen": {a}, "page": {b}})
		if msg == "" {
			if cp.pagelen < 1 || cp.pagelen > 100 || cp.page < 1 {
				t.Fatalf("cloud page out of range: %+v", cp)
			}
			back, msg := parseCloudPage(url.Values{"pagelen": {strconv.Itoa(cp.pagelen)}, "page": {strconv.Itoa(cp.page)}})
			if msg != "" || back != cp {
				t.Fatalf("cloud round trip %+v -> %+v %q", cp, back, msg)
			}
		}
		dp, err := parseDCPage(url.Values{"start": {a}, "limit": {b}})
		if err == nil {
			if dp.start < 0 || dp.limit < 1 || dp.limit > 1000 {
				t.Fatalf("dc page out of range: %+v", dp)
			}
			back, err := parseDCPage(url.Values{"start": {strconv.Itoa(dp.start)}, "limit": {strconv.Itoa(dp.limit)}})
			if err != nil || back != dp {
				t.Fatalf("dc round trip %+v -> %+v %v", dp, back, err)
			}
		}
	})
}

func FuzzNormContext(f *testing.F) {
	for _, s := range []string{"", "/bitbucket", "bitbucket/", "/a/b", "/../x", " /x ", "//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := normContext(s)
		if err != nil || c == "" {
			return
		}
		if !strings.HasPrefix(c, "/") || strings.HasSuffix(c, "/") || strings.Contains(c, "//") || strings.Contains(c, "/.") {
			t.Fatalf("normContext(%q) = %q", s, c)
		}
		if again, err := normContext(c); err != nil || again != c {
			t.Fatalf("not idempotent: %q -> %q %v", c, again, err)
		}
	})
}
