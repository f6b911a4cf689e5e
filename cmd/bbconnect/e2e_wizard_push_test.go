package main

import (
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

// cloudToSaved sets up a Cloud HTTP connector named name for bbemu's
// acme workspace with token and saves it: after its passing test, or,
// when passes is false, after its failing test (y saves anyway).
func (tm *term) cloudToSaved(name, token string, passes bool) {
	tm.t.Helper()
	tm.cloudHTTPUntilToken(name, "acme", "harness-demo", "demo-user", token)
	tm.sendKeys("Enter")
	tm.at("API token expires", "Enter")
	tm.apiOffToReview(false)
	tm.sendKeys("Enter")
	if passes {
		tm.waitFor("press enter to save", 30*time.Second)
		tm.sendKeys("Enter")
		return
	}
	tm.waitFor("the test failed", 30*time.Second)
	tm.sendKeys("Enter")
	tm.waitFor("press y to save anyway", step)
	tm.sendKeys("y")
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
	tm.cloudToSaved("e2e push", token, true)
	s := tm.pushFromSaved(key)
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
	tm.waitFor("Harness (acme, pushed 2026-11-22): its test passed", step)
	tm.sendKeys("n")
	tm.cloudToSaved("e2e wrong", canary, false)
	s = tm.pushFromSaved(key)
	if !strings.Contains(s, "✗ Harness's test failed: Please check your credentials") || !strings.Contains(s, "fix: the token Harness holds is refused") {
		t.Errorf("wrong token pushed:\n%s", s)
	}
	tm.sendKeys("Enter")
	s = tm.waitFor("bbconnect › Saved connectors", step)
	for _, want := range []string{"Harness (acme, pushed 2026-11-22): its test passed", "Harness (acme, pushed 2026-11-22): its test failed:", "Please check your credentials"} {
		if !strings.Contains(s, want) {
			t.Errorf("picker lacks %q:\n%s", want, s)
		}
	}
	tm.sendKeys("q")
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, tm.screen())
	}
	for _, secret := range []string{canary, token, key} {
		noSecretOnDisk(t, cfg, secret)
	}
}

// TestE2EWizardPushNewUser walks the push as a new user would, where the
// terminal matters: NO_COLOR, shift+tab on the empty key field, the key
// and enter in one batch, a resize while the result shows, and Ctrl+C
// while a (slow) push runs, which stops it and keeps the wizard.
func TestE2EWizardPushNewUser(t *testing.T) {
	p := startBbemu(t, "--harness-latency", "400ms")
	token, key := p.demo("API token (all scopes)"), p.env["HARNESS_PLATFORM_API_KEY"]
	cfg := t.TempDir()
	env := p.wizardEnv(cfg)
	env["NO_COLOR"] = "1"

	tm := start(t, env)
	tm.cloudToSaved("e2e nocolor", token, true)
	tm.waitFor("p pushes it to Harness", step)
	tm.sendKeys("p")
	tm.at("Harness API key", "BTab") // shift+tab on the empty first field: nothing breaks
	tm.at("Harness API key", "Enter")
	tm.waitFor("✗ paste the key", step)
	tm.pasteSecret(key)
	tm.sendKeys("Enter") // right after the paste, in one batch
	tm.waitFor("GET  /ng/api/v2/secrets/e2e_nocolor_password", step)
	s := tm.waitFor("✓ Harness's test passed", 30*time.Second)
	if strings.Contains(s, key[strings.LastIndex(key, ".")+1:]) {
		t.Fatalf("the key shows:\n%s", s)
	}
	if raw := tm.tmux(nil, "capture-pane", "-e", "-p", "-t", pane); strings.Contains(raw, "38;") {
		t.Errorf("NO_COLOR: the screen has colours:\n%q", raw)
	}
	tm.tmux(nil, "resize-window", "-t", pane, "-x", "60", "-y", "20")
	s = tm.waitFor("p push again", step)
	for _, l := range strings.Split(s, "\n") {
		if len([]rune(l)) > 60 {
			t.Errorf("a line wider than 60 columns after the resize: %q", l)
		}
	}
	tm.tmux(nil, "resize-window", "-t", pane, "-x", "80", "-y", "24")

	tm.sendKeys("p") // again, slowly: ctrl+c stops it
	tm.waitFor("bbconnect › Pushing to Harness", step)
	tm.waitFor("GET  /ng/api/v2/secrets/e2e_nocolor_password", step)
	tm.sendKeys("C-c")
	s = tm.waitFor("! push stopped", 30*time.Second)
	if !strings.Contains(s, "no answer") {
		t.Errorf("the abandoned call is not shown:\n%s", s)
	}
	tm.sendKeys("Enter")
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("exit status %d after a stopped push:\n%s", code, tm.screen())
	}
	noSecretOnDisk(t, cfg, key)
	noSecretOnDisk(t, cfg, token)
}

// TestE2EWizardPushAccessible: --accessible asks the push in plain
// prompts after the save, the Harness key without echo, and prints a line
// of text per call and Harness's test.
func TestE2EWizardPushAccessible(t *testing.T) {
	p := startBbemu(t)
	token, key := p.demo("API token (all scopes)"), p.env["HARNESS_PLATFORM_API_KEY"]
	cfg := t.TempDir()
	tm := start(t, p.wizardEnv(cfg), "setup", "--accessible")
	seen := 0
	// answer waits for prompt to appear after the last one answered, then
	// types line (a secret through the paste buffer) and enter.
	answer := func(prompt, line string, secret bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			all := tm.history()
			if i := strings.Index(all[seen:], prompt); i >= 0 {
				seen += i + len(prompt)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no prompt %q after:\n%s", prompt, all[seen:])
			}
			time.Sleep(40 * time.Millisecond)
		}
		if secret {
			tm.pasteSecret(line)
		} else {
			tm.typeText(line)
		}
		tm.sendKeys("Enter")
	}
	answer("Name", "e2e acc", false)
	answer("Id", "", false)
	answer("Description", "", false)
	answer("Tags", "", false)
	answer("Bitbucket edition", "1", false)
	answer("URL type", "1", false)
	answer("Connection type", "1", false)
	answer("Account URL", "https://bitbucket.org/acme", false)
	answer("Test repository", "harness-demo", false)
	answer("Password kind", "1", false)
	answer("Scopes to give the API token", "0", false)
	answer("Username", "demo-user", false)
	answer("API token", token, true)
	answer("API token expires", "", false)
	answer("Enable API access?", "n", false)
	answer("Connectivity mode", "1", false)
	answer("Harness scope", "1", false)
	answer("What next?", "1", false)
	answer("Save the connector now?", "y", false)
	answer("Push it to Harness account acme now", "y", false)
	answer("Harness API key (pat.… or sat.…, not shown):", key, true)
	answer("What next?", "1", false)
	if code := tm.waitExit(step); code != 0 {
		t.Fatalf("exit status %d:\n%s", code, tm.history())
	}
	out := tm.history()
	for _, want := range []string{
		"✓ the key works for account acme", "== Push to Harness ==",
		"  POST /ng/api/connectors/testConnection/e2e_acc 200", "✓ Harness's test passed", "✓ bbconnect's last test: passed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, key[strings.LastIndex(key, ".")+1:]) || strings.Contains(out, token[10:40]) {
		t.Fatalf("a secret was echoed:\n%s", out)
	}
	noSecretOnDisk(t, cfg, key)
}

// history is the pane with its scrollback, lines joined as written.
func (tm *term) history() string {
	tm.t.Helper()
	return tm.tmux(nil, "capture-pane", "-p", "-J", "-S", "-", "-t", pane)
}
