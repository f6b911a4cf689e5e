package emu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// sshGreeting is what Bitbucket prints for `ssh -T git@bitbucket.org`.
const sshGreeting = "authenticated via ssh key.\n\nYou can use git to connect to Bitbucket. Shell access is disabled.\n"

// sshHandshakeFailed is the log status of a refused SSH connection.
const sshHandshakeFailed = 255

func (st *state) serveSSH(ln net.Listener) {
	defer st.wg.Done()
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		st.wg.Add(1)
		go func() {
			defer st.wg.Done()
			st.handleSSH(conn)
		}()
	}
}

// handleSSH runs one SSH connection: the host key (or the changed one when
// the fault says so), public-key auth for user git against the registered
// keys, then sessions.
func (st *state) handleSSH(conn net.Conn) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-st.closing:
		case <-ctx.Done():
		}
		_ = conn.Close()
	}()
	if _, ok := st.faults.take("ssh:", FaultHang); ok {
		_, _ = io.Copy(io.Discard, conn) // until the client gives up or Close
		return
	}
	signer := st.hostSigner
	if _, ok := st.faults.take("ssh:", FaultSSHHostKeyChanged); ok {
		signer = st.altHostSigner
	}
	var user string
	cfg := &ssh.ServerConfig{
		ServerVersion:     "SSH-2.0-conker_bbemu",
		PublicKeyCallback: st.checkKey,
		AuthLogCallback:   func(meta ssh.ConnMetadata, _ string, _ error) { user = meta.User() },
	}
	cfg.AddHostKey(signer)
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	sconn, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		st.log.add(RequestLog{Time: time.Now(), Listener: "ssh", Method: "SSH", Auth: "publickey", User: user, Status: sshHandshakeFailed})
		return
	}
	defer func() { _ = sconn.Close() }()
	_ = conn.SetDeadline(time.Time{})
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions are served")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		st.wg.Add(1)
		go func() {
			defer st.wg.Done()
			st.handleSession(ctx, ch, creqs)
		}()
	}
}

// handleSession serves one session: env GIT_PROTOCOL, then exec of
// git-upload-pack or a shell request (which prints the greeting).
func (st *state) handleSession(ctx context.Context, ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer func() { _ = ch.Close() }()
	var gitProtocol string
	for req := range reqs {
		switch req.Type {
		case "env":
			var kv struct{ Name, Value string }
			if ssh.Unmarshal(req.Payload, &kv) == nil && kv.Name == "GIT_PROTOCOL" {
				gitProtocol = kv.Value
				_ = req.Reply(true, nil)
				continue
			}
			_ = req.Reply(false, nil)
		case "shell":
			_ = req.Reply(true, nil)
			if st.sleep(ctx) {
				_, _ = io.WriteString(ch, sshGreeting)
			}
			exitStatus(ch, 0)
			return
		case "exec":
			var cmd struct{ Command string }
			if ssh.Unmarshal(req.Payload, &cmd) != nil {
				_ = req.Reply(false, nil)
				continue
			}
			_ = req.Reply(true, nil)
			code := st.runExec(ctx, ch, cmd.Command, gitProtocol)
			exitStatus(ch, code)
			return
		default:
			_ = req.Reply(false, nil)
		}
	}
}

// checkKey accepts user git with a registered key. It keeps no state:
// the permissions it returns are all the connection knows.
func (st *state) checkKey(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	if meta.User() != "git" {
		return nil, errors.New("user must be git")
	}
	if !st.keyRegistered(key) {
		return nil, errors.New("key not registered")
	}
	return &ssh.Permissions{Extensions: map[string]string{"fp": ssh.FingerprintSHA256(key)}}, nil
}

func exitStatus(ch ssh.Channel, code int) {
	_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(code)})) //nolint:gosec // exit codes are small
}

// runExec runs one git command and returns its exit status.
func (st *state) runExec(ctx context.Context, ch ssh.Channel, command, gitProtocol string) int {
	service, path, err := parseGitCommand(command)
	code := 0
	defer func() {
		st.log.add(RequestLog{Time: time.Now(), Listener: "ssh", Method: "SSH", Path: path, Auth: "publickey", User: "git", CredType: "ssh_key", Status: code})
	}()
	stderr := ch.Stderr()
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "%v\n", err)
		code = 1
		return code
	}
	if !st.sleep(ctx) {
		code = 1
		return code
	}
	if f, ok := st.faults.take("ssh:"+path, FaultHang, FaultRateLimit, FaultServerError); ok {
		switch f.Kind {
		case FaultHang:
			select {
			case <-ctx.Done():
			case <-st.closing:
			}
		case FaultRateLimit:
			_, _ = io.WriteString(stderr, "Rate limit for this resource has been exceeded\n")
		case FaultServerError:
			_, _ = io.WriteString(stderr, "fatal: internal server error\n")
		}
		code = 1
		return code
	}
	if service != "git-upload-pack" {
		_, _ = io.WriteString(stderr, "fatal: push is not supported by the bbconnect emulator: it serves fetches only\n")
		code = 1
		return code
	}
	dir := st.sshRepoDir(path)
	if dir == "" {
		_, _ = io.WriteString(stderr, "conq: repository does not exist.\n")
		code = 1
		return code
	}
	code = st.uploadPack(ctx, ch, dir, gitProtocol)
	return code
}

// sshRepoDir maps "ws/repo.git", "/ws/repo.git", "prj/repo.git" or
// "/prj/repo.git" to a bare repository on disk ("" when none).
func (st *state) sshRepoDir(path string) string {
	p := strings.TrimPrefix(path, "/")
	owner, slug, ok := strings.Cut(p, "/")
	if !ok || strings.Contains(slug, "/") {
		return ""
	}
	slug = strings.TrimSuffix(slug, ".git")
	if rp := st.cat.cloudRepo(owner, slug); rp != nil && rp.onDisk {
		return filepath.Join(st.cloudRoot(), rp.rel)
	}
	if rp := st.cat.dcRepo(owner, slug); rp != nil && rp.onDisk {
		return filepath.Join(st.dcRoot(), rp.rel)
	}
	return ""
}

// uploadPack runs the real git-upload-pack on dir with the channel as its
// standard streams.
func (st *state) uploadPack(ctx context.Context, ch ssh.Channel, dir, gitProtocol string) int {
	var extra []string
	if gitProtocol != "" && !strings.ContainsAny(gitProtocol, "\x00\n") {
		extra = append(extra, "GIT_PROTOCOL="+gitProtocol)
	}
	cmd := exec.CommandContext(ctx, st.git.uploadPack, dir) //nolint:gosec // the path of a repository the emulator made
	cmd.Env = st.gitEnv(extra...)
	cmd.Stdout = ch
	cmd.Stderr = ch.Stderr()
	in, err := cmd.StdinPipe()
	if err != nil {
		return 1
	}
	if err := cmd.Start(); err != nil {
		_, _ = fmt.Fprintf(ch.Stderr(), "fatal: cannot run git-upload-pack: %v\n", err)
		return 1
	}
	go func() {
		_, _ = io.Copy(in, ch)
		_ = in.Close()
	}()
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 0 {
			return ee.ExitCode()
		}
		return 1
	}
	return 0
}

// parseGitCommand reads an SSH exec command as git sends it:
// "git-upload-pack 'ws/repo.git'" (also "git upload-pack …", and the path
// quoted the way git quotes it, or not at all). It returns the service
// ("git-upload-pack" or "git-receive-pack") and the path.
func parseGitCommand(cmd string) (service, path string, err error) {
	rest := strings.TrimSpace(cmd)
	switch {
	case strings.HasPrefix(rest, "git-upload-pack "), strings.HasPrefix(rest, "git-receive-pack "):
		service, rest, _ = strings.Cut(rest, " ")
	case strings.HasPrefix(rest, "git upload-pack "), strings.HasPrefix(rest, "git receive-pack "):
		rest = strings.TrimPrefix(rest, "git ")
		service, rest, _ = strings.Cut(rest, " ")
		service = "git-" + service
	default:
		return "", "", errors.New("only git commands are served: shell access is disabled")
	}
	path, err = unquoteShellArg(strings.TrimSpace(rest))
	if err != nil {
		return "", "", err
	}
	if path == "" || strings.ContainsAny(path, "\x00\n") {
		return "", "", errors.New("fatal: invalid repository path")
	}
	return service, path, nil
}

// unquoteShellArg reads exactly one POSIX shell word made of single-quoted
// runs, backslash escapes and plain characters.
func unquoteShellArg(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return "", errors.New("fatal: unterminated quote in repository path")
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case '\\':
			if i+1 >= len(s) {
				return "", errors.New("fatal: trailing backslash in repository path")
			}
			i++
			b.WriteByte(s[i])
		case ' ', '\t', '\n', ';', '&', '|', '$', '`', '"', '(', ')', '<', '>':
			return "", errors.New("fatal: one repository path expected")
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
