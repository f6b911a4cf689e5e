package tui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// Pages of the Credentials form.
const (
	credMigrate  = iota // the App Password migration's plan (rotation)
	credKind            // password kind (HTTP)
	credScopes          // scopes checklist (Cloud API token)
	credUserPass        // username and password (HTTP)
	credAccessTk        // x-token-auth and password (Cloud access token)
	credExpiry          // when the API token expires (HTTP API token)
	credKeySrc          // existing key or a new one (SSH)
	credKeyPath         // existing key path (SSH)
	credKeyPass         // passphrase of an encrypted key (SSH)
	credKeygen          // the ssh-keygen command (SSH)
	credPubKey          // the public key and where to add it (SSH)
)

// newCredentialsForm builds the Credentials step. HTTP: the password kind
// (App Passwords listed, disabled with the reason and date once removed),
// the scopes an API token needs, the username (locked to x-token-auth for
// access tokens) and the token. SSH: an existing PEM RSA key, checked on
// the spot, or the ssh-keygen command to make one, run on request; then the
// public key and where to add it.
func newCredentialsForm(st *state) *stepForm {
	now := st.now()
	isHTTP := func() bool { return st.c.Connection == wizard.HTTP }
	isAccessToken := func() bool { return st.c.Edition == wizard.Cloud && st.c.PasswordKind == wizard.AccessToken }

	kind := huh.NewSelect[wizard.PasswordKind]().
		Key(string(wizard.FieldPasswordKind)).
		Title("Password kind").
		Options(huhOptions(wizard.PasswordKindOptions(st.c.Edition, now))...).
		Value(&st.c.PasswordKind).
		Validate(lenient(st, func(k wizard.PasswordKind) error { return wizard.ValidatePasswordKind(st.c.Edition, k, now) }))

	scopes, scopesLayout := scopesField(st, "Scopes to give the API token")

	username := about(huh.NewInput(), wizard.FieldUsername).
		Title("Username").
		Value(&st.c.Username).
		Validate(keep(st, &st.c.Username, func(u string) error { return wizard.ValidateUsername(st.c.Edition, st.c.PasswordKind, u) }))
	lockedUser := huh.NewNote().
		Title("Username: " + wizard.AccessTokenUsername).
		Description("Access tokens always use the username " + wizard.AccessTokenUsername + "; it is set for you.")

	spec := &stepForm{layout: scopesLayout}
	pw := tokenSecret(&st.secrets.Password, func() string { return st.c.PasswordKind.Label() })
	pw1, pw2 := spec.addSecret(st, wizard.FieldPassword, pw), spec.addSecret(st, wizard.FieldPassword, pw)
	expiryPage, expiry := passwordExpiryPage(st)
	spec.groups = []formGroup{
		migrationPage(st),
		page(not(isHTTP), kind),
		page(func() bool { return !isHTTP() || st.c.Edition != wizard.Cloud || st.c.PasswordKind != wizard.APIToken }, scopes),
		page(func() bool { return !isHTTP() || isAccessToken() }, username, pw1),
		page(func() bool { return !isHTTP() || !isAccessToken() }, lockedUser, pw2),
		expiryPage,
	}
	sshGroups, pub, sshRefresh, sshNotes := sshPages(spec, st)
	spec.notes = map[huh.Field]func() string{
		kind:       optionNotes(wizard.PasswordKindOptions(st.c.Edition, now)),
		lockedUser: func() string { return "Access tokens always use the username " + wizard.AccessTokenUsername + "." },
		expiry:     func() string { return expiryHelp(st, wizard.SlotPassword) },
	}
	for f, n := range sshNotes {
		spec.notes[f] = n
	}
	spec.refresh = func() {
		kind.Description(optionHelp(wizard.PasswordKindOptions(st.c.Edition, st.now()), st.c.PasswordKind, wizard.FieldPasswordKind))
		pw1.Title(pw.title())
		pw2.Title(pw.title())
		sshRefresh()
	}
	spec.groups = append(spec.groups, sshGroups...)
	spec.finish = func() wizard.Problems {
		if st.c.Connection == wizard.HTTP && st.c.Edition == wizard.Cloud && st.c.PasswordKind == wizard.AccessToken {
			st.c.Username = wizard.AccessTokenUsername
		}
		if st.c.Connection == wizard.SSH && st.keySource == keyGenerate {
			st.c.SSHKeyPath = sshkey.ExpandHomeIn(st.home, st.keygenPath)
		}
		return nil
	}
	spec.done = func() tea.Cmd { return keygenCmd(st) }
	pubKeyPage(spec, st, pub)
	return spec
}

// secretHelp is a secret field's help plus where the secret will go.
func secretHelp(field wizard.Field, d *Deps) string {
	h := wizard.FieldHelp(field)
	if d == nil || d.Secrets == nil {
		h += "\nno keychain is available: it is used for the connection test only and not stored."
	}
	return h
}

// sshPages are the SSH pages of the Credentials form (its passphrase is
// added to spec's secrets), the public key note, their refresh and notes.
func sshPages(spec *stepForm, st *state) ([]formGroup, *huh.Note, func(), map[huh.Field]func() string) {
	isSSH := func() bool { return st.c.Connection == wizard.SSH }
	source := about(huh.NewSelect[string](), wizard.FieldSSHKey).
		Title("SSH key").
		Options(
			huh.NewOption("Use an existing PEM RSA key file", keyExisting),
			huh.NewOption("Make a new key with ssh-keygen", keyGenerate),
		).
		Value(&st.keySource)
	path := huh.NewInput().
		Key(string(wizard.FieldSSHKey)).
		Title("Private key file").
		Placeholder(placeholder("e.g. ~/.ssh/id_rsa")).
		Value(&st.c.SSHKeyPath).
		Validate(keep(st, &st.c.SSHKeyPath, func(p string) error { return checkKey(st, p) }))
	passphrase := spec.addSecret(st, wizard.FieldSSHPassphrase, secretInput{
		value: &st.secrets.SSHPassphrase,
		title: func() string { return "Key passphrase" },
		check: func(string) error { return nil },
	})
	if st.keygenPath == "" {
		st.keygenPath = tildeHome(st.home, sshkey.DefaultKeyPath(st.home, st.effectiveID()))
	}
	genPath := huh.NewInput().
		Key(string(wizard.FieldSSHKey)).
		Title("Where to save the new key").
		Value(&st.keygenPath)
	run := huh.NewConfirm().
		Title("Run ssh-keygen now?").
		Description("No: run the command yourself in another terminal, then choose the key file.").
		Affirmative("Run it").
		Negative("I'll run it").
		Value(&st.keygenRun)
	pub := huh.NewNote()
	refresh := func() {
		path.Description(keyHelp(st))
		genPath.Description("ssh-keygen will run:\n" + keygenCommand(st) +
			"\nIt asks for a passphrase itself (leave it empty for none).")
		// Note titles are shown as written (descriptions read _ and * as markup).
		pub.Title("Add the public key to Bitbucket\n\n" + pubKeyHelp(st))
	}
	groups := []formGroup{
		page(not(isSSH), source),
		page(func() bool { return !isSSH() || st.keySource != keyExisting }, path),
		page(func() bool { return !isSSH() || st.keySource != keyExisting || !st.keyInfo.Encrypted }, passphrase),
		page(func() bool { return !isSSH() || st.keySource != keyGenerate }, genPath, run),
		page(func() bool { return !isSSH() || st.keySource != keyExisting || st.keyInfo.AuthorizedKey == "" }, pub),
	}
	notes := map[huh.Field]func() string{
		genPath: func() string { return "ssh-keygen will run: " + keygenCommand(st) },
	}
	return groups, pub, refresh, notes
}

// checkKey inspects the key file on the spot: PEM RSA is accepted, anything
// else is refused with what to do (for OpenSSH keys, the conversion command).
func checkKey(st *state, p string) error {
	st.keyInfo = sshkey.Info{}
	if strings.TrimSpace(p) == "" {
		return errors.New("give the path of your private key file, or go back and choose to make a new key")
	}
	full := sshkey.ExpandHomeIn(st.home, p)
	info, err := sshkey.Inspect(full)
	if err != nil {
		var kerr *sshkey.Error
		if errors.As(err, &kerr) {
			return homeShort(st.home, full, kerr)
		}
		return fmt.Errorf("cannot read %s: check the path", p)
	}
	st.keyInfo = info
	return nil
}

// keyHelp checks the key file as its path is typed and says what it is.
func keyHelp(st *state) string {
	if strings.TrimSpace(st.c.SSHKeyPath) == "" {
		return wizard.FieldHelp(wizard.FieldSSHKey)
	}
	if st.keyChecked != st.c.SSHKeyPath {
		st.keyChecked, st.keyErr = st.c.SSHKeyPath, checkKey(st, st.c.SSHKeyPath)
	}
	if st.keyErr != nil {
		return "✗ " + st.keyErr.Error()
	}
	s := fmt.Sprintf("✓ pem rsa key, %d bits, %s", st.keyInfo.Bits, st.keyInfo.Fingerprint)
	if st.keyInfo.Encrypted {
		s += " (has a passphrase)"
	}
	return s
}

func pubKeyHelp(st *state) string {
	where := sshkey.WhereToAdd(st.c.Edition == wizard.Cloud, st.c.ServerBase())
	pub := tildeHome(st.home, sshkey.ExpandHomeIn(st.home, st.c.SSHKeyPath)) + ".pub"
	if st.accessible {
		return st.keyInfo.AuthorizedKey + "\n\n" + where + "\n(the same line is in " + pub + " when that file exists)"
	}
	// The key itself is shown below the form (pubkey.go), where copying
	// it picks up no focus bar.
	return where + "\nthe public key (below) goes there; it is also in " + pub + " when that file exists"
}

// keygenCommand is the ssh-keygen command of a new key, its path under
// the home folder shown as ~/… (the shell expands it).
func keygenCommand(st *state) string {
	return sshkey.KeygenCommand(keyLabel(st), tildeHome(st.home, sshkey.ExpandHomeIn(st.home, st.keygenPath)))
}

// homeShort shows the key's path in kerr as ~/… when it is under home
// and needs no quoting in the commands it offers.
func homeShort(home, full string, kerr *sshkey.Error) *sshkey.Error {
	short := tildeHome(home, full)
	if short == full || strings.IndexFunc(full, func(r rune) bool { return !unquoted(r) }) >= 0 {
		return kerr
	}
	e := *kerr
	e.Msg, e.Fix = strings.ReplaceAll(e.Msg, full, short), strings.ReplaceAll(e.Fix, full, short)
	return &e
}

// unquoted reports whether r may stand in a shell word without quotes.
func unquoted(r rune) bool {
	return strings.ContainsRune("/._-+@", r) || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// keyLabel is the comment of a new key: the connector's Id.
func keyLabel(st *state) string { return "bbconnect-" + st.effectiveID() }

// keygenCmd runs ssh-keygen in the terminal when the user asked for it.
// ssh-keygen asks its own passphrase question there.
func keygenCmd(st *state) tea.Cmd {
	if st.c.Connection != wizard.SSH || st.keySource != keyGenerate {
		return nil
	}
	path := sshkey.ExpandHomeIn(st.home, st.keygenPath)
	if !st.keygenRun {
		st.keySource, st.c.SSHKeyPath = keyExisting, path
		return func() tea.Msg { return keygenDoneMsg{path: path} }
	}
	cmd, err := sshkey.KeygenCmd(context.Background(), keyLabel(st), path)
	if err != nil {
		return func() tea.Msg { return keygenDoneMsg{path: path, err: err} }
	}
	return tea.ExecProcess(cmd, func(err error) tea.Msg { return keygenDoneMsg{path: path, err: err} })
}

// tildeHome shows a path under home as ~/…, so that screens fit and
// screenshots do not show where the home folder is.
func tildeHome(home, p string) string {
	if home == "" || p == "" || strings.TrimSpace(p) != p {
		return p
	}
	home = filepath.Clean(home)
	if home == string(filepath.Separator) {
		return p
	}
	rel, err := filepath.Rel(home, p)
	if err != nil || !filepath.IsAbs(p) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return p
	}
	if rel == "." {
		return "~"
	}
	return "~/" + filepath.ToSlash(rel)
}

func not(f func() bool) func() bool { return func() bool { return !f() } }
