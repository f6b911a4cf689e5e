package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args []string
		ok   bool
	}{
		{nil, true},
		{[]string{"--dir", "x", "--latency", "50ms", "--extra-repos", "10", "--json"}, true},
		{[]string{"--env", "--dc-context", "/bitbucket"}, true},
		{[]string{"--json", "--env"}, false},
		{[]string{"--latency", "-1s"}, false},
		{[]string{"--extra-repos", "-3"}, false},
		{[]string{"--latency", "soon"}, false},
		{[]string{"extra"}, false},
		{[]string{"--harness-orgs", "50", "--harness-projects", "20", "--harness-latency", "50ms"}, true},
		{[]string{"--harness-fault", "rate-limit,percent=30", "--harness-fault", "not-found-404", "--fault", "hang,first=1"}, true},
		{[]string{"--harness-orgs", "0"}, false},
		{[]string{"--harness-latency", "-1ms"}, false},
		{[]string{"--harness-fault", "dc-anonymous"}, false},
		{[]string{"--fault", "governance"}, false},
		{[]string{"--harness-fault", "rate-limit,percent=120"}, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := parseFlags(tt.args, io.Discard)
			if (err == nil) != tt.ok {
				t.Errorf("err %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"/a b": "'/a b'", "it's": `'it'\''s'`, "": "''"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// startRun runs the command with args (in a temp dir) and returns its
// output and a stop function that ends it and checks it ended cleanly.
func startRun(t *testing.T, args ...string) (io.Reader, func()) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"--dir", t.TempDir()}, args...), pw, io.Discard)
		_ = pw.CloseWithError(err)
		done <- err
	}()
	return pr, func() {
		t.Helper()
		cancel()
		go func() { _, _ = io.Copy(io.Discard, pr) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("run did not stop when its context ended")
		}
	}
}

// runOutput runs the command with args until its output is complete,
// then stops it and returns the output.
func runOutput(t *testing.T, lastLine func(string) bool, args ...string) string {
	t.Helper()
	out, stop := startRun(t, args...)
	var b strings.Builder
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if lastLine(sc.Text()) {
			break
		}
	}
	stop()
	return b.String()
}

func TestRunJSON(t *testing.T) {
	out := runOutput(t, func(string) bool { return true }, "--json", "--extra-repos", "5")
	var got info
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if !strings.HasPrefix(got.CloudURL, "https://127.0.0.1:") || got.CAFile == "" || got.KnownHostsFile == "" ||
		!strings.HasPrefix(got.Demo.APIToken, "ATATT3x") || got.Demo.Workspace == "" {
		t.Errorf("json %+v", got)
	}
}

func TestRunEnv(t *testing.T) {
	out := runOutput(t, func(l string) bool { return l == "# ready" }, "--env", "--dc-context", "/bitbucket")
	for _, name := range []string{
		"BBCONNECT_CLOUD_URL", "BBCONNECT_CLOUD_API_URL", "BBCONNECT_CA_FILE", "BBCONNECT_KNOWN_HOSTS", "BBCONNECT_DC_URL", "BBCONNECT_CLOUD_SSH",
		"HARNESS_ENDPOINT", "HARNESS_ACCOUNT_ID", "HARNESS_PLATFORM_API_KEY",
	} {
		if !strings.Contains(out, "export "+name+"='") {
			t.Errorf("no export of %s in\n%s", name, out)
		}
	}
	for line := range strings.Lines(out) {
		if !strings.HasPrefix(line, "export ") && !strings.HasPrefix(line, "#") {
			t.Errorf("line is neither an export nor a comment: %q", line)
		}
		if strings.HasPrefix(line, "export ") && (strings.Contains(line, "ATATT") || strings.Contains(line, "BBDC-")) {
			t.Errorf("secret exported: %q", line)
		}
	}
	if !strings.Contains(out, "/bitbucket'") {
		t.Errorf("dc context missing:\n%s", out)
	}
	if !strings.Contains(out, "export HARNESS_PLATFORM_API_KEY='pat.acme.") || !strings.Contains(out, "export HARNESS_ACCOUNT_ID='acme'") ||
		!strings.Contains(out, "export HARNESS_ENDPOINT='http://127.0.0.1:") {
		t.Errorf("harness exports:\n%s", out)
	}
}

func TestRunBanner(t *testing.T) {
	out := runOutput(t, func(l string) bool { return strings.Contains(l, "wrong token") })
	for _, want := range []string{
		"Bitbucket Cloud", "Bitbucket Data Center", "SSH (user git)", "CA certificate", "ATATT3x", "ATBB", "BBDC-",
		"Harness Platform API stand-in", "pat.acme.", "sat.acme.", "3 organisations x 5 projects",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
}

func TestHelpExplainsHarness(t *testing.T) {
	var b strings.Builder
	if _, err := parseFlags([]string{"--help"}, &b); err == nil {
		t.Fatal("--help gave no error")
	}
	for _, want := range []string{
		"Harness stand-in", "testConnection really tests", "Seed (account acme", "bb_web_app_password",
		"--harness-fault", "not-found-404", "governance", "percent=P", "HARNESS_ENDPOINT",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

// TestHarnessFaultFromCommandLine starts bbemu with a Harness fault and
// sees it on the first calls.
func TestHarnessFaultFromCommandLine(t *testing.T) {
	out, stop := startRun(t, "--json", "--harness-orgs", "4", "--harness-fault", "rate-limit,first=1")
	var got info
	if err := json.NewDecoder(out).Decode(&got); err != nil {
		t.Fatal(err)
	}
	call := func() (int, string) {
		req, _ := http.NewRequest(http.MethodGet, got.HarnessURL+"/ng/api/organizations?accountIdentifier="+got.Harness.AccountID, nil)
		req.Header.Set("x-api-key", got.Harness.APIKey)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := call(); code != http.StatusTooManyRequests {
		t.Errorf("first call %d, want 429", code)
	}
	if code, body := call(); code != http.StatusOK || !strings.Contains(body, `"totalItems":4`) {
		t.Errorf("second call %d %s", code, body)
	}
	stop()
}
