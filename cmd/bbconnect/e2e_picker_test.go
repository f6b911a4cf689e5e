package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestE2ERepositoryPicker leaves the test repository empty in Details and
// picks it from the emulator's repositories after Credentials.
func TestE2ERepositoryPicker(t *testing.T) {
	srv, env, _ := emulator(t)
	d := srv.Demo
	tm := start(t, env)
	tm.overview("e2e picked")
	tm.at("Bitbucket edition", "Enter") // Bitbucket Cloud
	tm.at("URL type", "Enter")          // Account
	tm.at("Connection type", "Enter")   // HTTP
	tm.at("Account URL")
	tm.typeText("https://bitbucket.org/" + d.Workspace)
	tm.waitFor("saved as: https://bitbucket.org/"+d.Workspace, step)
	tm.sendKeys("Enter")
	tm.at("Test repository")
	tm.waitFor("pick it from the list", step)
	tm.sendKeys("Enter") // left empty
	tm.waitFor("bbconnect › Credentials", step)
	tm.at("Password kind", "Down", "Enter") // access token
	tm.at("Access token")
	tm.waitCursor()
	tm.pasteSecret(d.AccessToken)
	tm.waitFor("> ****", step) // the masked token arrived
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Test repository", step)
	s := tm.waitFor("of 3 repositories", step)
	for _, want := range []string{d.Workspace + "/" + d.Repo, d.Workspace + "/" + d.EmptyRepo, "(empty: no commits yet)"} {
		if !strings.Contains(s, want) {
			t.Errorf("picker lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, d.AccessToken[:20]) {
		t.Fatalf("the token shows on screen:\n%s", s)
	}
	tm.typeText(d.Repo)
	tm.waitFor("1 of 3 repositories", step)
	tm.sendKeys("Enter")
	s = tm.apiOffToReview(false)
	if !strings.Contains(s, "Test repository: "+d.Repo+".git") {
		t.Errorf("review:\n%s", s)
	}
	tm.sendKeys("Enter")
	s = tm.waitFor("press enter to save", 30*time.Second)
	if !strings.Contains(s, "✓ git read access") {
		t.Errorf("git read access did not pass:\n%s", s)
	}
	tm.sendKeys("Enter")
	tm.waitFor("enter ends the wizard", step)
	tm.sendKeys("Enter")
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, tm.screen())
	}
}

// TestE2ETrustHostKey: an SSH host missing from known_hosts shows its
// fingerprint on the test screen; a trusts it and the test passes.
func TestE2ETrustHostKey(t *testing.T) {
	srv, env, _ := emulator(t)
	d := srv.Demo
	empty := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env["BBCONNECT_KNOWN_HOSTS"] = empty
	tm := start(t, env)
	tm.overview("e2e host key")
	tm.at("Bitbucket edition", "Down", "Enter") // Bitbucket Data Center
	tm.at("URL type", "Down", "Enter")          // Repository
	tm.at("Connection type", "Down", "Enter")   // SSH
	tm.at("Repository URL")
	tm.typeText("ssh://git@" + srv.SSHAddr + "/" + d.DCProject + "/" + d.DCRepo + ".git")
	tm.waitFor("saved as: ssh://git@"+srv.SSHAddr, step)
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Credentials", step)
	tm.at("SSH key", "Enter")
	tm.at("Private key file")
	tm.typeText(d.SSHKeyPath)
	tm.sendKeys("Enter")
	tm.at("Add the public key to Bitbucket", "Enter")
	tm.apiOffToReview(true)
	tm.sendKeys("Enter")
	s := tm.waitFor("press a to trust it", 30*time.Second)
	if !strings.Contains(s, "! unknown ssh host key of "+srv.SSHAddr) || !strings.Contains(s, "SHA256:") {
		t.Fatalf("test screen:\n%s", s)
	}
	tm.sendKeys("a")
	s = tm.waitFor("press enter to save", 30*time.Second)
	if !strings.Contains(s, "✓ git read access") || !strings.Contains(s, "trusted (this run only)") {
		t.Errorf("after trusting the key:\n%s", s)
	}
	tm.sendKeys("Enter")
	s = tm.waitFor("enter ends the wizard", step)
	if !strings.Contains(s, "confirmed by its fingerprint:") {
		t.Errorf("saved:\n%s", s)
	}
	tm.sendKeys("Enter")
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, tm.screen())
	}
}

// waitCursor waits until a text input shows its cursor (reverse video after
// the "> " prompt): huh focuses a new page's input in a command, and text
// pasted before that is lost.
func (tm *term) waitCursor() {
	tm.t.Helper()
	deadline := time.Now().Add(step)
	for {
		for _, l := range strings.Split(tm.tmux(nil, "capture-pane", "-e", "-p", "-t", pane), "\n") {
			if strings.Contains(ansiRE.ReplaceAllString(l, ""), "> ") && strings.Contains(l, "\x1b[7m") {
				return
			}
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("no text input got the cursor:\n%s", tm.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
