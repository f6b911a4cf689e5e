package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// FuzzStdinLines: reading secrets line by line never panics, never invents
// a secret, and gives back each line trimmed.
func FuzzStdinLines(f *testing.F) {
	f.Add("tok1\ntok2\n", true, true)
	f.Add("tok1\r\n", true, false)
	f.Add("", true, true)
	f.Add("\n\n", false, true)
	f.Add("  spaced token  \nsecond", true, true)
	f.Fuzz(func(t *testing.T, input string, first, second bool) {
		srcs := []secretSource{
			{slot: wizard.SlotPassword, what: "the http password", stdin: first, flag: "password-stdin"},
			{slot: wizard.SlotAPIToken, what: "the api token", stdin: second, flag: "api-token-stdin"},
		}
		vals, ps := stdinLines(strings.NewReader(input), srcs)
		lines := strings.SplitAfter(input, "\n")
		i := 0
		for _, s := range srcs {
			if !s.stdin {
				if _, ok := vals[s.slot]; ok {
					t.Fatalf("%s read without its flag", s.slot)
				}
				continue
			}
			want := ""
			if i < len(lines) {
				want = strings.TrimSpace(strings.TrimRight(lines[i], "\r\n"))
			}
			i++
			if got := vals[s.slot]; got != want {
				t.Fatalf("%s = %q, want %q", s.slot, got, want)
			}
			if _, bad := ps.Field(s.flag); bad != (want == "") {
				t.Fatalf("%s: problem %v for line %q", s.flag, bad, want)
			}
		}
		for _, p := range ps {
			for _, v := range vals {
				if len(v) >= 8 && strings.Contains(p.Msg, v) { // short values occur in any text
					t.Fatalf("a problem repeats a secret: %q", p.Msg)
				}
			}
		}
	})
}

// FuzzClock: BBCONNECT_NOW parses or is refused with a message naming it,
// and what parses round-trips through RFC 3339.
func FuzzClock(f *testing.F) {
	for _, s := range []string{"2026-11-22T00:00:00Z", "2026-11-22", "2026-11-22T10:00:00+02:00", "tomorrow", "", " 2026-02-30 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fac := &Factory{Getenv: func(string) string { return s }}
		now, err := fac.Now()
		if err != nil {
			if !strings.HasPrefix(err.Error(), EnvNow+": ") {
				t.Fatalf("error does not name %s: %v", EnvNow, err)
			}
			return
		}
		if strings.TrimSpace(s) == "" {
			return
		}
		back, err := time.Parse(time.RFC3339Nano, now.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(now) {
			t.Fatalf("round trip of %v: %v %v", now, back, err)
		}
	})
}

// knownFields are the flags a problem of setup may name.
var knownFields = func() map[wizard.Field]bool {
	m := map[wizard.Field]bool{fieldFormat: true, wizard.FieldTokenExpires: true}
	for _, n := range settingNames {
		m[n] = true
	}
	return m
}()

// FuzzSettings: any flag values give a connector and problems without a
// panic, every problem names a known flag, and the rendered lines are one
// per problem, each starting with the flag.
func FuzzSettings(f *testing.F) {
	f.Add("Bitbucket Cloud", "", "cloud", "account", "http", "https://bitbucket.org/acme", "app.git", "jdoe", "api-token", "none", "platform", "account", "team:x", "2027-01-01")
	f.Add("dc", "dc_1", "datacenter", "repository", "ssh", "ssh://git@h:7999/prj/r.git", "", "", "", "access-token", "delegate", "project", ",,", "soon")
	f.Add("", "1bad", "gitlab", "org", "ftp", "https://u:p@bitbucket.org/w/r", "x/y/z", "a@b.co", "app-password", "username-app-password", "vpn", "team", ":v", "2099-01-01")
	f.Fuzz(func(t *testing.T, name, id, edition, urlType, conn, url, testRepo, user, kind, api, connectivity, scope, tag, expires string) {
		s := settingFlags{
			Name: name, ID: id, Edition: edition, URLType: urlType, Connection: conn, URL: url, TestRepo: testRepo,
			Username: user, PasswordKind: kind, APIAccess: api, Connectivity: connectivity, Scope: scope,
			Tags: []string{tag}, DelegateSelectors: []string{tag},
		}
		now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
		c, ps := s.connector()
		ps = mergeProblems(ps, c.Validate(now))
		_, eps := tokenExpiry(expires, c, now)
		ps = append(ps, eps...)
		for _, p := range ps {
			if !knownFields[p.Field] {
				t.Fatalf("problem names unknown field %q: %v", p.Field, p)
			}
		}
		text := formatProblems(ps)
		if len(ps) == 0 {
			if text != "" {
				t.Fatalf("text without problems: %q", text)
			}
			_ = normalized(c)
			return
		}
		lines := strings.Split(text, "\n")
		if len(lines) < len(ps) {
			t.Fatalf("%d problems in %d lines", len(ps), len(lines))
		}
		for _, p := range ps {
			if !strings.Contains(text, "--"+string(p.Field)+": ") {
				t.Fatalf("no line for --%s in %q", p.Field, text)
			}
		}
	})
}
