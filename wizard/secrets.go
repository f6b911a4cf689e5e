package wizard

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Secrets are the secret values of one connector, held in memory only
// while they are typed, tested or stored. They never reach a log, an error
// or an argument list: String and GoString redact them, so a stray %v or
// %#v prints no secret, and Redact removes them from any text.
type Secrets struct {
	Password      string // HTTP password: API token, access token, App Password, DC HTTP access token
	APIToken      string // API access token when not the same as the password
	SSHPassphrase string // passphrase of an encrypted SSH key

	// PasswordExpires and APITokenExpires are not secret: when the two
	// tokens above expire, where known (zero otherwise), for the
	// connection test's credential-age check and the saved metadata.
	PasswordExpires time.Time
	APITokenExpires time.Time
}

// AllSlots lists every secret slot, in order.
var AllSlots = []SecretSlot{SlotPassword, SlotAPIToken, SlotSSHKey}

// Value returns the secret of slot ("" when unknown or empty).
func (s Secrets) Value(slot SecretSlot) string {
	switch slot {
	case SlotPassword:
		return s.Password
	case SlotAPIToken:
		return s.APIToken
	case SlotSSHKey:
		return s.SSHPassphrase
	}
	return ""
}

// Set puts v in slot; an unknown slot is ignored.
func (s *Secrets) Set(slot SecretSlot, v string) {
	switch slot {
	case SlotPassword:
		s.Password = v
	case SlotAPIToken:
		s.APIToken = v
	case SlotSSHKey:
		s.SSHPassphrase = v
	}
}

// Expires returns the expiry of the token in slot (zero when unknown).
func (s Secrets) Expires(slot SecretSlot) time.Time {
	switch slot {
	case SlotPassword:
		return s.PasswordExpires
	case SlotAPIToken:
		return s.APITokenExpires
	}
	return time.Time{}
}

// SetExpires records when the token in slot expires; slots without an
// expiry (the SSH key passphrase) ignore it.
func (s *Secrets) SetExpires(slot SecretSlot, t time.Time) {
	switch slot {
	case SlotPassword:
		s.PasswordExpires = t
	case SlotAPIToken:
		s.APITokenExpires = t
	}
}

// Only keeps the secrets of slots, with their expiry, and drops the others.
func (s Secrets) Only(slots ...SecretSlot) Secrets {
	var out Secrets
	for _, slot := range slots {
		out.Set(slot, s.Value(slot))
		out.SetExpires(slot, s.Expires(slot))
	}
	return out
}

// Redact returns text with every secret value of s replaced by
// "[redacted]" (see Redact).
func (s Secrets) Redact(text string) string {
	return Redact(text, s.Password, s.APIToken, s.SSHPassphrase)
}

// RedactErr is err's text with every secret value of s replaced (see
// Redact), or "" for a nil error.
func (s Secrets) RedactErr(err error) string {
	if err == nil {
		return ""
	}
	return s.Redact(err.Error())
}

// MinRedactLen is the shortest value Redact removes. Shorter values are no
// real token, and replacing every "a" or "12" in a text would garble it.
const MinRedactLen = 4

// Redacted is what a secret value is replaced with.
const Redacted = "[redacted]"

// Redact returns text with every value at least MinRedactLen long
// replaced by "[redacted]". It is the one redactor: every text that may
// hold a secret (test results, keychain and rotation errors) goes through
// it before it is shown or kept.
func Redact(text string, values ...string) string {
	for _, v := range values {
		if len(v) >= MinRedactLen {
			text = strings.ReplaceAll(text, v, Redacted)
		}
	}
	return text
}

// String redacts every value; an empty one shows as "".
func (s Secrets) String() string {
	return "Secrets{Password:" + redactValue(s.Password) + ", APIToken:" + redactValue(s.APIToken) +
		", SSHPassphrase:" + redactValue(s.SSHPassphrase) + "}"
}

// GoString redacts every value, for %#v.
func (s Secrets) GoString() string { return s.String() }

func redactValue(v string) string {
	if v == "" {
		return `""`
	}
	return Redacted
}

// UnreadableSecret is the one diagnosis, for the CLI and the wizard alike,
// of a stored secret the keychain cannot give back (its item is missing,
// or the keychain is locked or down): what is wrong, and the fix. err is
// the keychain's error; one that offers ways to get a keychain (a Help
// method) says the keychain itself cannot be used, and storing the secret
// again would not help.
func UnreadableSecret(id string, slot SecretSlot, err error) Problem {
	p := Problem{
		Field: Field(slot),
		Msg:   fmt.Sprintf("the %s of %s cannot be read from the keychain: %v", slot, id, err),
		Fix:   fmt.Sprintf("store it again: bbconnect rotate %s --slot %s", id, slot),
	}
	var down interface{ Help() []string }
	if errors.As(err, &down) {
		p.Fix = "unlock or start your keychain, then retry"
	}
	return p
}
