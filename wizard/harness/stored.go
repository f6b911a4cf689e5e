package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// Stored is a saved connector to push: its settings, the Harness
// identifier it is linked to, and where its stored values are read. The
// CLI's push and the wizard's both push through it.
type Stored struct {
	Connector wizard.Connector
	// Identifier is the Harness identifier when it is not the local Id
	// (an import with --id); "" pushes under the local Id.
	Identifier string
	// PassphraseStored says the SSH key's passphrase is in the keychain.
	PassphraseStored bool
	// Secret reads a stored secret of the connector (the keychain).
	Secret func(ctx context.Context, slot wizard.SecretSlot) (string, error)
	// ReadFile reads the SSH key file (nil: os.ReadFile).
	ReadFile func(path string) ([]byte, error)
}

// Harness is the connector as Harness knows it: under the identifier it
// is linked to.
func (s Stored) Harness() wizard.Connector {
	c := s.Connector
	if s.Identifier != "" {
		c.ID = s.Identifier
	}
	return c
}

// Input is the push of s with its values read from the keychain and, for
// SSH, the key file; a dry run reads none. An error says which value
// could not be read and how to store it, wrapping the keychain's error
// (which may list ways to get a working keychain).
func (s Stored) Input(ctx context.Context, dryRun bool) (PushInput, error) {
	in := PushInput{Connector: s.Harness(), DryRun: dryRun, SSHPassphraseStored: s.PassphraseStored}
	if dryRun {
		return in, nil
	}
	c := s.Connector
	for _, slot := range c.SecretSlots() {
		v, err := s.Secret(ctx, slot)
		if err != nil {
			return in, fmt.Errorf("cannot read the %s of %s from the keychain (store it with bbconnect rotate %s): %w", slot, c.ID, c.ID, err)
		}
		in.Secrets.Set(slot, v)
	}
	if c.Connection != wizard.SSH {
		return in, nil
	}
	if s.PassphraseStored {
		v, err := s.Secret(ctx, wizard.SlotSSHKey)
		if err != nil {
			return in, fmt.Errorf("cannot read the ssh key passphrase of %s from the keychain: %w", c.ID, err)
		}
		in.Secrets.SSHPassphrase = v
	}
	if strings.TrimSpace(c.SSHKeyPath) == "" {
		return in, fmt.Errorf("connector %s has no ssh key file: give it with bbconnect setup --edit, then push again", c.ID)
	}
	read := s.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	pem, err := read(sshkey.ExpandHome(c.SSHKeyPath))
	if err != nil {
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		return in, fmt.Errorf("cannot read the ssh key %s: %w", c.SSHKeyPath, err)
	}
	in.SSHKeyPEM = pem
	return in, nil
}
