package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// overview fills the Overview step with a name and the defaults.
func (tm *term) overview(name string) {
	tm.t.Helper()
	tm.waitFor("bbconnect › Overview", step)
	tm.at("Name")
	tm.typeText(name)
	tm.sendKeys("Enter")
	tm.at("Id", "Enter")
	tm.at("Description", "Enter")
	tm.at("Tags", "Enter")
	tm.waitFor("bbconnect › Details", step)
}

// cloudHTTPUntilToken walks a Cloud HTTP account setup up to the typed
// API token (not yet submitted).
func (tm *term) cloudHTTPUntilToken(name, workspace, repo, user, token string) {
	tm.t.Helper()
	tm.overview(name)
	tm.at("Bitbucket edition", "Enter") // Bitbucket Cloud
	tm.at("URL type", "Enter")          // Account
	tm.at("Connection type", "Enter")   // HTTP
	tm.at("Account URL")
	tm.typeText("https://bitbucket.org/" + workspace)
	tm.waitFor("saved as: https://bitbucket.org/"+workspace, step)
	tm.sendKeys("Enter")
	tm.at("Test repository")
	tm.typeText(repo)
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Credentials", step)
	tm.at("Password kind", "Enter") // API token (recommended)
	tm.at("Scopes to give the API token", "Enter")
	tm.at("Username")
	tm.typeText(user)
	tm.sendKeys("Enter")
	tm.at("API token")
	tm.pasteSecret(token)
}

// apiOffToReview leaves API access off and takes the connectivity
// defaults (platform, no CA bundle where asked, account scope).
func (tm *term) apiOffToReview(caBundle bool) string {
	tm.t.Helper()
	tm.waitFor("bbconnect › API access", step)
	tm.at("Enable API access?", "n")
	tm.waitFor("bbconnect › Connectivity", step)
	tm.at("Connectivity mode", "Enter")
	if caBundle {
		tm.at("CA bundle (optional)", "Enter")
	}
	tm.at("Harness scope", "Enter")
	return tm.waitFor("bbconnect › Review", step)
}

func TestE2ECloudHTTP(t *testing.T) {
	srv, env, cfg := emulator(t)
	d := srv.Demo
	tm := start(t, env)
	tm.cloudHTTPUntilToken("e2e cloud", d.Workspace, d.Repo, d.Username, d.APIToken)
	if s := tm.screen(); strings.Contains(s, d.APIToken[:20]) {
		t.Errorf("the token shows on screen:\n%s", s)
	}
	tm.sendKeys("Enter")
	tm.at("API token expires", "Enter") // one year from today
	s := tm.apiOffToReview(false)
	for _, want := range []string{"e2e_cloud", "https://bitbucket.org/" + d.Workspace + "/" + d.Repo + ".git", "•••••• (API token)"} {
		if !strings.Contains(s, want) {
			t.Errorf("review lacks %q:\n%s", want, s)
		}
	}
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Connection test", step)
	s = tm.waitFor("press enter to save", 30*time.Second)
	if !strings.Contains(s, "✓ git read access") {
		t.Errorf("git read access did not pass:\n%s", s)
	}
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Saved", step)
	s = tm.waitFor("enter ends the wizard", step) // the save has finished; enter is ignored while "saving…"
	if !strings.Contains(s, "e2e_cloud.json") || !strings.Contains(s, "e2e_cloud/password") {
		t.Errorf("saved screen:\n%s", s)
	}
	tm.sendKeys("Enter")
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, tm.screen())
	}
	if _, err := os.Stat(filepath.Join(cfg, "bbconnect", "e2e_cloud.json")); err != nil {
		t.Errorf("profile: %v (files: %v)", err, files(t, cfg))
	}
	data, err := os.ReadFile(filepath.Join(cfg, "bbconnect", "e2e_cloud.harness.yaml"))
	if err != nil || !strings.Contains(string(data), "passwordRef: account.e2e_cloud_password") {
		t.Errorf("export: %v\n%s", err, data)
	}
	noSecretOnDisk(t, cfg, d.APIToken)
}

func TestE2EDataCenterSSH(t *testing.T) {
	srv, env, cfg := emulator(t)
	d := srv.Demo
	tm := start(t, env)
	tm.overview("e2e dc ssh")
	tm.at("Bitbucket edition", "Down", "Enter") // Bitbucket Data Center
	tm.at("URL type", "Enter")                  // Account
	tm.at("Connection type", "Down", "Enter")   // SSH
	tm.waitFor("ssh://git@bitbucket.YOUR-ORG.com:7999/", step)
	tm.at("Account URL")
	tm.typeText("ssh://git@" + srv.SSHAddr + "/")
	tm.waitFor("saved as: ssh://git@"+srv.SSHAddr+"/", step)
	tm.sendKeys("Enter")
	tm.at("Test repository")
	tm.typeText(d.DCProject + "/" + d.DCRepo)
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Credentials", step)
	tm.at("SSH key", "Enter") // use an existing PEM RSA key file
	tm.at("Private key file")
	tm.typeText(d.SSHKeyPath)
	tm.sendKeys("Enter")
	tm.at("Add the public key to Bitbucket", "Enter")
	s := tm.apiOffToReview(true)
	if !strings.Contains(s, "Bitbucket Data Center") || !strings.Contains(s, d.SSHKeyPath) {
		t.Errorf("review:\n%s", s)
	}
	tm.sendKeys("Enter")
	s = tm.waitFor("press enter to save", 30*time.Second)
	if !strings.Contains(s, "✓ git read access") {
		t.Errorf("git read access did not pass:\n%s", s)
	}
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Saved", step)
	tm.waitFor("enter ends the wizard", step) // the save has finished; enter is ignored while "saving…"
	tm.sendKeys("Enter")
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, tm.screen())
	}
	data, err := os.ReadFile(filepath.Join(cfg, "bbconnect", "e2e_dc_ssh.harness.yaml"))
	if err != nil || !strings.Contains(string(data), "sshKeyRef: account.e2e_dc_ssh_ssh_key") {
		t.Errorf("export: %v\n%s", err, data)
	}
	// A later run lists the saved connector.
	out, err := exec.Command(binPath, "list", "--config-dir", cfg).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "e2e_dc_ssh") {
		t.Errorf("list: %v\n%s", err, out)
	}
}

func TestE2ECtrlCLeavesNothing(t *testing.T) {
	_, env, cfg := emulator(t)
	tm := start(t, env)
	tm.cloudHTTPUntilToken("interrupted", "acme", "app", "jdoe", "ATATT3xInterruptedToken")
	tm.sendKeys("C-c")
	if code := tm.waitExit(step); code != 130 {
		t.Errorf("exit status %d, want 130:\n%s", code, tm.screen())
	}
	if left := files(t, cfg); len(left) != 0 {
		t.Errorf("files left behind: %v", left)
	}
}

func TestE2ENoTerminal(t *testing.T) {
	needTmux(t)
	cmd := exec.Command(binPath)
	cmd.Env = append(os.Environ(), "BBCONNECT_CONFIG_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "--non-interactive") {
		t.Errorf("without a terminal: %v\n%s", err, out)
	}
}
