package emu

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The shared emulator every test of this package uses (started once in
// TestMain), its settable clock and a scratch dir for git.
var (
	srv     *Server
	scratch string

	clockMu sync.Mutex
	clockAt = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

const testExtraRepos = 250

func testNow() time.Time {
	clockMu.Lock()
	defer clockMu.Unlock()
	return clockAt
}

// setClock moves the shared clock for the rest of the test.
func setClock(t *testing.T, at time.Time) {
	t.Helper()
	clockMu.Lock()
	old := clockAt
	clockAt = at
	clockMu.Unlock()
	t.Cleanup(func() {
		clockMu.Lock()
		clockAt = old
		clockMu.Unlock()
	})
}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if _, err := exec.LookPath("git"); err != nil {
		fmt.Println("skipping emulator tests: git is not installed")
		return 0
	}
	dir, err := os.MkdirTemp("", "bbemu-test-")
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	scratch = dir
	askpass := filepath.Join(dir, "askpass.sh")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\nprintf '%s\\n' \"$BBEMU_TEST_SECRET\"\n"), 0o700); err != nil {
		fmt.Println(err)
		return 1
	}
	srv, err = Start(Options{Dir: filepath.Join(dir, "emu"), Now: testNow, ExtraRepos: testExtraRepos})
	if err != nil {
		fmt.Println("start emulator:", err)
		return 1
	}
	defer func() { _ = srv.Close() }()
	return m.Run()
}

// httpClient trusts the emulator's CA.
func httpClient(tb testing.TB, s *Server) *http.Client {
	tb.Helper()
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		tb.Fatal("ca file holds no certificate")
	}
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
}

// auth sets a request's credentials.
type auth func(*http.Request)

func basic(user, pass string) auth { return func(r *http.Request) { r.SetBasicAuth(user, pass) } }

func bearerAuth(tok string) auth {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func anon(*http.Request) {}

// response is what a test inspects.
type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, url string, a auth) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	a(req)
	res, err := httpClient(t, srv).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// gitCreds is how a git test authenticates over HTTP: user in the URL
// and the secret through GIT_ASKPASS, or a Bearer header through
// GIT_CONFIG_* variables. Never on the command line.
type gitCreds struct {
	user, secret string
	bearer       bool
}

// gitLsRemote runs the real `git ls-remote` and returns its output and
// error.
func gitLsRemote(t *testing.T, rawURL string, c gitCreds) (string, error) {
	t.Helper()
	return gitRun(t, c, "ls-remote", withUser(rawURL, c))
}

// withUser puts the Basic user of c into an https URL.
func withUser(rawURL string, c gitCreds) string {
	if c.user == "" || c.bearer {
		return rawURL
	}
	return strings.Replace(rawURL, "https://", "https://"+urlUser(c.user)+"@", 1)
}

// gitRun runs git with the test environment and c's secret (never in argv).
func gitRun(t *testing.T, c gitCreds, args ...string) (string, error) {
	t.Helper()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + scratch,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_SSL_CAINFO=" + srv.CAFile,
		"GIT_ASKPASS=" + filepath.Join(scratch, "askpass.sh"),
	}
	if c.bearer {
		env = append(env, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http.extraHeader", "GIT_CONFIG_VALUE_0=Authorization: Bearer "+c.secret)
	} else if c.secret != "" {
		env = append(env, "BBEMU_TEST_SECRET="+c.secret)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String() + errb.String(), fmt.Errorf("git %s: %w: %s", args[0], err, errb.String())
	}
	return out.String(), nil
}

func urlUser(u string) string { return strings.ReplaceAll(u, "@", "%40") }

// wantMain checks ls-remote output lists main and the v1.0.0 tag.
func wantMain(t *testing.T, out string) {
	t.Helper()
	if !strings.Contains(out, "\trefs/heads/main") || !strings.Contains(out, "\trefs/tags/v1.0.0") {
		t.Errorf("ls-remote output lacks main or v1.0.0:\n%s", out)
	}
}

// lastRequest returns the newest log entry whose path has the prefix.
func lastRequest(t *testing.T, prefix string) RequestLog {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if strings.HasPrefix(reqs[i].Path, prefix) {
			return reqs[i]
		}
	}
	t.Fatalf("no request logged under %s", prefix)
	return RequestLog{}
}
