package wizard

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestURLFormat(t *testing.T) {
	cases := []struct {
		e    Edition
		t    URLType
		c    Connection
		want string
	}{
		{Cloud, Account, HTTP, "https://bitbucket.org/WORKSPACE (or just https://bitbucket.org, with WORKSPACE/REPO-NAME.git as test repository)"},
		{Cloud, Repository, HTTP, "https://bitbucket.org/WORKSPACE/REPO-NAME.git"},
		{Cloud, Account, SSH, "git@bitbucket.org:WORKSPACE/"},
		{Cloud, Repository, SSH, "git@bitbucket.org:WORKSPACE/REPO-NAME.git"},
		{DataCenter, Account, HTTP, "https://bitbucket.YOUR-ORG.com/scm"},
		{DataCenter, Repository, HTTP, "https://bitbucket.YOUR-ORG.com/scm/PROJECT-ID/REPO-NAME.git"},
		{DataCenter, Account, SSH, "ssh://git@bitbucket.YOUR-ORG.com:7999/"},
		{DataCenter, Repository, SSH, "ssh://git@bitbucket.YOUR-ORG.com:7999/PROJECT-ID/REPO-NAME.git"},
		{"", Account, HTTP, ""},
		{Cloud, "", HTTP, ""},
		{Cloud, Account, "", ""},
	}
	for _, tc := range cases {
		if got := URLFormat(tc.e, tc.t, tc.c); got != tc.want {
			t.Errorf("URLFormat(%s, %s, %s) = %q, want %q", tc.e, tc.t, tc.c, got, tc.want)
		}
	}
	if TestRepoFormat(Cloud) != "REPO-NAME.git" || TestRepoFormat(DataCenter) != "PROJECT-ID/REPO-NAME.git" {
		t.Error("TestRepoFormat")
	}
}

func TestTestURL(t *testing.T) {
	cases := []struct {
		t          URLType
		url, repo  string
		want       string
		owner, ref string // RepoRef owner/slug ("" when it errs)
	}{
		{Account, "https://bitbucket.org/ws", "repo.git", "https://bitbucket.org/ws/repo.git", "ws", "repo"},
		{Account, "https://bitbucket.org/ws/", "/repo.git", "https://bitbucket.org/ws/repo.git", "ws", "repo"},
		{Account, "https://bitbucket.org", "ws/repo.git", "https://bitbucket.org/ws/repo.git", "ws", "repo"},
		{Account, "git@bitbucket.org:ws/", "repo.git", "git@bitbucket.org:ws/repo.git", "ws", "repo"},
		{Account, "git@bitbucket.org:ws", "repo.git", "git@bitbucket.org:ws/repo.git", "ws", "repo"},
		{Account, "ssh://git@bitbucket.example.com:7999/", "PRJ/repo.git", "ssh://git@bitbucket.example.com:7999/PRJ/repo.git", "PRJ", "repo"},
		{Account, "ssh://git@bitbucket.example.com:7999", "prj/repo.git", "ssh://git@bitbucket.example.com:7999/prj/repo.git", "PRJ", "repo"},
		{Account, "https://bitbucket.example.com/ctx/scm", "~jdoe/repo.git", "https://bitbucket.example.com/ctx/scm/~jdoe/repo.git", "~jdoe", "repo"},
		{Account, "  https://user:s3cret@bitbucket.example.com/scm/  ", "PRJ/repo.git", "https://user@bitbucket.example.com/scm/PRJ/repo.git", "PRJ", "repo"},
		{Account, "https://bitbucket.org/ws", "", "", "", ""},
		{Account, "", "repo.git", "", "", ""},
		{Repository, "https://bitbucket.example.com/scm/prj/repo.git", "ignored.git", "https://bitbucket.example.com/scm/prj/repo.git", "PRJ", "repo"},
		{Repository, "https://bitbucket.org/ws", "", "https://bitbucket.org/ws", "", ""},
		{Repository, "not a url", "", "not a url", "", ""},
	}
	for _, tc := range cases {
		c := Connector{URLType: tc.t, URL: tc.url, TestRepo: tc.repo}
		if got := c.TestURL(); got != tc.want {
			t.Errorf("TestURL(%q + %q) = %q, want %q", tc.url, tc.repo, got, tc.want)
		}
		owner, slug, err := c.RepoRef()
		if tc.owner == "" {
			if err == nil {
				t.Errorf("RepoRef(%q + %q) = %q, %q; want an error", tc.url, tc.repo, owner, slug)
			} else {
				checkMessage(t, err.Error())
			}
			continue
		}
		if err != nil || owner != tc.owner || slug != tc.ref {
			t.Errorf("RepoRef(%q + %q) = %q, %q, %v; want %q, %q", tc.url, tc.repo, owner, slug, err, tc.owner, tc.ref)
		}
	}
}

func TestServerBase(t *testing.T) {
	cases := []struct {
		e         Edition
		url, want string
	}{
		{Cloud, "https://bitbucket.org/ws", "https://bitbucket.org"},
		{Cloud, "garbage", "https://bitbucket.org"},
		{"", "git@bitbucket.org:ws/repo.git", "https://bitbucket.org"},
		{DataCenter, "https://bitbucket.example.com/scm/PRJ/repo.git", "https://bitbucket.example.com"},
		{DataCenter, "https://bitbucket.example.com:8443/bitbucket/scm", "https://bitbucket.example.com:8443/bitbucket"},
		{DataCenter, "http://bitbucket.example.com:7990/scm", "http://bitbucket.example.com:7990"},
		{DataCenter, "https://bitbucket.example.com/projects/PRJ/repos/r/browse", "https://bitbucket.example.com"},
		{DataCenter, "ssh://git@bitbucket.example.com:7999/prj/repo.git", "https://bitbucket.example.com"},
		{DataCenter, "git@bitbucket.example.com:prj/repo.git", "https://bitbucket.example.com"},
		{DataCenter, "ssh://git@[::1]:7999/", "https://[::1]"},
		{DataCenter, "ftp://x", ""},
		{DataCenter, "", ""},
	}
	for _, tc := range cases {
		if got := (Connector{Edition: tc.e, URL: tc.url}).ServerBase(); got != tc.want {
			t.Errorf("ServerBase(%s, %q) = %q, want %q", tc.e, tc.url, got, tc.want)
		}
	}
}

func TestApply(t *testing.T) {
	repoConn := NewConnector()
	repoConn.URLType = Repository
	cases := []struct {
		name  string
		start Connector
		paste string
		want  func(c Connector) bool
		lines []string
	}{
		{
			"cloud repo url into account connector", NewConnector(), "https://jdoe@bitbucket.org/ws/repo.git",
			func(c Connector) bool {
				return c.URL == "https://bitbucket.org/ws" && c.TestRepo == "repo.git" && c.Username == "jdoe" && c.URLType == Account
			},
			[]string{"url: https://bitbucket.org/ws", "test repository: repo.git", "username: jdoe"},
		},
		{
			"cloud scp url into repository connector", repoConn, "git@bitbucket.org:ws/repo.git",
			func(c Connector) bool {
				return c.URL == "git@bitbucket.org:ws/repo.git" && c.Connection == SSH && c.TestRepo == ""
			},
			[]string{"connection: SSH", "url: git@bitbucket.org:ws/repo.git"},
		},
		{
			"dc ssh url into account connector", NewConnector(), "git@bitbucket.example.com:7999/prj/repo.git",
			func(c Connector) bool {
				return c.Edition == DataCenter && c.URL == "ssh://git@bitbucket.example.com:7999/" && c.TestRepo == "prj/repo.git"
			},
			[]string{"edition: Bitbucket Data Center", "connection: SSH", "url: ssh://git@bitbucket.example.com:7999/", "test repository: prj/repo.git"},
		},
		{
			"dc scp url into account connector", NewConnector(), "git@bitbucket.example.com:prj/repo.git",
			func(c Connector) bool {
				return c.URL == "ssh://git@bitbucket.example.com/" && c.TestURL() == "ssh://git@bitbucket.example.com/prj/repo.git"
			},
			[]string{"edition: Bitbucket Data Center", "connection: SSH", "url: ssh://git@bitbucket.example.com/", "test repository: prj/repo.git"},
		},
		{
			"dc browser url into repository connector", repoConn, "https://bitbucket.example.com/projects/PRJ/repos/repo/browse",
			func(c Connector) bool {
				return c.URL == "https://bitbucket.example.com/scm/PRJ/repo.git" && c.URLType == Repository
			},
			[]string{"edition: Bitbucket Data Center", "url: https://bitbucket.example.com/scm/PRJ/repo.git"},
		},
		{
			"account url into repository connector", repoConn, "https://bitbucket.org/ws/",
			func(c Connector) bool { return c.URL == "https://bitbucket.org/ws" && c.URLType == Account },
			[]string{"url type: Account", "url: https://bitbucket.org/ws"},
		},
		{
			"dc project page", NewConnector(), "https://bitbucket.example.com/projects/PRJ",
			func(c Connector) bool { return c.URL == "https://bitbucket.example.com/scm" && c.TestRepo == "" },
			[]string{"edition: Bitbucket Data Center", "url: https://bitbucket.example.com/scm (put PRJ/REPO-NAME.git in test repository)"},
		},
		{
			"dc extra segment into account connector", NewConnector(), "https://bitbucket.example.com/scm/DESC/PRJ/repo.git",
			func(c Connector) bool {
				return c.URL == "https://bitbucket.example.com/scm" && c.TestRepo == "PRJ/repo.git"
			},
			[]string{"edition: Bitbucket Data Center", "url: https://bitbucket.example.com/scm (dropped DESC before the project)", "test repository: PRJ/repo.git"},
		},
		{
			"password dropped", repoConn, "https://jdoe:s3cret@bitbucket.org/ws/repo.git",
			func(c Connector) bool { return c.URL == "https://bitbucket.org/ws/repo.git" && c.Username == "jdoe" },
			[]string{"url: https://bitbucket.org/ws/repo.git", "username: jdoe", "password: not taken from the url; enter it in the password field"},
		},
		{
			"username kept", func() Connector { c := repoConn; c.Username = "me"; return c }(), "https://x-token-auth@bitbucket.org/ws/repo.git",
			func(c Connector) bool { return c.Username == "me" },
			[]string{"url: https://bitbucket.org/ws/repo.git"},
		},
		{
			"zero connector",
			Connector{},
			"https://bitbucket.org/ws/repo.git",
			func(c Connector) bool { return c.URLType == Repository && c.Edition == Cloud && c.Connection == HTTP },
			[]string{"edition: Bitbucket Cloud", "connection: HTTP", "url type: Repository", "url: https://bitbucket.org/ws/repo.git"},
		},
		{
			"nothing changes", func() Connector {
				c := NewConnector()
				c.URL, c.TestRepo = "https://bitbucket.org/ws", "repo.git"
				return c
			}(),
			"https://bitbucket.org/ws/repo/src/main/", func(Connector) bool { return true }, nil,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseCloneURL(tc.paste)
			if err != nil {
				t.Fatal(err)
			}
			c := tc.start
			lines := p.Apply(&c)
			if !slices.Equal(lines, tc.lines) {
				t.Errorf("lines = %q\nwant    %q", lines, tc.lines)
			}
			if !tc.want(c) {
				t.Errorf("connector after Apply: %+v", c)
			}
			for _, l := range lines {
				if strings.Contains(l, "s3cret") {
					t.Errorf("line %q echoes the password", l)
				}
			}
			// Apply cannot invent the test repository of a project page or
			// of an account URL; everything else it fills is valid.
			incomplete := map[string]bool{"dc project page": true, "account url into repository connector": true}
			if ps := validateDetails(c, time.Time{}); !incomplete[tc.name] && len(ps) != 0 {
				t.Errorf("after Apply: %v", ps)
			}
		})
	}
	if (ParsedURL{}).Apply(&Connector{}) != nil || (ParsedURL{Host: "h"}).Apply(nil) != nil {
		t.Error("Apply of nothing should change nothing")
	}
}
