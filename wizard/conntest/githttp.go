package conntest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// checkGit is Harness's own test: ls-remote of the test URL.
func (e *env) checkGit(ctx context.Context) finding {
	if e.c.URLType == wizard.Account && strings.TrimSpace(e.c.TestRepo) == "" {
		return skip("no test repository: harness skips its git check too")
	}
	if e.c.Connection == wizard.SSH {
		return e.checkGitSSH(ctx)
	}
	return e.checkGitHTTP(ctx)
}

// checkGitHTTP reads the smart-HTTP ref advertisement of the test repository.
func (e *env) checkGitHTTP(ctx context.Context) finding {
	if e.s.Password == "" {
		return failf("enter the password (token) in the credentials step", "the password is empty")
	}
	u, err := e.gitHTTPURL()
	if err != nil {
		return failf(fixURL, "%s", err.Error())
	}
	if u.Scheme == "https" && e.caErr != nil {
		return *e.caErr
	}
	start := time.Now()
	cr := e.gitCred()
	resp, meta, err := e.do(ctx, u.String()+"/info/refs?service=git-upload-pack", cr, nil)
	if err != nil {
		return netFinding(err, hostPort(u), time.Since(start))
	}
	defer resp.Body.Close()
	repo := e.c.TestURL()
	as := "as " + cr.user
	if cr.scheme == "bearer" {
		as = "with a bearer token"
	}
	switch resp.StatusCode {
	case http.StatusOK:
		ct := resp.Header.Get("Content-Type")
		if !strings.HasPrefix(ct, "application/x-git-upload-pack-advertisement") {
			return failf("check the url: data center repository urls look like https://host/scm/PROJECT/repo.git",
				"%s is not a git repository url (the server answered %s)", repo, wizard.OneLine(ct, 40))
		}
		adv, err := ParseAdvertisement(resp.Body, true)
		if err != nil {
			return advFinding(ctx, err, repo, time.Since(start), hostPort(u))
		}
		return advResult(adv, fmt.Sprintf("read %s %s%s", repo, as, meta.retryNote()))
	case http.StatusUnauthorized:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return e.gitAuthFinding(ctx, body, cr)
	case http.StatusForbidden:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if granted, _, ok := ParseScopeError(body); ok {
			return scopeFailure(granted, "git")
		}
		return failf("give "+whoFor(cr)+" read access to the repository (repository settings > user and group access), or test with a repository it can read",
			"repository not visible: %s may not read %s (access denied)", whoFor(cr), repo)
	case http.StatusNotFound:
		return failf("check the test repository name (spelling, case, .git) and that "+whoFor(cr)+" can open it in bitbucket",
			"repository not found or not visible: %s", repo)
	}
	meta.url = u.String()
	return statusFinding(meta, time.Since(start), e.c.Edition == wizard.DataCenter)
}

func whoFor(cr credential) string {
	if cr.scheme == "bearer" || cr.user == wizard.AccessTokenUsername {
		return "the token"
	}
	return cr.user
}

// advResult turns a ref advertisement into the check's result.
func advResult(adv Advertisement, what string) finding {
	if adv.Empty() {
		return warnf("push a first commit to it, or choose a repository with commits as the test repository",
			"repository is empty: %s, but it has no branches yet", what)
	}
	branch := "default branch unknown"
	if adv.DefaultBranch != "" {
		branch = "default branch " + adv.DefaultBranch
	}
	return passf("%s: %d refs (%d branches, %d tags), %s", what, adv.Refs, adv.Branches, adv.Tags, branch)
}

// advFinding names why an advertisement could not be read.
func advFinding(ctx context.Context, err error, repo string, elapsed time.Duration, target string) finding {
	if ctx.Err() != nil {
		return netFinding(ctx.Err(), target, elapsed)
	}
	var re *RemoteError
	if errors.As(err, &re) {
		return failf("check the repository path and your access to it", "git refused %s: %s", repo, re.Msg)
	}
	if strings.Contains(err.Error(), errNotAdvertisement.Error()) {
		return failf("check the url points at a bitbucket repository", "%s did not answer like git: %s", repo, err.Error())
	}
	return netFinding(err, target, elapsed)
}

// gitAuthFinding names the cause of a 401 from git over HTTP.
func (e *env) gitAuthFinding(ctx context.Context, body []byte, cr credential) finding {
	c, now := e.c, e.cfg.Now()
	rotate := rotateHint(c)
	msg := parseAPIError(body).Message
	switch {
	case c.Edition == wizard.Cloud && c.PasswordKind == wizard.AppPassword:
		return appPasswordRefused(now, rotate)
	case c.Edition == wizard.Cloud && wizard.LooksLikeEmail(cr.user):
		return failf("use your bitbucket username (Personal settings > Account settings) or "+wizard.APITokenGitUsername+", not your email, in username",
			"email used where the bitbucket username belongs: git refuses %s", cr.user)
	case !e.cfg.TokenExpires.IsZero() && !now.Before(e.cfg.TokenExpires):
		return failf("create a new token, then "+rotate, "token expired on %s", e.cfg.TokenExpires.Format("2006-01-02"))
	case strings.Contains(msg, msgTokenInvalid) || strings.Contains(strings.ToLower(msg), "expired"):
		return failf("create a token with scopes (at least read:repository:bitbucket) and a future expiry, then "+rotate,
			"token expired or not scoped: bitbucket says %q", msg)
	case c.Edition == wizard.DataCenter && cr.scheme == "basic" && e.bearerWorks(ctx):
		return failf("clear the username to send it as a bearer token, or use a personal http access token (Manage account > HTTP access tokens)",
			"this is a project or repository token: data center takes it only as a bearer token, not with the username %s", cr.user)
	}
	switch c.PasswordKind {
	case wizard.AccessToken:
		return failf("copy the access token again (repository, project or workspace settings > access tokens) or create a new one",
			"wrong password: bitbucket refused the access token for %s", wizard.AccessTokenUsername)
	case wizard.HTTPAccessToken:
		if cr.scheme == "bearer" {
			return failf("check the token (project or repository settings > HTTP access tokens); create a new one if it was revoked or expired",
				"wrong password: data center refused this token (sent as a bearer token)")
		}
		return failf("check the user name and the http access token (Manage account > HTTP access tokens); create a new one if it was revoked",
			"wrong password: data center refused %s with this http access token", cr.user)
	}
	return failf("copy the api token again, or create a new one with scopes (read:repository:bitbucket at least); username must be your bitbucket username or "+wizard.APITokenGitUsername,
		"wrong password: bitbucket refused %s with this api token (or the token expired or has no scopes)", cr.user)
}

// bearerWorks probes whether the Data Center password works as a Bearer token.
func (e *env) bearerWorks(ctx context.Context) bool {
	u, err := e.gitHTTPURL()
	if err != nil {
		return false
	}
	resp, _, err := e.do(ctx, u.String()+"/info/refs?service=git-upload-pack", bearer(e.s.Password), nil)
	if err != nil {
		return false
	}
	drain(resp)
	return resp.StatusCode == http.StatusOK
}

// appPasswordRefused names why an App Password was refused at now.
func appPasswordRefused(now time.Time, rotate string) finding {
	fix := "create an api token with the required scopes (" + wizard.APITokenPlace + "), then " + rotate
	switch wizard.AppPasswordPhaseAt(now) {
	case wizard.AppPasswordsGone:
		return failf(fix, "app password removed: bitbucket removed app passwords on %s", wizard.AppPasswordRemoved.Format("2006-01-02"))
	case wizard.AppPasswordsBrownout:
		if inBrownout(now) {
			return failf(fix, "app password refused during a brownout window (00, 06, 12, 18 utc, 15 minutes); app passwords are removed on %s",
				wizard.AppPasswordRemoved.Format("2006-01-02"))
		}
	}
	return failf(fix+" (app passwords are deprecated)", "wrong password: bitbucket refused the username and app password")
}

// inBrownout reports whether now falls in an App Password brownout window.
func inBrownout(now time.Time) bool {
	u := now.UTC()
	return wizard.AppPasswordPhaseAt(now) == wizard.AppPasswordsBrownout && u.Hour()%6 == 0 && u.Minute() < 15
}

func rotateHint(c wizard.Connector) string {
	if c.ID == "" {
		return "replace it in the credentials step"
	}
	return "run: bbconnect rotate " + c.ID
}
