package rotate

import (
	"errors"
	"fmt"
	"sort"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

func summary(j journal) string {
	what := "token"
	if len(j.Slots) > 1 {
		what = "tokens"
	}
	var s string
	if j.Tested {
		s = fmt.Sprintf("the new %s of %s passed the connection test and replaced the old one", what, j.ID)
	} else {
		s = fmt.Sprintf("the new %s of %s replaced the old one without a connection test (test skipped): run bbconnect test %s", what, j.ID, j.ID)
	}
	if j.Migrated {
		s += "; it now uses an api token instead of an app password"
	}
	return s
}

// redact removes every new secret value from a tester's error text.
func redact(err error, values map[wizard.SecretSlot]string) error {
	var s wizard.Secrets
	for slot, v := range values {
		s.Set(slot, v)
	}
	if out := s.Redact(err.Error()); out != err.Error() {
		return errors.New(out)
	}
	return err
}

// slotsOf lists the secrets c stores: its SecretSlots, plus the SSH key
// passphrase of an SSH connector when one is stored or being given.
func slotsOf(c wizard.Connector, stored map[wizard.SecretSlot]profile.TokenMeta, given map[wizard.SecretSlot]string) []wizard.SecretSlot {
	_, inStore := stored[wizard.SlotSSHKey]
	_, inGiven := given[wizard.SlotSSHKey]
	return c.StoredSlots(inStore || inGiven)
}

func sortSlots(s []wizard.SecretSlot) {
	sort.Slice(s, func(i, k int) bool { return s[i] < s[k] })
}
