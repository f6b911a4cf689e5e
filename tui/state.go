package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// SSH key sources offered on the Credentials step.
const (
	keyExisting = "existing"
	keyGenerate = "generate"
)

// state is everything the user has typed so far. The step forms bind their
// fields to it, so going back and forth never loses input. Secrets live in
// secrets only, and String never prints them.
type state struct {
	c       wizard.Connector
	secrets Secrets
	// loaded are the secrets read from the keychain for an edit or a
	// test, to tell which tokens were replaced.
	loaded Secrets
	// exp are the token expiry questions; rot a rotation's migration.
	exp tokenExpiries
	rot rotationState

	// unreadable are the stored secrets the keychain did not give back
	// (loadSecrets), each with its diagnosis.
	unreadable wizard.Problems

	// idLocked is set for a connector that was saved before: its Id is fixed.
	idLocked bool
	// stored is set for a connector loaded from its saved profile (picker
	// edit or test): a token it replaces goes through the Rotator.
	stored bool
	// tagsText, delegatesText are the raw texts of list fields.
	tagsText      string
	delegatesText string
	// apiOn is the API access switch; c.APIAccess holds the method.
	apiOn     bool
	apiMethod wizard.APIAccessKind
	// keySource is keyExisting or keyGenerate; runKeygen asks to run ssh-keygen.
	keySource string
	// sameAsked is set once "use the token you typed in Credentials?"
	// got its default (see defaultSameToken).
	sameAsked  bool
	keygenRun  bool
	keygenPath string
	keyInfo    sshkey.Info
	keyChecked string
	keyErr     error
	// scopesTicked are the scopes ticked while creating the token.
	scopesTicked []string
	// pasteNotes says what a pasted URL (pasteRaw) filled in.
	pasteNotes []string
	pasteRaw   string
	// pasteURL is the URL as the paste left it: once the field differs,
	// the notes are dropped.
	pasteURL string

	// back is set while shift+tab moves the focus back: fields do not
	// validate then.
	back bool

	// accessible is set when the wizard asks line by line.
	accessible bool
	// lastTest is the saved connector's last test, in the picker's words
	// ("" when none or a new connector).
	lastTest string
	// hostKey is the SSH host key the user trusted on the test screen (this run only).
	hostKey trustedHostKey

	now  func() time.Time
	home string
	d    *Deps
}

func (st *state) deps() *Deps { return st.d }

func newState(initial *wizard.Connector, d *Deps) *state {
	st := &state{now: d.now, home: d.Home, d: d, keySource: keyExisting, keygenRun: true}
	if initial == nil {
		st.c = wizard.NewConnector()
	} else {
		st.c = *initial
		st.idLocked = initial.ID != ""
	}
	st.tagsText = wizard.FormatTags(st.c.Tags)
	st.delegatesText = strings.Join(st.c.DelegateSelectors, ", ")
	st.apiOn = st.c.APIAccess != "" && st.c.APIAccess != wizard.APINone
	st.apiMethod = st.c.APIAccess
	if !st.apiOn {
		st.apiMethod = wizard.Recommended(wizard.APIAccessOptions(st.c.Edition, st.now()))
	}
	if st.c.Connection == "" {
		st.c.Connection = wizard.HTTP
	}
	if st.c.PasswordKind == "" {
		st.c.PasswordKind = wizard.Recommended(wizard.PasswordKindOptions(st.c.Edition, st.now()))
	}
	return st
}

// connector returns the settings as they will be saved: the Id derived
// when not typed, list fields parsed, API access from its switch.
func (st *state) connector() wizard.Connector {
	c := st.c
	if st.apiOn {
		c.APIAccess = st.apiMethod
	} else {
		c.APIAccess = wizard.APINone
		c.APIEmail, c.APIUsername, c.APITokenSameAsPassword = "", "", false
	}
	if c.Connectivity != wizard.ViaDelegate {
		c.DelegateSelectors = nil
	}
	return c.WithDefaults()
}

// effectiveID is the Id the connector will be saved under.
func (st *state) effectiveID() string {
	if st.c.ID != "" {
		return st.c.ID
	}
	return wizard.DeriveID(st.c.Name)
}

// secretsFor returns only the secrets the connector needs.
func (st *state) secretsFor(c wizard.Connector) Secrets {
	s := st.secrets.Only(c.StoredSlots(true)...)
	s.PasswordExpires, s.APITokenExpires = time.Time{}, time.Time{}
	if s.Password != "" {
		s.PasswordExpires = st.tokenExpiry(c, wizard.SlotPassword)
	}
	if s.APIToken != "" {
		s.APITokenExpires = st.tokenExpiry(c, wizard.SlotAPIToken)
	}
	return s
}

// String describes the state without any secret value.
func (st *state) String() string {
	c := st.connector()
	return fmt.Sprintf("state{id:%s name:%q edition:%s url:%q secrets:%s}", c.ID, c.Name, c.Edition, c.URL, st.secrets)
}

// unreadableCheck is the failed keychain check of a stored connector whose
// secret the keychain did not give back and that none was typed for since.
func (st *state) unreadableCheck() (conntest.Check, bool) {
	for _, p := range st.unreadable {
		if st.secrets.Value(wizard.SecretSlot(p.Field)) == "" {
			return conntest.Check{Name: "keychain", Status: conntest.Fail, Diagnosis: p.Msg, Fix: p.Fix}, true
		}
	}
	return conntest.Check{}, false
}
