package conntest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// checkGitSSH: host key, public-key auth as git with the PEM key, then the
// git-upload-pack ref advertisement.
func (e *env) checkGitSSH(ctx context.Context) finding {
	path := strings.TrimSpace(e.c.SSHKeyPath)
	if path == "" {
		return failf("give the path of a pem rsa private key in the credentials step", "no ssh key given")
	}
	signer, err := sshkey.Signer(path, []byte(e.s.SSHPassphrase))
	if err != nil {
		var ke *sshkey.Error
		if errors.As(err, &ke) && ke.Kind == sshkey.OpenSSH {
			fix := "create an rsa key in pem format: ssh-keygen -t rsa -b 4096 -m PEM"
			if ke.Fix != "" {
				fix = "back the key up, then run: " + ke.Fix
			}
			return failf(fix, "openssh-format key: %s is in openssh format; harness needs an rsa key in pem format", path)
		}
		return failf("choose a pem rsa private key (ssh-keygen -t rsa -b 4096 -m PEM)", "%s", wizard.OneLine(err.Error(), 200))
	}
	t, err := e.sshTarget()
	if err != nil {
		return failf(fixURL, "%s", err.Error())
	}
	cb, algos, err := e.hostKeys(t)
	if err != nil {
		return failf("fix or remove the broken line of known_hosts", "%s", err.Error())
	}
	start := time.Now()
	conn, err := e.dial(ctx, "tcp", t.addr)
	if err != nil {
		return netFinding(err, t.addr, time.Since(start))
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	cfg := &ssh.ClientConfig{
		User:              "git",
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback:   cb,
		HostKeyAlgorithms: algos,
	}
	cc, chans, reqs, err := ssh.NewClientConn(conn, t.addr, cfg)
	if err != nil {
		return e.sshHandshakeFinding(ctx, err, t, signer, time.Since(start))
	}
	client := ssh.NewClient(cc, chans, reqs)
	defer client.Close()
	adv, err := uploadPack(client, t.path)
	if err != nil {
		if ctx.Err() != nil {
			return netFinding(ctx.Err(), t.addr, time.Since(start))
		}
		return failf("check the test repository path and that this key's account can read it",
			"repository not found or not visible over ssh: %s (%s)", t.path, wizard.OneLine(err.Error(), 160))
	}
	return advResult(adv, fmt.Sprintf("read %s over ssh as git with key %s", t.path, ssh.FingerprintSHA256(signer.PublicKey())))
}

// uploadPack runs git-upload-pack for path, reads the ref advertisement,
// then sends a flush (nothing wanted) and hangs up.
func uploadPack(client *ssh.Client, path string) (Advertisement, error) {
	sess, err := client.NewSession()
	if err != nil {
		return Advertisement{}, err
	}
	defer sess.Close()
	stdin, err := sess.StdinPipe()
	if err != nil {
		return Advertisement{}, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return Advertisement{}, err
	}
	var stderr bytes.Buffer
	sess.Stderr = &limitedWriter{w: &stderr, n: 4 << 10}
	if err := sess.Start("git-upload-pack " + shellQuote(path)); err != nil {
		return Advertisement{}, err
	}
	adv, perr := ParseAdvertisement(stdout, false)
	_, _ = io.WriteString(stdin, "0000")
	_ = stdin.Close()
	if perr != nil {
		werr := sess.Wait()
		if msg := firstLine(stderr.String()); msg != "" {
			return adv, errors.New("server said: " + wizard.OneLine(msg, 160))
		}
		var re *RemoteError
		if errors.As(perr, &re) || werr == nil {
			return adv, perr
		}
		return adv, werr
	}
	return adv, nil
}

// sshHandshakeFinding names why the SSH handshake failed.
func (e *env) sshHandshakeFinding(ctx context.Context, err error, t sshTarget, signer ssh.Signer, elapsed time.Duration) finding {
	var hk *hostKeyError
	if errors.As(err, &hk) {
		host, port, _ := net.SplitHostPort(t.addr)
		entry := host
		if port != "22" {
			entry = "[" + host + "]:" + port
		}
		if hk.changed {
			if t.bitbucket {
				return failf("check https://bitbucket.org/site/ssh and your network: do not connect until the key matches",
					"ssh host key changed: %s presented %s, which is not one of atlassian's published keys", t.addr, hk.got)
			}
			return failf(fmt.Sprintf("if the server's key was rotated, run: ssh-keygen -R '%s' and test again; otherwise do not connect (someone may be intercepting)", entry),
				"ssh host key changed: %s presented %s but known_hosts has %s", t.addr, hk.got, hk.want)
		}
		f := failf(fmt.Sprintf("compare %s with the fingerprint your bitbucket admin publishes, then accept it (or add it: ssh-keyscan -p %s %s >> ~/.ssh/known_hosts)", hk.got, port, host),
			"ssh host key unknown: %s presented %s, which is not in known_hosts", t.addr, hk.got)
		f.hostFP = hk.got
		return f
	}
	if strings.Contains(err.Error(), "unable to authenticate") {
		base := e.c.ServerBase()
		if b, err := e.apiBase(); err == nil && e.c.Edition == wizard.DataCenter {
			base = b
		}
		return failf("add the public key to bitbucket: "+sshkey.WhereToAdd(e.c.Edition == wizard.Cloud, base),
			sshkey.NotAccepted+": %s refused key %s for user git", t.addr, ssh.FingerprintSHA256(signer.PublicKey()))
	}
	return netFinding(ctxErr(ctx, err), t.addr, elapsed)
}

// shellQuote quotes a path the way git does for the remote command.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n <= 0 {
		return len(p), nil
	}
	q := p
	if len(q) > l.n {
		q = q[:l.n]
	}
	l.n -= len(q)
	_, _ = l.w.Write(q)
	return len(p), nil
}
