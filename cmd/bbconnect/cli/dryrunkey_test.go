package cli_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
)

// keyFiles writes a PEM RSA key, an OpenSSH-format key and a public key
// (mode 0600) and returns their paths, plus one that does not exist.
func keyFiles(t *testing.T) (pemKey, openssh, public, missing string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey = write("id_rsa", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}))
	blk, err := ssh.MarshalPrivateKey(rk, "")
	if err != nil {
		t.Fatal(err)
	}
	openssh = write("id_openssh", pem.EncodeToMemory(blk))
	_, ek, _ := ed25519.GenerateKey(rand.Reader)
	pub, err := ssh.NewPublicKey(ek.Public())
	if err != nil {
		t.Fatal(err)
	}
	public = write("id_ed25519.pub", ssh.MarshalAuthorizedKey(pub))
	return pemKey, openssh, public, filepath.Join(dir, "nope")
}

// --dry-run reads and inspects the SSH key like a real run: an
// OpenSSH-format, public or missing key fails it with exit 2 on --ssh-key.
func TestDryRunChecksTheSSHKey(t *testing.T) {
	pemKey, openssh, public, missing := keyFiles(t)
	base := []string{
		"setup", "--non-interactive", "--dry-run",
		"--name", "dc ssh", "--edition", "datacenter", "--connection", "ssh",
		"--url", "ssh://git@bitbucket.acme.com:7999/", "--test-repo", "PRJ/app.git",
	}
	for _, tc := range []struct {
		name, key string
		code      cli.ExitCode
		want      string
	}{
		{"pem rsa", pemKey, cli.ExitOK, ""},
		{"openssh format", openssh, cli.ExitUsage, "ssh-keygen -p -m PEM"},
		{"public key", public, cli.ExitUsage, "--ssh-key:"},
		{"missing", missing, cli.ExitUsage, "--ssh-key:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWired(t)
			code, out, errOut := w.run("", append(append([]string{}, base...), "--ssh-key", tc.key)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, want %d; stderr lacks %q?\n%s", code, tc.code, tc.want, errOut)
			}
			if tc.code != cli.ExitOK && out != "" {
				t.Fatalf("a failed dry run printed the export:\n%s", out)
			}
		})
	}
}
