package emu

import (
	"strings"
	"testing"
	"time"
)

func TestCloudGitHTTPPerCredential(t *testing.T) {
	d := srv.Demo
	repoURL := srv.CloudURL + "/acme/" + d.Repo + ".git"
	tests := []struct {
		name     string
		url      string
		creds    gitCreds
		ok       bool
		status   int // status of the last info/refs request
		credType string
	}{
		{"api token with username", repoURL, gitCreds{user: d.Username, secret: d.APIToken}, true, 200, "api_token"},
		{"api token with static user", repoURL, gitCreds{user: "x-bitbucket-api-token-auth", secret: d.APIToken}, true, 200, "api_token"},
		{"api token with email", repoURL, gitCreds{user: d.Email, secret: d.APIToken}, false, 401, ""},
		{"expired api token", repoURL, gitCreds{user: d.Username, secret: d.APITokenExpired}, false, 401, ""},
		{"api token without scopes", repoURL, gitCreds{user: d.Username, secret: d.APITokenNoScopes}, false, 401, ""},
		{"missing-scope api token still clones", repoURL, gitCreds{user: d.Username, secret: d.APITokenMissingScopes}, true, 200, "api_token"},
		{"workspace token x-token-auth", repoURL, gitCreds{user: "x-token-auth", secret: d.AccessToken}, true, 200, "workspace_access_token"},
		{"workspace token with username", repoURL, gitCreds{user: d.Username, secret: d.AccessToken}, false, 401, ""},
		{"workspace token bearer", repoURL, gitCreds{secret: d.AccessToken, bearer: true}, true, 200, "workspace_access_token"},
		{"repo token own repo", repoURL, gitCreds{user: "x-token-auth", secret: d.RepoAccessToken}, true, 200, "repo_access_token"},
		{"repo token other repo", srv.CloudURL + "/acme/" + d.OtherRepo + ".git", gitCreds{user: "x-token-auth", secret: d.RepoAccessToken}, false, 403, "repo_access_token"},
		{"app password", repoURL, gitCreds{user: d.Username, secret: d.AppPassword}, true, 200, "app_password"},
		{"app password with email", repoURL, gitCreds{user: d.Email, secret: d.AppPassword}, false, 401, ""},
		{"no .git suffix", strings.TrimSuffix(repoURL, ".git"), gitCreds{user: d.Username, secret: d.APIToken}, true, 200, "api_token"},
		{"unknown repo", srv.CloudURL + "/acme/nope.git", gitCreds{user: d.Username, secret: d.APIToken}, false, 404, "api_token"},
		{"api-only extra repo", srv.CloudURL + "/acme/generated-00001.git", gitCreds{user: d.Username, secret: d.APIToken}, false, 404, "api_token"},
		{"no credentials", repoURL, gitCreds{}, false, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := gitLsRemote(t, tt.url, tt.creds)
			if (err == nil) != tt.ok {
				t.Fatalf("ls-remote ok=%v, want %v: %v\n%s", err == nil, tt.ok, err, out)
			}
			if tt.ok {
				wantMain(t, out)
			}
			last := lastRequest(t, "/acme/")
			if last.Status != tt.status || last.CredType != tt.credType || last.Listener != "cloud" {
				t.Errorf("last request %+v, want status %d cred %q", last, tt.status, tt.credType)
			}
		})
	}
}

func TestCloudGitHTTPChallengeAndEmptyRepo(t *testing.T) {
	res := get(t, srv.CloudURL+"/acme/"+srv.Demo.Repo+".git/info/refs?service=git-upload-pack", anon)
	if res.status != 401 || res.header.Get("WWW-Authenticate") != `Basic realm="Bitbucket.org HTTP"` {
		t.Errorf("anonymous: %d %q", res.status, res.header.Get("WWW-Authenticate"))
	}
	res = get(t, srv.CloudURL+"/acme/"+srv.Demo.Repo+".git/info/refs?service=git-receive-pack", basic(srv.Demo.Username, srv.Demo.APIToken))
	if res.status != 403 {
		t.Errorf("receive-pack: %d", res.status)
	}
	out, err := gitLsRemote(t, srv.CloudURL+"/acme/"+srv.Demo.EmptyRepo+".git", gitCreds{user: srv.Demo.Username, secret: srv.Demo.APIToken})
	if err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("empty repo: %v %q", err, out)
	}
}

func TestGitClone(t *testing.T) {
	dst := t.TempDir()
	c := gitCreds{user: srv.Demo.Username, secret: srv.Demo.APIToken}
	cmdOut, err := gitRun(t, c, "clone", "--quiet", withUser(srv.CloudURL+"/acme/"+srv.Demo.Repo+".git", c), dst+"/c")
	if err != nil {
		t.Fatalf("clone: %v\n%s", err, cmdOut)
	}
	if out, err := gitRun(t, gitCreds{}, "-C", dst+"/c", "log", "--format=%s", "-1"); err != nil || strings.TrimSpace(out) != "Initial commit" {
		t.Errorf("log: %v %q", err, out)
	}
}

func TestDCGitHTTPPerCredential(t *testing.T) {
	d := srv.Demo
	repoURL := srv.DCURL + "/scm/demo/" + d.DCRepo + ".git"
	tests := []struct {
		name   string
		url    string
		creds  gitCreds
		ok     bool
		status int
	}{
		{"personal basic", repoURL, gitCreds{user: d.DCUser, secret: d.DCToken}, true, 200},
		{"personal basic upper-case key", srv.DCURL + "/scm/DEMO/" + d.DCRepo + ".git", gitCreds{user: d.DCUser, secret: d.DCToken}, true, 200},
		{"personal bearer", repoURL, gitCreds{secret: d.DCToken, bearer: true}, true, 200},
		{"personal basic wrong user", repoURL, gitCreds{user: "someone", secret: d.DCToken}, false, 401},
		{"project bearer", repoURL, gitCreds{secret: d.DCProjectToken, bearer: true}, true, 200},
		{"project basic refused", repoURL, gitCreds{user: d.DCUser, secret: d.DCProjectToken}, false, 401},
		{"unknown bearer", repoURL, gitCreds{secret: "BBDC-nope", bearer: true}, false, 401},
		{"unknown repo", srv.DCURL + "/scm/demo/nope.git", gitCreds{user: d.DCUser, secret: d.DCToken}, false, 404},
		{"cloud token on dc", repoURL, gitCreds{user: d.DCUser, secret: d.APIToken}, false, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := gitLsRemote(t, tt.url, tt.creds)
			if (err == nil) != tt.ok {
				t.Fatalf("ls-remote ok=%v, want %v: %v\n%s", err == nil, tt.ok, err, out)
			}
			if tt.ok {
				wantMain(t, out)
			}
			if last := lastRequest(t, "/scm/"); last.Status != tt.status || last.Listener != "dc" {
				t.Errorf("last request %+v, want status %d", last, tt.status)
			}
		})
	}
}

func TestAppPasswordByDate(t *testing.T) {
	d := srv.Demo
	tests := []struct {
		at time.Time
		ok bool
	}{
		{time.Date(2025, 10, 1, 0, 5, 0, 0, time.UTC), true},    // creation disabled, still works
		{time.Date(2026, 6, 8, 23, 59, 0, 0, time.UTC), true},   // day before the cutoff
		{time.Date(2026, 6, 20, 6, 5, 0, 0, time.UTC), false},   // brownout window
		{time.Date(2026, 6, 20, 18, 14, 0, 0, time.UTC), false}, // brownout window
		{time.Date(2026, 6, 20, 6, 15, 0, 0, time.UTC), true},   // after the window
		{time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC), true},     // between windows
		{time.Date(2026, 7, 28, 9, 0, 0, 0, time.UTC), false},   // removed
		{time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC), false},    // long gone
	}
	for _, tt := range tests {
		t.Run(tt.at.Format(time.RFC3339), func(t *testing.T) {
			setClock(t, tt.at)
			res := get(t, srv.CloudAPIURL+"/2.0/user", basic(d.Username, d.AppPassword))
			if (res.status == 200) != tt.ok {
				t.Errorf("REST status %d, want ok=%v", res.status, tt.ok)
			}
			if !tt.ok && (res.status != 401 || !strings.HasPrefix(res.body, "Login failed")) {
				t.Errorf("REST refusal %d %q", res.status, res.body)
			}
			_, err := gitLsRemote(t, srv.CloudURL+"/acme/"+d.Repo+".git", gitCreds{user: d.Username, secret: d.AppPassword})
			if (err == nil) != tt.ok {
				t.Errorf("git ok=%v, want %v", err == nil, tt.ok)
			}
		})
	}
}

func TestAPITokenExpiresByClock(t *testing.T) {
	d := srv.Demo
	setClock(t, d.APITokenExpires.Add(time.Minute))
	res := get(t, srv.CloudAPIURL+"/2.0/user", basic(d.Email, d.APIToken))
	if e := decode[cloudErr](t, res.body); res.status != 401 || e.Error.Message != tokenInvalidMsg {
		t.Errorf("after expiry: %d %s", res.status, res.body)
	}
}

// TestSecretsOnlyInHeaders proves no request the tests made carried a
// secret in its path or query, and that no child git process of the
// emulator gets one (the http-backend environment is built without the
// Authorization header).
func TestSecretsOnlyInHeaders(t *testing.T) {
	d := srv.Demo
	if _, err := gitLsRemote(t, srv.CloudURL+"/acme/"+d.Repo+".git", gitCreds{user: d.Username, secret: d.APIToken}); err != nil {
		t.Fatal(err)
	}
	secrets := []string{d.APIToken, d.APITokenExpired, d.APITokenNoScopes, d.APITokenMissingScopes, d.AccessToken, d.RepoAccessToken, d.AppPassword, d.DCToken, d.DCProjectToken}
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("no requests logged")
	}
	for _, r := range reqs {
		for _, s := range secrets {
			if strings.Contains(r.Path, s) || strings.Contains(r.Query, s) || strings.Contains(r.User, s) {
				t.Fatalf("secret in request log entry %s %s", r.Method, r.Path)
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(strings.Join(srv.st.gitEnv(), "\n"), s) {
			t.Fatal("secret in git environment")
		}
	}
}
