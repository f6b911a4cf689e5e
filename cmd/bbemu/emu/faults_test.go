package emu

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func TestFaultRateLimit(t *testing.T) {
	t.Cleanup(srv.ClearFaults)
	d := srv.Demo
	a := basic(d.Email, d.APIToken)
	srv.Inject(Fault{Kind: FaultRateLimit, Path: "/2.0/repositories/", Times: 2})
	if res := get(t, srv.CloudAPIURL+"/2.0/user", a); res.status != 200 {
		t.Errorf("path outside the fault: %d", res.status)
	}
	for i := range 2 {
		res := get(t, srv.CloudAPIURL+"/2.0/repositories/acme", a)
		if res.status != 429 || res.body != "Rate limit for this resource has been exceeded" ||
			!strings.HasPrefix(res.header.Get("Content-Type"), "text/plain") || res.header.Get("Retry-After") != "" {
			t.Errorf("try %d: %d %q %v", i, res.status, res.body, res.header)
		}
	}
	if res := get(t, srv.CloudAPIURL+"/2.0/repositories/acme", a); res.status != 200 {
		t.Errorf("after Times ran out: %d", res.status)
	}
	// On git over HTTP, and on DC.
	srv.Inject(Fault{Kind: FaultRateLimit, Path: "/acme/", Times: 1})
	if _, err := gitLsRemote(t, srv.CloudURL+"/acme/"+d.Repo+".git", gitCreds{user: d.Username, secret: d.APIToken}); err == nil {
		t.Error("git passed a rate limit")
	}
	if last := lastRequest(t, "/acme/"); last.Status != 429 {
		t.Errorf("git rate limit status %d", last.Status)
	}
	srv.Inject(Fault{Kind: FaultRateLimit})
	if res := get(t, srv.DCURL+"/rest/api/1.0/repos", bearerAuth(d.DCToken)); res.status != 429 {
		t.Errorf("dc: %d", res.status)
	}
}

func TestFaultServerError(t *testing.T) {
	t.Cleanup(srv.ClearFaults)
	d := srv.Demo
	tests := []struct {
		name   string
		url    string
		a      auth
		status int
		ctype  string
	}{
		{"cloud 500", srv.CloudAPIURL + "/2.0/user", basic(d.Email, d.APIToken), 500, "application/json"},
		{"cloud 502", srv.CloudAPIURL + "/2.0/user", basic(d.Email, d.APIToken), 502, "text/html"},
		{"dc 500", srv.DCURL + "/rest/api/1.0/repos", bearerAuth(d.DCToken), 500, "application/json"},
		{"dc 503", srv.DCURL + "/rest/api/1.0/repos", bearerAuth(d.DCToken), 503, "text/html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ClearFaults()
			status := tt.status
			if status == 500 {
				status = 0 // the default
			}
			srv.Inject(Fault{Kind: FaultServerError, Status: status, Times: 1})
			res := get(t, tt.url, tt.a)
			if res.status != tt.status || !strings.HasPrefix(res.header.Get("Content-Type"), tt.ctype) {
				t.Errorf("%d %q: %s", res.status, res.header.Get("Content-Type"), res.body)
			}
			if tt.ctype == "application/json" && strings.HasPrefix(tt.url, srv.DCURL) {
				if e := decode[dcErr](t, res.body); len(e.Errors) != 1 {
					t.Errorf("dc error body %s", res.body)
				}
			}
		})
	}
	srv.Inject(Fault{Kind: FaultServerError, Path: "ssh:acme/", Times: 1})
	out, err := sshLsRemote(t, d.SSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:acme/"+d.Repo+".git")
	if err == nil || !strings.Contains(out, "internal server error") {
		t.Errorf("ssh server error: %v %q", err, out)
	}
}

func TestFaultHang(t *testing.T) {
	t.Cleanup(srv.ClearFaults)
	srv.Inject(Fault{Kind: FaultHang, Path: "/2.0/user", Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.CloudAPIURL+"/2.0/user", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = httpClient(t, srv).Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hang: %v, want a deadline error", err)
	}
	// SSH: the TCP connection is accepted but the handshake never comes.
	srv.Inject(Fault{Kind: FaultHang, Path: "ssh:", Times: 1})
	conn, err := net.Dial("tcp", srv.SSHAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if err := conn.SetDeadline(time.Now().Add(300 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_, _, _, err = ssh.NewClientConn(conn, srv.SSHAddr, &ssh.ClientConfig{User: "git", HostKeyCallback: ssh.FixedHostKey(srv.HostKey)})
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("ssh hang: %v, want a timeout", err)
	}
}

// TestHangEndsOnClose: Close releases a request that hangs.
func TestHangEndsOnClose(t *testing.T) {
	s, err := Start(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s.Inject(Fault{Kind: FaultHang, Times: 1})
	done := make(chan error, 1)
	go func() {
		res, err := httpClient(t, s).Get(s.CloudAPIURL + "/2.0/user")
		if err == nil {
			_ = res.Body.Close()
		}
		done <- err
	}()
	for !faultTaken(s) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("hanging request not released by Close")
	}
}

// faultTaken reports whether the one-time fault has been used (the
// request is logged only when it ends).
func faultTaken(s *Server) bool {
	s.st.faults.mu.Lock()
	defer s.st.faults.mu.Unlock()
	return len(s.st.faults.list) == 0
}

func TestLatency(t *testing.T) {
	t.Cleanup(func() { srv.SetLatency(0) })
	srv.SetLatency(150 * time.Millisecond)
	began := time.Now()
	if res := get(t, srv.DCURL+"/rest/api/1.0/application-properties", anon); res.status != 200 {
		t.Fatal(res.status)
	}
	if took := time.Since(began); took < 150*time.Millisecond {
		t.Errorf("request took %s with 150ms latency", took)
	}
	began = time.Now()
	if out, err := sshLsRemote(t, srv.Demo.SSHKeyPath, srv.KnownHostsFile, "git@127.0.0.1:acme/"+srv.Demo.Repo+".git"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if took := time.Since(began); took < 150*time.Millisecond {
		t.Errorf("ssh session took %s with 150ms latency", took)
	}
}

func TestTLSFailures(t *testing.T) {
	pem, err := os.ReadFile(srv.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	dial := func(addr string, cfg *tls.Config) error {
		c, err := tls.Dial("tcp", addr, cfg)
		if err == nil {
			_ = c.Close()
		}
		return err
	}
	host := func(u string) string { return strings.TrimPrefix(u, "https://") }

	if err := dial(host(srv.CloudAPIURL), &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}); err != nil {
		t.Errorf("trusted: %v", err)
	}
	_, port, _ := net.SplitHostPort(host(srv.CloudAPIURL))
	if err := dial("localhost:"+port, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}); err != nil {
		t.Errorf("localhost: %v", err)
	}
	var unknown x509.UnknownAuthorityError
	if err := dial(host(srv.CloudAPIURL), &tls.Config{RootCAs: x509.NewCertPool(), MinVersion: tls.VersionTLS12}); !errors.As(err, &unknown) {
		t.Errorf("untrusted CA: %v, want UnknownAuthorityError", err)
	}
	var mismatch x509.HostnameError
	if err := dial(host(srv.MismatchURL), &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}); !errors.As(err, &mismatch) {
		t.Errorf("mismatch: %v, want HostnameError", err)
	}
	if err := dial(host(srv.MismatchURL), &tls.Config{RootCAs: pool, ServerName: "wrong-host.example", MinVersion: tls.VersionTLS12}); err != nil {
		t.Errorf("mismatch cert for its own name: %v", err)
	}
	if _, err := net.DialTimeout("tcp", srv.RefusedAddr, time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("refused: %v, want ECONNREFUSED", err)
	}
	out, err := gitRun(t, gitCreds{user: srv.Demo.Username, secret: srv.Demo.APIToken}, "ls-remote",
		withUser(srv.MismatchURL+"/acme/"+srv.Demo.Repo+".git", gitCreds{user: srv.Demo.Username}))
	if err == nil || !strings.Contains(strings.ToLower(out), "certificate") {
		t.Errorf("git through the mismatch listener: %v %q", err, out)
	}
}
