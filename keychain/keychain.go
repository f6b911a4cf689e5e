// Package keychain keeps bbconnect's secrets in the operating system's
// keychain through github.com/zalando/go-keyring: the Secret Service over
// D-Bus on Linux and the BSDs, the login keychain on macOS, Credential
// Manager on Windows.
//
// Every item lives under the service "bbconnect" with the user name
// "<connectorID>/<slot>" (slot is a wizard.SecretSlot; a rotation stages the
// new value under "<connectorID>/<slot>.next"). Every call is bounded by a
// timeout, because a hung D-Bus or an unlock prompt on a screen nobody looks
// at must not hang the wizard, and every failure is either ErrNotFound,
// ErrTooBig or an *UnavailableError that says what is wrong and, through
// Help, how to get a keychain. There is no plain-text fallback: callers
// Probe before asking for a secret and stop when it fails.
package keychain

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
	gokeyring "github.com/zalando/go-keyring"
)

// Service is the keychain service name of every bbconnect item.
const Service = "bbconnect"

// DefaultTimeout bounds each keychain call. Three seconds is what gh
// settled on: long enough for a local Secret Service, short enough that a
// hang is reported while the user is still looking.
const DefaultTimeout = 3 * time.Second

// Slots lists every secret slot a connector can have, in order. DeleteAll
// removes each of them and its staging item.
var Slots = []wizard.SecretSlot{wizard.SlotPassword, wizard.SlotAPIToken, wizard.SlotSSHKey}

// Backend is the keychain the Keychain talks to; go-keyring's package
// functions satisfy it through System and GoKeyring.
type Backend interface {
	Set(service, user, secret string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// System returns the OS keychain: go-keyring, after a check that refuses
// fast when there is no D-Bus session bus (instead of letting godbus
// autolaunch a private bus with dbus-launch, which has no keyring on it).
func System() Backend { return systemBackend{} }

// GoKeyring returns go-keyring's package-level functions with no check in
// front. After gokeyring.MockInit() this is go-keyring's in-memory mock,
// which is how unit tests here and in other packages use it.
func GoKeyring() Backend { return goKeyring{} }

type goKeyring struct{}

func (goKeyring) Set(service, user, secret string) error {
	return gokeyring.Set(service, user, secret)
}

func (goKeyring) Get(service, user string) (string, error) {
	return gokeyring.Get(service, user)
}

func (goKeyring) Delete(service, user string) error {
	return gokeyring.Delete(service, user)
}

type systemBackend struct{}

func (systemBackend) Set(service, user, secret string) error {
	if err := preflight(); err != nil {
		return err
	}
	return gokeyring.Set(service, user, secret)
}

func (systemBackend) Get(service, user string) (string, error) {
	if err := preflight(); err != nil {
		return "", err
	}
	return gokeyring.Get(service, user)
}

func (systemBackend) Delete(service, user string) error {
	if err := preflight(); err != nil {
		return err
	}
	return gokeyring.Delete(service, user)
}

func (systemBackend) diagnoseTimeout() *UnavailableError { return diagnoseTimeout() }

// Keychain stores the secrets of connectors. The zero value is not usable;
// call New.
type Keychain struct {
	backend Backend
	timeout time.Duration
}

// Option configures New.
type Option func(*Keychain)

// WithBackend replaces the OS keychain, for tests.
func WithBackend(b Backend) Option {
	return func(k *Keychain) {
		if b != nil {
			k.backend = b
		}
	}
}

// New returns a Keychain over the OS keychain (System) with DefaultTimeout.
func New(opts ...Option) *Keychain {
	k := &Keychain{backend: System(), timeout: DefaultTimeout}
	for _, o := range opts {
		o(k)
	}
	return k
}

// Timeout is the bound of each call.
func (k *Keychain) Timeout() time.Duration { return k.timeout }

// ItemName is the user name of a connector's item: "<id>/<slot>".
func ItemName(id string, slot wizard.SecretSlot) string { return id + "/" + string(slot) }

// ItemPlace says where a connector's item is, for people: "<id>/<slot>
// (service bbconnect)".
func ItemPlace(id string, slot wizard.SecretSlot) string {
	return ItemName(id, slot) + " (service " + Service + ")"
}

// StagingSlot is where a rotation stages the new value of slot before it
// replaces the old one: "<slot>.next".
func StagingSlot(slot wizard.SecretSlot) wizard.SecretSlot { return slot + ".next" }

// Set stores secret as id's item for slot, replacing any previous value.
func (k *Keychain) Set(ctx context.Context, id string, slot wizard.SecretSlot, secret string) error {
	item, err := itemName(id, slot)
	if err != nil {
		return err
	}
	if secret == "" {
		return fmt.Errorf("the %s of %s is empty: paste the token again", slot, id)
	}
	return k.setItem(ctx, item, secret)
}

// Get reads id's item for slot. A missing item is an error matching ErrNotFound.
func (k *Keychain) Get(ctx context.Context, id string, slot wizard.SecretSlot) (string, error) {
	item, err := itemName(id, slot)
	if err != nil {
		return "", err
	}
	return k.getItem(ctx, item)
}

// Delete removes id's item for slot. A missing item is an error matching ErrNotFound.
func (k *Keychain) Delete(ctx context.Context, id string, slot wizard.SecretSlot) error {
	item, err := itemName(id, slot)
	if err != nil {
		return err
	}
	return k.deleteItem(ctx, item)
}

// setItem, getItem and deleteItem are the calls on one item of Service,
// bounded by the timeout, their errors classified (and secret redacted);
// a missing item is an error matching ErrNotFound. Connector slots and
// Harness keys both go through them.
func (k *Keychain) setItem(ctx context.Context, item, secret string) error {
	err := k.do(ctx, func() error { return k.backend.Set(Service, item, secret) })
	return classify(err, "store", item, secret)
}

func (k *Keychain) getItem(ctx context.Context, item string) (string, error) {
	var v string
	err := k.do(ctx, func() error {
		var e error
		v, e = k.backend.Get(Service, item)
		return e
	})
	if err != nil {
		return "", classify(err, "read", item, "")
	}
	return v, nil
}

func (k *Keychain) deleteItem(ctx context.Context, item string) error {
	return classify(k.do(ctx, func() error { return k.backend.Delete(Service, item) }), "delete", item, "")
}

// DeleteAll removes every item of id (each of Slots and its staging item)
// and returns the user names of the items it removed, in order. It stops at
// the first keychain failure, returning what it removed so far.
func (k *Keychain) DeleteAll(ctx context.Context, id string) ([]string, error) {
	if _, err := itemName(id, wizard.SlotPassword); err != nil {
		return nil, err
	}
	var removed []string
	for _, s := range Slots {
		for _, slot := range []wizard.SecretSlot{s, StagingSlot(s)} {
			err := k.Delete(ctx, id, slot)
			switch {
			case err == nil:
				removed = append(removed, ItemName(id, slot))
			case errors.Is(err, ErrNotFound):
			default:
				return removed, err
			}
		}
	}
	return removed, nil
}

// probePrefix starts the user name of probe items; no connector Id can
// start with a dot, so a probe never touches a connector's item.
const probePrefix = ".probe/"

// Probe checks that the keychain works with a write, read-back and delete
// of a random value under a probe item, each step within the timeout. Call
// it before asking the user for a secret; on failure it returns an
// *UnavailableError (or ctx's error) and nothing was stored.
func (k *Keychain) Probe(ctx context.Context) error {
	nonce, value := make([]byte, 8), make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("keychain probe: %w", err)
	}
	if _, err := rand.Read(value); err != nil {
		return fmt.Errorf("keychain probe: %w", err)
	}
	item, want := probePrefix+hex.EncodeToString(nonce), hex.EncodeToString(value)
	if err := k.do(ctx, func() error { return k.backend.Set(Service, item, want) }); err != nil {
		return probeErr(classify(err, "store", "", want))
	}
	var got string
	err := k.do(ctx, func() error {
		var e error
		got, e = k.backend.Get(Service, item)
		return e
	})
	delErr := k.do(ctx, func() error { return k.backend.Delete(Service, item) })
	switch {
	case err != nil:
		return probeErr(classify(err, "read", "", want))
	case got != want:
		return &UnavailableError{Reason: ReasonMismatch, Op: "probe"}
	case delErr != nil:
		return probeErr(classify(delErr, "delete", "", want))
	}
	return nil
}

// probeErr makes every probe failure an *UnavailableError: even "not
// found" right after a successful write means the keychain does not work.
func probeErr(err error) error {
	var ue *UnavailableError
	switch {
	case errors.As(err, &ue):
		ue.Op = "probe"
		return ue
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return &UnavailableError{Reason: ReasonUnknown, Op: "probe", Err: err}
}

// do runs fn in a goroutine and waits for it, for ctx, or for the timeout,
// whichever comes first. On timeout the goroutine is abandoned (go-keyring
// calls cannot be cancelled) and finishes on its own; its result is dropped.
func (k *Keychain) do(ctx context.Context, fn func() error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("keychain backend failed unexpectedly: %v", r)
			}
		}()
		done <- fn()
	}()
	timer := time.NewTimer(k.timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return k.timedOut()
	}
}

// timedOut is the error of a call that did not answer in time. A backend
// that can look closer (the Secret Service: is its D-Bus name owned at
// all?) tells a daemon that is gone from one that is busy, e.g. with an
// unlock prompt.
func (k *Keychain) timedOut() error {
	if d, ok := k.backend.(interface{ diagnoseTimeout() *UnavailableError }); ok {
		if ue := d.diagnoseTimeout(); ue != nil {
			return ue
		}
	}
	return &UnavailableError{Reason: ReasonTimeout}
}

func itemName(id string, slot wizard.SecretSlot) (string, error) {
	switch {
	case strings.TrimSpace(id) == "":
		return "", errors.New("connector id is empty: pick a saved connector")
	case strings.ContainsAny(id, "/\x00\n\r") || strings.HasPrefix(id, "."):
		return "", fmt.Errorf("%q is not a connector id: use letters, digits and _", id)
	case slot == "" || strings.ContainsAny(string(slot), "/\x00\n\r"):
		return "", fmt.Errorf("%q is not a secret slot", slot)
	}
	return ItemName(id, slot), nil
}
