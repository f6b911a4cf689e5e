package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// saveNonInteractive is `setup --non-interactive` without --dry-run. The
// order matters: the keychain is probed before any secret is read, the
// test runs before anything is written, and a failed write undoes the
// ones before it.
func saveNonInteractive(ctx context.Context, opts *SetupOptions, c wizard.Connector, format export.Format, now, expires time.Time) error {
	f := opts.Factory
	st, err := f.openProfiles()
	if err != nil {
		return err
	}
	if _, err := st.Load(c.ID); err == nil {
		return failuref("connector %s is already saved; rotate its token with bbconnect rotate %s, or remove it first with bbconnect delete %s", c.ID, c.ID, c.ID)
	} else if !errors.Is(err, profile.ErrNotExist) {
		return failuref("cannot check for a saved connector %s: %v", c.ID, err)
	}
	if other, ok := sameExportName(st, c.ID); ok {
		return failuref("connector %s cannot be saved: %s; give another --id", c.ID, exportClash(c.ID, other))
	}
	data, err := renderExport(c, format, export.Options{})
	if err != nil {
		return err
	}
	exportPath := opts.Output
	if exportPath == "" {
		exportPath = filepath.Join(st.Dir, format.FileName(c.ID))
	}

	kc, err := f.openKeychain(ctx)
	if err != nil {
		return err
	}
	secrets, err := readSetupSecrets(opts, c)
	if err != nil {
		return err
	}
	printWarnings(f.IO, c, now)
	printExportWarnings(f.IO, c, format)
	if secrets.SSHPassphrase != "" {
		// The key is encrypted: the Terraform export carries a passphrase secret.
		if data, err = renderExport(c, format, export.Options{SSHPassphrase: true}); err != nil {
			return err
		}
	}

	var last *TestResult
	if !opts.SkipTest {
		fl := opts.testFlags
		fl.CAFile = c.CAFile
		cfg := f.testConfig(fl, now)
		cfg.TokenExpires = expires
		report, err := runTest(ctx, c, secrets, cfg)
		if err != nil {
			return err
		}
		writeReport(f.IO.ErrOut, report)
		last = &TestResult{At: now, OK: report.OK, Summary: report.Summary()}
		if !report.OK && !opts.SaveFailing {
			return failuref("nothing was saved: the connection test failed; fix what it names and re-run, or add --save-failing to save it anyway")
		}
	} else {
		fmt.Fprintln(f.IO.ErrOut, "– connection test skipped (--skip-test): the connector was not proven to work")
	}

	tokens, err := tokenMetas(c, secrets, now, expires, opts.TokenExpires != "")
	if err != nil {
		return problemsError{wizard.Problems{{Field: wizard.FieldTokenExpires, Msg: err.Error()}}}
	}
	p := Profile{Connector: c, Tokens: tokens, LastTest: last, Created: now, Updated: now}
	items, where, err := writeConnector(ctx, st, kc, p, secrets, exportPath, data, f.IO.Out)
	if err != nil {
		return err
	}
	out := f.IO.Out
	fmt.Fprintf(out, "✓ saved connector %s\n", c.ID)
	fmt.Fprintf(out, "  profile:  %s\n", st.Path(c.ID))
	if len(items) > 0 {
		fmt.Fprintf(out, "  keychain: %s (service bbconnect)\n", strings.Join(items, ", "))
	}
	fmt.Fprintf(out, "  export:   %s\n", where)
	if opts.Push {
		saved, err := st.Load(c.ID)
		if err != nil {
			return failuref("saved, but cannot read it back to push: %v", err)
		}
		return f.push(ctx, st, saved, &pushOptions{Harness: opts.Harness})
	}
	writeNextSteps(out, c, format, where)
	return nil
}

// writeNextSteps says what to do in Harness with what was saved.
func writeNextSteps(out io.Writer, c wizard.Connector, format export.Format, exportPath string) {
	fmt.Fprintln(out, "next, in Harness:")
	if format == export.FormatTerraform {
		fmt.Fprintf(out, "  terraform apply in the folder of %s creates the secrets and the connector; pass the secret values from the keychain first:\n", exportPath)
		fmt.Fprintf(out, "     eval \"$(bbconnect export %s --format terraform --print-env)\"\n", c.ID)
		return
	}
	fmt.Fprintln(out, "  1. create the secrets the export refers to, with the same values as in your keychain:")
	for _, s := range export.Secrets(c) {
		fmt.Fprintf(out, "     - %s (%s): %s\n", s.Ref, s.Kind, s.What)
	}
	fmt.Fprintln(out, "  2. create the connector from the export (paste the YAML)")
}

// writeConnector writes the profile, then the keychain items, then the
// export (see writeOutput). When one fails, the ones written before are
// removed again, so a failed setup leaves nothing behind. It returns the
// keychain items and where the export went.
//
// It holds the connector's writer lock throughout, so no other bbconnect
// process changes the same connector meanwhile.
func writeConnector(ctx context.Context, st profile.Store, kc SecretStore, p Profile, s Secrets, exportPath string, data []byte, stdout io.Writer) (items []string, where string, err error) {
	id := p.Connector.ID
	unlock, err := st.Lock(ctx, id)
	if err != nil {
		return nil, "", failuref("nothing was saved: %v", err)
	}
	defer unlock()
	if _, err := st.Create(p); err != nil {
		if errors.Is(err, profile.ErrExists) {
			return nil, "", failuref("connector %s is already saved; rotate its token with bbconnect rotate %s", id, id)
		}
		return nil, "", failuref("cannot save the profile of %s: %v", id, err)
	}
	undo := func(cause error) error {
		_, kerr := kc.DeleteAll(ctx, id)
		_, perr := st.Delete(id)
		msg := fmt.Sprintf("nothing was saved: %s", s.RedactErr(cause))
		if kerr != nil || perr != nil {
			msg += fmt.Sprintf("\nthe clean-up was incomplete; remove what is left with bbconnect delete %s --yes", id)
		}
		return failuref("%s", msg)
	}
	for _, slot := range p.Connector.StoredSlots(s.SSHPassphrase != "") {
		if err := kc.Set(ctx, id, slot, s.Value(slot)); err != nil {
			return nil, "", undo(fmt.Errorf("cannot store the %s in the keychain: %s", slot, keychain.Explain(err)))
		}
		items = append(items, id+"/"+string(slot))
	}
	if where, err = writeOutput(exportPath, data, stdout); err != nil {
		return nil, "", undo(err)
	}
	return items, where, nil
}

// tokenMetas records the kind and dates of each stored token: the expiry
// given (or the one-year default of API tokens) for every token slot.
func tokenMetas(c wizard.Connector, s Secrets, now, expires time.Time, explicit bool) (map[wizard.SecretSlot]TokenMeta, error) {
	exp := map[wizard.SecretSlot]time.Time{}
	for _, slot := range c.SecretSlots() {
		if explicit || profile.ExpiryRequired(profile.KindOf(c, slot)) {
			exp[slot] = expires
		}
	}
	return profile.SavedTokens(c, nil, c.StoredSlots(s.SSHPassphrase != ""), exp, now)
}

// readSetupSecrets reads the secrets the connector needs and checks the
// SSH key, after the keychain probe.
func readSetupSecrets(opts *SetupOptions, c wizard.Connector) (Secrets, error) {
	f := opts.Factory
	info, ps := checkSSHKey(c)
	needPassphrase := info.Encrypted
	srcs := []secretSource{
		{slot: wizard.SlotPassword, what: "the http password", stdin: opts.PasswordStdin, flag: fieldPasswordStdin, env: EnvPassword, required: c.Connection == wizard.HTTP},
		{slot: wizard.SlotAPIToken, what: "the api token", stdin: opts.APITokenStdin, flag: fieldAPITokenStdin, env: EnvAPIToken, required: c.NeedsSeparateAPIToken()},
		{slot: wizard.SlotSSHKey, what: "the ssh key passphrase", stdin: opts.SSHPassphraseStdin, flag: fieldSSHPassphraseStdin, env: EnvSSHPassphrase, required: needPassphrase},
	}
	ps = append(ps, stdinIsTerminalProblem(f, srcs)...)
	if len(ps) > 0 {
		return Secrets{}, problemsError{ps}
	}
	vals, sps := gatherSecrets(f, srcs)
	if len(sps) > 0 {
		return Secrets{}, problemsError{sps}
	}
	var s Secrets
	for _, slot := range c.StoredSlots(needPassphrase) {
		s.Set(slot, vals[slot])
	}
	return s, nil
}

// checkSSHKey inspects an SSH connector's key file (PEM RSA, private,
// there): a problem on --ssh-key when it is not one Harness takes. Both
// a real run and --dry-run check it.
func checkSSHKey(c wizard.Connector) (sshkey.Info, wizard.Problems) {
	if c.Connection != wizard.SSH {
		return sshkey.Info{}, nil
	}
	info, err := sshkey.Inspect(c.SSHKeyPath)
	if err != nil {
		return sshkey.Info{}, wizard.Problems{{Field: wizard.FieldSSHKey, Msg: err.Error()}}
	}
	return info, nil
}
