package emu

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// state is everything a running emulator shares between its listeners.
type state struct {
	dir     string
	ownDir  bool
	now     func() time.Time
	latency atomic.Int64
	faults  faultSet
	log     reqLog
	demo    Demo
	creds   map[string]*credential // secret value -> credential
	cat     catalog
	git     gitTools
	harness *harnessState

	keysMu sync.RWMutex
	keys   map[string]bool // ssh.PublicKey.Marshal() -> registered

	hostSigner, altHostSigner ssh.Signer

	cloudURL, apiURL, dcURL, dcContext, sshAddr string

	servers   []*http.Server
	sshLn     net.Listener
	closing   chan struct{}
	closeOnce sync.Once
	closeErr  error
	wg        sync.WaitGroup
}

func start(opts Options) (*Server, error) {
	st := &state{now: opts.Now, closing: make(chan struct{}), keys: map[string]bool{}}
	if st.now == nil {
		st.now = time.Now
	}
	st.latency.Store(int64(opts.Latency))
	ctx, err := normContext(opts.DCContext)
	if err != nil {
		return nil, err
	}
	st.dcContext = ctx
	if opts.ExtraRepos < 0 {
		return nil, errors.New("extra repos must be zero or more")
	}
	if opts.HarnessOrgs < 0 || opts.HarnessProjects < 0 || opts.HarnessLatency < 0 {
		return nil, errors.New("harness organisations, projects and latency must be zero or more")
	}
	if err := st.prepareDir(opts.Dir); err != nil {
		return nil, err
	}
	srv, err := st.boot(opts)
	if err != nil {
		_ = st.close()
		return nil, err
	}
	return srv, nil
}

// prepareDir makes the working directory, or a temporary one.
func (st *state) prepareDir(dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "bbemu-")
		if err != nil {
			return fmt.Errorf("create a temporary working dir: %w", err)
		}
		st.dir, st.ownDir = d, true
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("working dir %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("create working dir %q: %w", abs, err)
	}
	st.dir = abs
	return nil
}

// boot creates files and listeners and starts serving.
func (st *state) boot(opts Options) (*Server, error) {
	tools, err := findGit()
	if err != nil {
		return nil, err
	}
	st.git = tools
	var (
		ca              *authority
		keys            *sshKeys
		cloudRepo, dcRp repoHeads
	)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	wg.Go(func() { ca, errs[0] = loadOrCreateCA(st.dir, certClock(opts, st.now)) })
	wg.Go(func() { keys, errs[1] = loadOrCreateSSHKeys(filepath.Join(st.dir, "ssh")) })
	wg.Go(func() { cloudRepo, dcRp, errs[2] = st.createRepos() })
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	st.hostSigner, st.altHostSigner = keys.host, keys.altHost
	for _, k := range keys.registered {
		st.keys[string(k.Marshal())] = true
	}

	lns := make([]net.Listener, 7)
	for i := range lns {
		ln, err := listenLoopback()
		if err != nil {
			closeAll(lns)
			return nil, err
		}
		lns[i] = ln
	}
	refused, err := freePort()
	if err != nil {
		closeAll(lns)
		return nil, err
	}
	st.cloudURL = "https://" + lns[0].Addr().String()
	st.apiURL = "https://" + lns[1].Addr().String()
	st.dcURL = "https://" + lns[2].Addr().String() + st.dcContext
	mismatchURL := "https://" + lns[3].Addr().String()
	st.sshAddr = lns[4].Addr().String()

	st.demo = newDemo(st.now(), keys)
	st.creds = st.demo.credentials(st.now())
	st.cat = newCatalog(st.demo, opts.ExtraRepos, cloudRepo, dcRp)
	if st.harness, err = st.newHarness(opts, ca.cert); err != nil {
		closeAll(lns)
		return nil, err
	}

	knownHosts := filepath.Join(st.dir, "known_hosts")
	if err := writeFileAtomic(knownHosts, knownHostsLines(st.sshAddr, keys.host.PublicKey()), 0o600); err != nil {
		closeAll(lns)
		return nil, err
	}
	serverCert, err := ca.issue(append([]string{"localhost"}, opts.Hosts...), []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback})
	if err != nil {
		closeAll(lns)
		return nil, err
	}
	wrongCert, err := ca.issue([]string{"wrong-host.example"}, nil)
	if err != nil {
		closeAll(lns)
		return nil, err
	}
	cloudAPI := st.cloudAPIHandler()
	handlers := []struct {
		name string
		h    http.Handler
		cert tls.Certificate
	}{
		{"cloud", st.cloudGitHandler(), serverCert},
		{"api", cloudAPI, serverCert},
		{"dc", st.dcHandler(), serverCert},
		{"mismatch", cloudAPI, wrongCert},
	}
	for i, hd := range handlers {
		st.serveHTTP(lns[i], st.wrap(hd.name, hd.h), hd.cert)
	}
	st.sshLn = lns[4]
	st.wg.Add(1)
	go st.serveSSH(lns[4])
	harness := st.harnessWrap(st.harnessHandler())
	st.servePlain(lns[5], harness)
	st.serveHTTP(lns[6], harness, serverCert)

	return &Server{
		CloudURL:       st.cloudURL,
		CloudAPIURL:    st.apiURL,
		DCURL:          st.dcURL,
		SSHAddr:        st.sshAddr,
		MismatchURL:    mismatchURL,
		RefusedAddr:    refused,
		CAFile:         ca.file,
		KnownHostsFile: knownHosts,
		HostKey:        keys.host.PublicKey(),
		Demo:           st.demo,
		HarnessURL:     "http://" + lns[5].Addr().String() + "/gateway",
		HarnessTLSURL:  "https://" + lns[6].Addr().String() + "/gateway",
		Harness:        st.harness.demo,
		st:             st,
	}, nil
}

func (st *state) serveHTTP(ln net.Listener, h http.Handler, cert tls.Certificate) {
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	st.servers = append(st.servers, srv)
	st.wg.Add(1)
	go func() {
		defer st.wg.Done()
		_ = srv.ServeTLS(ln, "", "")
	}()
}

// servePlain serves h over plain HTTP (the Harness stand-in: a loopback
// client may use http).
func (st *state) servePlain(ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	st.servers = append(st.servers, srv)
	st.wg.Add(1)
	go func() {
		defer st.wg.Done()
		_ = srv.Serve(ln)
	}()
}

func (st *state) close() error {
	st.closeOnce.Do(func() {
		close(st.closing)
		var errs []error
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, srv := range st.servers {
			if srv.Shutdown(ctx) != nil {
				if err := srv.Close(); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if st.sshLn != nil {
			_ = st.sshLn.Close()
		}
		st.wg.Wait()
		if st.ownDir {
			if err := os.RemoveAll(st.dir); err != nil {
				errs = append(errs, err)
			}
		}
		st.closeErr = errors.Join(errs...)
	})
	return st.closeErr
}

// sleep waits for the current latency, or less when ctx ends or the
// emulator closes. It reports whether the wait ran its course.
func (st *state) sleep(ctx context.Context) bool {
	return st.sleepFor(ctx, time.Duration(st.latency.Load()))
}

// sleepFor waits d, or less when ctx ends or the emulator closes.
func (st *state) sleepFor(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-st.closing:
	}
	return false
}

func (st *state) addKey(pub ssh.PublicKey) {
	if pub == nil {
		return
	}
	st.keysMu.Lock()
	st.keys[string(pub.Marshal())] = true
	st.keysMu.Unlock()
}

func (st *state) keyRegistered(pub ssh.PublicKey) bool {
	st.keysMu.RLock()
	defer st.keysMu.RUnlock()
	return st.keys[string(pub.Marshal())]
}

func closeAll(lns []net.Listener) {
	for _, ln := range lns {
		if ln != nil {
			_ = ln.Close()
		}
	}
}

// listenLoopback listens on a free port of 127.0.0.1.
func listenLoopback() (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	return ln, nil
}

// freePort returns a loopback address nothing listens on right now.
func freePort() (string, error) {
	ln, err := listenLoopback()
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", fmt.Errorf("close probe listener: %w", err)
	}
	return addr, nil
}

// writeFileAtomic writes data to a temp file beside path and renames it.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp, perm)); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
