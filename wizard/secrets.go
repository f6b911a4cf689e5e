package wizard

// Secrets are the secret values of one connector, held in memory only
// while they are typed, tested or stored. They never reach a log, an error
// or an argument list: String and GoString redact them, so a stray %v or
// %#v prints no secret.
type Secrets struct {
	Password      string // HTTP password: API token, access token, App Password, DC HTTP access token
	APIToken      string // API access token when not the same as the password
	SSHPassphrase string // passphrase of an encrypted SSH key
}

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

// Values lists the three values (some may be empty), for redacting texts.
func (s Secrets) Values() []string { return []string{s.Password, s.APIToken, s.SSHPassphrase} }

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
	return "[redacted]"
}
