package rotate

import (
	"errors"
	"fmt"
	"sort"
	"strings"

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
	msg := err.Error()
	out := msg
	for _, v := range values {
		if v != "" {
			out = strings.ReplaceAll(out, v, "[redacted]")
		}
	}
	if out == msg {
		return err
	}
	return errors.New(out)
}

// slotsOf lists the secrets c uses: its SecretSlots, plus the SSH key
// passphrase of an SSH connector when one is stored or being given.
func slotsOf(c wizard.Connector, stored map[wizard.SecretSlot]profile.TokenMeta, given map[wizard.SecretSlot]string) []wizard.SecretSlot {
	slots := c.SecretSlots()
	_, inStore := stored[wizard.SlotSSHKey]
	_, inGiven := given[wizard.SlotSSHKey]
	if c.Connection == wizard.SSH && (inStore || inGiven) {
		slots = append(slots, wizard.SlotSSHKey)
	}
	return slots
}

func sortSlots(s []wizard.SecretSlot) {
	sort.Slice(s, func(i, k int) bool { return s[i] < s[k] })
}
