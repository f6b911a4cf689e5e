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
