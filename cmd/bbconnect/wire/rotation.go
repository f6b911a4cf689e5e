package wire

import (
	"context"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/keychain/rotate"
	"github.com/bbconnect/bbconnect/tui"
	"github.com/bbconnect/bbconnect/wizard"
)

// tuiRotator is keychain/rotate as the wizard sees it: the same journaled
// rotation as bbconnect rotate (stage, read back, test live, swap), tested
// with the wizard's live connection test.
type tuiRotator struct {
	r    rotate.Rotator
	test tuiTester
}

func newTUIRotator(store profile.Store, kc cli.SecretStore, test tuiTester, remote rotate.Remote) tuiRotator {
	return tuiRotator{r: rotate.Rotator{Store: store, Secrets: kc, Now: store.Now, Remote: remote}, test: test}
}

// Rotate implements tui.Rotator: every non-empty secret of r replaces its
// slot, only after the live test of r.Connector with the new secrets (and
// the stored ones of the other slots) passed; r.Connector becomes the
// saved settings (the App Password migration).
func (t tuiRotator) Rotate(ctx context.Context, r tui.Rotation) (tui.RotationResult, error) {
	c := r.Connector
	values := map[wizard.SecretSlot]string{}
	expires := map[wizard.SecretSlot]time.Time{}
	for _, slot := range wizard.AllSlots {
		if v := r.Secrets.Value(slot); v != "" {
			values[slot] = v
			if exp := r.Secrets.Expires(slot); !exp.IsZero() {
				expires[slot] = exp
			}
		}
	}
	rot := t.r
	test := t.test
	test.hostKey = r.HostKey
	rot.Tester = func(ctx context.Context, c wizard.Connector, s wizard.Secrets) error {
		return test.Run(ctx, c, s, nil).Err()
	}
	res, err := rot.Rotate(ctx, rotate.Request{ID: c.ID, Secrets: values, Connector: &c, Expires: expires})
	out := tui.RotationResult{Summary: res.Summary, Recovered: res.Recovered, Tested: res.Tested}
	if err != nil {
		return out, err
	}
	if res.Remote != nil {
		out.Summary += "; " + res.Remote.Summary()
		out.InHarness = true
	}
	for _, s := range res.Replaced {
		out.Keychain = append(out.Keychain, keychain.ItemPlace(c.ID, s))
	}
	out.ProfilePath = t.r.Store.Path(c.ID)
	return out, nil
}
