package emu

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// What Harness's test says (GitClientV2Impl.validateOrThrow and the SCM
// error mapping); the emulator's own wording where Harness's is unknown.
const (
	msgCheckCreds   = "Please check your credentials (potential token expiration issue)"
	msgNoRepo       = "Couldn't connect to given repo"
	msgGitTimeout   = "Git connection timed out"
	msgAPIForbidden = "Please check if your credentials have the required permissions"
	msgAPIFailed    = "Couldn't connect to the Bitbucket API"
	harnessDelegate = "bbemu-delegate"
	harnessTestWait = 30 * time.Second
)

// testCreds are the secret values one test uses, read from the store.
type testCreds struct {
	username, password string
	sshKey             []byte
	sshPass, sshUser   string
	apiUser, apiEmail  string
	apiToken           string
}

// testConnector is testConnection: Harness's git check (ls-remote of the
// test URL over HTTP or SSH) and, with API access, its API check, against
// the emulated Bitbucket with the stored secret values. The result is
// also stored as the connector's status.
func (st *state) testConnector(w http.ResponseWriter, r *http.Request) {
	c, ok := st.lookupConnector(w, r, true)
	if !ok {
		return
	}
	h := st.harness
	ctx, cancel := context.WithTimeout(r.Context(), harnessTestWait)
	defer cancel()
	var errs []errorDetail
	creds, bad := h.credsFor(c)
	p, _ := harnessPath(r.URL.Path)
	switch _, blocked := st.faults.take(harnessFaultPrefix+p, FaultHarnessTestBlocked); {
	case blocked:
		errs = append(errs, errorDetail{
			Reason:  "Unable to connect to the Bitbucket host",
			Message: "Unable to connect to bitbucket.org: connection timed out (is Harness allowed by the workspace's IP allowlist?)",
			Code:    450,
		})
	case bad != nil:
		errs = append(errs, *bad)
	default:
		errs = st.runChecks(ctx, c, creds)
	}
	now := h.millis()
	res := connStatus{Status: "SUCCESS", TestedAt: now, LastTestedAt: now}
	if len(errs) > 0 {
		res.Status, res.ErrorSummary, res.Errors = "FAILURE", errs[0].Message, errs
	}
	h.mu.Lock()
	if cur := h.connectors[hKey{scope: c.scope, id: c.id}]; cur != nil {
		res.LastConnectedAt = cur.status.LastConnectedAt
		if res.Status == "SUCCESS" {
			res.LastConnectedAt = now
		}
		cur.status = res
	}
	h.mu.Unlock()
	if res.Status == "FAILURE" && st.testAsError(w, r, res) {
		return
	}
	var delegate any
	if on, _ := c.body["spec"].(map[string]any)["executeOnDelegate"].(bool); on {
		delegate = harnessDelegate
	}
	var summary any
	if res.ErrorSummary != "" {
		summary = res.ErrorSummary
	}
	hOK(w, map[string]any{
		"status": res.Status, "errorSummary": summary, "errors": res.Errors, "testedAt": now, "delegateId": delegate,
	})
}

// testAsError answers a failed test as Harness's hint chain (400 ERROR
// envelope) when the test-error-envelope fault is set: the other answer
// the reference leaves open.
func (st *state) testAsError(w http.ResponseWriter, r *http.Request, res connStatus) bool {
	p, _ := harnessPath(r.URL.Path)
	if _, ok := st.faults.take(harnessFaultPrefix+p, FaultHarnessTestError); !ok {
		return false
	}
	hint := "Please check if your Bitbucket credentials (username and token) are valid and have the required scopes."
	msgs := []hResponseMessage{
		{Code: "HINT", Level: "INFO", Message: hint, FailureTypes: []string{}},
		{Code: "EXPLANATION", Level: "INFO", Message: res.Errors[0].Reason, FailureTypes: []string{}},
		{Code: "INVALID_CREDENTIAL", Level: "ERROR", Message: res.ErrorSummary, FailureTypes: []string{"AUTHENTICATION"}},
	}
	writeJSON(w, http.StatusBadRequest, hErrorBody{
		Status: "ERROR", Code: "HINT", Message: hint, CorrelationID: correlationID(), ResponseMessages: msgs,
	})
	return true
}

// runChecks runs the git check, then the API check; each failure is one
// error detail.
func (st *state) runChecks(ctx context.Context, c *hConnector, creds testCreds) []errorDetail {
	var errs []errorDetail
	if target := testTarget(c.spec); target != "" {
		var e *errorDetail
		if c.spec.Authentication.Type == "Ssh" {
			e = st.sshCheck(ctx, target, creds)
		} else {
			e = st.httpGitCheck(ctx, target, creds)
		}
		if e != nil {
			errs = append(errs, *e)
		}
	}
	if c.spec.APIAccess != nil {
		if e := st.apiCheck(ctx, c.spec, creds); e != nil {
			errs = append(errs, *e)
		}
	}
	return errs
}

// testTarget is the URL Harness lists: the connector URL for a Repo
// connector, URL + "/" + validationRepo for an Account one ("" when no
// validation repository is set: the git check is skipped).
func testTarget(sp bbSpec) string {
	if sp.Type == "Repo" {
		return sp.URL
	}
	if sp.ValidationRepo == "" {
		return ""
	}
	return strings.TrimRight(sp.URL, "/") + "/" + strings.TrimLeft(sp.ValidationRepo, "/")
}

// credsFor reads the secret values the connector refers to. A reference
// that no longer resolves fails the test.
func (h *harnessState) credsFor(c *hConnector) (testCreds, *errorDetail) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var creds testCreds
	var missing string
	get := func(from hScope, ref, typ string) *hSecret {
		if ref == "" || missing != "" {
			return nil
		}
		k, ok := resolveRef(from, ref)
		s := h.secrets[k]
		if !ok || s == nil || s.typ != typ || s.valueType == "Reference" {
			missing = ref
			return nil
		}
		return s
	}
	val := func(ref string) string {
		if s := get(c.scope, ref, "SecretText"); s != nil {
			return string(s.value)
		}
		return ""
	}
	sp := c.spec
	creds.username = sp.http.Spec.Username
	if sp.http.Spec.UsernameRef != "" {
		creds.username = val(sp.http.Spec.UsernameRef)
	}
	creds.password = val(sp.http.Spec.PasswordRef)
	if cred := get(c.scope, sp.ssh.SSHKeyRef, "SSHKey"); cred != nil {
		sc := cred.ssh.Auth.Spec.Spec
		creds.sshUser = sc.UserName
		if key := get(cred.scope, sc.Key, "SecretFile"); key != nil {
			creds.sshKey = key.value
		}
		if pass := get(cred.scope, sc.EncryptedPassphrase, "SecretText"); pass != nil {
			creds.sshPass = string(pass.value)
		}
	}
	if a := sp.APIAccess; a != nil {
		creds.apiUser, creds.apiEmail = a.Spec.Username, a.Spec.Email
		if a.Spec.UsernameRef != "" {
			creds.apiUser = val(a.Spec.UsernameRef)
		}
		if a.Spec.EmailRef != "" {
			creds.apiEmail = val(a.Spec.EmailRef)
		}
		creds.apiToken = val(a.Spec.TokenRef)
	}
	if missing != "" {
		return creds, &errorDetail{Reason: "secret " + missing + " cannot be read", Message: noSuchSecretRef(missing), Code: 400}
	}
	return creds, nil
}

// ownHTTPHost maps a connector URL's host to the emulator: bitbucket.org
// to the Cloud git listener; the emulator's own hosts stay.
func (st *state) ownHTTPHost(u *url.URL) bool {
	if strings.EqualFold(u.Hostname(), "bitbucket.org") {
		cloud, _ := url.Parse(st.cloudURL)
		u.Scheme, u.Host = cloud.Scheme, cloud.Host
		return true
	}
	for _, own := range []string{st.cloudURL, st.dcURL} {
		if o, err := url.Parse(own); err == nil && o.Host == u.Host {
			u.Scheme = o.Scheme
			return true
		}
	}
	return false
}

// httpGitCheck asks for the ref advertisement of target with Basic
// username:password, as JGit's ls-remote does.
func (st *state) httpGitCheck(ctx context.Context, target string, creds testCreds) *errorDetail {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !st.ownHTTPHost(u) {
		return &errorDetail{Reason: "git ls-remote " + redactURL(target) + ": host not reachable from the emulator", Message: msgNoRepo, Code: 400}
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	u.Path = strings.TrimRight(u.Path, "/") + "/info/refs"
	u.RawQuery = "service=git-upload-pack"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return &errorDetail{Reason: "git ls-remote " + redactURL(target), Message: msgNoRepo, Code: 400}
	}
	req.SetBasicAuth(creds.username, creds.password)
	req.Header.Set("User-Agent", "JGit/6.10.0 (bbemu Harness stand-in)")
	return st.judge(req, "git ls-remote "+redactURL(target), func(res *http.Response) *errorDetail {
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/x-git-upload-pack-advertisement") {
			return &errorDetail{Reason: "git ls-remote " + redactURL(target) + ": invalid advertisement", Message: msgNoRepo, Code: res.StatusCode}
		}
		return nil
	})
}

// judge sends req and maps the answer to Harness's messages; ok checks a
// 2xx answer further.
func (st *state) judge(req *http.Request, what string, ok func(*http.Response) *errorDetail) *errorDetail {
	res, err := st.harness.client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return &errorDetail{Reason: what + ": timed out", Message: msgGitTimeout, Code: 400}
		}
		return &errorDetail{Reason: what + ": connection failed", Message: msgNoRepo, Code: 400}
	}
	defer func() { _ = res.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	reason := what + ": Bitbucket answered " + res.Status
	isAPI := strings.HasPrefix(what, "api ")
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return ok(res)
	case res.StatusCode == http.StatusUnauthorized, res.StatusCode == http.StatusForbidden && !isAPI:
		return &errorDetail{Reason: reason, Message: msgCheckCreds, Code: res.StatusCode}
	case res.StatusCode == http.StatusForbidden:
		return &errorDetail{Reason: reason, Message: msgAPIForbidden, Code: res.StatusCode}
	case isAPI:
		return &errorDetail{Reason: reason, Message: msgAPIFailed, Code: res.StatusCode}
	}
	return &errorDetail{Reason: reason, Message: msgNoRepo, Code: res.StatusCode}
}

// apiCheck lists repositories the way Harness's SCM service does
// (getUserRepos, page 0) with the API access credentials.
func (st *state) apiCheck(ctx context.Context, sp bbSpec, creds testCreds) *errorDetail {
	a := sp.APIAccess
	what := "api " + a.Type
	cloud, base, ws, reachable := st.apiTarget(sp.URL)
	if !reachable {
		return &errorDetail{Reason: what + ": host of " + redactURL(sp.URL) + " not reachable from the emulator", Message: msgAPIFailed, Code: 400}
	}
	endpoint := base + "/rest/api/1.0/repos?limit=1"
	if cloud {
		endpoint = base + "/2.0/user/workspaces?pagelen=1"
		if ws != "" {
			endpoint = base + "/2.0/repositories/" + url.PathEscape(ws) + "?pagelen=1"
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return &errorDetail{Reason: what, Message: msgAPIFailed, Code: 400}
	}
	switch {
	case a.Type == "AccessToken":
		req.Header.Set("Authorization", "Bearer "+creds.apiToken)
	case a.Type == "UsernameToken":
		req.SetBasicAuth(creds.apiUser, creds.apiToken)
	case a.Type == "EmailAndApiToken" && cloud:
		req.SetBasicAuth(creds.apiEmail, creds.apiToken)
	case a.Type == "EmailAndApiToken":
		return &errorDetail{Reason: what + ": Email and API Token is for Bitbucket Cloud only", Message: msgAPIFailed, Code: 400}
	default:
		return &errorDetail{Reason: what + ": not served by the emulator", Message: msgAPIFailed, Code: 400}
	}
	return st.judge(req, what, func(*http.Response) *errorDetail { return nil })
}

// apiTarget finds the REST base for a connector URL: Cloud's API with the
// workspace from the URL, or a Data Center base (the part before /scm/).
func (st *state) apiTarget(raw string) (cloud bool, base, workspace string, ok bool) {
	if host, path, isSSH := splitSSH(raw); isSSH {
		if !st.ownSSHHost(host) {
			return false, "", "", false
		}
		owner, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		if strings.EqualFold(host, "bitbucket.org") || strings.EqualFold(owner, st.demo.Workspace) {
			return true, st.apiURL, owner, true
		}
		return false, st.dcURL, "", true
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false, "", "", false
	}
	cloudURL, _ := url.Parse(st.cloudURL)
	if strings.EqualFold(u.Hostname(), "bitbucket.org") || u.Host == cloudURL.Host {
		owner, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
		return true, st.apiURL, owner, true
	}
	if !st.ownHTTPHost(u) {
		return false, "", "", false
	}
	path, _, _ := strings.Cut(u.Path, "/scm/")
	return false, u.Scheme + "://" + u.Host + strings.TrimRight(path, "/"), "", true
}

// redactURL drops any user info from a URL before it goes into a reason.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil && u.Scheme != "" {
		u.User = nil
		return u.String()
	}
	return raw
}
