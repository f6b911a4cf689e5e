package conntest

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/bbconnect/bbconnect/wizard"
)

// bitbucketHostKeys are Atlassian's published bitbucket.org host keys
// (https://bitbucket.org/site/ssh; RSA rotated 2023-06-20).
var bitbucketHostKeys = []string{
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIazEu89wgQZ4bqs3d63QSMzYVa0MuJ2e2gKTKqu+UUO",
	"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPIQmuzMBuKdWeF4+a2sjSSpBK0iqitSQ+5BM9KhpexuGt20JpTVM7u5BDZngncgrqDMbWdxMWWOGtZ9UgbqgZE=",
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDQeJzhupRu0u0cdegZIa8e86EG2qOCsIsD1Xw0xSeiPDlCr7kq97NLmMbpKTX6Esc30NuoqEEHCuc7yWtwp8dI76EEEB1VqY9QJq6vk+aySyboD5QF61I/1WeTwu+deCbgKMGbUijeXhtfbxSxm6JwGrXrhBdofTsbKRUsrN1WoNgUa8uqN1Vx6WAJw1JHPhglEGGHea6QICwJOAr/6mrui/oB7pkaWKHj3z7d1IC4KWLtY47elvjbaTlkN04Kc/5LFEirorGYVbt15kAUlqGM65pk6ZBxtaO3+30LVlORZkxOh+LKL/BvbZ/iRNhItLqNyieoQj/uh/7Iv4uyH/cV/0b4WDSd3DptigWq84lJubb9t/DnZlrJazxyDCulTmKdOR7vs9gMTo+uoIrPSb8ScTtvw65+odKAlBj59dhnVp9zd7QUojOpXlL62Aw56U4oO+FALuevvMjiWeavKhJqlR7i5n9srYcrNV7ttmDw7kf/97P5zauIhxcjX+xHv4M=",
}

// hostKeyError is why a host key was not accepted.
type hostKeyError struct {
	changed bool   // a different key is on record (else: none is)
	got     string // fingerprint of the key presented
	want    string // fingerprint on record, when changed
}

func (h *hostKeyError) Error() string {
	if h.changed {
		return "ssh host key changed"
	}
	return "ssh host key unknown"
}

// hostKeys returns the callback that checks the server's host key for t,
// and the host key algorithms to ask for (those on record, so the server
// does not pick a key type we cannot check).
func (e *env) hostKeys(t sshTarget) (ssh.HostKeyCallback, []string, error) {
	if t.bitbucket {
		known := make(map[string]bool, len(bitbucketHostKeys))
		for _, line := range bitbucketHostKeys {
			k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
			if err != nil {
				return nil, nil, err
			}
			known[ssh.FingerprintSHA256(k)] = true
		}
		cb := func(_ string, _ net.Addr, key ssh.PublicKey) error {
			fp := ssh.FingerprintSHA256(key)
			if known[fp] {
				return nil
			}
			return &hostKeyError{changed: true, got: fp, want: "one of atlassian's published keys"}
		}
		return cb, nil, nil
	}
	var kh ssh.HostKeyCallback
	if f := e.cfg.KnownHostsFile; f != "" {
		if _, err := os.Stat(f); err == nil {
			cb, err := knownhosts.New(f)
			if err != nil {
				return nil, nil, fmt.Errorf("known_hosts file %s cannot be read: %s", f, wizard.OneLine(err.Error(), 100))
			}
			kh = cb
		}
	}
	confirmed := e.cfg.ConfirmedHostKey
	cb := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		fp := ssh.FingerprintSHA256(key)
		var err error = &knownhosts.KeyError{}
		if kh != nil {
			err = kh(hostname, remote, key)
		}
		var ke *knownhosts.KeyError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &ke) && len(ke.Want) == 0:
			if confirmed != "" && confirmed == fp {
				return nil
			}
			return &hostKeyError{got: fp}
		case errors.As(err, &ke):
			return &hostKeyError{changed: true, got: fp, want: ssh.FingerprintSHA256(ke.Want[0].Key)}
		}
		var re *knownhosts.RevokedError
		if errors.As(err, &re) {
			return &hostKeyError{changed: true, got: fp, want: "not this key (it is marked @revoked)"}
		}
		return err
	}
	return cb, knownAlgorithms(kh, t.addr), nil
}

// knownAlgorithms asks the known_hosts callback which key types it has for
// addr, by offering a key it cannot know.
func knownAlgorithms(kh ssh.HostKeyCallback, addr string) []string {
	if kh == nil {
		return nil
	}
	probe, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public())
	if err != nil {
		return nil
	}
	remote := &net.TCPAddr{}
	if host, port, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(host); ip != nil {
			remote.IP = ip
			remote.Port, _ = strconv.Atoi(port)
		}
	}
	var ke *knownhosts.KeyError
	if !errors.As(kh(addr, remote, probe), &ke) {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	for _, k := range ke.Want {
		for _, a := range algorithmsFor(k.Key.Type()) {
			if !seen[a] {
				seen[a] = true
				algos = append(algos, a)
			}
		}
	}
	return algos
}

func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}
