package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestAccessibleCloudHTTP(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	const token = "tokSECRET123"
	input := strings.Join([]string{
		"Cloud A", "", "", "", // overview: name, id (made from the name), description, tags
		"1", "1", "1", // edition, url type, connection
		"not a url", "https://bitbucket.org/acme", // a wrong url is asked again
		"widgets",             // test repository
		"3", "1", "0", "jdoe", // app password refused, then api token; scopes done; username
		token,        // the token, read as a line (not a terminal)
		"2027-06-30", // when it expires
		"n",          // api access off
		"1", "1",     // platform, account scope
		"", "y", // review: run the test (the default), then save
	}, "\n") + "\n"
	f := newFakes()
	r, got, err := runLines(t, f.deps(t.TempDir()), input)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, got)
	}
	for _, want := range []string{
		"== Overview (step 1 of 6) ==", "== Details (step 2 of 6) ==", "== Review (step 6 of 6) ==", "Bitbucket edition",
		"app passwords were removed on 2026-07-28", "Password: •••••• (API token)",
		"identifier: Cloud_A", "validationRepo: widgets.git", "✓ git read access: ok", "== Saved ==",
		"empty: 2027-11-22 (one year from today)", "! api access is off", "1. Run the connection test, then save",
		"2. Connectors > New Connector > YAML, paste the export, save, and Test.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(got, token) {
		t.Fatal("the token was printed")
	}
	if n := strings.Count(got, "Profile:"); n != 1 {
		t.Errorf("the Saved summary was printed %d times", n)
	}
	if !r.Saved || r.Connector.URL != "https://bitbucket.org/acme" || r.Connector.Username != "jdoe" {
		t.Fatalf("result = %+v", r)
	}
	if v, _ := f.secrets.Get("Cloud_A", wizard.SlotPassword); v != token {
		t.Fatal("token not stored")
	}
	if m := f.profiles.metas; len(m) != 1 || !m[0].Expires[wizard.SlotPassword].Equal(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)) || m[0].LastTest == nil || !m[0].LastTest.OK {
		t.Fatalf("profile meta = %+v", m)
	}
	if t.Failed() {
		t.Log(got)
	}
}

func TestAccessibleDataCenterSSH(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	pemKey, _ := keyFiles(t)
	input := strings.Join([]string{
		"DC B", "", "", "",
		"2", "2", "2", // data center, repository, ssh
		"ssh://git@bitbucket.example.com:7999/PROJ/repo.git",
		"1", pemKey, // existing key and its path (the public key is shown)
		"y", "1", "dctoken9", // api access on, access token, the token
		"1", "", "1", // platform, no CA, account scope
		"1", "y", // review: run the test, then save
	}, "\n") + "\n"
	f := newFakes()
	r, out, err := runLines(t, f.deps(t.TempDir()), input)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out)
	}
	for _, want := range []string{"Add the public key to Bitbucket", "ssh-rsa AAAA", "sshKeyRef: account.DC_B_ssh_key", "tokenRef: account.DC_B_api_token"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !r.Saved || r.Connector.SSHKeyPath != pemKey || r.Connector.Connection != wizard.SSH {
		t.Fatalf("result = %+v", r)
	}
}

func TestAccessibleInputEnds(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	f := newFakes()
	var out bytes.Buffer
	_, err := Run(context.Background(), Options{Deps: f.deps(t.TempDir()), Accessible: true, In: strings.NewReader("Half Done\n"), Out: &out})
	if !errors.Is(err, errInputEnded) {
		t.Fatalf("err = %v", err)
	}
	if len(f.profiles.saved) != 0 || f.secrets.len() != 0 || f.exports.len() != 0 {
		t.Fatal("something was written")
	}
}

func TestDumbTerminalIsAccessible(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	var out bytes.Buffer
	_, _ = Run(context.Background(), Options{
		Deps: newFakes().deps(t.TempDir()), In: strings.NewReader(""), Out: &out, Env: []string{"TERM=dumb"},
	})
	if !strings.Contains(out.String(), "== Overview (step 1 of 6) ==") {
		t.Fatalf("TERM=dumb did not prompt line by line:\n%s", out.String())
	}
}

func TestLineReaderOneLinePerRead(t *testing.T) {
	t.Parallel()
	r := newLineReader(strings.NewReader("one\ntwo\nthree"))
	buf := make([]byte, 64)
	for _, want := range []string{"one\n", "two\n", "three"} {
		n, err := r.Read(buf)
		if err != nil || string(buf[:n]) != want {
			t.Fatalf("read %q, %v; want %q", buf[:n], err, want)
		}
	}
	if _, err := r.Read(buf); err == nil {
		t.Fatal("no EOF")
	}
}

// FuzzLineReader: reads give back the input exactly, at most one line each.
func FuzzLineReader(f *testing.F) {
	for _, s := range []string{"", "a", "a\nb", "\n\n\n", "one\r\ntwo\n", strings.Repeat("x", 200) + "\ny"} {
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, s string, size int) {
		if size < 1 || size > 1024 {
			size = 16
		}
		r := newLineReader(strings.NewReader(s))
		var got strings.Builder
		buf := make([]byte, size)
		for i := 0; i <= len(s)+1; i++ {
			n, err := r.Read(buf)
			chunk := string(buf[:n])
			if idx := strings.IndexByte(chunk, '\n'); idx >= 0 && idx != n-1 {
				t.Fatalf("read %q holds more than one line", chunk)
			}
			got.WriteString(chunk)
			if err != nil {
				break
			}
		}
		if got.String() != s {
			t.Fatalf("read back %q, want %q", got.String(), s)
		}
	})
}

// TestAccessiblePasteFills: line by line there is no going back to the
// edition, so a clone URL that implies other choices fills them in.
func TestAccessiblePasteFills(t *testing.T) {
	pemKey, _ := keyFiles(t)
	input := strings.Join([]string{
		"DC C", "", "", "",
		"1", "1", "1", // cloud, account, http: the clone URL says otherwise
		"ssh://git@bitbucket.example.com:7999/PROJ/repo.git",
		"",          // test repository: taken from the URL
		"1", pemKey, // existing key and its path
		"n", "1", "", "1", // no api access, platform, no CA bundle, account scope
		"", "y", // run the test, save
	}, "\n") + "\n"
	r, out, err := runLines(t, newFakes().deps(t.TempDir()), input)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "from the pasted URL: edition: Bitbucket Data Center; connection: SSH") {
		t.Errorf("output does not say what the URL filled:\n%s", out)
	}
	c := r.Connector
	if c.Edition != wizard.DataCenter || c.Connection != wizard.SSH || c.URL != "ssh://git@bitbucket.example.com:7999/" || c.TestRepo != "PROJ/repo.git" {
		t.Fatalf("connector = %+v", c)
	}
}

func TestAccessibleCtrlC(t *testing.T) {
	f := newFakes()
	pr, pw := io.Pipe()
	defer func() { _ = pw.Close() }()
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Options{Deps: f.deps(t.TempDir()), Accessible: true, In: pr, Out: &syncWriter{w: &out}})
		done <- err
	}()
	if _, err := pw.Write([]byte("Half\n")); err != nil {
		t.Fatal(err)
	}
	cancel() // what SIGINT does in the CLI
	select {
	case err := <-done:
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("err = %v, want ErrInterrupted", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the wizard kept waiting for input after ctrl+c")
	}
	if len(f.profiles.saved) != 0 || f.secrets.len() != 0 || f.exports.len() != 0 {
		t.Fatal("something was written")
	}
	_ = pw.Close() // the prompt left reading gets EOF and ends
	prompting.Wait()
}

// syncWriter serialises writes from the prompting goroutine and the test.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestAccessiblePicker walks the picker line by line as the screens do:
// a test (recorded, nothing saved), an export, a rotation (its own steps,
// numbered, and the rotation's next steps in Harness), then quit.
func TestAccessiblePicker(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	f := pickerFakes(t)
	input := strings.Join([]string{
		"2", "3", // cloud_one: test the connection
		"2", "4", // cloud_one: write the export
		"2", "2", // cloud_one: rotate its token
		"1", "0", "", // credentials: API token, scopes ticked, username kept
		"ATATT3xROTATED", "", // the new token, its expiry one year ahead
		"", "", // review: run the test; save
		"",  // back to the saved connectors
		"4", // quit
	}, "\n") + "\n"
	var out bytes.Buffer
	r, err := Run(context.Background(), Options{Deps: f.deps(t.TempDir()), Accessible: true, Mode: ModePicker, In: strings.NewReader(input), Out: &out})
	got := out.String()
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, got)
	}
	for _, want := range []string{
		"== Saved connectors ==", "  cloud_one ", "token expires in 40 days", "Which connector?", "Test the connection",
		"✓ git read access: ok", "the connection works.",
		"== Exported ==", "Export:    /exports/cloud_one.yaml",
		"== Credentials (step 1 of 2) ==", "== Review (step 2 of 2) ==", "== Rotated ==",
		"Update the value of the secrets the connector refers to", "The connector itself does not change",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Count(got, "== Saved connectors ==") != 4 {
		t.Errorf("the picker was not shown after each errand")
	}
	if strings.Contains(got, "ATATT3xROTATED") {
		t.Fatal("the token was printed")
	}
	if m := f.profiles.metas; len(m) != 1 || m[0].LastTest == nil || len(m[0].NewTokens) != 0 {
		t.Errorf("the picker's test was not recorded alone: %+v", m)
	}
	if rots := f.rotator.rotations(); len(rots) != 1 || rots[0].Secrets.Password != "ATATT3xROTATED" {
		t.Errorf("rotations = %+v", rots)
	}
	if !r.Saved || r.Action != ActionRotate {
		t.Errorf("result = %+v", r)
	}
	if t.Failed() {
		t.Log(got)
	}
}

// A failed test offers to go back to the field that fixes it; once fixed
// the test runs again, and it can then be saved.
func TestAccessibleBackToFix(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	f := pickerFakes(t)
	f.tester.fail, f.tester.diag = "git read access", "email used where the bitbucket username belongs"
	input := strings.Join([]string{
		"2", "3", // cloud_one: test the connection
		"", // the test failed: back to fix it (the default)
	}, "\n") + "\n"
	var out bytes.Buffer
	_, err := Run(context.Background(), Options{Deps: f.deps(t.TempDir()), Accessible: true, Mode: ModePicker, In: strings.NewReader(input), Out: &out})
	got := out.String()
	if !errors.Is(err, errInputEnded) {
		t.Fatalf("err = %v\n%s", err, got)
	}
	for _, want := range []string{"1. Back to fix it: Credentials (username)", "Save anyway", "== Credentials (step 3 of 6) =="} {
		if want == "Save anyway" {
			if strings.Contains(got, want) {
				t.Errorf("a picker test offers to save")
			}
			continue
		}
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// TestAccessibleProjectScope: the organisation and project identifiers
// are checked as typed (they were checked against the value before the
// answer, so a valid identifier was refused line after line).
func TestAccessibleProjectScope(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	input := strings.Join([]string{
		"Cloud P", "", "", "",
		"1", "1", "1", "https://bitbucket.org/acme", "widgets",
		"1", "0", "jdoe", "tokSECRET123", "",
		"n",
		"1", "3", "bad org", "myorg", "myproj", // platform, project scope; a bad org is asked again
		"7", // review: quit without saving
	}, "\n") + "\n"
	f := newFakes()
	r, out, err := runLines(t, f.deps(t.TempDir()), input)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out)
	}
	if c := r.Connector; c.Scope != wizard.ScopeProject || c.Org != "myorg" || c.Project != "myproj" {
		t.Fatalf("connector = %+v\n%s", c, out)
	}
	if n := strings.Count(out, "Organisation identifier"); n != 2 {
		t.Errorf("the org was asked %d times, want 2 (the bad one again):\n%s", n, out)
	}
}

// runLines runs the wizard line by line (accessible mode) on input with d
// and returns its result and what it printed.
func runLines(t *testing.T, d Deps, input string) (Result, string, error) {
	t.Helper()
	var out bytes.Buffer
	r, err := Run(context.Background(), Options{Deps: d, Accessible: true, In: strings.NewReader(input), Out: &out})
	return r, out.String(), err
}
