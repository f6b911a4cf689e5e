package cli

import (
	"context"
	"errors"
	"sync"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// keychainStartup is the keychain's probe and the recovery of unfinished
// rotations, run alongside the wizard's first screen (which asks no
// secret) instead of before it. The wizard calls Check before a screen
// that reads or stores secrets; the keychain it is given waits for the
// probe the same way.
type keychainStartup struct {
	f   *Factory
	st  profile.Store
	kc  SecretStore
	ctx context.Context // the process's: a check outlives the call that starts it

	mu    sync.Mutex
	done  chan struct{} // closed when the running check ends
	err   error         // its outcome: why the keychain cannot be used
	notes []string      // what the recovery did, not yet handed out
	seen  bool          // the failure in err was handed out: check again
}

// startKeychain opens the keychain (cheap: no call to the OS yet) and
// prepares its probe and the recovery, which the wizard begins once its
// first screen is drawn; a keychain that cannot even be opened is an
// error at once.
func (f *Factory) startKeychain(ctx context.Context, st profile.Store) (*keychainStartup, error) {
	kc, err := f.keychain()
	if err != nil {
		return nil, failuref("no usable keychain: %s\nnothing was saved", keychain.Explain(err))
	}
	return &keychainStartup{f: f, st: st, kc: kc, ctx: ctx}, nil
}

// start runs a check in the background, under the process's context.
// Call with mu held.
func (s *keychainStartup) start() {
	ctx := s.ctx
	done := make(chan struct{})
	s.done, s.seen = done, false
	go func() {
		defer close(done)
		var notes []string
		err := s.kc.Probe(ctx)
		if err == nil {
			notes = s.f.recover(ctx, s.st, s.kc)
		} else {
			err = errors.New("no usable keychain: " + keychain.Explain(err))
		}
		s.mu.Lock()
		s.err = err
		s.notes = append(s.notes, notes...)
		s.mu.Unlock()
	}()
}

// Begin starts the check if none has started.
func (s *keychainStartup) Begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		s.start()
	}
}

// Check waits for the check and returns what the recovery did and why the
// keychain cannot be used (nil when it can). After a failure it has
// returned, it checks again.
func (s *keychainStartup) Check(ctx context.Context) ([]string, error) {
	if err := s.wait(ctx, true); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	notes := s.notes
	s.notes = nil
	if s.err != nil {
		s.seen = true
	}
	return notes, s.err
}

// store is the keychain once the check says it works.
func (s *keychainStartup) store(ctx context.Context) (SecretStore, error) {
	if err := s.wait(ctx, false); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	return s.kc, nil
}

// wait waits for the running check to end (first starting a new one when
// again is set and the last failure was handed out).
func (s *keychainStartup) wait(ctx context.Context, again bool) error {
	s.mu.Lock()
	if s.done == nil || again && s.seen {
		s.start()
	}
	done := s.done
	s.mu.Unlock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startedKeychain is the keychain as the wizard is given it: every call
// waits for the start-up check and fails with its error.
type startedKeychain struct{ s *keychainStartup }

func (k startedKeychain) Probe(ctx context.Context) error {
	_, err := k.s.store(ctx)
	return err
}

func (k startedKeychain) Set(ctx context.Context, id string, slot wizard.SecretSlot, secret string) error {
	kc, err := k.s.store(ctx)
	if err != nil {
		return err
	}
	return kc.Set(ctx, id, slot, secret)
}

func (k startedKeychain) Get(ctx context.Context, id string, slot wizard.SecretSlot) (string, error) {
	kc, err := k.s.store(ctx)
	if err != nil {
		return "", err
	}
	return kc.Get(ctx, id, slot)
}

func (k startedKeychain) Delete(ctx context.Context, id string, slot wizard.SecretSlot) error {
	kc, err := k.s.store(ctx)
	if err != nil {
		return err
	}
	return kc.Delete(ctx, id, slot)
}

func (k startedKeychain) DeleteAll(ctx context.Context, id string) ([]string, error) {
	kc, err := k.s.store(ctx)
	if err != nil {
		return nil, err
	}
	return kc.DeleteAll(ctx, id)
}

// SetHarnessKey implements SecretStore.
func (k startedKeychain) SetHarnessKey(ctx context.Context, account, key string) error {
	kc, err := k.s.store(ctx)
	if err != nil {
		return err
	}
	return kc.SetHarnessKey(ctx, account, key)
}

// HarnessKey implements SecretStore.
func (k startedKeychain) HarnessKey(ctx context.Context, account string) (string, error) {
	kc, err := k.s.store(ctx)
	if err != nil {
		return "", err
	}
	return kc.HarnessKey(ctx, account)
}

// DeleteHarnessKey implements SecretStore.
func (k startedKeychain) DeleteHarnessKey(ctx context.Context, account string) (bool, error) {
	kc, err := k.s.store(ctx)
	if err != nil {
		return false, err
	}
	return kc.DeleteHarnessKey(ctx, account)
}
