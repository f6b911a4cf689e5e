package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
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

// runOutput runs the command with args until its output is complete,
// then stops it and returns the output.
func runOutput(t *testing.T, lastLine func(string) bool, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"--dir", t.TempDir()}, args...), pw, io.Discard)
		_ = pw.CloseWithError(err)
		done <- err
	}()
	var b strings.Builder
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if lastLine(sc.Text()) {
			break
		}
	}
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
	for _, name := range []string{"BBCONNECT_CLOUD_URL", "BBCONNECT_CLOUD_API_URL", "BBCONNECT_CA_FILE", "BBCONNECT_KNOWN_HOSTS", "BBCONNECT_DC_URL", "BBCONNECT_CLOUD_SSH"} {
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
}

func TestRunBanner(t *testing.T) {
	out := runOutput(t, func(l string) bool { return strings.Contains(l, "connection refused") })
	for _, want := range []string{"Bitbucket Cloud", "Bitbucket Data Center", "SSH (user git)", "CA certificate", "ATATT3x", "ATBB", "BBDC-"} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
}
