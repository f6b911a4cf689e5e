package profile

import (
	"fmt"
	"sort"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// ExpiryWarnDays is how close to its expiry a token is flagged.
const ExpiryWarnDays = 30

// Row is one line of `bbconnect list` (and one object of `list --json`):
// the data, already judged at a given time; the CLI only renders it.
type Row struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Edition    wizard.Edition    `json:"edition"`
	URL        string            `json:"url"`
	Connection wizard.Connection `json:"connection"`
	// Auth lists the authentication kinds, e.g. "HTTP: API token",
	// "API: Email and API Token (same token)".
	Auth []string `json:"auth"`

	// Expires is the earliest expiry of the connector's tokens (zero when
	// none has one), ExpiresSlot the slot it belongs to.
	Expires      time.Time         `json:"expires,omitzero"`
	ExpiresSlot  wizard.SecretSlot `json:"expires_slot,omitempty"`
	DaysToExpiry *int              `json:"days_to_expiry,omitempty"`
	Expired      bool              `json:"expired"`
	// ExpiryWarning is set when the earliest expiry is less than
	// ExpiryWarnDays away (and not yet passed).
	ExpiryWarning bool `json:"expiry_warning"`
	// ExpiryText is "in 200 days (2027-05-01)", "expired 2026-05-01" or "no expiry".
	ExpiryText string `json:"expiry_text"`
	// TokenAgeDays is the age of the oldest stored token (nil without metadata).
	TokenAgeDays *int `json:"token_age_days,omitempty"`

	// AppPassword is set when the connector relies on an App Password;
	// AppPasswordStatus is then wizard.AppPasswordStatus at the time.
	AppPassword       bool   `json:"app_password"`
	AppPasswordStatus string `json:"app_password_status,omitempty"`

	LastTest *TestResult `json:"last_test,omitempty"`
	// LastTestText is "never", "passed 2026-05-01" or "failed 2026-05-01: <summary>".
	LastTestText string `json:"last_test_text"`

	// Attention lists, most urgent first, what the user should do.
	Attention []string `json:"attention,omitempty"`
}

// Status judges p at now for `list`.
func (p Profile) Status(now time.Time) Row {
	c := p.Connector
	r := Row{
		ID:         c.ID,
		Name:       c.Name,
		Edition:    c.Edition,
		URL:        c.URL,
		Connection: c.Connection,
		Auth:       AuthKinds(c),
		LastTest:   p.LastTest,
	}
	slots := make([]wizard.SecretSlot, 0, len(p.Tokens))
	for s := range p.Tokens {
		slots = append(slots, s)
	}
	sort.Slice(slots, func(i, j int) bool { return slots[i] < slots[j] })
	for _, s := range slots {
		m := p.Tokens[s]
		if !m.Expires.IsZero() && (r.Expires.IsZero() || m.Expires.Before(r.Expires)) {
			r.Expires, r.ExpiresSlot = m.Expires, s
		}
		if !m.Created.IsZero() {
			age := int(now.Sub(m.Created) / (24 * time.Hour))
			if r.TokenAgeDays == nil || age > *r.TokenAgeDays {
				r.TokenAgeDays = &age
			}
		}
	}
	r.ExpiryText = "no expiry"
	if !r.Expires.IsZero() {
		days := wizard.DaysUntil(now, r.Expires)
		r.DaysToExpiry = &days
		date := r.Expires.Format(time.DateOnly)
		switch {
		case !now.Before(r.Expires):
			r.Expired = true
			r.ExpiryText = "expired " + date
			r.Attention = append(r.Attention, fmt.Sprintf("the %s expired on %s: create a new one and run bbconnect rotate %s", tokenWord(p, r.ExpiresSlot), date, c.ID))
		case days < ExpiryWarnDays:
			r.ExpiryWarning = true
			r.ExpiryText = fmt.Sprintf("in %d %s (%s)", days, plural(days, "day"), date)
			r.Attention = append(r.Attention, fmt.Sprintf("the %s expires in %d %s (%s): create a new one and run bbconnect rotate %s", tokenWord(p, r.ExpiresSlot), days, plural(days, "day"), date, c.ID))
		default:
			r.ExpiryText = fmt.Sprintf("in %d days (%s)", days, date)
		}
	}
	if UsesAppPassword(c) {
		r.AppPassword = true
		r.AppPasswordStatus = wizard.AppPasswordStatus(now)
		r.Attention = append(r.Attention, fmt.Sprintf("uses an app password: run bbconnect rotate %s to move to an api token", c.ID))
	}
	switch {
	case p.LastTest == nil:
		r.LastTestText = "never"
	case p.LastTest.OK:
		r.LastTestText = "passed " + p.LastTest.At.Format(time.DateOnly)
	default:
		r.LastTestText = "failed " + p.LastTest.At.Format(time.DateOnly)
		if p.LastTest.Summary != "" {
			r.LastTestText += ": " + p.LastTest.Summary
		}
		r.Attention = append(r.Attention, fmt.Sprintf("the last test failed: fix it and run bbconnect test %s", c.ID))
	}
	return r
}

// Rows judges every profile at now, in the order given.
func Rows(ps []Profile, now time.Time) []Row {
	rows := make([]Row, len(ps))
	for i, p := range ps {
		rows[i] = p.Status(now)
	}
	return rows
}

// AuthKinds lists how c authenticates, for list and the picker.
func AuthKinds(c wizard.Connector) []string {
	var out []string
	switch c.Connection {
	case wizard.HTTP:
		out = append(out, "HTTP: "+c.PasswordKind.Label())
	case wizard.SSH:
		out = append(out, "SSH key")
	}
	switch c.APIAccess {
	case wizard.APINone, "":
		out = append(out, "API: off")
	default:
		s := "API: " + c.APIAccess.Label()
		if c.Connection == wizard.HTTP && c.APITokenSameAsPassword {
			s += " (same token)"
		}
		out = append(out, s)
	}
	return out
}

func tokenWord(p Profile, slot wizard.SecretSlot) string {
	kind := p.Tokens[slot].Kind
	for _, k := range wizard.PasswordKinds {
		if string(k) == kind {
			return lower(k.Label())
		}
	}
	if slot == wizard.SlotAPIToken {
		return "api token"
	}
	return "token"
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func plural(n int, word string) string {
	if n == 1 || n == -1 {
		return word
	}
	return word + "s"
}
