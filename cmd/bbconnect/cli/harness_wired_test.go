package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// harnessEmu starts the emulator (Bitbucket and the Harness stand-in) and
// a wired bbconnect pointed at both.
func harnessEmu(t *testing.T) (*emu.Server, *wired) {
	t.Helper()
	srv, err := emu.Start(emu.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	w := newWired(t)
	w.env[conntest.EnvCloudURL], w.env[conntest.EnvCloudAPIURL], w.env[conntest.EnvCAFile] = srv.CloudURL, srv.CloudAPIURL, srv.CAFile
	w.env["HARNESS_ENDPOINT"] = srv.HarnessURL
	return srv, w
}

// setupCloud saves a Cloud HTTP connector with the demo values and token.
func setupCloud(t *testing.T, srv *emu.Server, w *wired, id, token string, extra ...string) {
	t.Helper()
	d := srv.Demo
	args := append([]string{
		"setup", "--non-interactive", "--password-stdin",
		"--name", id, "--url", "https://bitbucket.org/" + d.Workspace, "--test-repo", d.Repo + ".git", "--username", d.Username,
		"--api-access", "email-api-token", "--api-email", d.Email, "--api-token-same-as-password",
		"--scope", "project", "--org", "default", "--project", "web",
	}, extra...)
	if code, out, errOut := w.run(token+"\n", args...); code != cli.ExitOK {
		t.Fatalf("setup %s: exit %d\n%s%s", id, code, out, errOut)
	}
}

func loadProfile(t *testing.T, w *wired, id string) profile.Profile {
	t.Helper()
	p, err := profile.Store{Dir: filepath.Join(w.dir, "bbconnect")}.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHarnessLoginPushAgainstEmulator(t *testing.T) {
	srv, w := harnessEmu(t)
	key := srv.Harness.APIKey
	code, out, errOut := w.run(key+"\n", "harness", "login", "--api-key-stdin")
	if code != cli.ExitOK || !strings.Contains(out, "logged in to harness account "+srv.Harness.AccountID) || !strings.Contains(out, "Demo User") {
		t.Fatalf("login: exit %d\n%s%s", code, out, errOut)
	}
	// A bad key: 401 naming the call, nothing stored.
	code, _, errOut = w.run("pat.acme.nope.nope\n", "harness", "login", "--api-key-stdin")
	if code != cli.ExitFailure || !strings.Contains(errOut, "GET /ng/api/organizations: 401") {
		t.Fatalf("bad key: exit %d\n%s", code, errOut)
	}

	setupCloud(t, srv, w, "web_cloud", srv.Demo.APIToken)
	code, out, errOut = w.run("", "push", "web_cloud")
	if code != cli.ExitOK || !strings.Contains(out, "✓ harness's test passed") || !strings.Contains(out, "connector created") ||
		!strings.Contains(errOut, "POST /ng/api/connectors/testConnection/web_cloud 200") {
		t.Fatalf("push: exit %d\n%s%s", code, out, errOut)
	}
	p := loadProfile(t, w, "web_cloud")
	if h := p.Harness; h == nil || h.Account != "acme" || h.URL != srv.HarnessURL || strings.Join(h.SecretIDs, ",") != "web_cloud_password" ||
		h.PushedAt.IsZero() || h.LastTest == nil || !h.LastTest.OK {
		t.Fatalf("profile link %+v", p.Harness)
	}
	// A second push updates; --json has the shape.
	code, out, errOut = w.run("", "push", "web_cloud", "--json")
	var res struct {
		Connector  string `json:"connector"`
		HarnessURL string `json:"harness_url"`
		Calls      []struct {
			Method, Path string
			Status       int
		} `json:"calls"`
		Test struct {
			Status       string `json:"status"`
			ErrorSummary string `json:"error_summary"`
		} `json:"test"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != cli.ExitOK || res.Connector != "web_cloud" || res.Test.Status != "SUCCESS" ||
		res.HarnessURL != srv.HarnessURL || len(res.Calls) != 5 || res.Calls[3].Method != "PUT" {
		t.Fatalf("push --json: exit %d %v\n%s%s", code, err, out, errOut)
	}
	// A dry run reads and never writes.
	srv.ResetRequests()
	code, out, errOut = w.run("", "push", "web_cloud", "--dry-run")
	if code != cli.ExitOK || !strings.Contains(out, "secret web_cloud_password would update") || !strings.Contains(errOut, "PUT /ng/api/connectors (web_cloud) planned") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	for _, r := range srv.Requests() {
		if r.Listener == "harness" && r.Method != "GET" {
			t.Fatalf("dry run wrote: %+v", r)
		}
	}
	// A wrong token pushed fails Harness's test with its summary.
	setupCloud(t, srv, w, "web_wrong", "ATATT3xWrongToken", "--skip-test")
	code, out, errOut = w.run("", "push", "web_wrong")
	if code != cli.ExitFailure || !strings.Contains(errOut, "saved without a connection test") ||
		!strings.Contains(errOut, "harness's test of web_wrong failed: Please check your credentials") {
		t.Fatalf("wrong token: exit %d\n%s%s", code, out, errOut)
	}
	if p := loadProfile(t, w, "web_wrong"); p.Harness == nil || p.Harness.LastTest == nil || p.Harness.LastTest.OK {
		t.Fatalf("failed test not recorded: %+v", p.Harness)
	}
	code, out, _ = w.run("", "harness", "logout")
	if code != cli.ExitOK || !strings.Contains(out, "removed the harness api key of account acme") {
		t.Fatalf("logout: exit %d\n%s", code, out)
	}
	if code, _, errOut = w.run("", "push", "web_cloud"); code != cli.ExitFailure || !strings.Contains(errOut, "no harness") {
		t.Fatalf("push after logout: exit %d\n%s", code, errOut)
	}
}

func TestHarnessPushSSHAgainstEmulator(t *testing.T) {
	srv, w := harnessEmu(t)
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	d := srv.Demo
	code, out, errOut := w.run("", "setup", "--non-interactive", "--skip-test", "--name", "web_ssh", "--connection", "ssh",
		"--url", "git@bitbucket.org:"+d.Workspace+"/", "--test-repo", d.Repo+".git", "--ssh-key", d.SSHKeyPath,
		"--scope", "org", "--org", "default")
	if code != cli.ExitOK {
		t.Fatalf("setup: exit %d\n%s%s", code, out, errOut)
	}
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	code, out, errOut = w.run("", "push", "web_ssh")
	if code != cli.ExitOK || !strings.Contains(out, "secret web_ssh_ssh_key_pem created") || !strings.Contains(out, "secret web_ssh_ssh_key created") {
		t.Fatalf("ssh push: exit %d\n%s%s", code, out, errOut)
	}
}

func TestHarnessScanAndImportAgainstEmulator(t *testing.T) {
	srv, w := harnessEmu(t)
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	code, out, errOut := w.run("", "harness", "scan", "--json")
	var found []map[string]string
	if err := json.Unmarshal([]byte(out), &found); err != nil || code != cli.ExitFailure {
		t.Fatalf("scan: exit %d %v\n%s%s", code, err, out, errOut)
	}
	verdicts := map[string]string{}
	for _, f := range found {
		verdicts[f["identifier"]] = f["verdict"]
	}
	for id, want := range map[string]string{
		"bb_cloud_legacy": "app-password", "bb_web_app_password": "app-password",
		"bb_payments_legacy": "app-password", "bb_platform_http": "unknown", "bb_datacenter": "ok", "bb_web_ssh": "ok",
	} {
		if verdicts[id] != want {
			t.Errorf("%s: verdict %q, want %q", id, verdicts[id], want)
		}
	}
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	code, out, _ = w.run("", "harness", "scan", "--org", "platform")
	if code != cli.ExitOK || !strings.Contains(out, "bb_platform_http") || strings.Contains(out, "bb_cloud_legacy") {
		t.Fatalf("scan --org: exit %d\n%s", code, out)
	}
	if code, _, errOut = w.run("", "harness", "scan", "--project", "web"); code != cli.ExitUsage || !strings.Contains(errOut, "--project needs --org") {
		t.Fatalf("--project alone: exit %d %s", code, errOut)
	}
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	code, out, errOut = w.run("", "harness", "import", "bb_web_app_password", "--org", "default", "--project", "web")
	if code != cli.ExitOK || !strings.Contains(out, "bbconnect rotate bb_web_app_password") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	p := loadProfile(t, w, "bb_web_app_password")
	if p.Harness == nil || strings.Join(p.Harness.SecretIDs, ",") != "bb_app_password" || p.Connector.Project != "web" || len(p.Tokens) != 0 {
		t.Fatalf("imported %+v", p)
	}
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	if code, _, errOut = w.run("", "harness", "import", "bb_web_app_password", "--org", "default", "--project", "web"); code != cli.ExitFailure || !strings.Contains(errOut, "--id NEW") {
		t.Fatalf("second import: exit %d %s", code, errOut)
	}
	// scan --import imports the rest of the app-password connectors.
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	code, _, errOut = w.run("", "harness", "scan", "--import")
	if code != cli.ExitFailure || !strings.Contains(errOut, "bb_web_app_password is already saved") {
		t.Fatalf("scan --import: exit %d\n%s", code, errOut)
	}
	for _, id := range []string{"bb_cloud_legacy", "bb_payments_legacy"} {
		if p := loadProfile(t, w, id); p.Harness == nil {
			t.Errorf("%s not linked", id)
		}
	}
}

func TestImportFile(t *testing.T) {
	w := newWired(t)
	file := filepath.Join(t.TempDir(), "legacy.tf")
	tf := `resource "harness_platform_connector_bitbucket" "legacy" {
  identifier      = "bb_legacy"
  name            = "bb legacy"
  url             = "https://bitbucket.org/acme/app.git"
  connection_type = "Repo"
  org_id          = "default"
  credentials {
    http {
      username     = "jdoe"
      password_ref = "org.bb_app_password"
    }
  }
  api_authentication {
    username  = "jdoe"
    token_ref = "org.bb_app_password"
  }
}
`
	if err := os.WriteFile(file, []byte(tf), 0o600); err != nil {
		t.Fatal(err)
	}
	w.env["HARNESS_ACCOUNT_ID"] = "acme"
	code, out, errOut := w.run("", "import", file)
	if code != cli.ExitOK || !strings.Contains(out, "imported bb_legacy (org default) as saved connector bb_legacy") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	p := loadProfile(t, w, "bb_legacy")
	if p.Harness == nil || p.Harness.Account != "acme" || p.Connector.APIAccess != "username-app-password" {
		t.Fatalf("%+v", p)
	}
	yml := "connector:\n  name: bb legacy\n  identifier: bb_legacy\n  type: Bitbucket\n  spec:\n    url: https://bitbucket.org/acme\n    type: Account\n    validationRepo: app.git\n    authentication:\n      type: Http\n      spec:\n        type: UsernamePassword\n        spec: {username: jdoe, passwordRef: account.tok}\n"
	if code, _, errOut = w.run(yml, "import", "-"); code != cli.ExitFailure || !strings.Contains(errOut, "--id NEW") {
		t.Fatalf("same id: exit %d %s", code, errOut)
	}
	if code, out, errOut = w.run(yml, "import", "-", "--id", "bb_legacy2"); code != cli.ExitOK {
		t.Fatalf("--id: exit %d %s%s", code, out, errOut)
	}
	if p := loadProfile(t, w, "bb_legacy2"); p.Harness.Identifier != "bb_legacy" {
		t.Fatalf("link %+v", p.Harness)
	}
	if code, _, errOut = w.run("name: x\n", "import", "-"); code != cli.ExitUsage || !strings.Contains(errOut, "no connector: key") {
		t.Fatalf("bad file: exit %d %s", code, errOut)
	}
}

// A canary set as every secret and as the Harness key appears in no
// output, profile file, request path or query: only in the bodies (and the
// x-api-key header) that carry it.
func TestHarnessPushCanary(t *testing.T) {
	const canary = "ATATT3xCANARYcanary0123456789"
	srv, w := harnessEmu(t)
	setupCloud(t, srv, w, "web_canary", canary, "--skip-test")
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	srv.ResetRequests()
	code, out, errOut := w.run("", "push", "web_canary")
	if code != cli.ExitFailure || !strings.Contains(errOut, "harness's test of web_canary failed") {
		t.Fatalf("push: exit %d\n%s%s", code, out, errOut)
	}
	w.env["HARNESS_PLATFORM_API_KEY"] = "pat.acme." + canary + "." + canary
	code, out2, errOut2 := w.run("", "push", "web_canary", "--json")
	if code != cli.ExitFailure || !strings.Contains(errOut2, "401") {
		t.Fatalf("canary key: exit %d\n%s%s", code, out2, errOut2)
	}
	all := out + errOut + out2 + errOut2
	files, _ := filepath.Glob(filepath.Join(w.dir, "bbconnect", "*"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		all += string(data)
	}
	if strings.Contains(all, canary) || strings.Contains(all, "CANARY") {
		t.Fatalf("canary leaked:\n%s", all)
	}
	for _, r := range srv.Requests() {
		if r.Leaked || strings.Contains(r.Path+r.Query, "CANARY") {
			t.Fatalf("canary in a request line: %+v", r)
		}
	}
}

// Harness's other answers: a missing connector as 404, a failing test as a
// 400 hint chain, 429s without Retry-After (backed off, then done).
func TestHarnessFaultsAgainstEmulator(t *testing.T) {
	srv, w := harnessEmu(t)
	inject := func(spec string) {
		t.Helper()
		f, err := emu.ParseFault(spec, true)
		if err != nil {
			t.Fatal(err)
		}
		srv.Inject(f)
	}
	setupCloud(t, srv, w, "web_wrong", "ATATT3xWrongToken", "--skip-test")
	inject("not-found-404")
	inject("test-error-envelope,first=1")
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	code, out, errOut := w.run("", "push", "web_wrong", "--json")
	var res struct {
		Test struct {
			Status       string `json:"status"`
			ErrorSummary string `json:"error_summary"`
		} `json:"test"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != cli.ExitFailure || res.Test.Status != "FAILURE" ||
		!strings.Contains(res.Test.ErrorSummary, "Please check") {
		t.Fatalf("hint chain: exit %d %v\n%s%s", code, err, out, errOut)
	}
	srv.ClearFaults()
	inject("rate-limit,first=2")
	w.env["HARNESS_PLATFORM_API_KEY"] = srv.Harness.APIKey
	code, out, errOut = w.run("", "harness", "scan", "--org", "platform", "--json")
	if code != cli.ExitOK || !strings.Contains(out, "bb_platform_http") {
		t.Fatalf("scan through 429s: exit %d\n%s%s", code, out, errOut)
	}
}
