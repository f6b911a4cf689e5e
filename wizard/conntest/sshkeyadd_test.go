package conntest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// newKey writes a fresh PEM RSA key and returns its path and public line.
func newKey(t *testing.T) (string, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "id_rsa")
	data := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return p, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " bbconnect-test"
}

func gitCheck(r Report) Check {
	ch, _ := r.Check(CheckGit)
	return ch
}

// TestAddSSHKeyEmulator: a new key is refused, added through the API
// (Cloud with email and API token, Data Center with a personal token), and
// then accepted by the SSH server.
func TestAddSSHKeyEmulator(t *testing.T) {
	s := server(t)
	d := s.Demo
	tests := []struct {
		name string
		c    func(key string) wizard.Connector
		sec  Secrets
		want string
	}{
		{"cloud", func(k string) wizard.Connector { return withEmailAPI(cloudSSH(s, k), d.Email, false) }, Secrets{APIToken: d.APIToken}, "bitbucket user " + d.Username},
		{"data center", func(k string) wizard.Connector { return withAccessTokenAPI(dcSSH(s, k), false) }, Secrets{APIToken: d.DCToken}, "data center account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, pub := newKey(t)
			c := tt.c(path)
			if ch := gitCheck(run(t, c, tt.sec, cfgFor(s))); ch.Status != Fail || !strings.HasPrefix(ch.Diagnosis, sshkey.NotAccepted) {
				t.Fatalf("a new key was not refused: %+v", ch)
			}
			where, err := AddSSHKey(context.Background(), c, tt.sec, cfgFor(s), pub, "bbconnect test")
			if err != nil || !strings.Contains(where, tt.want) {
				t.Fatalf("AddSSHKey = %q, %v", where, err)
			}
			if ch := gitCheck(run(t, c, tt.sec, cfgFor(s))); ch.Status != Pass {
				t.Fatalf("the added key is still refused: %+v", ch)
			}
			if _, err := AddSSHKey(context.Background(), c, tt.sec, cfgFor(s), pub, "again"); err == nil || !strings.Contains(err.Error(), "already") {
				t.Fatalf("adding the key twice: %v", err)
			}
		})
	}
}

// TestAddSSHKeyRefusals: credentials that cannot add keys say why and
// where to paste the key by hand; a token without the scope names it.
func TestAddSSHKeyRefusals(t *testing.T) {
	s := server(t)
	d := s.Demo
	_, pub := newKey(t)
	c := withEmailAPI(cloudSSH(s, d.SSHKeyPath), d.Email, false)
	_, err := AddSSHKey(context.Background(), c, Secrets{APIToken: d.APITokenMissingScopes}, cfgFor(s), pub, "x")
	if err == nil || !strings.Contains(err.Error(), SSHKeyScope) || !strings.Contains(err.Error(), "bitbucket.org/account/settings/ssh-keys") {
		t.Fatalf("missing scope: %v", err)
	}
	if strings.Contains(err.Error(), d.APITokenMissingScopes) {
		t.Fatal("the error shows the token")
	}
	for _, c := range []wizard.Connector{withAccessTokenAPI(cloudSSH(s, d.SSHKeyPath), false), cloudSSH(s, d.SSHKeyPath)} {
		if ok, why := CanAddSSHKey(c); ok || why == "" {
			t.Errorf("CanAddSSHKey(%s) = %v, %q", c.APIAccess, ok, why)
		}
	}
}
