package cli

import (
	"context"
	"strings"
	"testing"
	"time"
)

// slowKeychain is a fake keychain whose probe waits for release.
type slowKeychain struct {
	*fakeKeychain
	release chan struct{}
}

func (k slowKeychain) Probe(ctx context.Context) error {
	<-k.release
	return k.fakeKeychain.Probe(ctx)
}

func wizardHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	h.f.IO.SetStdinTTY(true)
	h.f.IO.SetStdoutTTY(true)
	return h
}

// TestWizardStartsBeforeTheKeychainProbe: the wizard starts while the
// keychain's probe and the recovery of an unfinished rotation run; what
// the recovery did comes through the wizard's Check, not over its screen.
func TestWizardStartsBeforeTheKeychainProbe(t *testing.T) {
	h := wizardHarness(t)
	kc := slowKeychain{fakeKeychain: h.kc, release: make(chan struct{})}
	h.f.Keychain = func() (SecretStore, error) { return kc, nil }
	h.kc.items["cloud/password"] = tokenA
	h.pendingRemoval("cloud")
	recovered := func() int {
		h.kc.mu.Lock()
		defer h.kc.mu.Unlock()
		if h.kc.items["cloud/password"] == "" {
			return 1
		}
		return 0
	}
	var notes []string
	var checkErr error
	after := 0
	h.f.Wizard = func(ctx context.Context, _ *IOStreams, req WizardRequest) error {
		if h.kc.probed != 0 || recovered() != 0 {
			t.Errorf("the wizard started after the probe (%d) or the recovery (%d)", h.kc.probed, recovered())
		}
		close(kc.release)
		notes, checkErr = req.Startup.Check(ctx)
		after = recovered()
		if err := req.Keychain.Set(ctx, "cloud", "password", "tok12345"); err != nil {
			t.Errorf("set after a good check: %v", err)
		}
		return nil
	}
	r := h.run("")
	if r.code != ExitOK || checkErr != nil {
		t.Fatalf("code %d, check %v, stderr %q", r.code, checkErr, r.stderr)
	}
	if len(notes) != 1 || notes[0] != "finished removing connector cloud (1 keychain items)" || after != 1 {
		t.Fatalf("notes %q, recovered %d", notes, after)
	}
	if strings.Contains(r.stderr, "finished removing") {
		t.Fatalf("the recovery printed over the wizard: %q", r.stderr)
	}
}

// TestWizardKeychainFailureCheckedAgain: a failing probe is the wizard's
// to say (with the ways to get a keychain), the keychain it was given
// refuses with the same words, and a second Check probes again.
func TestWizardKeychainFailureCheckedAgain(t *testing.T) {
	h := wizardHarness(t)
	h.kc.probeErr = unavailable{"no secret service"}
	h.f.Wizard = func(ctx context.Context, _ *IOStreams, req WizardRequest) error {
		_, err := req.Startup.Check(ctx)
		if err == nil || !strings.Contains(err.Error(), "no usable keychain: keychain unavailable: no secret service\nto get a working keychain:\n  - start a secret service") {
			t.Errorf("first check: %v", err)
		}
		if err := req.Keychain.Set(ctx, "cloud", "password", "tok12345"); err == nil || !strings.Contains(err.Error(), "no usable keychain") {
			t.Errorf("set with a failed probe: %v", err)
		}
		h.kc.mu.Lock()
		h.kc.probeErr = nil
		h.kc.mu.Unlock()
		if _, err := req.Startup.Check(ctx); err != nil {
			t.Errorf("second check: %v", err)
		}
		if h.kc.probed != 2 {
			t.Errorf("probed %d times, want 2", h.kc.probed)
		}
		return nil
	}
	if r := h.run(""); r.code != ExitOK {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
}

// TestKeychainProbeBegunByTheWizard: the probe does not start before the
// wizard begins it (once its first screen is up), so that drawing the
// first screen does not share the machine with the keychain daemon; Begin
// starts it once, and Check waits for that run.
func TestKeychainProbeBegunByTheWizard(t *testing.T) {
	h := wizardHarness(t)
	probed := func() int {
		h.kc.mu.Lock()
		defer h.kc.mu.Unlock()
		return h.kc.probed
	}
	h.f.Wizard = func(ctx context.Context, _ *IOStreams, req WizardRequest) error {
		time.Sleep(20 * time.Millisecond) // a probe started early would have run by now
		if n := probed(); n != 0 {
			t.Errorf("probed %d times before the wizard began it", n)
		}
		req.Startup.Begin()
		req.Startup.Begin()
		if _, err := req.Startup.Check(ctx); err != nil {
			t.Errorf("check: %v", err)
		}
		if n := probed(); n != 1 {
			t.Errorf("probed %d times, want 1", n)
		}
		return nil
	}
	if r := h.run(""); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}
