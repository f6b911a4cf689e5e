package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
)

// cloudHTTP is a complete Cloud HTTP account connector.
func cloudHTTP() wizard.Connector {
	c := wizard.NewConnector()
	c.Name, c.ID = "Cloud One", "cloud_one"
	c.URL, c.TestRepo, c.Username = "https://bitbucket.org/acme", "widgets.git", "jdoe"
	return c
}

// dcSSH is a complete Data Center SSH repository connector.
func dcSSH(key string) wizard.Connector {
	c := wizard.NewConnector()
	c.Name, c.ID = "DC Two", "dc_two"
	c.Edition, c.URLType, c.Connection = wizard.DataCenter, wizard.Repository, wizard.SSH
	c.URL, c.SSHKeyPath = "ssh://git@bitbucket.example.com:7999/PROJ/repo.git", key
	c.PasswordKind = ""
	return c
}

// atStep opens the wizard on c's Review and jumps to the step numbered n.
func atStep(t *testing.T, f *fakes, c wizard.Connector, n int) *driver {
	t.Helper()
	d := newDriver(t, Options{Deps: f.deps(t.TempDir()), Initial: &c})
	d.mustTitle("Review")
	d.typ(fmt.Sprint(n))
	d.mustTitle(wizard.SettingSteps[n-1].Title())
	return d
}

func TestCredentialsAppPasswordDisabled(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 3)
	d.mustSee("API token (recommended)", "Access token", "App Password (removed)")
	d.key(tea.KeyDown, 2)
	d.mustSeeText("App Passwords were removed on 2026-07-28 and no longer work: use an API token")
	d.enter()
	d.mustSeeText("✗ app passwords were removed on 2026-07-28; create an api token")
	d.mustTitle("Credentials")
	if d.m.c.st.c.PasswordKind != wizard.AppPassword {
		t.Fatalf("cursor not on app password")
	}
	// The form stays on the kind until a working one is chosen.
	d.key(tea.KeyUp, 2)
	d.enter()
	d.mustSee("Scopes to give the API token", "read:repository:bitbucket", "read:workspace:bitbucket")
}

func TestCredentialsScopesTicked(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 3)
	d.enter()
	d.typ("x")
	d.key(tea.KeyDown)
	d.typ("x")
	d.enter()
	if got := d.m.c.st.scopesTicked; len(got) != 2 || got[0] != "read:issue:bitbucket" {
		t.Fatalf("ticked = %v", got)
	}
	d.mustSee("Username", "API token")
}

func TestCredentialsAccessTokenLocksUsername(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 3)
	d.key(tea.KeyDown)
	d.enter()
	d.mustSee("Username: x-token-auth", "Access tokens always use the username x-token-auth")
	d.mustNotSee("Scopes to give")
	d.typ("tok123456")
	d.enter()
	d.mustTitle("Review")
	if got := d.m.c.st.connector().Username; got != wizard.AccessTokenUsername {
		t.Fatalf("username = %q", got)
	}
}

func TestCredentialsEmailUsernameRefused(t *testing.T) {
	t.Parallel()
	c := cloudHTTP()
	c.Username = ""
	d := atStep(t, newFakes(), c, 3)
	d.enter(2)
	d.typ("jdoe@example.com")
	d.enter()
	d.mustSeeText(`"jdoe@example.com" is an email address; bitbucket needs your username`)
	d.mustSee("Username")
}

func TestCredentialsTokenRules(t *testing.T) {
	t.Parallel()
	d := atStep(t, newFakes(), cloudHTTP(), 3)
	d.enter(3)
	d.enter()
	d.mustSee("api token is empty")
	d.typ("abc def")
	d.enter()
	d.mustSee("spaces or line breaks")
	d.mustNotSee("abc def", "abc")
}

func TestCredentialsDataCenterHTTP(t *testing.T) {
	t.Parallel()
	c := cloudHTTP()
	c.Edition, c.URL, c.TestRepo, c.PasswordKind = wizard.DataCenter, "https://bitbucket.example.com/scm", "PROJ/repo.git", wizard.HTTPAccessToken
	d := atStep(t, newFakes(), c, 3)
	d.mustSee("HTTP access token")
	d.mustNotSee("App Password", "API token (recommended)")
}

func TestCredentialsSSHExistingKey(t *testing.T) {
	t.Parallel()
	pemKey, openSSH := keyFiles(t)
	d := atStep(t, newFakes(), dcSSH(""), 3)
	d.mustSee("Use an existing PEM RSA key file", "Make a new key with ssh-keygen")
	d.enter()
	d.mustSee("Private key file")
	d.typ(openSSH)
	d.enter()
	d.mustSeeText("ssh-keygen -p -m PEM -f " + openSSH)
	d.mustSee("Private key file")
	for range openSSH {
		d.key(tea.KeyBackspace)
	}
	d.typ(pemKey)
	d.mustSeeText("✓ pem rsa key, 1024 bits, SHA256:")
	d.enter()
	d.mustSee("Add the public key to Bitbucket")
	d.mustSeeText("ssh-rsa AAAA")
	d.mustSeeText("Bitbucket Data Center: Manage account > SSH keys > Add key, at https://bitbucket.example.com/plugins/servlet/ssh/account/keys")
	d.enter()
	d.mustTitle("Review")
}

func TestCredentialsSSHKeygenCommand(t *testing.T) {
	t.Parallel()
	f := newFakes()
	c := dcSSH("")
	home := t.TempDir()
	deps := f.deps(home)
	d := newDriver(t, Options{Deps: deps, Initial: &c})
	d.typ("3")
	d.key(tea.KeyDown)
	d.enter()
	d.mustSee("Where to save the new key", "Run ssh-keygen now?")
	// The path under the home folder reads ~/… (the shell expands it).
	d.mustSeeText("ssh-keygen -t rsa -b 4096 -m PEM -C bbconnect-dc_two -f ~/.ssh/bbconnect_dc_two_rsa")
	d.mustNotSee(home)
	// "I'll run it": the wizard moves to the key file it will look for.
	d.key(tea.KeyEnter)
	d.typ("n")
	d.mustSee("Private key file")
	if got := d.m.c.st.c.SSHKeyPath; got != home+"/.ssh/bbconnect_dc_two_rsa" {
		t.Fatalf("key path = %q", got)
	}
}

// TestOpenSSHKeyConversionUnderHome: an OpenSSH-format key under the home
// folder is named ~/… in the conversion command, which the shell expands.
func TestOpenSSHKeyConversionUnderHome(t *testing.T) {
	t.Parallel()
	_, openSSH := keyFiles(t)
	home := filepath.Dir(openSSH)
	c := dcSSH("~/" + filepath.Base(openSSH))
	deps := newFakes().deps(home)
	d := newDriver(t, Options{Deps: deps, Initial: &c})
	d.typ("3")
	d.enter(2)
	d.mustSeeText("is in openssh format; harness needs pem: back it up, then run: ssh-keygen -p -m PEM -f ~/" + filepath.Base(openSSH))
	d.mustNotSee(home)
}

// TestPublicKeyBlock: the public key is shown on lines of its own (no
// focus bar to copy along), c sends it to the clipboard and w writes it
// to KEY.pub, never over another key.
func TestPublicKeyBlock(t *testing.T) {
	t.Parallel()
	pemKey, _ := keyFiles(t)
	d := atStep(t, newFakes(), dcSSH(pemKey), 3)
	var copied []string
	d.m.c.copy = func(s string) error { copied = append(copied, s); return nil }
	d.enter()
	d.mustSee("Private key file")
	d.enter()
	d.mustSee("Add the public key to Bitbucket", "c copy key", "w write .pub")
	var line string
	for _, l := range strings.Split(d.screen(), "\n") {
		if strings.Contains(l, "ssh-rsa AAAA") {
			line = l
		}
	}
	if line == "" || strings.Contains(line, "┃") {
		t.Fatalf("the key is not on a line of its own: %q\n%s", line, d.screen())
	}
	d.typ("c")
	d.mustSee("✓ sent to the clipboard")
	if len(copied) != 1 || !strings.HasPrefix(copied[0], "ssh-rsa AAAA") {
		t.Fatalf("copied %q", copied)
	}
	d.typ("w")
	d.mustSee("✓ wrote " + pemKey + ".pub")
	data, err := os.ReadFile(pemKey + ".pub")
	if err != nil || !strings.HasPrefix(string(data), "ssh-rsa AAAA") {
		t.Fatalf("pub file: %q, %v", data, err)
	}
	d.typ("w")
	d.mustSee("already holds this key")
	d.enter()
	d.mustTitle("Review")
}
