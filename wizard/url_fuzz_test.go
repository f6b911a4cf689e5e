package wizard

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// urlSeeds are inputs every URL fuzz target starts from.
var urlSeeds = []string{
	"https://user@bitbucket.org/ws/repo.git", "git@bitbucket.org:ws/repo.git", "ssh://git@bitbucket.org/ws/repo.git",
	"https://bitbucket.org/ws/repo/src/main/", "https://bitbucket.org", "https://bitbucket.org/ws/", "git@bitbucket.org:ws/",
	"https://host:8443/bitbucket/scm/PRJ/repo.git", "ssh://git@host:7999/prj/repo.git", "git@host:7999/prj/repo.git",
	"https://host/projects/PRJ/repos/repo/browse", "https://host/scm/DESCRIPTOR/PRJ/repo.git", "https://user:secret@host/scm",
	"ssh://git@altssh.bitbucket.org:443/ws/repo.git", "git@host/PRJ/repo.git", "https://[::1]:7990/scm/a/b.git",
	"https://host/users/bob/repos/r/browse?at=x", "https://api.bitbucket.org/2.0/repositories/ws/repo", "git@host:",
	"host:7990/scm/a/b.git", "git:pw@host:PRJ/r.git", "https://a%40b@bitbucket.org/ws/r", "https://host/PRJ/repo.git",
	"ssh://-oProxyCommand=x@host/a/b.git", "http://h/x/dashboard", "https://h/rest/api/1.0/projects/P/repos/r",
}

// FuzzParseCloneURL: no panic; whatever parses renders back to itself; a
// failure's fix is a canonical URL; messages start lowercase.
func FuzzParseCloneURL(f *testing.F) {
	for _, s := range urlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := ParseCloneURL(raw)
		if err != nil {
			checkMessage(t, err.Error())
			if fix := urlFixOf(err); fix != "" {
				if n, _ := NormalizeURL("", "", "", fix); n != fix {
					t.Errorf("fix %q of %q is not canonical (%q)", fix, raw, n)
				}
			}
			return
		}
		p.PasswordDropped = false
		again, err := ParseCloneURL(p.String())
		if err != nil || again != p {
			t.Fatalf("%q: %#v renders %q which parses to %#v, %v", raw, p, p.String(), again, err)
		}
	})
}

// FuzzParsedURLRoundTrip builds a ParsedURL from fuzzed parts, renders it
// with String and parses it back: parse(build(x)) == x.
func FuzzParsedURLRoundTrip(f *testing.F) {
	f.Add(true, false, false, false, "", uint16(0), "", "", "ws", "repo", "")
	f.Add(true, true, true, false, "", uint16(0), "", "", "ws", "", "git")
	f.Add(true, true, false, false, "", uint16(3), "", "", "ws", "r", "git")
	f.Add(false, false, false, true, "bitbucket.example.com", uint16(8443), "ctx", "desc", "PRJ", "repo", "jdoe")
	f.Add(false, true, false, false, "bitbucket.example.com", uint16(7999), "", "", "prj", "repo", "git")
	f.Add(false, true, true, false, "h", uint16(0), "", "x/y", "~bob", "repo.git", "git")
	f.Add(false, false, false, false, "10.0.0.1", uint16(0), "a/b", "", "", "", "")
	f.Fuzz(func(t *testing.T, cloud, ssh, scp, http bool, host string, port uint16, ctx, extra, owner, repo, user string) {
		p, ok := buildParsed(cloud, ssh, scp, http, host, port, ctx, extra, owner, repo, user)
		if !ok {
			return
		}
		got, err := ParseCloneURL(p.String())
		if err != nil || got != p {
			t.Fatalf("built %#v\nrenders %q\nparses  %#v, %v", p, p.String(), got, err)
		}
	})
}

// buildParsed makes a valid ParsedURL from fuzzed parts, mapping each part
// onto its alphabet; ok is false for the few combinations that cannot be.
func buildParsed(cloud, ssh, scp, http bool, host string, port uint16, ctx, extra, owner, repo, user string) (ParsedURL, bool) {
	const (
		hostChars = "abcdefghijklmnopqrstuvwxyz0123456789.-"
		slugChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
		keyChars  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
		segChars  = slugChars + "~"
		userChars = "abcdefghijklmnopqrstuvwxyz0123456789._-"
	)
	p := ParsedURL{Connection: HTTP, Scheme: "https"}
	if ssh {
		p.Connection, p.Scheme = SSH, "ssh"
		p.User = "git"
		if user != "" {
			p.User = mapOnto(user, userChars, 64)
		}
	} else {
		p.User = mapOnto(user, printable(), maxSegmentLen)
	}
	repo = mapOnto(repo, slugChars, maxSegmentLen)
	if cloud {
		p.Edition, p.Host = Cloud, cloudHost
		p.Owner = mapOnto(owner, keyChars, maxSegmentLen)
		if ssh && port%3 == 0 && port > 0 {
			p.Host, p.Port = cloudAltSSH, altSSHPort
		}
		if cloudReserved[strings.ToLower(p.Owner)] {
			return p, false
		}
	} else {
		p.Edition, p.Host = DataCenter, strings.Trim(mapOnto(host, hostChars, 63), ".-")
		if !validHostName(p.Host) || p.Host == cloudHost || strings.HasSuffix(p.Host, "."+cloudHost) {
			return p, false
		}
		if port != 0 && strconv.Itoa(int(port)) != defaultPort(p.Scheme) {
			p.Port = strconv.Itoa(int(port))
		}
		if http && !ssh {
			p.Scheme = "http"
			if p.Port == "80" {
				p.Port = ""
			}
		}
		p.Owner = mapOnto(owner, keyChars, maxSegmentLen)
		if p.Owner != "" && (p.Owner[0] < 'A' || p.Owner[0] > 'z' || (p.Owner[0] > 'Z' && p.Owner[0] < 'a')) {
			p.Owner = "~" + mapOnto(owner, slugChars, maxSegmentLen-1)
		}
		if !ssh {
			for _, s := range splitSegments(ctx) {
				s = mapOnto(s, segChars, maxSegmentLen)
				if isDCWebRoot(s) || !validPathSegment(s) {
					return p, false
				}
				p.ContextPath += "/" + s
			}
		}
		if p.Owner != "" && repo != "" {
			var segs []string
			for _, s := range splitSegments(extra) {
				segs = append(segs, mapOnto(s, segChars, maxSegmentLen))
			}
			p.Extra = strings.Join(segs, "/")
		}
	}
	if p.Owner != "" && repo != "" {
		p.Repo = strings.TrimSuffix(repo, ".git")
	}
	p.SCPStyle = ssh && scp && p.Port == "" && (cloud || p.Owner != "")
	if p.SCPStyle && isDigits(strings.Split(p.Extra, "/")[0]) {
		return p, false // git@host:7999/… reads as a port
	}
	ok := (p.Repo == "" || validRepoSlug(p.Repo)) && !strings.Contains(p.Extra, "//") &&
		!strings.HasPrefix(p.Extra, "/") && !strings.HasSuffix(p.Extra, "/")
	for _, s := range splitSegments(p.Extra) {
		ok = ok && validPathSegment(s)
	}
	if p.Owner != "" {
		ok = ok && (cloud && validWorkspace(p.Owner) || !cloud && validProjectKey(p.Owner))
	}
	if ssh {
		ok = ok && validSSHUser(p.User)
	}
	return p, ok
}

func printable() string {
	var b strings.Builder
	for c := byte('!'); c < 0x7f; c++ {
		b.WriteByte(c)
	}
	return b.String()
}

// mapOnto maps each byte of s onto alphabet, keeping at most limit bytes.
func mapOnto(s, alphabet string, limit int) string {
	if len(s) > limit {
		s = s[:limit]
	}
	b := []byte(s)
	for i, c := range b {
		b[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(b)
}

// FuzzNormalizeURL: no panic, idempotent, problems on field url with
// lowercase messages, fixes canonical.
func FuzzNormalizeURL(f *testing.F) {
	for i, s := range urlSeeds {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, choice uint8, raw string) {
		e := append(Editions, "")[int(choice)%3]
		ty := append(URLTypes, "")[int(choice/3)%3]
		c := append(Connections, "")[int(choice/9)%3]
		n1, ps := NormalizeURL(e, ty, c, raw)
		n2, _ := NormalizeURL(e, ty, c, n1)
		if n1 != n2 {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, n1, n2)
		}
		for _, p := range ps {
			if p.Field != FieldURL {
				t.Errorf("problem on field %q", p.Field)
			}
			checkMessage(t, p.Msg)
			if p.Fix != "" {
				if n, _ := NormalizeURL(e, ty, c, p.Fix); n != p.Fix {
					t.Errorf("fix %q is not canonical (%q)", p.Fix, n)
				}
			}
		}
	})
}

// FuzzNormalizeTestRepo: no panic, idempotent, problems on field test-repo.
func FuzzNormalizeTestRepo(f *testing.F) {
	for _, s := range []string{"repo.git", "repo", "/PRJ/repo.git/", "ws/repo.git", "a/b/c", "~bob/r", "https://bitbucket.org/ws/r.git", "git@h:P/r.git", "x:y@z"} {
		f.Add(true, s)
		f.Add(false, s)
	}
	f.Fuzz(func(t *testing.T, cloud bool, raw string) {
		e := DataCenter
		if cloud {
			e = Cloud
		}
		n1, ps := NormalizeTestRepo(e, raw)
		n2, _ := NormalizeTestRepo(e, n1)
		if n1 != n2 {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, n1, n2)
		}
		for _, p := range ps {
			if p.Field != FieldTestRepo {
				t.Errorf("problem on field %q", p.Field)
			}
			checkMessage(t, p.Msg)
		}
	})
}

// FuzzPasswordNeverEchoed plants a password in the userinfo of any URL and
// checks that no result, problem, fix or filled field repeats it.
func FuzzPasswordNeverEchoed(f *testing.F) {
	for _, s := range urlSeeds {
		f.Add("jdoe", "hunter2", s)
	}
	f.Fuzz(func(t *testing.T, user, pw, rest string) {
		pw = "Pw9" + mapOnto(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40) + "X"
		user = mapOnto(user, "abcdefghijklmnopqrstuvwxyz._-", 20)
		if strings.Contains(strings.ToUpper(rest), strings.ToUpper(pw[:3])) {
			return
		}
		for _, raw := range []string{"https://" + user + ":" + pw + "@" + rest, "ssh://" + user + ":" + pw + "@" + rest, user + ":" + pw + "@" + rest} {
			var out []string
			p, err := ParseCloneURL(raw)
			out = append(out, p.String(), p.User, errString(err), urlFixOf(err))
			n, ps := NormalizeURL(Cloud, Account, HTTP, raw)
			out = append(out, n, ps.Error())
			for _, pr := range ps {
				out = append(out, pr.Fix)
			}
			tr, ps := NormalizeTestRepo(DataCenter, raw)
			out = append(out, tr, ps.Error())
			c := NewConnector()
			c.URL = raw
			out = append(out, c.TestURL(), c.ServerBase(), validateDetails(c, time.Time{}).Error())
			if err == nil {
				out = append(out, p.Apply(&c)...)
				out = append(out, c.URL, c.Username, c.TestRepo)
			}
			for _, s := range out {
				if strings.Contains(strings.ToUpper(s), strings.ToUpper(pw)) {
					t.Fatalf("%q: password echoed in %q", raw, s)
				}
			}
		}
	})
}

func checkMessage(t *testing.T, msg string) {
	t.Helper()
	if msg == "" || strings.ToLower(msg[:1]) != msg[:1] || strings.HasSuffix(msg, ".") {
		t.Errorf("message %q: want short, lowercase, no final period", msg)
	}
}
