package main

import (
	"strings"
	"testing"
	"time"
)

// localEnv is a wizard run with no Bitbucket: an in-memory keychain and a
// private config folder.
func localEnv(t *testing.T) map[string]string {
	return map[string]string{
		"BBCONNECT_NOW":        "2026-11-22T00:00:00Z",
		"BBCONNECT_CONFIG_DIR": t.TempDir(),
		"BBCONNECT_KEYRING":    "mock",
	}
}

// TestE2EKeysInOneBatch: keys that reach the terminal in one write (a
// script, a paste of keystrokes, a slow link) each land on the field that
// has the focus after the key before; shift+tab leaves an empty required
// field; a resize reflows the form at once.
func TestE2EKeysInOneBatch(t *testing.T) {
	tm := start(t, localEnv(t))
	tm.waitFor("bbconnect › Overview", step)
	tm.at("Name")
	tm.typeText("batch")
	// Overview's four fields, then Cloud, Account, and Down to SSH: one send-keys.
	tm.sendKeys("Enter", "Enter", "Enter", "Enter", "Enter", "Enter", "Down", "Enter")
	tm.waitFocus("Account URL")
	if s := tm.waitFor("format: git@bitbucket.org:", step); !strings.Contains(s, "Account URL") {
		t.Fatalf("not the SSH account URL:\n%s", s)
	}
	// shift+tab on the empty URL: back to the connection type, which still
	// answers keys.
	tm.sendKeys("BTab")
	tm.waitFor("> SSH", step)
	tm.at("Connection type", "Up", "Enter")
	tm.waitFocus("Account URL")
	tm.waitFor("format: https://bitbucket.org/WORKSPACE", step)

	// Resizing reflows the form without a key.
	tm.tmux(nil, "resize-window", "-t", pane, "-x", "60", "-y", "20")
	deadline := time.Now().Add(step)
	for {
		s := tm.screen()
		wide := false
		for _, l := range strings.Split(s, "\n") {
			if len([]rune(strings.TrimRight(l, " "))) > 60 {
				wide = true
			}
		}
		if !wide && strings.Contains(s, "Account URL") && strings.Contains(s, "format: https://bitbucket.org/WORKSPACE") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the form did not reflow to 60 columns:\n%s", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestE2EKeygenRunsOnce: ssh-keygen makes the key once and the wizard goes
// on with it (it used to run ssh-keygen a second time, which then said the
// key it had just made "already exists").
func TestE2EKeygenRunsOnce(t *testing.T) {
	tm := start(t, localEnv(t))
	tm.overview("keygen")
	tm.at("Bitbucket edition", "Enter")
	tm.at("URL type", "Down", "Enter") // Repository
	tm.at("Connection type", "Down", "Enter")
	tm.at("Repository URL")
	tm.typeText("git@bitbucket.org:acme/widgets.git")
	tm.waitFor("saved as: git@bitbucket.org:acme/widgets.git", step)
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Credentials", step)
	tm.at("SSH key", "Down", "Enter")
	tm.at("Where to save the new key", "Enter")
	tm.at("Run ssh-keygen now?", "Enter")
	tm.waitFor("passphrase", step)
	tm.sendKeys("Enter")
	tm.waitFor("same passphrase", step)
	tm.sendKeys("Enter")
	tm.waitFor("bbconnect › Credentials", step)
	tm.waitFocus("Private key file")
	time.Sleep(300 * time.Millisecond)
	if s := tm.screen(); strings.Contains(s, "did not make the key") || strings.Contains(s, "already exists") {
		t.Fatalf("the wizard says the key was not made:\n%s", s)
	}
	tm.waitFor("✓ pem rsa key, 4096 bits", step)
}
