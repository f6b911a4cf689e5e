package wizard

import (
	"strings"
	"testing"
)

func TestParseCloneURL(t *testing.T) {
	cloudRepo := ParsedURL{Edition: Cloud, Connection: HTTP, Scheme: "https", Host: "bitbucket.org", Owner: "ws", Repo: "repo"}
	cloudSCP := ParsedURL{Edition: Cloud, Connection: SSH, Scheme: "ssh", Host: "bitbucket.org", Owner: "ws", Repo: "repo", User: "git", SCPStyle: true}
	dcRepo := ParsedURL{Edition: DataCenter, Connection: HTTP, Scheme: "https", Host: "bitbucket.example.com", Owner: "PRJ", Repo: "repo"}
	dcSSH := ParsedURL{Edition: DataCenter, Connection: SSH, Scheme: "ssh", Host: "bitbucket.example.com", Port: "7999", Owner: "prj", Repo: "repo", User: "git"}
	with := func(p ParsedURL, f func(*ParsedURL)) ParsedURL { f(&p); return p }
	account := func(p *ParsedURL) { p.Repo = "" }

	cases := []struct {
		in   string
		want ParsedURL
		str  string // canonical; "" means the input itself
	}{
		// Cloud, HTTP.
		{"https://user@bitbucket.org/ws/repo.git", with(cloudRepo, func(p *ParsedURL) { p.User = "user" }), ""},
		{"https://bitbucket.org/ws/repo.git", cloudRepo, ""},
		{"  https://bitbucket.org/ws/repo  ", cloudRepo, "https://bitbucket.org/ws/repo.git"},
		{"http://www.bitbucket.org/ws/repo/", cloudRepo, "https://bitbucket.org/ws/repo.git"},
		{"HTTPS://BitBucket.ORG:443/ws/repo.git", cloudRepo, "https://bitbucket.org/ws/repo.git"},
		{"bitbucket.org/ws/repo.git", cloudRepo, "https://bitbucket.org/ws/repo.git"},
		{"https://bitbucket.org/ws/repo/src/main/", cloudRepo, "https://bitbucket.org/ws/repo.git"},
		{"https://bitbucket.org/ws/repo/pull-requests/12?x=1#frag", cloudRepo, "https://bitbucket.org/ws/repo.git"},
		{"https://api.bitbucket.org/2.0/repositories/ws/repo/src", cloudRepo, "https://bitbucket.org/ws/repo.git"},
		{"https://bitbucket.org/ws/", with(cloudRepo, account), "https://bitbucket.org/ws"},
		{"https://bitbucket.org/ws/workspace/overview", with(cloudRepo, account), "https://bitbucket.org/ws"},
		{"https://api.bitbucket.org/2.0/workspaces/ws", with(cloudRepo, account), "https://bitbucket.org/ws"},
		{"https://bitbucket.org", with(cloudRepo, func(p *ParsedURL) { account(p); p.Owner = "" }), ""},
		{"https://user:s3cret@bitbucket.org/ws/repo.git", with(cloudRepo, func(p *ParsedURL) { p.User, p.PasswordDropped = "user", true }), "https://user@bitbucket.org/ws/repo.git"},
		{"https://a%40b.c@bitbucket.org/ws/repo.git", with(cloudRepo, func(p *ParsedURL) { p.User = "a@b.c" }), ""},
		// Cloud, SSH.
		{"git@bitbucket.org:ws/repo.git", cloudSCP, ""},
		{"git@bitbucket.org:ws/repo", cloudSCP, "git@bitbucket.org:ws/repo.git"},
		{"bitbucket.org:ws/repo.git", cloudSCP, "git@bitbucket.org:ws/repo.git"},
		{"git@bitbucket.org/ws/repo.git", cloudSCP, "git@bitbucket.org:ws/repo.git"},
		{"git@bitbucket.org:ws/", with(cloudSCP, account), ""},
		{"git@bitbucket.org:ws", with(cloudSCP, account), "git@bitbucket.org:ws/"},
		{"git@bitbucket.org:1234/repo.git", with(cloudSCP, func(p *ParsedURL) { p.Owner = "1234" }), ""},
		{"ssh://git@bitbucket.org/ws/repo.git", with(cloudSCP, func(p *ParsedURL) { p.SCPStyle = false }), ""},
		{"ssh://git@bitbucket.org:22/ws/", with(cloudSCP, func(p *ParsedURL) { p.SCPStyle = false; account(p) }), "ssh://git@bitbucket.org/ws/"},
		{"git+ssh://bitbucket.org/ws/repo.git", with(cloudSCP, func(p *ParsedURL) { p.SCPStyle = false }), "ssh://git@bitbucket.org/ws/repo.git"},
		{"ssh://git@altssh.bitbucket.org:443/ws/repo.git", with(cloudSCP, func(p *ParsedURL) { p.SCPStyle, p.Host, p.Port = false, "altssh.bitbucket.org", "443" }), ""},
		{"git@altssh.bitbucket.org:ws/repo.git", with(cloudSCP, func(p *ParsedURL) { p.SCPStyle, p.Host, p.Port = false, "altssh.bitbucket.org", "443" }), "ssh://git@altssh.bitbucket.org:443/ws/repo.git"},
		{"git:pw@bitbucket.org:ws/repo.git", with(cloudSCP, func(p *ParsedURL) { p.PasswordDropped = true }), "git@bitbucket.org:ws/repo.git"},
		{"ssh://bob@bitbucket.org/ws/repo.git", with(cloudSCP, func(p *ParsedURL) { p.SCPStyle, p.User = false, "bob" }), ""},
		// Data Center, HTTP.
		{"https://bitbucket.example.com/scm/PRJ/repo.git", dcRepo, ""},
		{"https://bitbucket.example.com:8443/bitbucket/scm/PRJ/repo.git", with(dcRepo, func(p *ParsedURL) { p.Port, p.ContextPath = "8443", "/bitbucket" }), ""},
		{"http://bitbucket.example.com:7990/scm/PRJ/repo", with(dcRepo, func(p *ParsedURL) { p.Scheme, p.Port = "http", "7990" }), "http://bitbucket.example.com:7990/scm/PRJ/repo.git"},
		{"http://bitbucket.example.com:80/scm/PRJ/repo.git", with(dcRepo, func(p *ParsedURL) { p.Scheme = "http" }), "http://bitbucket.example.com/scm/PRJ/repo.git"},
		{"https://jdoe@bitbucket.example.com/scm/PRJ/repo.git", with(dcRepo, func(p *ParsedURL) { p.User = "jdoe" }), ""},
		{"https://bitbucket.example.com/projects/PRJ/repos/repo/browse", dcRepo, "https://bitbucket.example.com/scm/PRJ/repo.git"},
		{"https://bitbucket.example.com/ctx/projects/PRJ/repos/repo/browse/src/a.go?at=main", with(dcRepo, func(p *ParsedURL) { p.ContextPath = "/ctx" }), "https://bitbucket.example.com/ctx/scm/PRJ/repo.git"},
		{"https://bitbucket.example.com/rest/api/1.0/projects/PRJ/repos/repo", dcRepo, "https://bitbucket.example.com/scm/PRJ/repo.git"},
		{"https://bitbucket.example.com/users/jdoe/repos/repo/browse", with(dcRepo, func(p *ParsedURL) { p.Owner = "~jdoe" }), "https://bitbucket.example.com/scm/~jdoe/repo.git"},
		{"https://bitbucket.example.com/scm/%7Ejdoe/repo.git", with(dcRepo, func(p *ParsedURL) { p.Owner = "~jdoe" }), "https://bitbucket.example.com/scm/~jdoe/repo.git"},
		{"https://bitbucket.example.com/scm/DESCRIPTOR/PRJ/repo.git", with(dcRepo, func(p *ParsedURL) { p.Extra = "DESCRIPTOR" }), ""},
		{"https://bitbucket.example.com/scm/a/b/PRJ/repo.git", with(dcRepo, func(p *ParsedURL) { p.Extra = "a/b" }), ""},
		{"https://bitbucket.example.com/scm/", with(dcRepo, func(p *ParsedURL) { account(p); p.Owner = "" }), "https://bitbucket.example.com/scm"},
		{"https://bitbucket.example.com", with(dcRepo, func(p *ParsedURL) { account(p); p.Owner = "" }), "https://bitbucket.example.com/scm"},
		{"https://bitbucket.example.com/bitbucket/dashboard", with(dcRepo, func(p *ParsedURL) { account(p); p.Owner, p.ContextPath = "", "/bitbucket" }), "https://bitbucket.example.com/bitbucket/scm"},
		{"https://bitbucket.example.com/projects/PRJ", with(dcRepo, account), "https://bitbucket.example.com/scm/PRJ"},
		{"https://bitbucket.example.com/scm/PRJ", with(dcRepo, account), ""},
		{"bitbucket.example.com:7990/scm/PRJ/repo.git", with(dcRepo, func(p *ParsedURL) { p.Port = "7990" }), "https://bitbucket.example.com:7990/scm/PRJ/repo.git"},
		{"https://[::1]:7990/scm/PRJ/repo.git", with(dcRepo, func(p *ParsedURL) { p.Host, p.Port = "::1", "7990" }), ""},
		// Data Center, SSH.
		{"ssh://git@bitbucket.example.com:7999/prj/repo.git", dcSSH, ""},
		{"git@bitbucket.example.com:7999/prj/repo.git", dcSSH, "ssh://git@bitbucket.example.com:7999/prj/repo.git"},
		{"ssh://git@bitbucket.example.com:7999/", with(dcSSH, func(p *ParsedURL) { account(p); p.Owner = "" }), ""},
		{"ssh://git@bitbucket.example.com:7999", with(dcSSH, func(p *ParsedURL) { account(p); p.Owner = "" }), "ssh://git@bitbucket.example.com:7999/"},
		{"git@bitbucket.example.com:7999", with(dcSSH, func(p *ParsedURL) { account(p); p.Owner = "" }), "ssh://git@bitbucket.example.com:7999/"},
		{"git@bitbucket.example.com:prj/repo.git", with(dcSSH, func(p *ParsedURL) { p.Port, p.SCPStyle = "", true }), ""},
		{"git@bitbucket.example.com:/prj/repo.git", with(dcSSH, func(p *ParsedURL) { p.Port, p.SCPStyle = "", true }), "git@bitbucket.example.com:prj/repo.git"},
		{"git@bitbucket.example.com/prj/repo.git", with(dcSSH, func(p *ParsedURL) { p.Port, p.SCPStyle = "", true }), "git@bitbucket.example.com:prj/repo.git"},
		{"git@bitbucket.example.com:", with(dcSSH, func(p *ParsedURL) { account(p); p.Owner, p.Port = "", "" }), "ssh://git@bitbucket.example.com/"},
		{"ssh://git@bitbucket.example.com:7999/scm/prj/repo.git", with(dcSSH, func(p *ParsedURL) { p.Extra = "scm" }), ""},
		{"ssh://git@[fd00::1]:7999/prj/repo.git", with(dcSSH, func(p *ParsedURL) { p.Host = "fd00::1" }), ""},
		{"ssh://git@127.0.0.1:2222/prj/repo.git", with(dcSSH, func(p *ParsedURL) { p.Host, p.Port = "127.0.0.1", "2222" }), ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseCloneURL(tc.in)
			if err != nil {
				t.Fatalf("ParseCloneURL: %v", err)
			}
			if got != tc.want {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
			str := tc.str
			if str == "" {
				str = tc.in
			}
			if got.String() != str {
				t.Errorf("String() = %q, want %q", got.String(), str)
			}
			again, err := ParseCloneURL(got.String())
			got.PasswordDropped = false
			if err != nil || again != got {
				t.Errorf("round trip: %#v, %v", again, err)
			}
		})
	}
}

func TestParseCloneURLErrors(t *testing.T) {
	cases := []struct{ in, msg, fix string }{
		{"", "enter a clone url", ""},
		{"   ", "enter a clone url", ""},
		{strings.Repeat("a", 3000), "too long", ""},
		{"https://bitbucket.org/ws /repo", "spaces or unusual characters", ""},
		{"https://bitbücket.org/ws", "spaces or unusual characters", ""},
		{"ftp://bitbucket.org/ws/repo.git", "use an https:// or ssh:// url", ""},
		{"git://host/prj/repo.git", "use an https:// or ssh:// url", ""},
		{"https:///ws/repo.git", "has no server name", ""},
		{"https://bad_host-/scm", "server name is not valid", ""},
		{"https://-oProxyCommand=x/scm", "server name is not valid", ""},
		{"https://host:99999/scm", "port must be a number from 1 to 65535", ""},
		{"https://host:0/scm", "port must be a number", ""},
		{"https://host:7x/scm", "port must be a number", ""},
		{"https://[::1/scm", "closing ]", ""},
		{"git@[::1:prj/r.git", "closing ]", ""},
		{"https://[zz::1]/scm", "ipv6 address is not valid", ""},
		{"https://bitbucket.org:8443/ws/repo.git", "bitbucket.org takes no port", "https://bitbucket.org/ws/repo.git"},
		{"https://foo.bitbucket.org/ws", "use https://bitbucket.org/WORKSPACE", ""},
		{"https://api.bitbucket.org/2.0/user", "this is an api url", ""},
		{"https://bitbucket.org/account/settings/", "this is a bitbucket page", ""},
		{"https://bitbucket.org/w.s/repo.git", "workspace is not valid", ""},
		{"https://bitbucket.org/ws/re$po.git", "repository name is not valid", ""},
		{"https://bitbucket.org/ws/%zz", "broken %-escape", ""},
		{"https://bitbucket.org/ws/.git", "repository name is not valid", ""},
		{"https://host/PRJ/repo.git", "have /scm before the project", "https://host/scm/PRJ/repo.git"},
		{"https://host/x/y/PRJ/repo.git", "have /scm before the project", "https://host/x/y/scm/PRJ/repo.git"},
		{"https://host/P$J/repo.git", "have /scm before the project", ""},
		{"https://host/scm/repo.git", "add the project key before the repository", ""},
		{"https://host/scm/1PRJ/repo.git", "project key is not valid", ""},
		{"https://host/scm/a$b/PRJ/repo.git", "path segment before the project is not valid", ""},
		{"https://host/c$x/scm/PRJ/repo.git", "server path before /scm is not valid", ""},
		{"ssh://-oProxyCommand=touch@host/prj/repo.git", "use the user git; use ssh://git@host/prj/repo.git", "ssh://git@host/prj/repo.git"},
		{"ssh://%zz@host/prj/repo.git", "broken %-escape", ""},
		{"git@host?:prj/r.git", "server name is not valid", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseCloneURL(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %q", err, tc.msg)
			}
			if got := urlFixOf(err); got != tc.fix {
				t.Errorf("fix = %q, want %q", got, tc.fix)
			}
			if m := err.Error(); strings.ToLower(m[:1]) != m[:1] {
				t.Errorf("message %q should start lowercase", m)
			}
		})
	}
}

func TestParseCloneURLNeverEchoesPassword(t *testing.T) {
	const pw = "Hunter2Secret"
	for _, in := range []string{
		"https://jdoe:" + pw + "@bitbucket.org/ws/repo.git",
		"https://jdoe:" + pw + "@bitbucket.org:99/ws/repo.git",
		"https://jdoe:" + pw + "@host/PRJ/repo.git",
		"https://jdoe:" + pw + "@host:bad/scm",
		"https://jdoe:" + pw + "@/scm",
		"http://:" + pw + "@host/scm/a/b.git",
		"ftp://jdoe:" + pw + "@host/x",
		"git:" + pw + "@host:prj/repo.git",
		"ssh://bob:" + pw + "@host/prj/repo.git",
		"ssh://-x:" + pw + "@host/prj/repo.git",
	} {
		p, err := ParseCloneURL(in)
		for _, s := range []string{p.String(), p.User, errString(err), urlFixOf(err)} {
			if strings.Contains(s, pw) {
				t.Errorf("%q: password echoed in %q", in, s)
			}
		}
		if err == nil && !p.PasswordDropped {
			t.Errorf("%q: PasswordDropped not set", in)
		}
		norm, ps := NormalizeURL(Cloud, Repository, HTTP, in)
		if strings.Contains(norm, pw) || strings.Contains(ps.Error(), pw) {
			t.Errorf("%q: NormalizeURL echoed the password: %q %v", in, norm, ps)
		}
		for _, pr := range ps {
			if strings.Contains(pr.Fix, pw) {
				t.Errorf("%q: fix echoes the password", in)
			}
		}
		if _, ok := ps.Field("url"); !ok {
			t.Errorf("%q: no url problem", in)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
