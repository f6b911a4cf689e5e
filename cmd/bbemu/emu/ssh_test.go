package emu

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// sshOpts are the OpenSSH client options for key and known_hosts.
func sshCommand(key, knownHosts, port string) string {
	return "ssh -F /dev/null -i " + key + " -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes" +
		" -o GlobalKnownHostsFile=/dev/null -o UserKnownHostsFile=" + knownHosts + " -p " + port
}

// sshLsRemote runs the real git ls-remote over the real ssh client.
func sshLsRemote(t *testing.T, key, knownHosts, remote string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh client not installed")
	}
	_, port, _ := net.SplitHostPort(srv.SSHAddr)
	cmd := exec.Command("git", "ls-remote", remote)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + scratch, "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"GIT_SSH_COMMAND=" + sshCommand(key, knownHosts, port),
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return errb.String(), err
	}
	return out.String(), nil
}

func TestSSHGit(t *testing.T) {
	d := srv.Demo
	_, port, _ := net.SplitHostPort(srv.SSHAddr)
	emptyKH := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(emptyKH, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, key, kh, remote string
		ok                    bool
		errHas                string
	}{
		{"cloud scp path", d.SSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:acme/" + d.Repo + ".git", true, ""},
		{"cloud ssh url", d.SSHKeyPath, srv.KnownHostsFile, "ssh://git@127.0.0.1:" + port + "/acme/" + d.Repo + ".git", true, ""},
		{"localhost name", d.SSHKeyPath, srv.KnownHostsFile, "ssh://git@localhost:" + port + "/acme/" + d.Repo + ".git", true, ""},
		{"dc lower-case", d.SSHKeyPath, srv.KnownHostsFile, "ssh://git@127.0.0.1:" + port + "/demo/" + d.DCRepo + ".git", true, ""},
		{"dc upper-case scp", d.SSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:DEMO/" + d.DCRepo + ".git", true, ""},
		{"openssh-format key", d.OpenSSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:acme/" + d.Repo + ".git", true, ""},
		{"unregistered key", d.UnregisteredSSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:acme/" + d.Repo + ".git", false, "Permission denied (publickey)"},
		{"user not git", d.SSHKeyPath, srv.KnownHostsFile, "ssh://bob@127.0.0.1:" + port + "/acme/" + d.Repo + ".git", false, "Permission denied"},
		{"unknown host key", d.SSHKeyPath, emptyKH, "git@127.0.0.1:acme/" + d.Repo + ".git", false, "Host key verification failed"},
		{"unknown repo", d.SSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:acme/nope.git", false, "repository does not exist"},
		{"api-only repo", d.SSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:acme/generated-00003.git", false, "repository does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := sshLsRemote(t, tt.key, tt.kh, tt.remote)
			if (err == nil) != tt.ok {
				t.Fatalf("ok=%v, want %v: %v\n%s", err == nil, tt.ok, err, out)
			}
			if tt.ok {
				wantMain(t, out)
			} else if !strings.Contains(out, tt.errHas) {
				t.Errorf("stderr %q lacks %q", out, tt.errHas)
			}
		})
	}
}

func TestSSHHostKeyChanged(t *testing.T) {
	t.Cleanup(srv.ClearFaults)
	srv.Inject(Fault{Kind: FaultSSHHostKeyChanged, Times: 1})
	out, err := sshLsRemote(t, srv.Demo.SSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:acme/"+srv.Demo.Repo+".git")
	if err == nil || !strings.Contains(out, "REMOTE HOST IDENTIFICATION HAS CHANGED") {
		t.Fatalf("changed host key not reported: %v\n%s", err, out)
	}
	if out, err := sshLsRemote(t, srv.Demo.SSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:acme/"+srv.Demo.Repo+".git"); err != nil {
		t.Errorf("after the one-time fault: %v\n%s", err, out)
	}
}

func TestSSHAddKeyAndGreeting(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	data, err := marshalOpenSSH(priv)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "id_new")
	if err := os.WriteFile(keyFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	remote := "git@127.0.0.1:acme/" + srv.Demo.Repo + ".git"
	if _, err := sshLsRemote(t, keyFile, srv.KnownHostsFile, remote); err == nil {
		t.Fatal("new key accepted before AddSSHKey")
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	srv.AddSSHKey(signer.PublicKey())
	if out, err := sshLsRemote(t, keyFile, srv.KnownHostsFile, remote); err != nil {
		t.Fatalf("after AddSSHKey: %v\n%s", err, out)
	}
	// ssh -T prints Bitbucket's greeting and exits 0.
	client := dialSSH(t, signer)
	sess2, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sess2.Stdout = &buf
	if err := sess2.Shell(); err != nil {
		t.Fatal(err)
	}
	if err := sess2.Wait(); err != nil || buf.String() != sshGreeting {
		t.Errorf("shell: %v %q", err, buf.String())
	}
	sess3, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess3.Run("git-receive-pack 'acme/" + srv.Demo.Repo + ".git'"); err == nil {
		t.Error("receive-pack served")
	}
	if last := srv.Requests()[len(srv.Requests())-1]; last.Listener != "ssh" || last.Status != 1 || last.Auth != "publickey" {
		t.Errorf("ssh log entry %+v", last)
	}
}

// dialSSH connects with x/crypto/ssh, checking the host key.
func dialSSH(t *testing.T, signer ssh.Signer) *ssh.Client {
	t.Helper()
	client, err := ssh.Dial("tcp", srv.SSHAddr, &ssh.ClientConfig{
		User:            "git",
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(srv.HostKey),
		Timeout:         5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

func TestSSHHostKeyPersists(t *testing.T) {
	kh, err := os.ReadFile(srv.KnownHostsFile)
	if err != nil {
		t.Fatal(err)
	}
	line := string(ssh.MarshalAuthorizedKey(srv.HostKey))
	if !strings.Contains(string(kh), strings.TrimSpace(line)) || !strings.HasPrefix(string(kh), "[127.0.0.1]:") {
		t.Errorf("known_hosts %q does not hold the host key", kh)
	}
	if srv.HostKey.Type() != ssh.KeyAlgoED25519 {
		t.Errorf("host key type %s", srv.HostKey.Type())
	}
	for _, p := range []string{srv.Demo.SSHKeyPath, srv.Demo.UnregisteredSSHKeyPath} {
		b, err := os.ReadFile(p)
		if err != nil || !strings.HasPrefix(string(b), "-----BEGIN RSA PRIVATE KEY-----") {
			t.Errorf("%s is not a PEM RSA key: %v", p, err)
		}
	}
	if b, err := os.ReadFile(srv.Demo.OpenSSHKeyPath); err != nil || !strings.HasPrefix(string(b), "-----BEGIN OPENSSH PRIVATE KEY-----") {
		t.Errorf("openssh key: %v", err)
	}
}
