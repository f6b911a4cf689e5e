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
