package profile

import (
	"fmt"
	"slices"
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

// UsesAppPassword reports whether c relies on an App Password, for its HTTP
// password or its API access. Such a connector is flagged by list and the
// wizard's picker and offered the migration (package rotate).
func UsesAppPassword(c wizard.Connector) bool {
	return (c.Connection == wizard.HTTP && c.PasswordKind == wizard.AppPassword) || c.APIAccess == wizard.APIUsernameAppPassword
}

// SavedTokens is the token metadata of c after a save over old (nil for
// a new connector). A token typed in this run (fresh) is dated now, with
// its expiry from expires (the default for API tokens when none), and
// marked rotated when it replaced one; the others keep what is known
// about them, with an expiry from expires when the user corrected it
// (checked against when the token was made). A slot whose token kind
// changed holds a new token. The SSH key passphrase slot is kept when
// old has one or it is fresh.
func SavedTokens(c wizard.Connector, old map[wizard.SecretSlot]TokenMeta, fresh []wizard.SecretSlot, expires map[wizard.SecretSlot]time.Time, now time.Time) (map[wizard.SecretSlot]TokenMeta, error) {
	isFresh := map[wizard.SecretSlot]bool{}
	for _, s := range fresh {
		isFresh[s] = true
	}
	_, had := old[wizard.SlotSSHKey]
	slots := c.StoredSlots(had || isFresh[wizard.SlotSSHKey])
	out := make(map[wizard.SecretSlot]TokenMeta, len(slots))
	for _, slot := range slots {
		kind := KindOf(c, slot)
		prev, had := old[slot]
		exp := expires[slot]
		if had && !isFresh[slot] && prev.Kind == kind {
			if !exp.IsZero() && !exp.Equal(prev.Expires) {
				if err := ValidateExpiry(kind, prev.Created, exp); err != nil {
					return nil, fmt.Errorf("%s: %w", slot, err)
				}
				prev.Expires = exp.UTC()
			}
			out[slot] = prev
			continue
		}
		m, err := NewTokenMeta(kind, now, exp)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", slot, err)
		}
		if had {
			m.LastRotated = now.UTC()
		}
		out[slot] = m
	}
	return out, nil
}

// TestExpiries are the token expiry dates a connection test of c checks
// when the caller knows none: the saved ones (saved: the profile's tokens,
// nil for a new connector) where the token kind did not change, else the
// defaults of new tokens (one year for API tokens).
func TestExpiries(c wizard.Connector, saved map[wizard.SecretSlot]TokenMeta, now time.Time) (password, apiToken time.Time) {
	expiry := func(slot wizard.SecretSlot) time.Time {
		if !slices.Contains(c.SecretSlots(), slot) {
			return time.Time{}
		}
		kind := KindOf(c, slot)
		if m, ok := saved[slot]; ok && m.Kind == kind {
			return m.Expires
		}
		m, _ := NewTokenMeta(kind, now, time.Time{})
		return m.Expires
	}
	return expiry(wizard.SlotPassword), expiry(wizard.SlotAPIToken)
}
