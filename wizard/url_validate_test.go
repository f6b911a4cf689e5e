package wizard

import (
	"strings"
	"testing"
	"time"
)

func TestNormalizeURLCombinations(t *testing.T) {
	cases := []struct {
		e         Edition
		t         URLType
		c         Connection
		raw, want string
	}{
		{Cloud, Account, HTTP, " http://bitbucket.org/ws/ ", "https://bitbucket.org/ws"},
		{Cloud, Account, HTTP, "https://bitbucket.org/", "https://bitbucket.org"},
		{Cloud, Repository, HTTP, "https://jdoe@bitbucket.org/ws/repo", "https://bitbucket.org/ws/repo.git"},
		{Cloud, Account, SSH, "git@bitbucket.org:ws", "git@bitbucket.org:ws/"},
		{Cloud, Account, SSH, "ssh://git@bitbucket.org/ws", "ssh://git@bitbucket.org/ws/"},
		{Cloud, Repository, SSH, "git@bitbucket.org:ws/repo", "git@bitbucket.org:ws/repo.git"},
		{Cloud, Repository, SSH, "ssh://git@altssh.bitbucket.org:443/ws/repo.git", "ssh://git@altssh.bitbucket.org:443/ws/repo.git"},
		{DataCenter, Account, HTTP, "https://bitbucket.example.com/scm/", "https://bitbucket.example.com/scm"},
		{DataCenter, Account, HTTP, "https://bitbucket.example.com:443", "https://bitbucket.example.com/scm"},
		{DataCenter, Account, HTTP, "http://bitbucket.example.com:7990/bitbucket/scm", "http://bitbucket.example.com:7990/bitbucket/scm"},
		{DataCenter, Repository, HTTP, "https://bitbucket.example.com/scm/PRJ/repo", "https://bitbucket.example.com/scm/PRJ/repo.git"},
		{DataCenter, Repository, HTTP, "https://bitbucket.example.com/projects/PRJ/repos/repo/browse", "https://bitbucket.example.com/scm/PRJ/repo.git"},
		{DataCenter, Account, SSH, "ssh://git@bitbucket.example.com:7999", "ssh://git@bitbucket.example.com:7999/"},
		{DataCenter, Account, SSH, "git@bitbucket.example.com:7999/", "ssh://git@bitbucket.example.com:7999/"},
		{DataCenter, Repository, SSH, "ssh://git@bitbucket.example.com:7999/prj/repo.git", "ssh://git@bitbucket.example.com:7999/prj/repo.git"},
		{DataCenter, Repository, SSH, "git@bitbucket.example.com:prj/repo", "git@bitbucket.example.com:prj/repo.git"},
		{DataCenter, Repository, SSH, "git@bitbucket.example.com/PRJ/repo.git", "git@bitbucket.example.com:PRJ/repo.git"},
	}
	for _, tc := range cases {
		got, ps := NormalizeURL(tc.e, tc.t, tc.c, tc.raw)
		if got != tc.want || len(ps) != 0 {
			t.Errorf("NormalizeURL(%s, %s, %s, %q) = %q, %v; want %q", tc.e, tc.t, tc.c, tc.raw, got, ps, tc.want)
		}
		if again, _ := NormalizeURL(tc.e, tc.t, tc.c, got); again != got {
			t.Errorf("not idempotent: %q -> %q", got, again)
		}
	}
}

func TestNormalizeURLProblems(t *testing.T) {
	cases := []struct {
		name     string
		e        Edition
		t        URLType
		c        Connection
		raw      string
		norm     string
		msg, fix string
	}{
		{"empty", Cloud, Account, SSH, " ", "", "enter the url, e.g. git@bitbucket.org:WORKSPACE/", ""},
		{"empty unknown combination", "", Account, SSH, "", "", "enter the url", ""},
		{"unparseable", Cloud, Account, HTTP, "ftp://x", "ftp://x", "use an https:// or ssh:// url", ""},
		{
			"password", Cloud, Repository, HTTP, "https://jdoe:s3cret@bitbucket.org/ws/repo.git", "https://bitbucket.org/ws/repo.git",
			"a password in the url is never saved; remove it and enter it in the password field", "https://bitbucket.org/ws/repo.git",
		},
		{
			"password in unparseable url", Cloud, Repository, HTTP, "https://jdoe:s3cret@bitbucket.org:1/x", "https://jdoe@bitbucket.org:1/x",
			"a password in the url is never saved", "https://jdoe@bitbucket.org:1/x",
		},
		{
			"cloud url, datacenter edition", DataCenter, Repository, HTTP, "https://bitbucket.org/ws/repo.git", "https://bitbucket.org/ws/repo.git",
			"bitbucket.org is bitbucket cloud; set edition to cloud, or enter your data center server's url", "",
		},
		{
			"altssh is cloud", DataCenter, Repository, SSH, "git@altssh.bitbucket.org:ws/repo.git", "ssh://git@altssh.bitbucket.org:443/ws/repo.git",
			"bitbucket.org is bitbucket cloud; set edition to cloud", "",
		},
		{
			"datacenter url, cloud edition", Cloud, Repository, HTTP, "https://git.example.com/scm/PRJ/repo.git", "https://git.example.com/scm/PRJ/repo.git",
			"git.example.com is not bitbucket.org; set edition to datacenter, or use a bitbucket.org url", "",
		},
		{
			"ssh url, http connection (cloud)", Cloud, Repository, HTTP, "git@bitbucket.org:ws/repo.git", "git@bitbucket.org:ws/repo.git",
			"this is an ssh url but connection is http; set connection to ssh, or use https://bitbucket.org/ws/repo.git", "https://bitbucket.org/ws/repo.git",
		},
		{
			"https url, ssh connection (cloud)", Cloud, Account, SSH, "https://bitbucket.org/ws", "https://bitbucket.org/ws",
			"this is an https url but connection is ssh; set connection to http, or use git@bitbucket.org:ws/", "git@bitbucket.org:ws/",
		},
		{
			"http url, ssh connection (dc)", DataCenter, Repository, SSH, "http://h.example.com/ctx/scm/PRJ/repo.git", "http://h.example.com/ctx/scm/PRJ/repo.git",
			"this is an http url but connection is ssh; set connection to http, or use ssh://git@h.example.com:7999/PRJ/repo.git", "ssh://git@h.example.com:7999/PRJ/repo.git",
		},
		{
			"ssh url, http connection (dc)", DataCenter, Account, HTTP, "ssh://git@h.example.com:7999/", "ssh://git@h.example.com:7999/",
			"set connection to ssh, or use https://h.example.com/scm", "https://h.example.com/scm",
		},
		{
			"ssh user", Cloud, Repository, SSH, "ssh://jdoe@bitbucket.org/ws/repo.git", "ssh://jdoe@bitbucket.org/ws/repo.git",
			"bitbucket ssh urls use the user git; use ssh://git@bitbucket.org/ws/repo.git", "ssh://git@bitbucket.org/ws/repo.git",
		},
		{
			"extra segment", DataCenter, Repository, HTTP, "https://h.example.com/scm/DESCRIPTOR/PRJ/repo.git", "https://h.example.com/scm/DESCRIPTOR/PRJ/repo.git",
			"drop the extra segment DESCRIPTOR before the project (api calls fail with it); use https://h.example.com/scm/PRJ/repo.git", "https://h.example.com/scm/PRJ/repo.git",
		},
		{
			"extra scm in ssh", DataCenter, Repository, SSH, "ssh://git@h.example.com:7999/scm/prj/repo.git", "ssh://git@h.example.com:7999/scm/prj/repo.git",
			"drop the extra segment scm before the project", "ssh://git@h.example.com:7999/prj/repo.git",
		},
		{
			"repository url as account (cloud)", Cloud, Account, HTTP, "https://bitbucket.org/ws/repo.git", "https://bitbucket.org/ws/repo.git",
			"this is a repository url; for an account url use https://bitbucket.org/ws and put repo.git in test repository, or set url type to repository", "https://bitbucket.org/ws",
		},
		{
			"repository url as account (cloud ssh)", Cloud, Account, SSH, "git@bitbucket.org:ws/repo.git", "git@bitbucket.org:ws/repo.git",
			"for an account url use git@bitbucket.org:ws/ and put repo.git in test repository", "git@bitbucket.org:ws/",
		},
		{
			"repository url as account (dc)", DataCenter, Account, SSH, "git@h.example.com:7999/prj/repo.git", "ssh://git@h.example.com:7999/prj/repo.git",
			"for an account url use ssh://git@h.example.com:7999/ and put prj/repo.git in test repository", "ssh://git@h.example.com:7999/",
		},
		{
			"account url as repository", Cloud, Repository, HTTP, "https://bitbucket.org/ws", "https://bitbucket.org/ws",
			"this is an account url; set url type to account, or enter a repository url, e.g. https://bitbucket.org/WORKSPACE/REPO-NAME.git", "",
		},
		{
			"dc account url with project", DataCenter, Account, HTTP, "https://h.example.com/scm/PRJ", "https://h.example.com/scm/PRJ",
			"a data center account url names no project; use https://h.example.com/scm and put PRJ/REPO-NAME.git in test repository", "https://h.example.com/scm",
		},
		{
			"dc ssh account url with project", DataCenter, Account, SSH, "ssh://git@h.example.com:7999/PRJ/", "ssh://git@h.example.com:7999/PRJ/",
			"use ssh://git@h.example.com:7999/ and put PRJ/REPO-NAME.git in test repository", "ssh://git@h.example.com:7999/",
		},
		{
			"cloud ssh account without workspace", Cloud, Account, SSH, "git@bitbucket.org:", "git@bitbucket.org:",
			"add the workspace, e.g. git@bitbucket.org:WORKSPACE/", "",
		},
		{
			"missing scm", DataCenter, Repository, HTTP, "https://h.example.com/PRJ/repo.git", "https://h.example.com/PRJ/repo.git",
			"data center http urls have /scm before the project; use https://h.example.com/scm/PRJ/repo.git", "https://h.example.com/scm/PRJ/repo.git",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			norm, ps := NormalizeURL(tc.e, tc.t, tc.c, tc.raw)
			if norm != tc.norm {
				t.Errorf("normalised = %q, want %q", norm, tc.norm)
			}
			p := wantURLProblem(t, ps, FieldURL, tc.msg)
			if p.Fix != tc.fix {
				t.Errorf("fix = %q, want %q", p.Fix, tc.fix)
			}
			if strings.Contains(ps.Error(), "s3cret") {
				t.Errorf("problems echo the password: %v", ps)
			}
		})
	}
}

func TestNormalizeTestRepo(t *testing.T) {
	cases := []struct {
		e        Edition
		raw      string
		want     string
		msg, fix string // "" msg: no problem
	}{
		{Cloud, " repo ", "repo.git", "", ""},
		{Cloud, "/repo.git/", "repo.git", "", ""},
		{Cloud, "ws/repo.git", "ws/repo.git", "", ""},
		{Cloud, "https://bitbucket.org/ws/repo.git", "ws/repo.git", "", ""},
		{Cloud, "https://jdoe:s3cret@bitbucket.org/ws/repo.git", "ws/repo.git", "a password in the url is never saved", "ws/repo.git"},
		{DataCenter, "PRJ / repo", "PRJ/repo.git", "", ""},
		{DataCenter, "~jdoe/repo.git", "~jdoe/repo.git", "", ""},
		{DataCenter, "ssh://git@h.example.com:7999/prj/repo.git", "prj/repo.git", "", ""},
		{Cloud, "", "", "enter a repository to test the connection with, e.g. REPO-NAME.git", ""},
		{DataCenter, "//", "", "enter a repository to test the connection with, e.g. PROJECT-ID/REPO-NAME.git", ""},
		{Cloud, "re po", "re po.git", "the repository name is not valid", ""},
		{DataCenter, "repo.git", "repo.git", "add the project key, e.g. PROJECT-ID/repo.git", ""},
		{DataCenter, "scm/DESC/PRJ/repo.git", "scm/DESC/PRJ/repo.git", "drop the extra segment scm/DESC before the project; use PRJ/repo.git", "PRJ/repo.git"},
		{DataCenter, "1PRJ/repo.git", "1PRJ/repo.git", "the project key is not valid", ""},
		{Cloud, "ws/repo/src", "ws/repo/src.git", "a cloud test repository is REPO-NAME.git", ""},
		{Cloud, "w.s/repo", "w.s/repo.git", "the workspace is not valid", ""},
		{Cloud, "https://bitbucket.org/ws", "https://bitbucket.org/ws", "this url names no repository; enter the repository path, e.g. REPO-NAME.git", ""},
		{Cloud, "ftp://x:y", "ftp://x:y", "enter the repository path, e.g. REPO-NAME.git, not a url", ""},
		{Cloud, "https://h.example.com/scm/PRJ/r.git", "PRJ/r.git", "this is a bitbucket data center url; enter the repository path, e.g. REPO-NAME.git", ""},
	}
	for _, tc := range cases {
		got, ps := NormalizeTestRepo(tc.e, tc.raw)
		if got != tc.want {
			t.Errorf("NormalizeTestRepo(%s, %q) = %q, want %q", tc.e, tc.raw, got, tc.want)
		}
		if tc.msg == "" {
			if len(ps) != 0 {
				t.Errorf("NormalizeTestRepo(%s, %q): %v", tc.e, tc.raw, ps)
			}
			continue
		}
		if p := wantURLProblem(t, ps, FieldTestRepo, tc.msg); p.Fix != tc.fix {
			t.Errorf("NormalizeTestRepo(%s, %q) fix = %q, want %q", tc.e, tc.raw, p.Fix, tc.fix)
		}
	}
}

func TestValidateDetails(t *testing.T) {
	valid := []Connector{
		{Edition: Cloud, URLType: Account, Connection: HTTP, URL: "https://bitbucket.org/ws", TestRepo: "repo.git"},
		{Edition: Cloud, URLType: Account, Connection: HTTP, URL: "https://bitbucket.org", TestRepo: "ws/repo.git"},
		{Edition: Cloud, URLType: Repository, Connection: HTTP, URL: "https://bitbucket.org/ws/repo.git"},
		{Edition: Cloud, URLType: Account, Connection: SSH, URL: "git@bitbucket.org:ws/", TestRepo: "repo.git"},
		{Edition: Cloud, URLType: Repository, Connection: SSH, URL: "git@bitbucket.org:ws/repo.git"},
		{Edition: DataCenter, URLType: Account, Connection: HTTP, URL: "https://h.example.com/scm", TestRepo: "PRJ/repo.git"},
		{Edition: DataCenter, URLType: Repository, Connection: HTTP, URL: "https://h.example.com/scm/PRJ/repo.git"},
		{Edition: DataCenter, URLType: Account, Connection: SSH, URL: "ssh://git@h.example.com:7999/", TestRepo: "PRJ/repo.git"},
		{Edition: DataCenter, URLType: Repository, Connection: SSH, URL: "ssh://git@h.example.com:7999/prj/repo.git"},
	}
	for _, c := range valid {
		if ps := validateDetails(c, time.Time{}); len(ps) != 0 {
			t.Errorf("%+v: %v", c, ps)
		}
	}
	cases := []struct {
		name         string
		c            Connector
		field        Field
		msg          string
		fix          string
		wantProblems int
	}{
		{"no edition", Connector{URLType: Account, Connection: HTTP, URL: "https://bitbucket.org/ws", TestRepo: "r"}, "edition", "choose one of cloud, datacenter", "", 1},
		{"bad url type", Connector{Edition: Cloud, URLType: "project", Connection: HTTP, URL: "https://bitbucket.org/ws"}, "url-type", `"project" is not one of account, repository`, "", 1},
		{"bad connection", Connector{Edition: Cloud, URLType: Repository, Connection: "git", URL: "https://bitbucket.org/ws/r"}, "connection", `"git" is not one of http, ssh`, "", 1},
		{"no url", Connector{Edition: Cloud, URLType: Repository, Connection: HTTP}, "url", "enter the url, e.g. https://bitbucket.org/WORKSPACE/REPO-NAME.git", "", 1},
		{"no test repo", Connector{Edition: Cloud, URLType: Account, Connection: HTTP, URL: "https://bitbucket.org/ws"}, "test-repo", "enter a repository to test the connection with", "", 1},
		{
			"bare cloud url, repo only",
			Connector{Edition: Cloud, URLType: Account, Connection: HTTP, URL: "https://bitbucket.org", TestRepo: "repo.git"},
			"test-repo", "the url names no workspace; use WORKSPACE/repo.git", "", 1,
		},
		{
			"workspace twice",
			Connector{Edition: Cloud, URLType: Account, Connection: HTTP, URL: "https://bitbucket.org/ws", TestRepo: "ws/repo.git"},
			"test-repo", "the url already names workspace ws; use repo.git", "repo.git", 1,
		},
		{
			"other workspace",
			Connector{Edition: Cloud, URLType: Account, Connection: SSH, URL: "git@bitbucket.org:ws/", TestRepo: "other/repo.git"},
			"test-repo", "the url names workspace ws, not other; use a repository of ws, e.g. repo.git", "", 1,
		},
		{
			"dc test repo without project",
			Connector{Edition: DataCenter, URLType: Account, Connection: HTTP, URL: "https://h.example.com/scm", TestRepo: "repo.git"},
			"test-repo", "add the project key, e.g. PROJECT-ID/repo.git", "", 1,
		},
		{
			"dc project url, repo only",
			Connector{Edition: DataCenter, URLType: Account, Connection: HTTP, URL: "https://h.example.com/scm/PRJ", TestRepo: "repo"},
			"test-repo", "add the project key: PRJ/repo.git", "PRJ/repo.git", 2,
		},
		{
			"account url as repository with test repo",
			Connector{Edition: Cloud, URLType: Repository, Connection: HTTP, URL: "https://bitbucket.org/ws", TestRepo: "repo.git"},
			"url", "this is an account url; set url type to account, or use https://bitbucket.org/ws/repo.git", "https://bitbucket.org/ws/repo.git", 1,
		},
		{
			"dc account as repository with test repo",
			Connector{Edition: DataCenter, URLType: Repository, Connection: SSH, URL: "ssh://git@h.example.com:7999/", TestRepo: "/prj/repo"},
			"url", "or use ssh://git@h.example.com:7999/prj/repo.git", "ssh://git@h.example.com:7999/prj/repo.git", 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps := validateDetails(tc.c, time.Time{})
			if p := wantURLProblem(t, ps, tc.field, tc.msg); p.Fix != tc.fix {
				t.Errorf("fix = %q, want %q", p.Fix, tc.fix)
			}
			if len(ps) != tc.wantProblems {
				t.Errorf("%d problems, want %d: %v", len(ps), tc.wantProblems, ps)
			}
			for _, p := range ps {
				if StepOf(p.Field) != StepDetails {
					t.Errorf("field %q is not on the details step", p.Field)
				}
			}
		})
	}
}

// wantURLProblem returns the problem on field whose message contains msg,
// failing the test when there is none or its message is badly formed.
func wantURLProblem(t *testing.T, ps Problems, field Field, msg string) Problem {
	t.Helper()
	for _, p := range ps {
		if p.Field == field && strings.Contains(p.Msg, msg) {
			checkMessage(t, p.Msg)
			return p
		}
	}
	t.Errorf("want a problem on %s containing %q; got %v", field, msg, ps)
	return Problem{}
}
