package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
)

// harnessFault injects a fault into the Harness stand-in, as bbemu's
// --harness-fault does.
func harnessFault(t *testing.T, srv *emu.Server, spec string) {
	t.Helper()
	f, err := emu.ParseFault(spec, true)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(f)
}

// noLeak fails when a secret is in an output or the emulator's request log.
func noLeak(t *testing.T, srv *emu.Server, texts []string, secrets ...string) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Leaked {
			t.Fatalf("a secret was in a url: %+v", r)
		}
		texts = append(texts, r.Path, r.Query, r.User)
	}
	for _, s := range secrets {
		for _, text := range texts {
			if strings.Contains(text, s) {
				t.Fatalf("a secret is in the output or the request log:\n%s", text)
			}
		}
	}
}

func TestRotatePushedConnectorInHarness(t *testing.T) {
	srv, w := harnessEmu(t)
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	d := srv.Demo
	setupCloud(t, srv, w, "web_rot", d.APIToken)
	if code, out, errOut := w.run("", "push", "web_rot"); code != cli.ExitOK {
		t.Fatalf("push: exit %d\n%s%s", code, out, errOut)
	}
	var texts []string
	run := func(stdin string, args ...string) (cli.ExitCode, string, string) {
		code, out, errOut := w.run(stdin, args...)
		texts = append(texts, out, errOut)
		return code, out, errOut
	}

	// Passing: the local test, then the secret in Harness, then Harness's test.
	code, out, errOut := run(d.APITokenNext+"\n", "rotate", "web_rot", "--token-stdin")
	if code != cli.ExitOK || !strings.Contains(out, "secret web_rot_password holds the new token; harness's test passed") ||
		!strings.Contains(errOut, "PUT /ng/api/v2/secrets/web_rot_password 200") ||
		!strings.Contains(errOut, "POST /ng/api/connectors/testConnection/web_rot 200") {
		t.Fatalf("rotate: exit %d\n%s%s", code, out, errOut)
	}
	if !srv.HarnessSecretIs("default", "web", "web_rot_password", d.APITokenNext) {
		t.Fatal("harness does not hold the new token")
	}
	if p := loadProfile(t, w, "web_rot"); p.Harness == nil || p.Harness.LastTest == nil || !p.Harness.LastTest.OK {
		t.Fatalf("harness test not recorded: %+v", p.Harness)
	}

	// Harness's test fails: the old value goes back there, the old token
	// stays here, exit 1 with Harness's summary.
	harnessFault(t, srv, "test-blocked,first=1")
	code, out, errOut = run(d.APIToken+"\n", "rotate", "web_rot", "--token-stdin")
	if code != cli.ExitFailure || !strings.Contains(errOut, "✗ harness's test failed: Unable to connect to bitbucket.org") || !strings.Contains(errOut, "harness was put back") ||
		strings.Count(errOut, "PUT /ng/api/v2/secrets/web_rot_password 200") != 2 {
		t.Fatalf("failing harness test: exit %d\n%s%s", code, out, errOut)
	}
	if !srv.HarnessSecretIs("default", "web", "web_rot_password", d.APITokenNext) {
		t.Fatal("harness did not get the old value back")
	}
	if code, out, errOut = run("", "test", "web_rot"); code != cli.ExitOK {
		t.Fatalf("the local token is not the one harness holds: exit %d\n%s%s", code, out, errOut)
	}

	// --local-only: Harness keeps the old token, and says so; push catches up.
	code, out, errOut = run(d.APIToken+"\n", "rotate", "web_rot", "--token-stdin", "--local-only")
	if code != cli.ExitOK || !strings.Contains(out, "harness still holds the old token (--local-only): bbconnect push web_rot") ||
		strings.Contains(errOut, "/ng/api/") {
		t.Fatalf("--local-only: exit %d\n%s%s", code, out, errOut)
	}
	if !srv.HarnessSecretIs("default", "web", "web_rot_password", d.APITokenNext) {
		t.Fatal("--local-only changed harness")
	}
	if code, out, errOut = run("", "push", "web_rot"); code != cli.ExitOK || !srv.HarnessSecretIs("default", "web", "web_rot_password", d.APIToken) {
		t.Fatalf("push after --local-only: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut = run("", "rotate", "web_rot", "--local-only", "--delete-old-secret"); code != cli.ExitUsage ||
		!strings.Contains(errOut, "--delete-old-secret") {
		t.Fatalf("--delete-old-secret --local-only: exit %d\n%s", code, errOut)
	}
	// No Harness key at hand: said before the token is read, nothing changed.
	delete(w.env, "HARNESS_PLATFORM_API_KEY")
	code, out, errOut = run(d.APITokenNext+"\n", "rotate", "web_rot", "--token-stdin")
	if code != cli.ExitFailure || !strings.Contains(errOut, "no harness api key stored for account acme") ||
		!strings.Contains(errOut, "--local-only") || strings.Contains(errOut, "connection test") {
		t.Fatalf("no key: exit %d\n%s%s", code, out, errOut)
	}
	noLeak(t, srv, texts, d.APIToken, d.APITokenNext, srv.Harness.APIKey)
}

func TestRotateMigratesImportedAppPasswordConnector(t *testing.T) {
	srv, w := harnessEmu(t)
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	d := srv.Demo
	verdict := func(id string) string {
		t.Helper()
		_, out, _ := w.run("", "harness", "scan", "--json")
		var found []map[string]any
		if err := json.Unmarshal([]byte(out), &found); err != nil {
			t.Fatalf("scan: %v\n%s", err, out)
		}
		for _, f := range found {
			if f["identifier"] == id {
				return f["verdict"].(string) + " " + f["api_access"].(string)
			}
		}
		return ""
	}
	var texts []string
	run := func(stdin string, args ...string) (cli.ExitCode, string, string) {
		code, out, errOut := w.run(stdin, args...)
		texts = append(texts, out, errOut)
		return code, out, errOut
	}

	// Harness's test fails after the connector was changed: the previous
	// connector comes back and the new secret goes.
	if code, out, errOut := run("", "harness", "import", "bb_web_app_password", "--org", "default", "--project", "web"); code != cli.ExitOK {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	harnessFault(t, srv, "test-blocked,first=1")
	code, out, errOut := run(d.APITokenNext+"\n", "rotate", "bb_web_app_password", "--token-stdin", "--email", d.Email)
	if code != cli.ExitFailure || !strings.Contains(errOut, "harness was put back") ||
		!strings.Contains(errOut, "DELETE /ng/api/v2/secrets/bb_web_app_password_api_token 200") {
		t.Fatalf("failing migration: exit %d\n%s%s", code, out, errOut)
	}
	if v := verdict("bb_web_app_password"); v != "app-password UsernameToken" {
		t.Fatalf("connector not restored: %q", v)
	}

	// Passing: a new secret (the App Password one is kept), the connector
	// moved to Email and API Token, Harness's test, the old secret deleted.
	if code, out, errOut := run("", "harness", "import", "bb_cloud_legacy"); code != cli.ExitOK {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(d.APITokenNext+"\n", "rotate", "bb_cloud_legacy", "--token-stdin", "--email", d.Email, "--delete-old-secret")
	if code != cli.ExitOK || !strings.Contains(out, "connector bb_cloud_legacy now uses the new secret account.bb_cloud_legacy_api_token; harness's test passed") ||
		!strings.Contains(out, "deleted the old harness secret account.bb_app_password") ||
		!strings.Contains(errOut, "POST /ng/api/v2/secrets (bb_cloud_legacy_api_token) 200") ||
		!strings.Contains(errOut, "PUT /ng/api/connectors (bb_cloud_legacy) 200") {
		t.Fatalf("migration: exit %d\n%s%s", code, out, errOut)
	}
	if !srv.HarnessSecretIs("", "", "bb_cloud_legacy_api_token", d.APITokenNext) {
		t.Fatal("the new secret does not hold the token")
	}
	if v := verdict("bb_cloud_legacy"); v != "ok EmailAndApiToken" {
		t.Fatalf("connector after migration: %q", v)
	}
	p := loadProfile(t, w, "bb_cloud_legacy")
	if p.Harness == nil || strings.Join(p.Harness.SecretIDs, ",") != "account.bb_cloud_legacy_api_token" || !p.Harness.LastTest.OK ||
		p.Connector.APIAccess != "email-api-token" {
		t.Fatalf("profile after migration: %+v %+v", p.Connector, p.Harness)
	}
	noLeak(t, srv, texts, d.APITokenNext, srv.Harness.APIKey)
}
