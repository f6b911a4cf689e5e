package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/keychain/rotate"
)

// recoverRotations finishes or rolls back the rotations an earlier run
// left unfinished (Ctrl+C, a crash), before any command reads a secret,
// and says what it did. Failing that, it warns and the command goes on:
// the connector still has a working token.
func (f *Factory) recoverRotations(ctx context.Context) {
	st, err := f.openProfiles()
	if err != nil {
		return
	}
	ids := pending(st)
	if len(ids) == 0 {
		return
	}
	kc, err := f.openKeychain(ctx)
	if err != nil {
		fmt.Fprintf(f.IO.ErrOut, "! unfinished rotation of %s: recovered on a run with a working keychain\n", strings.Join(ids, ", "))
		return
	}
	for _, s := range f.recover(ctx, st, kc) {
		fmt.Fprintf(f.IO.ErrOut, "! %s\n", s)
	}
}

// pending lists the connectors of st with an unfinished rotation or
// removal.
func pending(st profile.Store) []string {
	ids, err := (&rotate.Rotator{Store: st}).Pending()
	if err != nil {
		return nil
	}
	more, err := st.PendingRemovals()
	if err != nil {
		return nil
	}
	return append(ids, more...)
}

// recover finishes or rolls back what an earlier run left unfinished in
// st, if anything (the rotations, with the connectors' copies in Harness,
// and the removals), and says what it did, one line each.
func (f *Factory) recover(ctx context.Context, st profile.Store, kc SecretStore) []string {
	if len(pending(st)) == 0 {
		return nil
	}
	r := rotate.Rotator{Store: st, Secrets: kc, Now: f.clock(), Remote: f.harnessRemote()}
	said, errs := r.RecoverAll(ctx)
	s2, e2 := st.FinishRemovals(ctx, kc)
	said, errs = append(said, s2...), append(errs, e2...)
	for _, e := range errs {
		said = append(said, e.Error())
	}
	return said
}
