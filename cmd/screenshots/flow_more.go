package main

import (
	"context"
	"encoding/pem"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
)

// legacyFile is a Harness connector that still uses an App Password, as a
// user exports it from Harness; the import scenario brings it in.
const legacyFile = "legacy-pipelines.yaml"

const legacyConnector = `connector:
  name: legacy-pipelines
  identifier: legacy_pipelines
  type: Bitbucket
  spec:
    url: https://bitbucket.org/acme
    validationRepo: harness-demo.git
    authentication:
      type: Http
      spec:
        type: UsernamePassword
        spec:
          username: demo-user
          passwordRef: account.legacy_app_password
    apiAccess:
      type: UsernameToken
      spec:
        username: demo-user
        tokenRef: account.legacy_app_password
    connectionType: Account
    executeOnDelegate: false
`

// shown waits until the pane shows text (a command's last words).
func shown(text string) step {
	return func(ctx context.Context, r *recorder) error { return r.t.waitFor(ctx, text, 30*time.Second) }
}

// imported brings in the App Password connector for the picker.
func imported(*emu.Server) []step {
	return []step{shown("migrate it with bbconnect rotate")}
}

// pickerAndDataCenter photographs the picker of saved connectors (one
// flagged for its App Password), then a Data Center HTTP repository
// connector from the URL with an extra segment to a passing test through
// a delegate.
func pickerAndDataCenter(s *emu.Server) []step {
	d := s.Demo
	return []step{
		shown("its test passed"), // Harness's status of the pushed connector
		snap("picker", "r moves it to one"),
		press("n"),
		at("Name"),
		typed("Bitbucket DC"),
		press("Enter", "Enter", "Enter", "Enter"),
		at("Bitbucket edition", "Down", "Enter"),
		at("URL type", "Down", "Enter"),
		at("Connection type", "Enter"),
		at("Repository URL"),
		typed("https://" + dcHost + "/scm/team/" + d.DCProject + "/" + d.DCRepo + ".git"),
		snap("datacenter-extra-segment", "extra segment"),
		press("C-f"),
		shown("saved as: https://" + dcHost + "/scm/"),
		press("Enter"),
		at("Password kind", "Enter"),
		at("Username"),
		typed(d.DCUser),
		press("Enter"),
		at("HTTP access token"),
		pasted(d.DCToken),
		snap("datacenter-credentials", "HTTP access token"),
		press("Enter"),
		at("Enable API access?", "Enter"),
		at("Connectivity mode", "Down", "Enter"),
		at("Delegate selectors"),
		typed("k8s, eu-west"),
		snap("delegate-connectivity", "k8s, eu-west"),
		press("Enter"),
		at("CA bundle (optional)", "Enter"),
		at("Harness scope", "Enter"),
		shown("bbconnect › Review"),
		press("Enter"),
		snap("datacenter-connection-test", "press enter to save"),
		press("Enter"),
		shown("Next, in Harness"),
		leave("q"),
	}
}

// cloudSSH makes a new key with ssh-keygen (the stand-in), shows the
// public key and where to add it, then the conversion an OpenSSH-format
// key needs.
func cloudSSH(s *emu.Server) []step {
	d := s.Demo
	return []step{
		shown("Saved connectors"),
		press("n"),
		at("Name"),
		typed("Bitbucket SSH"),
		press("Enter", "Enter", "Enter", "Enter"),
		at("Bitbucket edition", "Enter"),
		at("URL type", "Enter"),
		at("Connection type", "Down", "Enter"),
		at("Account URL"),
		typed("git@" + cloudHost + ":" + d.Workspace + "/"),
		press("Enter"),
		at("Test repository"),
		typed(d.Repo),
		press("Enter"),
		at("SSH key", "Down", "Enter"),
		at("Where to save the new key"),
		snap("ssh-keygen", "ssh-keygen will run"),
		press("Enter"),
		at("Run ssh-keygen now?", "Enter"),
		shown("Enter passphrase"),
		press("Enter"),
		shown("Enter same passphrase again"),
		press("Enter"),
		at("Private key file", "Enter"),
		snap("ssh-public-key", "Add the public key to Bitbucket"),
		press("BTab", "BTab"),
		at("SSH key", "Enter"),
		at("Private key file"),
		press("C-u"),
		typed("~/.ssh/" + openSSHKeyFile),
		press("Enter"),
		snap("ssh-openssh-key", "ssh-keygen -p -m PEM"),
		leave("C-c"),
	}
}

// failingTests edits the saved Cloud connector with a wrong token, then a
// token that lacks scopes, and photographs each test's diagnosis; nothing
// is saved.
func failingTests(s *emu.Server) []step {
	d := s.Demo
	return []step{
		shown("Saved connectors"),
		press("Enter"), // edit the first connector
		shown("bbconnect › Review"),
		press("3"),
		at("Password kind", "Enter"),
		at("Scopes to give the API token", "Enter"),
		at("Username", "Enter"),
		at("API token"),
		pasted(d.APITokenExpired),
		press("Enter"),
		at("API token expires", "Enter"),
		shown("bbconnect › Review"),
		press("Enter"),
		snap("test-wrong-token", "b back to fix"),
		press("b"),
		at("Username", "Enter"),
		at("API token"),
		press("C-u"),
		pasted(d.APITokenMissingScopes),
		press("Enter"),
		at("API token expires", "Enter"),
		snap("test-missing-scope", "b back to fix"),
		leave("C-c"),
	}
}

// unknownHostKey tests a Data Center SSH connector against a server whose
// host key is not in known_hosts.
func unknownHostKey(s *emu.Server) []step {
	d := s.Demo
	return []step{
		shown("Saved connectors"),
		press("n"),
		at("Name"),
		typed("Bitbucket DC SSH"),
		press("Enter", "Enter", "Enter", "Enter"),
		at("Bitbucket edition", "Down", "Enter"),
		at("URL type", "Down", "Enter"),
		at("Connection type", "Down", "Enter"),
		at("Repository URL"),
		typed("ssh://git@" + dcHost + ":" + dcSSHPort + "/" + d.DCProject + "/" + d.DCRepo + ".git"),
		press("Enter"),
		at("SSH key", "Enter"),
		at("Private key file"),
		typed("~/.ssh/bitbucket_rsa"),
		press("Enter"),
		shown("Add the public key to Bitbucket"),
		press("Enter"),
		at("Enable API access?", "Enter"),
		at("Connectivity mode", "Enter"),
		at("CA bundle (optional)", "Enter"),
		at("Harness scope", "Enter"),
		shown("bbconnect › Review"),
		press("Enter"),
		snap("test-unknown-host-key", "press a to trust it"),
		leave("C-c"),
	}
}

// rotation replaces the saved Cloud connector's API token from the picker.
func rotation(s *emu.Server) []step {
	d := s.Demo
	return []step{
		shown("Saved connectors"),
		press("r"),
		at("Password kind", "Enter"),
		at("Scopes to give the API token", "Enter"),
		at("Username", "Enter"),
		at("API token"),
		pasted(d.APIToken),
		snap("rotation", "Rotate Bitbucket_Cloud"),
		press("Enter"),
		at("API token expires", "Enter"),
		shown("Review"),
		press("Enter"),
		shown("press enter to"),
		press("Enter"),
		snap("rotation-saved", "Next, in Harness"),
		leave("q"),
	}
}

// openSSHKeyFile is an RSA key in OpenSSH format (what ssh-keygen makes
// today), which Harness refuses: the wizard shows the conversion.
const openSSHKeyFile = "id_rsa"

// homeFiles puts what the scenarios use into the home folder: the App
// Password connector to import and the OpenSSH-format key (the demo key
// re-encoded; its bytes never show, only its path).
func homeFiles(home string) error {
	if err := os.WriteFile(filepath.Join(home, legacyFile), []byte(legacyConnector), 0o600); err != nil {
		return err
	}
	b, err := fs.ReadFile(keys, "testdata/keys/demo_rsa")
	if err != nil {
		return err
	}
	key, err := ssh.ParseRawPrivateKey(b)
	if err != nil {
		return err
	}
	block, err := ssh.MarshalPrivateKey(key, "")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(home, ".ssh", openSSHKeyFile), pem.EncodeToMemory(block), 0o600)
}

// homeArgs puts the home folder in place of a leading "~/".
func homeArgs(args []string, home string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if rest, ok := strings.CutPrefix(a, "~/"); ok {
			a = filepath.Join(home, rest)
		}
		out[i] = a
	}
	return out
}
