package wizard

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

const passwordInURLMsg = "a password in the url is never saved; remove it and enter it in the password field"

// NormalizeURL returns the URL as it will be saved and exported (scheme,
// host case, trailing slash, .git, default ports and any HTTP username or
// password made canonical) and the problems with it for the chosen
// edition, URL type and connection, all on FieldURL. A problem's Fix is
// the corrected URL when one can be proposed. NormalizeURL is idempotent,
// and its result never contains a password.
func NormalizeURL(e Edition, t URLType, c Connection, raw string) (string, Problems) {
	return normalizeURL(e, t, c, raw, "")
}

// normalizeURL is NormalizeURL; testRepo, when given, lets an account URL
// used as a repository URL be given a fix.
func normalizeURL(e Edition, t URLType, c Connection, raw, testRepo string) (string, Problems) {
	s := strings.TrimSpace(raw)
	if r := redactUserinfo(s); r != s {
		norm, ps := normalizeURL(e, t, c, r, testRepo)
		return norm, append(Problems{{Field: FieldURL, Msg: passwordInURLMsg, Fix: norm}}, ps...)
	}
	if s == "" {
		msg := "enter the url"
		if f := URLFormat(e, t, c); f != "" {
			msg += ", e.g. " + f
		}
		return "", Problems{{Field: FieldURL, Msg: msg}}
	}
	p, err := ParseCloneURL(s)
	if err != nil {
		return s, Problems{{Field: FieldURL, Msg: err.Error(), Fix: urlFixOf(err)}}
	}
	q := p.saved()
	return q.String(), urlProblems(q, e, t, c, testRepo)
}

// urlProblems checks a parsed URL against the chosen edition, URL type and
// connection; unknown choices are not checked (validateDetails reports them).
func urlProblems(p ParsedURL, e Edition, t URLType, c Connection, testRepo string) Problems {
	var ps Problems
	add := func(msg, fix string) { ps = append(ps, Problem{Field: FieldURL, Msg: msg, Fix: fix}) }
	if slices.Contains(Editions, e) && p.Edition != e {
		if p.Edition == Cloud {
			add("bitbucket.org is bitbucket cloud; set edition to cloud, or enter your data center server's url", "")
		} else {
			add(p.Host+" is not bitbucket.org; set edition to datacenter, or use a bitbucket.org url", "")
		}
	}
	if slices.Contains(Connections, c) && p.Connection != c {
		f := p.withConnection(c)
		add(fmt.Sprintf("this is an %s url but connection is %s; set connection to %s, or use %s",
			p.Scheme, c, p.Connection, f), f.String())
	}
	if p.Connection == SSH && p.User != "git" {
		f := p
		f.User = "git"
		add("bitbucket ssh urls use the user git; use "+f.String(), f.String())
	}
	if p.Extra != "" {
		f := p
		f.Extra = ""
		add(fmt.Sprintf("drop the extra segment %s before the project (api calls fail with it); use %s", p.Extra, f), f.String())
	}
	switch {
	case t == Account && p.Repo != "":
		a := p.account()
		add(fmt.Sprintf("this is a repository url; for an account url use %s and put %s in test repository, or set url type to repository",
			a, p.testRepoPath()), a.String())
	case t == Repository && p.Repo == "":
		msg, fix := "this is an account url; set url type to account, or enter a repository url, e.g. "+URLFormat(p.Edition, Repository, p.Connection), ""
		if tr := strings.TrimLeft(strings.TrimSpace(testRepo), "/"); tr != "" {
			if r, err := ParseCloneURL(strings.TrimRight(p.String(), "/") + "/" + tr); err == nil && r.Repo != "" {
				fix = r.saved().String()
				msg = "this is an account url; set url type to account, or use " + fix
			}
		}
		add(msg, fix)
	case t == Account && p.Edition == DataCenter && p.Owner != "":
		a := p.account()
		add(fmt.Sprintf("a data center account url names no project; use %s and put %s/REPO-NAME.git in test repository",
			a, p.Owner), a.String())
	case t == Account && p.Edition == Cloud && p.Connection == SSH && p.Owner == "":
		add("add the workspace, e.g. git@bitbucket.org:WORKSPACE/", "")
	}
	return ps
}

// NormalizeTestRepo returns the test repository as it will be saved
// (slashes trimmed, .git added; a pasted clone URL becomes its path) and
// its problems on FieldTestRepo: Cloud takes REPO-NAME.git (or
// WORKSPACE/REPO-NAME.git with the bare https://bitbucket.org URL), Data
// Center PROJECT-ID/REPO-NAME.git. It is idempotent.
func NormalizeTestRepo(e Edition, raw string) (string, Problems) {
	s := strings.TrimSpace(raw)
	if strings.ContainsAny(s, ":@") {
		return testRepoFromURL(e, s)
	}
	var segs []string
	for _, seg := range splitSegments(s) {
		if seg = strings.TrimSpace(seg); seg != "" {
			segs = append(segs, seg)
		}
	}
	n := len(segs)
	if n == 0 {
		return "", Problems{{Field: FieldTestRepo, Msg: "enter a repository to test the connection with, e.g. " + TestRepoFormat(e)}}
	}
	if !strings.HasSuffix(segs[n-1], ".git") {
		segs[n-1] += ".git"
	}
	norm := strings.Join(segs, "/")
	problem := func(msg, fix string) (string, Problems) {
		return norm, Problems{{Field: FieldTestRepo, Msg: msg, Fix: fix}}
	}
	switch last := segs[n-1]; {
	case !validRepoSlug(strings.TrimSuffix(last, ".git")):
		return problem("the repository name is not valid; it has letters, digits, ., - and _", "")
	case e == DataCenter && n == 1:
		return problem("add the project key, e.g. PROJECT-ID/"+last, "")
	case e == DataCenter && n > 2:
		f := segs[n-2] + "/" + last
		return problem(fmt.Sprintf("drop the extra segment %s before the project; use %s", strings.Join(segs[:n-2], "/"), f), f)
	case e == DataCenter && !validProjectKey(segs[0]):
		return problem("the project key is not valid; it starts with a letter (or ~ for a personal project)", "")
	case e == Cloud && n > 2:
		return problem("a cloud test repository is REPO-NAME.git (or WORKSPACE/REPO-NAME.git with https://bitbucket.org)", "")
	case e == Cloud && n == 2 && !validWorkspace(segs[0]):
		return problem("the workspace is not valid; it has letters, digits, - and _", "")
	}
	return norm, nil
}

// testRepoFromURL reads a clone URL pasted as test repository.
func testRepoFromURL(e Edition, s string) (string, Problems) {
	if r := redactUserinfo(s); r != s {
		norm, ps := testRepoFromURL(e, r)
		return norm, append(Problems{{Field: FieldTestRepo, Msg: passwordInURLMsg, Fix: norm}}, ps...)
	}
	want := "enter the repository path, e.g. " + TestRepoFormat(e)
	p, err := ParseCloneURL(s)
	switch {
	case err != nil:
		return s, Problems{{Field: FieldTestRepo, Msg: want + ", not a url"}}
	case p.Repo == "":
		return s, Problems{{Field: FieldTestRepo, Msg: "this url names no repository; " + want}}
	}
	norm := p.Owner + "/" + p.Repo + ".git"
	if slices.Contains(Editions, e) && p.Edition != e {
		return norm, Problems{{Field: FieldTestRepo, Msg: "this is " + WithArticle(strings.ToLower(p.Edition.Label())) + " url; " + want}}
	}
	return norm, nil
}

// validateDetails checks the Details step: edition, URL type, connection,
// the URL against them, and the test repository of an account connector.
func validateDetails(c Connector, _ time.Time) Problems {
	var ps Problems
	if !slices.Contains(Editions, c.Edition) {
		ps = append(ps, Problem{Field: FieldEdition, Msg: oneOf(string(c.Edition), Editions).Error()})
	}
	if !slices.Contains(URLTypes, c.URLType) {
		ps = append(ps, Problem{Field: FieldURLType, Msg: oneOf(string(c.URLType), URLTypes).Error()})
	}
	if !slices.Contains(Connections, c.Connection) {
		ps = append(ps, Problem{Field: FieldConnection, Msg: oneOf(string(c.Connection), Connections).Error()})
	}
	_, ups := normalizeURL(c.Edition, c.URLType, c.Connection, c.URL, c.TestRepo)
	ps = append(ps, ups...)
	if c.URLType == Account {
		ps = append(ps, checkTestRepo(c)...)
	}
	return ps
}

// checkTestRepo checks an account connector's test repository, alone and
// against the URL it is appended to.
func checkTestRepo(c Connector) Problems {
	p, err := ParseCloneURL(c.URL)
	known := err == nil && p.Repo == "" && p.Edition == c.Edition
	s := strings.Trim(strings.TrimSpace(c.TestRepo), "/")
	if known && c.Edition == DataCenter && p.Owner != "" && s != "" && !strings.ContainsAny(s, "/:@") {
		f := p.Owner + "/" + strings.TrimSuffix(s, ".git") + ".git"
		return Problems{{Field: FieldTestRepo, Msg: "add the project key: " + f, Fix: f}}
	}
	tr, ps := NormalizeTestRepo(c.Edition, c.TestRepo)
	if len(ps) > 0 || !known || c.Edition != Cloud {
		return ps
	}
	segs := strings.Split(tr, "/")
	switch {
	case p.Owner == "" && len(segs) == 1:
		return Problems{{Field: FieldTestRepo, Msg: "the url names no workspace; use WORKSPACE/" + tr}}
	case p.Owner != "" && len(segs) == 2 && strings.EqualFold(segs[0], p.Owner):
		return Problems{{Field: FieldTestRepo, Msg: "the url already names workspace " + p.Owner + "; use " + segs[1], Fix: segs[1]}}
	case p.Owner != "" && len(segs) == 2:
		return Problems{{Field: FieldTestRepo, Msg: fmt.Sprintf(
			"the url names workspace %s, not %s; use a repository of %s, e.g. %s", p.Owner, segs[0], p.Owner, segs[1])}}
	}
	return nil
}
