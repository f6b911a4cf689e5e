package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// seed saves a connector with its secrets, as setup would have.
func (h *harness) seed(c wizard.Connector, created, expires time.Time, secrets map[wizard.SecretSlot]string) {
	h.t.Helper()
	c = c.WithDefaults()
	tokens := map[wizard.SecretSlot]TokenMeta{}
	for slot, v := range secrets {
		tokens[slot] = TokenMeta{Kind: string(c.PasswordKind), Created: created, Expires: expires}
		h.kc.items[c.ID+"/"+string(slot)] = v
	}
	if _, err := h.store.Create(Profile{Connector: c, Tokens: tokens, Created: created}); err != nil {
		h.t.Fatal(err)
	}
}

func cloudConnector(id string) wizard.Connector {
	c := wizard.NewConnector()
	c.Name, c.ID, c.URL, c.TestRepo, c.Username = id, id, "https://bitbucket.org/acme", "harness-demo.git", "demo-user"
	return c
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestList(t *testing.T) {
	h := newHarness(t)
	r := h.run("", "list")
	if r.code != ExitOK || !strings.Contains(r.stderr, "no saved connectors") {
		t.Errorf("empty list: exit %d %q", r.code, r.stderr)
	}
	if r = h.run("", "list", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("empty json list = %q", r.stdout)
	}

	h.seed(cloudConnector("soon"), day("2025-12-01"), day("2026-12-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA})
	ap := cloudConnector("legacy")
	ap.PasswordKind = wizard.AppPassword
	h.seed(ap, day("2025-01-01"), time.Time{}, map[wizard.SecretSlot]string{wizard.SlotPassword: tokenB})

	r = h.run("", "list")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, w := range []string{
		"ID", "TOKEN EXPIRES", "legacy", "soon", "! in 9 days (2026-12-01)", "! yes: migrate",
		"! legacy: App Passwords were removed on 2026-07-28", "! soon: the ", "bbconnect rotate soon", "never",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("list lacks %q:\n%s", w, r.stdout)
		}
	}
	if strings.Index(r.stdout, "legacy") > strings.Index(r.stdout, "soon") {
		t.Errorf("rows not sorted by id:\n%s", r.stdout)
	}

	r = h.run("", "list", "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("list --json: %v\n%s", err, r.stdout)
	}
	if rows[0]["id"] != "legacy" || rows[0]["app_password"] != true || rows[1]["days_to_expiry"] != float64(9) {
		t.Errorf("json rows = %v", rows)
	}

	// A corrupt profile is reported, left alone, and fails the command.
	bad := filepath.Join(h.store.Dir, "broken.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = h.run("", "list")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "broken.json") || !strings.Contains(r.stdout, "soon") {
		t.Errorf("corrupt profile: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if data, _ := os.ReadFile(bad); string(data) != "{not json" {
		t.Error("the corrupt profile was changed")
	}
}

func TestExport(t *testing.T) {
	h := newHarness(t)
	h.seed(cloudConnector("cloud"), day("2026-11-01"), day("2027-11-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA})
	out := filepath.Join(t.TempDir(), "c.tf")
	runCases := []struct {
		args     []string
		wantExit ExitCode
		want     string
		inStderr bool
	}{
		{[]string{"export", "cloud"}, ExitOK, "connector:\n  name: cloud\n  identifier: cloud", false},
		{[]string{"export", "cloud", "--format", "terraform"}, ExitOK, `resource "harness_platform_connector_bitbucket" "cloud"`, false},
		{[]string{"export", "cloud", "--format", "json"}, ExitUsage, `--format: "json" is not an export format: choose harness or terraform`, true},
		{[]string{"export", "nope"}, ExitFailure, `no saved connector "nope"`, true},
		{[]string{"export"}, ExitUsage, "needs the id of a saved connector", true},
		{[]string{"export", "a", "b"}, ExitUsage, "takes one connector id (2 given)", true},
		{[]string{"export", "cloud", "--format", "terraform", "--output", out}, ExitOK, "✓ wrote " + out, true},
	}
	for _, tc := range runCases {
		r := h.run("", tc.args...)
		got := r.stdout
		if tc.inStderr {
			got = r.stderr
		}
		if r.code != tc.wantExit || !strings.Contains(got, tc.want) {
			t.Errorf("%v: exit %d (want %d), output lacks %q:\nstdout:\n%s\nstderr:\n%s", tc.args, r.code, tc.wantExit, tc.want, r.stdout, r.stderr)
		}
	}
	if data, err := os.ReadFile(out); err != nil || !strings.Contains(string(data), "required_providers") {
		t.Errorf("export file: %v %q", err, data)
	}
}

func TestDelete(t *testing.T) {
	h := newHarness(t)
	h.seed(cloudConnector("cloud"), day("2026-11-01"), day("2027-11-01"),
		map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA, wizard.SlotAPIToken: tokenB})
	exportPath := filepath.Join(h.store.Dir, "cloud.harness.yaml")
	if err := os.WriteFile(exportPath, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	r := h.run("", "delete", "cloud")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "add --yes") || len(h.saved()) != 1 {
		t.Errorf("delete without --yes off a terminal: exit %d %s", r.code, r.stderr)
	}
	h.f.IO.SetStdinTTY(true)
	h.f.IO.SetStdoutTTY(true)
	r = h.run("n\n", "delete", "cloud")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "nothing was deleted") || len(h.saved()) != 1 {
		t.Errorf("answered no: exit %d %s", r.code, r.stderr)
	}
	h.kc.probeErr = unavailable{"locked"}
	r = h.run("y\n", "delete", "cloud")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "no usable keychain") || len(h.saved()) != 1 || len(h.kc.items) != 2 {
		t.Errorf("no keychain: exit %d %s", r.code, r.stderr)
	}
	h.kc.probeErr = nil
	r = h.run("yes\n", "delete", "cloud")
	if r.code != ExitOK {
		t.Fatalf("delete: exit %d %s", r.code, r.stderr)
	}
	for _, w := range []string{
		"removed keychain item cloud/api-token", "removed keychain item cloud/password",
		"removed profile " + h.store.Path("cloud"), "✓ deleted connector cloud", "kept the export " + exportPath,
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
	if len(h.saved()) != 0 || len(h.kc.items) != 0 {
		t.Errorf("left behind: profiles %v, items %v", h.saved(), h.kc.items)
	}
	r = h.run("", "delete", "cloud", "--yes")
	if r.code != ExitFailure || !strings.Contains(r.stderr, `no saved connector "cloud"`) {
		t.Errorf("delete again: exit %d %s", r.code, r.stderr)
	}
}

func TestTestCommand(t *testing.T) {
	h := newHarness(t)
	h.seed(cloudConnector("a"), day("2026-11-01"), day("2027-11-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA})
	h.seed(cloudConnector("b"), day("2026-11-01"), day("2027-11-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: tokenB})

	r := h.run("", "test")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "name the connectors to test, or --all") {
		t.Errorf("no ids: exit %d %s", r.code, r.stderr)
	}
	if r = h.run("", "test", "a", "--all"); r.code != ExitUsage {
		t.Errorf("ids and --all: exit %d", r.code)
	}
	// The flags win over the environment (which points nowhere here).
	h.env[conntest.EnvCloudURL], h.env[conntest.EnvCAFile] = "https://"+testEmu.RefusedAddr, ""
	r = h.run("", "test", "a", "--cloud-url", testEmu.CloudURL, "--ca-file", testEmu.CAFile)
	if r.code != ExitOK || !strings.Contains(r.stdout, "a: connection test passed\n  ✓ reach git host (12ms): ") ||
		!strings.Contains(r.stdout, "(2027-11-01)") {
		t.Errorf("test a: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if lt := h.saved()["a"].LastTest; lt == nil || !lt.OK || lt.Summary != "3 passed, 4 skipped" {
		t.Errorf("last test = %+v", lt)
	}
	h.env[conntest.EnvCloudURL], h.env[conntest.EnvCAFile] = testEmu.CloudURL, testEmu.CAFile

	r = h.run("", "test", "a", "--json")
	var one conntest.Report
	if err := json.Unmarshal([]byte(r.stdout), &one); err != nil || one.Connector != "a" || !one.OK || len(one.Checks) < 2 {
		t.Errorf("one id --json: %v\n%s", err, r.stdout)
	}
	if !strings.Contains(r.stdout, `"duration_ms": 12`) {
		t.Errorf("json lacks duration_ms:\n%s", r.stdout)
	}

	h.kc.items["a/password"], h.kc.items["b/password"] = wrongToken, wrongToken
	r = h.run("", "test", "--all", "--json")
	var many []conntest.Report
	if err := json.Unmarshal([]byte(r.stdout), &many); err != nil || len(many) != 2 || many[0].Connector != "a" || many[0].OK {
		t.Errorf("--all --json: %v\n%s", err, r.stdout)
	}
	if r.code != ExitFailure {
		t.Errorf("failing test: exit %d", r.code)
	}
	if lt := h.saved()["b"].LastTest; lt == nil || lt.OK {
		t.Errorf("failed test not recorded: %+v", lt)
	}

	delete(h.kc.items, "b/password")
	r = h.run("", "test", "b")
	if r.code != ExitFailure || !strings.Contains(r.stdout, "✗ keychain") || !strings.Contains(r.stdout, "bbconnect rotate b --slot password") {
		t.Errorf("missing secret: exit %d\n%s", r.code, r.stdout)
	}
	if r = h.run("", "test", "zzz"); r.code != ExitFailure || !strings.Contains(r.stderr, `no saved connector "zzz"`) {
		t.Errorf("unknown id: exit %d %s", r.code, r.stderr)
	}
	for _, s := range []string{tokenA, tokenB} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Error("secret printed")
		}
	}
}

// A connector whose id exports like a saved one's ("x$y" beside "x_y")
// is refused by setup before anything is stored, and export warns about
// two such connectors saved before that rule.
func TestSameExportNameDetected(t *testing.T) {
	h := newHarness(t)
	h.seed(cloudConnector("x_y"), day("2026-11-01"), day("2027-11-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA})
	r := h.run(tokenB+"\n", with(cloudArgs, "--id", "x$y", "--password-stdin", "--skip-test")...)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "x$y and the saved connector x_y export to the same harness secret ids (x_y_password") {
		t.Fatalf("setup x$y: exit %d\n%s", r.code, r.stderr)
	}
	if h.kc.probed != 0 || len(h.kc.items) != 1 {
		t.Fatalf("the keychain was used: probed %d, %d items", h.kc.probed, len(h.kc.items))
	}
	// Saved before the rule existed: both profiles are there.
	c := cloudConnector("x$y")
	c.Name = "x y"
	if _, err := h.store.Create(Profile{Connector: c}); err == nil {
		t.Fatal("the store saved x$y beside x_y")
	}
	p := Profile{Schema: profile.Schema, Connector: c, Created: day("2026-11-01")}
	data, err := profile.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.store.Path("x$y"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	r = h.run("", "export", "x$y", "--format", "terraform")
	if r.code != ExitOK || !strings.Contains(r.stderr, "! x$y and the saved connector x_y export to the same") || !strings.Contains(r.stderr, "terraform name (x_y)") {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.run("", "export", "x_y"); !strings.Contains(r.stderr, "x_y and the saved connector x$y") {
		t.Fatalf("export x_y: %s", r.stderr)
	}
}
