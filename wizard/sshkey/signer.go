package sshkey

import (
	"crypto/x509"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// Signer loads the private key at path for the live SSH test. Only keys
// Harness takes are loaded (RSA in PEM format), so the test proves what the
// connector will use; the file mode is not checked here (Inspect does). An
// encrypted key needs its passphrase; passphrase is ignored for a key that
// has none. The caller owns passphrase and may wipe it afterwards.
func Signer(path string, passphrase []byte) (ssh.Signer, error) {
	path = ExpandHome(path)
	data, _, err := readKey(path)
	if err != nil {
		return nil, err
	}
	info, err := inspect(data, path)
	if err != nil {
		return nil, err
	}
	if !info.Encrypted {
		s, err := ssh.ParsePrivateKey(data)
		if err != nil {
			return nil, fmt.Errorf("%s cannot be loaded: choose another key or create a new one", path)
		}
		return s, nil
	}
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("%s is protected by a passphrase: enter it to use the key", path)
	}
	s, err := ssh.ParsePrivateKeyWithPassphrase(data, passphrase)
	switch {
	case errors.Is(err, x509.IncorrectPasswordError):
		return nil, fmt.Errorf("wrong passphrase for %s: try again", path)
	case err != nil:
		return nil, fmt.Errorf("%s cannot be decrypted: check the passphrase, or create a new key", path)
	}
	return s, nil
}

// PublicKeyLine is the authorized_keys line ("ssh-rsa AAAA… comment") of the
// private key at path, to paste into Bitbucket. It takes path.pub when that
// file is there and matches the key, and otherwise derives the line from the
// private key, which for an encrypted key needs passphrase.
func PublicKeyLine(path string, passphrase []byte) (string, error) {
	path = ExpandHome(path)
	data, _, err := readKey(path)
	if err != nil {
		return "", err
	}
	info, err := inspect(data, path)
	if err != nil {
		return "", err
	}
	pub, comment, havePub := readPub(path + ".pub")
	if info.Fingerprint == "" && havePub && len(passphrase) == 0 {
		// An encrypted PEM key shows no public half: trust the .pub beside it.
		return authorizedLine(pub, comment), nil
	}
	if info.Fingerprint == "" {
		s, err := Signer(path, passphrase)
		if err != nil {
			return "", err
		}
		info.Fingerprint = ssh.FingerprintSHA256(s.PublicKey())
		info.AuthorizedKey = authorizedLine(s.PublicKey(), "")
	}
	if havePub && ssh.FingerprintSHA256(pub) == info.Fingerprint {
		return authorizedLine(pub, comment), nil
	}
	return info.AuthorizedKey, nil
}
