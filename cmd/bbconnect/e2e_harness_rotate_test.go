package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
)

// Rotations that reach Harness, end to end: the built bbconnect, one
// process per command, with a real Secret Service (gnome-keyring on a
// private D-Bus, so the keychain outlives each process and a kill -9) and
// the emulator's Harness stand-in.

// startSecretService runs a throwaway gnome-keyring on a private session
// bus (keychain/testdata/with-secret-service.sh) for the rest of the test
// and returns the bus address.
func startSecretService(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon", "secret-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: apt-get install dbus gnome-keyring libsecret-tools", tool)
		}
	}
	script, err := filepath.Abs("../../keychain/testdata/with-secret-service.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-run-session", "--", "sh", script, "sh", "-c", `echo "bus=$DBUS_SESSION_BUS_ADDRESS"; cat >/dev/null`)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir()}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = stdin.Close() // cat ends, the script stops gnome-keyring, the bus goes
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "bus=")
	if err != nil || !ok || addr == "" {
		t.Fatalf("no secret service: %q %v", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return addr
}

// rotateEnv is how the rotation tests run bbconnect: the emulator's
// variables, the private Secret Service, a fixed clock.
type rotateEnv struct {
	env []string
	cfg string
}

func newRotateEnv(t *testing.T, emuEnv map[string]string) rotateEnv {
	t.Helper()
	cfg := t.TempDir()
	e := rotateEnv{cfg: cfg, env: []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + cfg, "BBCONNECT_CONFIG_DIR=" + cfg, "BBCONNECT_NOW=2026-11-22T00:00:00Z",
		"DBUS_SESSION_BUS_ADDRESS=" + startSecretService(t),
	}}
	for k, v := range emuEnv {
		e.env = append(e.env, k+"="+v)
	}
	return e
}

// run runs bbconnect to its end: exit status, stdout, stderr.
func (e rotateEnv) run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runEnv(t, e.env, stdin, args...)
}

// runEnv runs the built bbconnect with exactly env and stdin, and returns
// its exit status, standard output and error.
func runEnv(t *testing.T, env []string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok { //nolint:errorlint // Run returns *ExitError itself
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("bbconnect %s: %v", args[0], err)
	}
	return code, out.String(), errOut.String()
}

// killAt runs bbconnect and kills it (SIGKILL) delay after its stderr
// shows a line containing trigger. It returns stderr up to then.
func (e rotateEnv) killAt(t *testing.T, trigger string, delay time.Duration, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env, cmd.Stdin = e.env, strings.NewReader(stdin)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen strings.Builder
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		seen.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), trigger) {
			time.Sleep(delay)
			_ = cmd.Process.Kill()
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pipe) }()
	err = cmd.Wait()
	switch ee, ok := err.(*exec.ExitError); { //nolint:errorlint // Wait returns *ExitError itself
	case err == nil && delay > 0:
		// The last steps are local and take milliseconds: on a fast
		// machine the rotation may end before a delayed kill.
		t.Logf("the rotation ended before the kill %s after %q", delay, trigger)
	case !ok || ee.Exited():
		t.Fatalf("bbconnect was not killed at %q (%v):\n%s", trigger, err, seen.String())
	}
	return seen.String()
}

// keychainValue is the item id/slot in the private Secret Service.
func (e rotateEnv) keychainValue(t *testing.T, item string) string {
	t.Helper()
	cmd := exec.Command("secret-tool", "lookup", "service", "bbconnect", "username", item)
	cmd.Env = e.env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("secret-tool lookup %s: %v", item, err)
	}
	return strings.TrimSpace(string(out))
}

// A rotation that reaches Harness killed (kill -9) at each of its steps:
// during the local test, during the PUT of the secret, during Harness's
// test, and during the local swap. The next bbconnect run (any command)
// settles it, and then Harness and the keychain hold the same token, one
// that works.
func TestE2EHarnessRotateKilledAtEveryStep(t *testing.T) {
	needTmux(t)
	srv, err := emu.Start(emu.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	e := newRotateEnv(t, map[string]string{
		"BBCONNECT_CLOUD_URL": srv.CloudURL, "BBCONNECT_CLOUD_API_URL": srv.CloudAPIURL, "BBCONNECT_CA_FILE": srv.CAFile,
		"HARNESS_ENDPOINT": srv.HarnessURL, "HARNESS_PLATFORM_API_KEY": srv.Harness.APIKey,
	})
	d := srv.Demo
	for i, step := range []struct {
		trigger string
		delay   time.Duration
	}{
		{"GET /ng/api/connectors/%s 200", 150 * time.Millisecond}, // in the local test: nothing in Harness yet
		{"GET /ng/api/v2/secrets/%s_password 200", 0},             // while the secret is PUT
		{"PUT /ng/api/v2/secrets/%s_password 200", 0},             // in Harness's test: Harness holds the new token
		// Harness's test passed: then the journal and the local swap, in a
		// few milliseconds (killed at once, or a little later).
		{"POST /ng/api/connectors/testConnection/%s 200", 0},
		{"POST /ng/api/connectors/testConnection/%s 200", 5 * time.Millisecond},
		{"POST /ng/api/connectors/testConnection/%s 200", 15 * time.Millisecond},
		{"POST /ng/api/connectors/testConnection/%s 200", 40 * time.Millisecond},
	} {
		id := "kill_" + string(rune('a'+i))
		trig, delay := strings.ReplaceAll(step.trigger, "%s", id), step.delay
		t.Run(id, func(t *testing.T) {
			srv.SetHarnessLatency(0)
			code, out, errOut := e.run(t, d.APIToken+"\n", "setup", "--non-interactive", "--password-stdin", "--name", id,
				"--url", "https://bitbucket.org/"+d.Workspace, "--test-repo", d.Repo+".git", "--username", d.Username,
				"--api-access", "email-api-token", "--api-email", d.Email, "--api-token-same-as-password",
				"--scope", "project", "--org", "default", "--project", "web", "--push")
			if code != 0 {
				t.Fatalf("setup --push: exit %d\n%s%s", code, out, errOut)
			}
			// Each Harness call takes a while, so the kill lands in the
			// step after the line that triggers it.
			srv.SetHarnessLatency(400 * time.Millisecond)
			seen := e.killAt(t, trig, delay, d.APITokenNext+"\n", "rotate", id, "--token-stdin")
			srv.SetHarnessLatency(0)
			code, out, said := e.run(t, "", "list")
			if code != 0 {
				t.Fatalf("the run after the kill: exit %d\n%s%s", code, out, said)
			}
			local := e.keychainValue(t, id+"/password")
			if local != d.APIToken && local != d.APITokenNext {
				t.Fatalf("the keychain holds neither token after %q:\n%s", trig, seen)
			}
			if !srv.HarnessSecretIs("default", "web", id+"_password", local) {
				t.Fatalf("killed after %q: harness and the keychain disagree (keychain new=%v)\n%s\nthen: %s", trig, local == d.APITokenNext, seen, said)
			}
			if _, err := os.Stat(filepath.Join(e.cfg, "bbconnect", id+".rotate.json")); !os.IsNotExist(err) {
				t.Fatalf("the rotation record is still there: %v", err)
			}
			if code, out, errOut = e.run(t, "", "test", id); code != 0 {
				t.Fatalf("the token in place does not work: exit %d\n%s%s", code, out, errOut)
			}
			t.Logf("killed %s after %q: keychain and harness hold the %s token; %s", delay, trig,
				map[bool]string{true: "new", false: "old"}[local == d.APITokenNext], strings.TrimSpace(said))
		})
	}
}

// setup → push → rotate (Harness's test passes with the new token); a
// rotation Harness's test refuses (bbemu --harness-fault test-blocked) puts
// the old value back and exits 1; an App Password connector from the
// seeded stand-in is imported and migrated (a failed attempt restores the
// connector), then --delete-old-secret. The new token, a canary, is in no
// output and no file.
func TestE2EHarnessRotateAgainstBbemu(t *testing.T) {
	p := startBbemu(t,
		"--harness-fault", "test-blocked,percent=50,first=1,path=/ng/api/connectors/testConnection/rot_e2e",
		"--harness-fault", "test-blocked,first=1,path=/ng/api/connectors/testConnection/bb_cloud_legacy")
	e := newRotateEnv(t, p.env)
	token, canary := p.demo("API token (all scopes)"), p.demo("API token (to rotate)")
	if !strings.HasPrefix(canary, "ATATT") || canary == token {
		t.Fatalf("no second demo API token in the banner: %q", canary)
	}
	var outputs []string
	run := func(stdin string, args ...string) (int, string, string) {
		code, out, errOut := e.run(t, stdin, args...)
		outputs = append(outputs, out, errOut)
		return code, out, errOut
	}
	code, out, errOut := run(token+"\n", "setup", "--non-interactive", "--password-stdin", "--name", "rot_e2e",
		"--url", "https://bitbucket.org/acme", "--test-repo", "harness-demo.git", "--username", "demo-user",
		"--api-access", "email-api-token", "--api-email", "demo.user@example.com", "--api-token-same-as-password",
		"--scope", "project", "--org", "default", "--project", "web", "--push")
	if code != 0 || !strings.Contains(out, "harness's test passed") {
		t.Fatalf("setup --push: exit %d\n%s%s", code, out, errOut)
	}
	// Harness's test refuses the new token: the old value goes back to
	// Harness, the old token stays here, exit 1.
	code, out, errOut = run(canary+"\n", "rotate", "rot_e2e", "--token-stdin")
	if code != 1 || !strings.Contains(errOut, "✗ harness's test failed: Unable to connect") || !strings.Contains(errOut, "harness was put back") ||
		strings.Count(errOut, "PUT /ng/api/v2/secrets/rot_e2e_password 200") != 2 {
		t.Fatalf("rotate, harness failing: exit %d\n%s%s", code, out, errOut)
	}
	if e.keychainValue(t, "rot_e2e/password") != token {
		t.Fatal("the keychain lost the old token")
	}
	// Passing: the secret in Harness, then Harness's test, then the swap.
	code, out, errOut = run(canary+"\n", "rotate", "rot_e2e", "--token-stdin")
	if code != 0 || !strings.Contains(out, "secret rot_e2e_password holds the new token; harness's test passed") ||
		!strings.Contains(errOut, "POST /ng/api/connectors/testConnection/rot_e2e 200") {
		t.Fatalf("rotate: exit %d\n%s%s", code, out, errOut)
	}
	if e.keychainValue(t, "rot_e2e/password") != canary {
		t.Fatal("the keychain does not hold the new token")
	}

	// An App Password connector of the seeded stand-in: import, then a
	// migration whose Harness test fails (connector restored, new secret
	// deleted), then one that passes and deletes the App Password secret.
	if code, out, errOut = run("", "harness", "import", "bb_cloud_legacy"); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(canary+"\n", "rotate", "bb_cloud_legacy", "--token-stdin", "--email", "demo.user@example.com", "--delete-old-secret")
	if code != 1 || !strings.Contains(errOut, "PUT /ng/api/connectors (bb_cloud_legacy) 200") ||
		!strings.Contains(errOut, "DELETE /ng/api/v2/secrets/bb_cloud_legacy_api_token 200") || strings.Contains(errOut, "bb_app_password 200") {
		t.Fatalf("migration, harness failing: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(canary+"\n", "rotate", "bb_cloud_legacy", "--token-stdin", "--email", "demo.user@example.com", "--delete-old-secret")
	if code != 0 || !strings.Contains(out, "connector bb_cloud_legacy now uses the new secret account.bb_cloud_legacy_api_token; harness's test passed") ||
		!strings.Contains(out, "deleted the old harness secret account.bb_app_password") {
		t.Fatalf("migration: exit %d\n%s%s", code, out, errOut)
	}
	// Harness's own test of the migrated connector, through scan's record.
	code, out, errOut = run("", "harness", "scan", "--json")
	if !strings.Contains(out, `"identifier": "bb_cloud_legacy"`) || code != 1 {
		t.Fatalf("scan: exit %d\n%s%s", code, out, errOut)
	}
	legacy := out[strings.Index(out, `"identifier": "bb_cloud_legacy"`):]
	legacy = legacy[:strings.Index(legacy, "}")]
	if !strings.Contains(legacy, `"verdict": "ok"`) || !strings.Contains(legacy, `"api_access": "EmailAndApiToken"`) {
		t.Fatalf("bb_cloud_legacy after the migration: %s", legacy)
	}

	// The canary (and the Harness key) are in no output and no file.
	assertNoLeak(t, e.cfg, outputs, canary, p.env["HARNESS_PLATFORM_API_KEY"])
}
