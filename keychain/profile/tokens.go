package profile

import (
	"fmt"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// KindSSHPassphrase is the TokenMeta kind of an SSH key passphrase.
const KindSSHPassphrase = "ssh-key-passphrase"

// KindOf is the kind of token c keeps in slot: the password kind for the
// HTTP password, the kind of token API access uses for the API token, and
// KindSSHPassphrase for the SSH key.
func KindOf(c wizard.Connector, slot wizard.SecretSlot) string {
	switch slot {
	case wizard.SlotPassword:
		return string(c.PasswordKind)
	case wizard.SlotAPIToken:
		switch c.APIAccess {
		case wizard.APIEmailAPIToken:
			return string(wizard.APIToken)
		case wizard.APIAccessToken:
			if c.Edition == wizard.DataCenter {
				return string(wizard.HTTPAccessToken)
			}
			return string(wizard.AccessToken)
		case wizard.APIUsernameAppPassword:
			return string(wizard.AppPassword)
		}
	case wizard.SlotSSHKey:
		return KindSSHPassphrase
	}
	return ""
}

// ExpiryRequired reports whether tokens of kind must have an expiry date:
// Atlassian API tokens expire within one year, always. The rule lives in
// wizard.TokenExpiryRequired.
func ExpiryRequired(kind string) bool { return wizard.TokenExpiryRequired(wizard.PasswordKind(kind)) }

// DefaultExpiry is the expiry offered for a new API token: one year from
// now (wizard.DefaultTokenExpiry).
func DefaultExpiry(now time.Time) time.Time { return wizard.DefaultTokenExpiry(now) }

// ValidateExpiry checks a token's expiry: never before it was created, and
// for API tokens present and at most one year after creation. A zero
// expires is fine for kinds that need none. The rule lives in
// wizard.ValidateTokenExpiry.
func ValidateExpiry(kind string, created, expires time.Time) error {
	return wizard.ValidateTokenExpiry(wizard.PasswordKind(kind), created, expires)
}

// NewTokenMeta makes the metadata of a token stored at now. A zero expires
// becomes DefaultExpiry(now) for API tokens; the result is validated.
func NewTokenMeta(kind string, now, expires time.Time) (TokenMeta, error) {
	if expires.IsZero() && ExpiryRequired(kind) {
		expires = DefaultExpiry(now)
	}
	if err := ValidateExpiry(kind, now, expires); err != nil {
		return TokenMeta{}, err
	}
	return TokenMeta{Kind: kind, Created: now.UTC(), Expires: expires.UTC()}, nil
}

// TokensFor makes the metadata of every secret c needs (c.SecretSlots),
// all stored at now. expires gives each slot's expiry; a slot not in it
// gets the default (one year for API tokens, none otherwise).
func TokensFor(c wizard.Connector, now time.Time, expires map[wizard.SecretSlot]time.Time) (map[wizard.SecretSlot]TokenMeta, error) {
	out := make(map[wizard.SecretSlot]TokenMeta)
	for _, slot := range c.SecretSlots() {
		m, err := NewTokenMeta(KindOf(c, slot), now, expires[slot])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", slot, err)
		}
		out[slot] = m
	}
	return out, nil
}

// UsesAppPassword reports whether c relies on an App Password, for its HTTP
// password or its API access. Such a connector is flagged by list and the
// wizard's picker and offered the migration (package rotate).
func UsesAppPassword(c wizard.Connector) bool {
	return (c.Connection == wizard.HTTP && c.PasswordKind == wizard.AppPassword) || c.APIAccess == wizard.APIUsernameAppPassword
}
