package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// savedConnector saves a Cloud HTTP connector for the emulator's demo
// account with the non-interactive setup (no test), so that the wizard
// opens on the picker. The keychain is go-keyring's mock, which lives in
// one process: the wizard started afterwards does not find the token.
func savedConnector(t *testing.T, env map[string]string, name, workspace, repo, user, token string) {
	t.Helper()
	cmd := exec.Command(binPath, "setup", "--non-interactive", "--password-stdin", "--skip-test",
		"--name", name, "--url", "https://bitbucket.org/"+workspace, "--test-repo", repo, "--username", user)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(token + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
}

// TestE2EPickerErrands drives the picker in a real terminal: a test of a
// saved connector goes back to the picker on esc, an export shows no test
// and goes back on enter, "b back to fix" opens Credentials and, once the
// token is typed, enter re-runs the test straight away, the fix is saved
// and enter goes back to the picker; q ends with status 0.
func TestE2EPickerErrands(t *testing.T) {
	srv, env, cfg := emulator(t)
	d := srv.Demo
	savedConnector(t, env, "e2e picked", d.Workspace, d.Repo, d.Username, d.APIToken)
	tm := start(t, env)
	tm.waitFor("bbconnect › Saved connectors", step)
	tm.waitFor("> e2e_picked", step)

	tm.sendKeys("t")
	tm.waitFor("bbconnect › Connection test", step)
	s := tm.waitFor("the test failed", 30*time.Second) // the mock keychain of this process has no token
	if strings.Contains(s, "press enter to save") {
		t.Errorf("a picker test offers to save:\n%s", s)
	}
	tm.sendKeys("Escape")
	tm.waitFor("bbconnect › Saved connectors", step)

	tm.sendKeys("x")
	s = tm.waitFor("bbconnect › Exported", step)
	if strings.Contains(s, "Connection test") {
		t.Errorf("the export shows a connection test that did not run:\n%s", s)
	}
	tm.waitFor("enter goes back to the saved connectors", step)
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Saved connectors", step)

	tm.sendKeys("t")
	tm.waitFor("the test failed: b goes back to fix it", 30*time.Second)
	tm.sendKeys("b")
	tm.waitFor("bbconnect › Credentials", step)
	// b opens the field the failure names (or the step's first one):
	// enter goes on to the token.
	labels := []string{"API token", "Password kind", "Scopes to give the API token", "Username"}
	for cur := tm.focusOn("", labels...); cur != "API token"; {
		tm.sendKeys("Enter")
		cur = tm.focusOn(cur, labels...)
	}
	tm.pasteSecret(d.APIToken)
	tm.sendKeys("Enter")
	tm.at("API token expires", "Enter")
	s = tm.waitFor("the connection works: press enter to save", 30*time.Second)
	if strings.Contains(s, "Connectivity") || strings.Contains(s, "Review") {
		t.Errorf("the fix went through later steps:\n%s", s)
	}
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Saved", step)
	s = tm.waitFor("enter goes back to the saved connectors", step)
	if !strings.Contains(s, "paste the export over it") {
		t.Errorf("an edit's Saved screen:\n%s", s)
	}
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Saved connectors", step)
	tm.sendKeys("q")
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, tm.screen())
	}
	if _, err := os.Stat(filepath.Join(cfg, "bbconnect", "e2e_picked.harness.yaml")); err != nil {
		t.Errorf("export: %v (files: %v)", err, files(t, cfg))
	}
	noSecretOnDisk(t, cfg, d.APIToken)
}

// focusOn waits until one of the fields titled labels other than was has
// the focus and says which.
func (tm *term) focusOn(was string, labels ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(step)
	for {
		scr := tm.tmux(nil, "capture-pane", "-e", "-p", "-t", pane)
		for _, l := range labels {
			if l != was && focused(scr, l) {
				return l
			}
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("none of %q got the focus:\n%s", labels, tm.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
