package emu

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshKeys are the SSH host keys and the demo client keys.
type sshKeys struct {
	host, altHost ssh.Signer
	registered    []ssh.PublicKey
	demoPath      string // PEM RSA, registered
	unregPath     string // PEM RSA, not registered
	opensshPath   string // OpenSSH-format ed25519, registered
}

// rsaBits is the size of the demo RSA keys: enough for a real handshake,
// small enough to generate quickly.
const rsaBits = 2048

// loadOrCreateSSHKeys reads or makes, in dir, the persistent ed25519 host
// key and the demo client keys. The alternative host key (for the
// host-key-changed fault) is new on every start.
func loadOrCreateSSHKeys(dir string) (*sshKeys, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create ssh dir: %w", err)
	}
	k := &sshKeys{
		demoPath:    filepath.Join(dir, "demo_rsa"),
		unregPath:   filepath.Join(dir, "unregistered_rsa"),
		opensshPath: filepath.Join(dir, "demo_ed25519"),
	}
	var (
		wg      sync.WaitGroup
		errs    = make([]error, 5)
		signers = make([]ssh.Signer, 5)
	)
	jobs := []func() (ssh.Signer, error){
		func() (ssh.Signer, error) {
			return loadOrCreateKey(filepath.Join(dir, "ssh_host_ed25519_key"), newEd25519OpenSSH)
		},
		func() (ssh.Signer, error) { return newSigner(newEd25519OpenSSH) },
		func() (ssh.Signer, error) { return loadOrCreateKey(k.demoPath, cachedRSA("demo")) },
		func() (ssh.Signer, error) { return loadOrCreateKey(k.unregPath, cachedRSA("unregistered")) },
		func() (ssh.Signer, error) { return loadOrCreateKey(k.opensshPath, newEd25519OpenSSH) },
	}
	for i, job := range jobs {
		wg.Go(func() { signers[i], errs[i] = job() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	k.host, k.altHost = signers[0], signers[1]
	k.registered = []ssh.PublicKey{signers[2].PublicKey(), signers[4].PublicKey()}
	return k, nil
}

// keyMaker returns a new private key as PEM.
type keyMaker func() ([]byte, error)

func newRSAPEM() ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return nil, fmt.Errorf("generate rsa key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), nil
}

// rsaCache keeps the demo RSA keys generated in this process, so
// emulators started on fresh dirs (tests) pay for RSA generation once.
var rsaCache sync.Map // role -> PEM []byte

func cachedRSA(role string) keyMaker {
	return func() ([]byte, error) {
		if v, ok := rsaCache.Load(role); ok {
			return v.([]byte), nil
		}
		b, err := newRSAPEM()
		if err != nil {
			return nil, err
		}
		v, _ := rsaCache.LoadOrStore(role, b)
		return v.([]byte), nil
	}
}

func newEd25519OpenSSH() ([]byte, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate ed25519 key: %w", err)
	}
	return marshalOpenSSH(key)
}

func marshalOpenSSH(key crypto.PrivateKey) ([]byte, error) {
	blk, err := ssh.MarshalPrivateKey(key, "bbemu")
	if err != nil {
		return nil, fmt.Errorf("encode ssh key: %w", err)
	}
	return pem.EncodeToMemory(blk), nil
}

func newSigner(mk keyMaker) (ssh.Signer, error) {
	data, err := mk()
	if err != nil {
		return nil, err
	}
	return ssh.ParsePrivateKey(data)
}

// loadOrCreateKey reads a private key file, or writes a new one (0600)
// with its ".pub" beside it.
func loadOrCreateKey(path string, mk keyMaker) (ssh.Signer, error) {
	if data, err := os.ReadFile(path); err == nil {
		if s, err := ssh.ParsePrivateKey(data); err == nil {
			return s, nil
		}
	}
	data, err := mk()
	if err != nil {
		return nil, err
	}
	s, err := ssh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("parse new key: %w", err)
	}
	if err := writeFileAtomic(path, data, 0o600); err != nil {
		return nil, err
	}
	pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey()))) + " bbemu-demo\n"
	if err := writeFileAtomic(path+".pub", []byte(pub), 0o644); err != nil {
		return nil, err
	}
	return s, nil
}

// knownHostsLines is the known_hosts content for the SSH listener at addr.
func knownHostsLines(addr string, key ssh.PublicKey) []byte {
	_, port, _ := strings.Cut(addr, ":")
	lines := knownhosts.Line([]string{addr}, key) + "\n" +
		knownhosts.Line([]string{"localhost:" + port}, key) + "\n"
	return []byte(lines)
}
