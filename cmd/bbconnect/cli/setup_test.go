package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// cloudArgs is a valid Bitbucket Cloud HTTP connector.
var cloudArgs = []string{
	"setup", "--non-interactive",
	"--name", "Bitbucket Cloud", "--url", "https://bitbucket.org/acme", "--test-repo", "harness-demo.git",
	"--username", "demo-user", "--password-kind", "api-token",
}

// dcSSHArgs is a valid Data Center SSH connector.
var dcSSHArgs = []string{
	"setup", "--non-interactive",
	"--name", "dc ssh", "--edition", "datacenter", "--connection", "ssh",
	"--url", "ssh://git@bitbucket.acme.com:7999/", "--test-repo", "PRJ/app.git", "--ssh-key", "", // the emulator's key (TestMain)
}

func with(base []string, extra ...string) []string {
	return append(append([]string{}, base...), extra...)
}

type cliCase struct {
	name       string
	args       []string
	stdin      string
	env        env
	tty        bool
	wantExit   ExitCode
	wantStdout []string // substrings
	wantStderr []string // substrings
	notOutput  []string // must appear in neither stream
}

func runCases(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			for k, v := range tc.env {
				h.env[k] = v
			}
			h.f.IO.SetStdinTTY(tc.tty)
			h.f.IO.SetStdoutTTY(tc.tty)
			r := h.run(tc.stdin, tc.args...)
			if r.code != tc.wantExit {
				t.Errorf("exit = %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.wantExit, r.stdout, r.stderr)
			}
			for _, w := range tc.wantStdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, w := range tc.notOutput {
				if strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output contains %q:\nstdout:\n%s\nstderr:\n%s", w, r.stdout, r.stderr)
				}
			}
		})
	}
}

func TestSetupFlagsValid(t *testing.T) {
	runCases(t, []cliCase{
		{
			name: "cloud dry run", args: with(cloudArgs, "--dry-run"), wantExit: ExitOK,
			wantStdout: []string{"connector:", "identifier: Bitbucket_Cloud", "type: Bitbucket", "url: https://bitbucket.org/acme"},
			wantStderr: []string{"! api access is off"},
		},
		{
			name: "terraform format", args: with(cloudArgs, "--dry-run", "--format", "terraform"), wantExit: ExitOK,
			wantStdout: []string{`resource "harness_platform_connector_bitbucket" "Bitbucket_Cloud"`},
			wantStderr: []string{"! the terraform provider's bitbucket connector has no execute_on_delegate"},
		},
		{
			name: "format alias tf", args: with(cloudArgs, "--dry-run", "--format", "tf"), wantExit: ExitOK,
			wantStdout: []string{`resource "harness_platform_connector_bitbucket"`},
		},
		{
			name: "explicit id", args: with(cloudArgs, "--dry-run", "--id", "cloud_1"), wantExit: ExitOK,
			wantStdout: []string{"identifier: cloud_1"},
		},
		{
			name: "data center ssh", args: with(dcSSHArgs, "--dry-run"), wantExit: ExitOK,
			wantStdout: []string{"url: ssh://git@bitbucket.acme.com:7999/"},
		},
		{name: "datacenter alias", args: with(dcSSHArgs, "--dry-run", "--edition", "dc"), wantExit: ExitOK},
		{name: "tags and delegates", args: with(cloudArgs, "--dry-run", "--tag", "team:platform", "--tag", "prod,env:a:b",
			"--connectivity", "delegate", "--delegate-selector", "build", "--delegate-selector", "eu,us"), wantExit: ExitOK},
		{
			name: "email api token same as password", args: with(cloudArgs, "--dry-run", "--api-access", "email-api-token",
				"--api-email", "jdoe@acme.com", "--api-token-same-as-password"), wantExit: ExitOK,
			wantStderr: []string{"26.02.88600"},
		},
		{name: "access token forces username", args: []string{
			"setup", "--non-interactive", "--dry-run", "--name", "c",
			"--url", "https://bitbucket.org/acme", "--test-repo", "app.git", "--password-kind", "access-token",
		}, wantExit: ExitOK},
		{name: "org scope", args: with(cloudArgs, "--dry-run", "--scope", "org", "--org", "default"), wantExit: ExitOK},
		{name: "project scope", args: with(cloudArgs, "--dry-run", "--scope", "project", "--org", "default", "--project", "app"), wantExit: ExitOK},
		{name: "token expiry within a year", args: with(cloudArgs, "--dry-run", "--token-expires", "2027-11-22"), wantExit: ExitOK},
		{name: "version", args: []string{"--version"}, wantExit: ExitOK, wantStdout: []string{"bbconnect 1.2.3"}},
	})
}

func TestSetupFlagProblems(t *testing.T) {
	runCases(t, []cliCase{
		{
			name: "edition", args: with(cloudArgs, "--dry-run", "--edition", "gitlab"), wantExit: ExitUsage,
			wantStderr: []string{`--edition: "gitlab" is not one of cloud, datacenter`},
		},
		{
			name: "url type", args: with(cloudArgs, "--dry-run", "--url-type", "org"), wantExit: ExitUsage,
			wantStderr: []string{"--url-type: "},
		},
		{
			name: "connection", args: with(cloudArgs, "--dry-run", "--connection", "ftp"), wantExit: ExitUsage,
			wantStderr: []string{"--connection: "},
		},
		{
			name: "password kind", args: with(cloudArgs, "--dry-run", "--password-kind", "pat"), wantExit: ExitUsage,
			wantStderr: []string{"--password-kind: "},
		},
		{
			name: "api access", args: with(cloudArgs, "--dry-run", "--api-access", "oauth"), wantExit: ExitUsage,
			wantStderr: []string{"--api-access: "},
		},
		{
			name: "connectivity", args: with(cloudArgs, "--dry-run", "--connectivity", "vpn"), wantExit: ExitUsage,
			wantStderr: []string{"--connectivity: "},
		},
		{
			name: "scope", args: with(cloudArgs, "--dry-run", "--scope", "team"), wantExit: ExitUsage,
			wantStderr: []string{"--scope: "},
		},
		{
			name: "format", args: with(cloudArgs, "--dry-run", "--format", "xml"), wantExit: ExitUsage,
			wantStderr: []string{`--format: "xml" is not an export format: choose harness or terraform`},
		},
		{name: "missing name", args: []string{
			"setup", "--non-interactive", "--dry-run", "--url", "https://bitbucket.org/acme",
			"--test-repo", "a.git", "--username", "jdoe",
		}, wantExit: ExitUsage, wantStderr: []string{"--name: name is empty"}},
		{
			name: "bad name", args: with(cloudArgs, "--dry-run", "--name", "a*b"), wantExit: ExitUsage,
			wantStderr: []string{"--name: name cannot contain"},
		},
		{
			name: "bad id", args: with(cloudArgs, "--dry-run", "--id", "my-conn"), wantExit: ExitUsage,
			wantStderr: []string{"--id: id may use only letters"},
		},
		{
			name: "reserved id", args: with(cloudArgs, "--dry-run", "--id", "account"), wantExit: ExitUsage,
			wantStderr: []string{"--id: "},
		},
		{
			name: "tag without key", args: with(cloudArgs, "--dry-run", "--tag", ":v"), wantExit: ExitUsage,
			wantStderr: []string{"--tag: "},
		},
		{
			name: "email as cloud username", args: with(cloudArgs, "--dry-run", "--username", "jdoe@acme.com"), wantExit: ExitUsage,
			wantStderr: []string{"--username: ", "email"},
		},
		{
			name: "missing username", args: with(cloudArgs, "--dry-run", "--username", ""), wantExit: ExitUsage,
			wantStderr: []string{"--username: username is empty"},
		},
		{
			name: "dc with api token", args: []string{
				"setup", "--non-interactive", "--dry-run", "--name", "dc", "--edition", "datacenter",
				"--url", "https://git.acme.com/scm/PRJ/app.git", "--url-type", "repository", "--username", "jdoe", "--password-kind", "api-token",
			},
			wantExit: ExitUsage, wantStderr: []string{"--password-kind: data center takes http access tokens only"},
		},
		{
			name: "app password removed", args: with(cloudArgs, "--dry-run", "--password-kind", "app-password"), wantExit: ExitUsage,
			wantStderr: []string{"--password-kind: app passwords were removed on 2026-07-28"},
		},
		{
			name: "ssh without key", args: with(dcSSHArgs, "--dry-run", "--ssh-key", ""), wantExit: ExitUsage,
			wantStderr: []string{"--ssh-key: ssh needs a pem rsa private key"},
		},
		{
			name: "ssh key with http", args: with(cloudArgs, "--dry-run", "--ssh-key", "/k"), wantExit: ExitUsage,
			wantStderr: []string{"--ssh-key: an ssh key is only used with --connection ssh"},
		},
		{
			name: "api email missing", args: with(cloudArgs, "--dry-run", "--api-access", "email-api-token"), wantExit: ExitUsage,
			wantStderr: []string{"--api-email: email is empty"},
		},
		{
			name: "same token without api", args: with(cloudArgs, "--dry-run", "--api-token-same-as-password"), wantExit: ExitUsage,
			wantStderr: []string{"--api-token-same-as-password: api access is off"},
		},
		{
			name: "api username app password", args: with(cloudArgs, "--dry-run", "--api-access", "username-app-password"), wantExit: ExitUsage,
			wantStderr: []string{"--api-access: app passwords were removed", "--api-username: "},
		},
		{
			name: "delegate selector on platform", args: with(cloudArgs, "--dry-run", "--delegate-selector", "x"), wantExit: ExitUsage,
			wantStderr: []string{"--delegate-selector: delegate selectors need --connectivity delegate"},
		},
		{
			name: "empty delegate selector", args: with(cloudArgs, "--dry-run", "--connectivity", "delegate", "--delegate-selector", "a,,b"),
			wantExit: ExitUsage, wantStderr: []string{"--delegate-selector: a delegate selector is empty"},
		},
		{
			name: "org scope without org", args: with(cloudArgs, "--dry-run", "--scope", "org"), wantExit: ExitUsage,
			wantStderr: []string{"--org: org scope needs the org identifier; give --org"},
		},
		{
			name: "project scope without project", args: with(cloudArgs, "--dry-run", "--scope", "project", "--org", "o"), wantExit: ExitUsage,
			wantStderr: []string{"--project: "},
		},
		{
			name: "account scope with org", args: with(cloudArgs, "--dry-run", "--org", "o"), wantExit: ExitUsage,
			wantStderr: []string{"--scope: account scope takes no org or project"},
		},
		{
			name: "token expiry too far", args: with(cloudArgs, "--dry-run", "--token-expires", "2028-01-01"), wantExit: ExitUsage,
			wantStderr: []string{"--token-expires: api tokens expire within a year; give a date on or before 2027-11-22"},
		},
		{
			name: "token expiry passed", args: with(cloudArgs, "--dry-run", "--token-expires", "2026-01-01"), wantExit: ExitUsage,
			wantStderr: []string{"--token-expires: 2026-01-01 has passed"},
		},
		{
			name: "token expiry not a date", args: with(cloudArgs, "--dry-run", "--token-expires", "soon"), wantExit: ExitUsage,
			wantStderr: []string{`--token-expires: the value given is not a date (not shown`}, notOutput: []string{"soon"},
		},
		{
			name: "token expiry on ssh", args: with(dcSSHArgs, "--dry-run", "--token-expires", "2027-01-01"), wantExit: ExitUsage,
			wantStderr: []string{"--token-expires: this connector stores no token"},
		},
		{
			name: "every problem on its own line", args: []string{"setup", "--non-interactive", "--dry-run", "--edition", "x", "--scope", "y", "--format", "z"},
			wantExit: ExitUsage, wantStderr: []string{"--edition: ", "\n--scope: ", "\n--format: ", "\n--name: "},
		},
		{
			name: "bad clock", args: with(cloudArgs, "--dry-run"), env: env{EnvNow: "tomorrow"}, wantExit: ExitUsage,
			wantStderr: []string{"BBCONNECT_NOW: \"tomorrow\" is not a time"},
		},
		{name: "unknown flag", args: with(cloudArgs, "--nope"), wantExit: ExitUsage, wantStderr: []string{"unknown flag: --nope"}},
		{
			name: "positional argument not echoed", args: with(cloudArgs, "ATATT3xSECRETVALUE"), wantExit: ExitUsage,
			wantStderr: []string{"takes no arguments"}, notOutput: []string{"ATATT3xSECRETVALUE"},
		},
		{name: "unknown command", args: []string{"frobnicate"}, wantExit: ExitUsage, wantStderr: []string{`unknown command "frobnicate"`}},
		{
			name: "token as command not echoed", args: []string{"ATATT3xSECRET0123"}, wantExit: ExitUsage,
			wantStderr: []string{"unknown command"}, notOutput: []string{"ATATT3xSECRET0123"},
		},
	})
}

func TestSecretFlagsRefused(t *testing.T) {
	const secret = "ATATT3xTOPSECRET"
	var cases []cliCase
	for _, flag := range []string{"password", "token", "api-token", "app-password", "secret", "ssh-passphrase", "passphrase"} {
		cases = append(cases,
			cliCase{
				name: flag, args: with(cloudArgs, "--dry-run", "--"+flag, secret), wantExit: ExitUsage,
				wantStderr: []string{"--" + flag + ": secrets are never taken as flag values"}, notOutput: []string{secret},
			},
			cliCase{
				name: flag + " equals", args: with(cloudArgs, "--"+flag+"="+secret), wantExit: ExitUsage,
				wantStderr: []string{"--" + flag + ": ", "stdin"}, notOutput: []string{secret},
			},
		)
	}
	cases = append(cases,
		cliCase{
			name: "root command too", args: []string{"--password", secret}, wantExit: ExitUsage,
			wantStderr: []string{"--password-stdin or set BBCONNECT_PASSWORD"}, notOutput: []string{secret},
		},
		cliCase{
			name: "refused before the wizard", args: []string{"setup", "--token", secret}, tty: true, wantExit: ExitUsage,
			notOutput: []string{secret},
		},
	)
	runCases(t, cases)

	h := newHarness(t)
	r := h.run("", "setup", "--help")
	if strings.Contains(r.stdout, "--password ") || strings.Contains(r.stdout, "--token ") {
		t.Errorf("help lists a secret-valued flag:\n%s", r.stdout)
	}
}

func TestSetupNeedsTerminal(t *testing.T) {
	runCases(t, []cliCase{
		{
			name: "root without terminal", args: nil, wantExit: ExitUsage,
			wantStderr: []string{"the wizard needs a terminal", "bbconnect setup --non-interactive"},
		},
		{name: "setup without terminal", args: []string{"setup"}, wantExit: ExitUsage, wantStderr: []string{"--non-interactive"}},
		{
			name: "flags without non-interactive", args: []string{"setup", "--name", "x"}, tty: true, wantExit: ExitUsage,
			wantStderr: []string{"--non-interactive: settings given as flags need --non-interactive"},
		},
		{
			name: "dry run needs non-interactive", args: []string{"setup", "--dry-run"}, tty: true, wantExit: ExitUsage,
			wantStderr: []string{"--dry-run: only with --non-interactive"},
		},
		{
			name: "stdin flag needs non-interactive", args: []string{"setup", "--password-stdin"}, tty: true, wantExit: ExitUsage,
			wantStderr: []string{"--password-stdin: only with --non-interactive"},
		},
	})
}

func TestDryRunStoresNothing(t *testing.T) {
	h := newHarness(t)
	testEmu.ResetRequests()
	r := h.run("", with(cloudArgs, "--dry-run")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if h.kc.probed != 0 || len(h.kc.items) != 0 || len(h.saved()) != 0 || len(testEmu.Requests()) != 0 {
		t.Errorf("dry run touched a service: probed=%d items=%d profiles=%d requests=%d", h.kc.probed, len(h.kc.items), len(h.saved()), len(testEmu.Requests()))
	}
	if entries, _ := os.ReadDir(h.configDir); len(entries) != 0 {
		t.Errorf("dry run wrote into the config dir: %v", entries)
	}
	r = h.run("", with(cloudArgs, "--dry-run", "--password-stdin")...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--password-stdin: --dry-run stores and tests nothing") {
		t.Errorf("dry run with --password-stdin: exit %d, %s", r.code, r.stderr)
	}
}

func TestHelpHasExamples(t *testing.T) {
	h := newHarness(t)
	root := NewCmdRoot(h.f)
	cmds := append(root.Commands(), root)
	for _, c := range cmds {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		}
	}
	for _, sub := range []string{"setup", "test", "rotate", "list", "export", "delete"} {
		r := h.run("", sub, "--help")
		if r.code != ExitOK || !strings.Contains(r.stdout, "Examples:") {
			t.Errorf("%s --help: exit %d, no Examples:\n%s", sub, r.code, r.stdout)
		}
	}
	r := h.run("", "completion", "bash")
	if r.code != ExitOK || !strings.Contains(r.stdout, "bbconnect") {
		t.Errorf("completion bash: exit %d\n%s", r.code, r.stderr)
	}
	r = h.run("", "__complete", "setup", "--edition", "")
	if !strings.Contains(r.stdout, "cloud\ndatacenter") {
		t.Errorf("edition completion:\n%s", r.stdout)
	}
}

func TestConfigDirFlag(t *testing.T) {
	h := newHarness(t)
	dir := filepath.Join(t.TempDir(), "cfg")
	other := profile.Store{Dir: filepath.Join(dir, "bbconnect")}
	if _, err := other.Create(Profile{Connector: cloudConnector("elsewhere").WithDefaults()}); err != nil {
		t.Fatal(err)
	}
	if r := h.run("", "list", "--config-dir", dir); !strings.Contains(r.stdout, "elsewhere") {
		t.Errorf("list --config-dir %s:\n%s%s", dir, r.stdout, r.stderr)
	}
	h.f.ConfigDirFlag = ""
	if r := h.run("", "list"); strings.Contains(r.stdout, "elsewhere") {
		t.Errorf("list with the config dir from the environment:\n%s", r.stdout)
	}
}

// TestFormatProblems: the CLI names the flag, then Problem.Text.
func TestFormatProblems(t *testing.T) {
	got := formatProblems(wizard.Problems{{Field: wizard.FieldURL, Msg: "the url is wrong", Fix: "https://bitbucket.org/ws"}, {Field: wizard.FieldName, Msg: "give a name"}})
	if want := "--url: the url is wrong (fix: https://bitbucket.org/ws)\n--name: give a name"; got != want {
		t.Fatalf("formatProblems = %q, want %q", got, want)
	}
}
