package emu

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// splitSSH reads an SSH git URL: "ssh://user@host[:port]/path" or the scp
// form "user@host:path" (also "user@host:7999/path", as Data Center URLs
// are written). isSSH is false for anything else.
func splitSSH(raw string) (host, path string, isSSH bool) {
	if rest, ok := strings.CutPrefix(raw, "ssh://"); ok {
		u, err := url.Parse("ssh://" + rest)
		if err != nil || u.Host == "" {
			return "", "", false
		}
		return u.Host, u.Path, true
	}
	if strings.Contains(raw, "://") {
		return "", "", false
	}
	at := strings.Index(raw, "@")
	colon := strings.Index(raw, ":")
	if colon < 0 || at > colon {
		return "", "", false
	}
	host, path = raw[at+1:colon], raw[colon+1:]
	if port, rest, ok := strings.Cut(path, "/"); ok && port != "" && strings.Trim(port, "0123456789") == "" {
		host, path = host+":"+port, "/"+rest
	}
	return host, path, host != ""
}

// ownSSHHost reports whether host (with or without a port) is the
// emulator's SSH listener or bitbucket.org (which it stands in for).
func (st *state) ownSSHHost(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	return strings.EqualFold(h, "bitbucket.org") || host == st.sshAddr
}

// sshCheck runs git-upload-pack on the test URL over SSH with the SSHKey
// credential's user and key, and reads the first line of the ref
// advertisement.
func (st *state) sshCheck(ctx context.Context, target string, creds testCreds) *errorDetail {
	what := "git ls-remote " + target
	host, path, ok := splitSSH(target)
	if !ok || !st.ownSSHHost(host) {
		return &errorDetail{Reason: what + ": host not reachable from the emulator", Message: msgNoRepo, Code: 400}
	}
	signer, e := sshSigner(creds, what)
	if e != nil {
		return e
	}
	cfg := &ssh.ClientConfig{
		User:            creds.sshUser,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: st.emulatorHostKey,
		Timeout:         15 * time.Second,
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", st.sshAddr)
	if err != nil {
		return &errorDetail{Reason: what + ": connection failed", Message: msgNoRepo, Code: 400}
	}
	defer func() { _ = conn.Close() }()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	sconn, chans, reqs, err := ssh.NewClientConn(conn, st.sshAddr, cfg)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return &errorDetail{Reason: what + ": timed out", Message: msgGitTimeout, Code: 400}
		}
		if strings.Contains(err.Error(), "unable to authenticate") {
			return &errorDetail{Reason: what + ": Auth fail", Message: msgCheckCreds, Code: 401}
		}
		return &errorDetail{Reason: what + ": ssh handshake failed", Message: msgNoRepo, Code: 400}
	}
	client := ssh.NewClient(sconn, chans, reqs)
	defer func() { _ = client.Close() }()
	sess, err := client.NewSession()
	if err != nil {
		return &errorDetail{Reason: what + ": no session", Message: msgNoRepo, Code: 400}
	}
	defer func() { _ = sess.Close() }()
	out, err := sess.StdoutPipe()
	if err != nil {
		return &errorDetail{Reason: what + ": no session", Message: msgNoRepo, Code: 400}
	}
	if err := sess.Start("git-upload-pack '" + strings.ReplaceAll(path, "'", `'\''`) + "'"); err != nil {
		return &errorDetail{Reason: what + ": exec refused", Message: msgNoRepo, Code: 400}
	}
	head := make([]byte, 4)
	if _, err := io.ReadFull(out, head); err != nil || !isPktLen(head) {
		return &errorDetail{Reason: what + ": repository not found or no advertisement", Message: msgNoRepo, Code: 404}
	}
	return nil
}

// sshSigner reads the key file secret: PEM only (Harness refuses the
// OpenSSH format), with the passphrase secret when one is set.
func sshSigner(creds testCreds, what string) (ssh.Signer, *errorDetail) {
	block, _ := pem.Decode(creds.sshKey)
	if block == nil {
		return nil, &errorDetail{Reason: what + ": the key file secret holds no PEM key", Message: "Invalid SSH key: the key file secret holds no PEM private key", Code: 400}
	}
	if block.Type == "OPENSSH PRIVATE KEY" {
		return nil, &errorDetail{Reason: what + ": OpenSSH-format key", Message: "Invalid SSH key: use a PEM key (ssh-keygen -p -m PEM -f KEY); the OpenSSH format is not supported", Code: 400}
	}
	var signer ssh.Signer
	var err error
	if creds.sshPass != "" {
		signer, err = ssh.ParsePrivateKeyWithPassphrase(creds.sshKey, []byte(creds.sshPass))
	} else {
		signer, err = ssh.ParsePrivateKey(creds.sshKey)
	}
	if err != nil {
		return nil, &errorDetail{Reason: what + ": the key cannot be read (wrong or missing passphrase?)", Message: "Invalid SSH key: the key cannot be read with the given passphrase", Code: 400}
	}
	return signer, nil
}

// emulatorHostKey accepts the emulator's host keys (also the changed one:
// Harness's git client does not check host keys).
func (st *state) emulatorHostKey(_ string, _ net.Addr, key ssh.PublicKey) error {
	for _, s := range []ssh.Signer{st.hostSigner, st.altHostSigner} {
		if s != nil && bytes.Equal(s.PublicKey().Marshal(), key.Marshal()) {
			return nil
		}
	}
	return errors.New("not the emulator's host key")
}

// isPktLen reports whether b is a git pkt-line length ("0000" or a hex
// length of at least 4).
func isPktLen(b []byte) bool {
	n, err := hex.DecodeString(string(b))
	return err == nil && len(n) == 2 && (n[0] != 0 || n[1] >= 4 || n[1] == 0)
}
