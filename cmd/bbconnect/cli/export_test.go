package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

// The Terraform export warns on stderr where the provider cannot say
// what the YAML says, and --resource-only prints the resource alone.
func TestExportTerraformWarningsAndResourceOnly(t *testing.T) {
	h := newHarness(t)
	c := cloudConnector("cloud") // through the Harness Platform
	c.Tags = []wizard.Tag{{Key: "url", Value: "https://x.example.com"}}
	h.seed(c, day("2026-11-01"), day("2027-11-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA})
	r := h.run("", "export", "cloud", "--format", "terraform")
	for _, want := range []string{"! the terraform provider's bitbucket connector has no execute_on_delegate", "--format harness", `! tag "url:https://x.example.com"`, `harness gets "url:https"`} {
		if r.code != ExitOK || !strings.Contains(r.stderr, want) {
			t.Fatalf("exit %d; stderr lacks %q:\n%s", r.code, want, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, `resource "harness_platform_secret_text" "cloud_password"`) || strings.Contains(r.stdout, tokenA) {
		t.Fatalf("stdout:\n%s", r.stdout)
	}
	if r := h.run("", "export", "cloud"); strings.Contains(r.stderr, "execute_on_delegate") {
		t.Fatalf("the yaml export warns about terraform:\n%s", r.stderr)
	}
	r = h.run("", "export", "cloud", "--format", "terraform", "--resource-only")
	if r.code != ExitOK || strings.Contains(r.stdout, "harness_platform_secret_text") || !strings.Contains(r.stdout, "#   terraform {") ||
		!strings.Contains(r.stdout, `password_ref = "account.cloud_password"`) {
		t.Fatalf("resource only: exit %d\n%s", r.code, r.stdout)
	}
}

// --print-env prints the secrets from the keychain as export lines for a
// shell, and only where a shell reads them: never to a file or a terminal.
func TestExportPrintEnv(t *testing.T) {
	h := newHarness(t)
	c := cloudConnector("cloud")
	c.APIAccess, c.APIEmail = wizard.APIEmailAPIToken, "jdoe@acme.com"
	h.seed(c, day("2026-11-01"), day("2027-11-01"), map[wizard.SecretSlot]string{wizard.SlotPassword: tokenA, wizard.SlotAPIToken: "it's"})
	r := h.run("", "export", "cloud", "--format", "terraform", "--print-env")
	want := "export TF_VAR_cloud_password='" + tokenA + "'\nexport TF_VAR_cloud_api_token='it'\\''s'\n"
	if r.code != ExitOK || r.stdout != want || strings.Contains(r.stderr, tokenA) {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %s", r.code, r.stdout, want, r.stderr)
	}

	ssh := cloudConnector("sshc")
	ssh.Connection, ssh.SSHKeyPath, ssh.Username, ssh.PasswordKind = wizard.SSH, "/keys/id_rsa", "", ""
	h.seed(ssh, day("2026-11-01"), day("2027-11-01"), map[wizard.SecretSlot]string{wizard.SlotSSHKey: "pass phrase"})
	r = h.run("", "export", "sshc", "--format", "terraform", "--print-env")
	if want := "export TF_VAR_sshc_ssh_key_file='/keys/id_rsa'\nexport TF_VAR_sshc_ssh_key_passphrase='pass phrase'\n"; r.stdout != want {
		t.Fatalf("ssh: %q, want %q\n%s", r.stdout, want, r.stderr)
	}
	if r := h.run("", "export", "sshc", "--format", "terraform"); !strings.Contains(r.stdout, "var.sshc_ssh_key_passphrase") {
		t.Fatalf("the export of a key with a stored passphrase has no passphrase secret:\n%s", r.stdout)
	}

	out := filepath.Join(t.TempDir(), "env.sh")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--print-env"}, "only the terraform export has variables"},
		{[]string{"--format", "terraform", "--print-env", "--resource-only"}, "drop --resource-only"},
		{[]string{"--format", "terraform", "--print-env", "--output", out}, "never to a file"},
		{[]string{"--resource-only"}, "add --format terraform"},
	} {
		r := h.run("", append([]string{"export", "cloud"}, tc.args...)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stdout+r.stderr, tokenA) {
			t.Errorf("%v: exit %d\n%s%s", tc.args, r.code, r.stdout, r.stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("--print-env --output wrote %s", out)
	}

	// A terminal, then stdout redirected to a regular file.
	h.f.IO.SetStdoutTTY(true)
	if r := h.run("", "export", "cloud", "--format", "terraform", "--print-env"); r.code != ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, "not for a screen") {
		t.Fatalf("terminal: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.f.IO.SetStdoutTTY(false)
	fl, err := os.Create(filepath.Join(t.TempDir(), "redirected"))
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	ios, _, _, errOut := BufferStreams()
	ios.Out = fl
	h.f.IO = ios
	if code := Run(context.Background(), h.f, []string{"export", "cloud", "--format", "terraform", "--print-env"}); code != ExitUsage || !strings.Contains(errOut.String(), "into a file") {
		t.Fatalf("redirected to a file: exit %d\n%s", code, errOut)
	}
	if data, _ := os.ReadFile(fl.Name()); len(data) != 0 {
		t.Fatalf("the file holds %q", data)
	}
}

// Setup with the Terraform export warns like export does and says how to
// apply it: the variables from the keychain, then terraform apply.
func TestSetupTerraformNextSteps(t *testing.T) {
	h := newHarness(t)
	r := h.run(tokenA+"\n", with(cloudArgs, "--password-stdin", "--skip-test", "--format", "terraform")...)
	if r.code != ExitOK || !strings.Contains(r.stderr, "no execute_on_delegate") ||
		!strings.Contains(r.stdout, `eval "$(bbconnect export Bitbucket_Cloud --format terraform --print-env)"`) ||
		strings.Contains(r.stdout, "create the secrets the export refers to") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(h.configDir, "bbconnect", "Bitbucket_Cloud.tf"))
	if err != nil || !strings.Contains(string(data), "var.Bitbucket_Cloud_password") || strings.Contains(string(data), tokenA) {
		t.Fatalf("export file: %v\n%s", err, data)
	}
}
