package main

import (
	"strings"
	"testing"
	"time"
)

// On a real terminal: harness login asks for the key without echo and
// proves it; harness scan shows a progress line while it walks the
// account, clears it, lists the connectors and exits 1 (App Passwords).
func TestE2EHarnessLoginAndScan(t *testing.T) {
	srv, env, _ := emulator(t)
	env["HARNESS_ENDPOINT"] = srv.HarnessURL
	key := srv.Harness.APIKey
	tm := start(t, env, "harness", "login")
	tm.waitFor("Harness API key", step)
	tm.pasteSecret(key)
	tm.sendKeys("Enter")
	s := tm.waitFor("logged in to harness account acme", step)
	if secret := key[strings.LastIndex(key, ".")+1:]; strings.Contains(s, secret) {
		t.Fatalf("the key was echoed:\n%s", s)
	}
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("login exit %d:\n%s", code, tm.screen())
	}

	srv.SetHarnessLatency(500 * time.Millisecond) // a window of seconds to see the progress line
	env["HARNESS_PLATFORM_API_KEY"] = key
	tm = start(t, env, "harness", "scan")
	tm.waitFor("scanning harness account acme:", step)
	tm.waitFor("app-password", 3*step)
	if code := tm.waitExit(step); code != 1 {
		t.Fatalf("scan exit %d, want 1:\n%s", code, tm.screen())
	}
	s = tm.screen()
	if strings.Contains(s, "scanning harness") || !strings.Contains(s, "bb_web_app_password") {
		t.Fatalf("progress line left or connector missing:\n%s", s)
	}
}
