package tui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// keyTester refuses the SSH key until AddKey added it.
type keyTester struct {
	fakeTester
	mu    sync.Mutex
	added []string
	fail  error
	can   bool
}

func (k *keyTester) Run(ctx context.Context, c wizard.Connector, s Secrets, progress func(conntest.Event)) conntest.Report {
	k.mu.Lock()
	known := len(k.added) > 0
	k.mu.Unlock()
	if known {
		return k.fakeTester.Run(ctx, c, s, progress)
	}
	ch := conntest.Check{Name: "git read access", Status: conntest.Fail, Diagnosis: sshkey.NotAccepted + ": refused key SHA256:x for user git", Fix: "add the public key to bitbucket"}
	progress(conntest.Event{Name: ch.Name, Done: true, Check: ch})
	return conntest.Report{Checks: []conntest.Check{ch}}
}

func (k *keyTester) CanAddKey(wizard.Connector) (bool, string) {
	if !k.can {
		return false, "api access is off"
	}
	return true, ""
}

func (k *keyTester) AddKey(_ context.Context, _ wizard.Connector, _ Secrets, pub, label string) (string, error) {
	if k.fail != nil {
		return "", k.fail
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.added = append(k.added, pub+"|"+label)
	return "added to the ssh keys of bitbucket user jdoe", nil
}

// TestTestScreenAddsRefusedKey: a refused SSH key is offered for adding
// through the API (k), added, and the test runs again and passes; where
// the API cannot add it, the screen says why.
func TestTestScreenAddsRefusedKey(t *testing.T) {
	t.Parallel()
	pemKey, _ := keyFiles(t)
	c := dcSSH(pemKey)
	c.APIAccess = wizard.APIAccessToken
	f := newFakes()
	kt := &keyTester{can: true}
	deps := f.deps(t.TempDir())
	deps.Tester = kt
	d := newDriver(t, Options{Deps: deps, Initial: &c})
	d.mustTitle("Review")
	d.enter()
	waitFor(t, d, "the test failed")
	d.mustSee("press k to add its public key", "k add key to Bitbucket")
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("k")})
	waitFor(t, d, "the connection works")
	d.mustSee("✓ public key added to the ssh keys of bitbucket user jdoe")
	if len(kt.added) != 1 || !strings.HasPrefix(kt.added[0], "ssh-rsa AAAA") || !strings.HasSuffix(kt.added[0], "|bbconnect-dc_two") {
		t.Fatalf("added = %q", kt.added)
	}

	kt2 := &keyTester{can: false}
	deps.Tester = kt2
	d = newDriver(t, Options{Deps: deps, Initial: &c})
	d.enter()
	waitFor(t, d, "the test failed")
	d.mustSeeText("the api cannot add the key here: api access is off")
	d.mustNotSee("press k")

	kt3 := &keyTester{can: true, fail: errors.New("bitbucket refused to add the key (403)")}
	deps.Tester = kt3
	d = newDriver(t, Options{Deps: deps, Initial: &c})
	d.enter()
	waitFor(t, d, "the test failed")
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("k")})
	waitFor(t, d, "✗ the key was not added: bitbucket refused to add the key (403)")
}
