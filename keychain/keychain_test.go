package keychain

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
	gokeyring "github.com/zalando/go-keyring"
)

// mock returns a Keychain over go-keyring's in-memory mock.
func mock(t *testing.T) *Keychain {
	t.Helper()
	gokeyring.MockInit()
	return New(WithBackend(GoKeyring()), withTimeout(time.Second))
}

func TestSetGetDeleteRoundTrip(t *testing.T) {
	k := mock(t)
	ctx := context.Background()
	tests := []struct {
		id     string
		slot   wizard.SecretSlot
		secret string
	}{
		{"my_conn", wizard.SlotPassword, "ATATT3xFfGF0-token"},
		{"my_conn", wizard.SlotAPIToken, "another token with spaces"},
		{"Other_1$", wizard.SlotSSHKey, "pässwörd ✓"},
		{"my_conn", StagingSlot(wizard.SlotPassword), "next"},
	}
	for _, tt := range tests {
		if err := k.Set(ctx, tt.id, tt.slot, tt.secret); err != nil {
			t.Fatalf("Set(%s, %s): %v", tt.id, tt.slot, err)
		}
	}
	for _, tt := range tests {
		got, err := k.Get(ctx, tt.id, tt.slot)
		if err != nil || got != tt.secret {
			t.Fatalf("Get(%s, %s) = %q, %v; want %q", tt.id, tt.slot, got, err, tt.secret)
		}
	}
	// Replace keeps one value.
	if err := k.Set(ctx, "my_conn", wizard.SlotPassword, "v2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := k.Get(ctx, "my_conn", wizard.SlotPassword); got != "v2" {
		t.Fatalf("after replace Get = %q, want v2", got)
	}
	if err := k.Delete(ctx, "my_conn", wizard.SlotPassword); err != nil {
		t.Fatal(err)
	}
	_, err := k.Get(ctx, "my_conn", wizard.SlotPassword)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "my_conn/password") || isUnavailable(err) {
		t.Fatalf("not-found error should name the item and not be 'unavailable': %v", err)
	}
	if err := k.Delete(ctx, "my_conn", wizard.SlotPassword); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
}

func TestItemNaming(t *testing.T) {
	if got := ItemName("c1", wizard.SlotAPIToken); got != "c1/api-token" {
		t.Fatalf("ItemName = %q", got)
	}
	if got := StagingSlot(wizard.SlotPassword); got != "password.next" {
		t.Fatalf("StagingSlot = %q", got)
	}
	k := mock(t)
	if err := k.Set(context.Background(), "c1", wizard.SlotPassword, "s"); err != nil {
		t.Fatal(err)
	}
	if v, err := gokeyring.Get(Service, "c1/password"); err != nil || v != "s" {
		t.Fatalf("raw item: %q, %v", v, err)
	}
}

func TestInvalidArguments(t *testing.T) {
	k := mock(t)
	ctx := context.Background()
	tests := []struct {
		name, id string
		slot     wizard.SecretSlot
		secret   string
		want     string
	}{
		{"empty id", "", wizard.SlotPassword, "x", "id is empty"},
		{"slash in id", "a/b", wizard.SlotPassword, "x", "not a connector id"},
		{"probe prefix", ".probe", wizard.SlotPassword, "x", "not a connector id"},
		{"empty slot", "a", "", "x", "not a secret slot"},
		{"empty secret", "a", wizard.SlotPassword, "", "is empty: paste"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := k.Set(ctx, tt.id, tt.slot, tt.secret)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Set: %v, want %q", err, tt.want)
			}
			if tt.secret == "" {
				return
			}
			if _, err := k.Get(ctx, tt.id, tt.slot); err == nil {
				t.Fatal("Get accepted invalid arguments")
			}
			if err := k.Delete(ctx, tt.id, tt.slot); err == nil {
				t.Fatal("Delete accepted invalid arguments")
			}
		})
	}
	if _, err := k.DeleteAll(ctx, "a/b"); err == nil {
		t.Fatal("DeleteAll accepted an invalid id")
	}
}

func TestDeleteAll(t *testing.T) {
	k := mock(t)
	ctx := context.Background()
	for _, s := range []wizard.SecretSlot{wizard.SlotPassword, wizard.SlotAPIToken, StagingSlot(wizard.SlotAPIToken)} {
		if err := k.Set(ctx, "gone", s, "v-"+string(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.Set(ctx, "kept", wizard.SlotPassword, "other"); err != nil {
		t.Fatal(err)
	}
	removed, err := k.DeleteAll(ctx, "gone")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"gone/password", "gone/api-token", "gone/api-token.next"}
	if strings.Join(removed, ",") != strings.Join(want, ",") {
		t.Fatalf("removed %v, want %v", removed, want)
	}
	for _, s := range want {
		if _, err := gokeyring.Get(Service, s); !errors.Is(err, gokeyring.ErrNotFound) {
			t.Fatalf("%s still there: %v", s, err)
		}
	}
	if v, err := k.Get(ctx, "kept", wizard.SlotPassword); err != nil || v != "other" {
		t.Fatalf("other connector touched: %q %v", v, err)
	}
	removed, err = k.DeleteAll(ctx, "gone")
	if err != nil || len(removed) != 0 {
		t.Fatalf("second DeleteAll = %v, %v", removed, err)
	}
}

func TestDeleteAllStopsOnFailure(t *testing.T) {
	gokeyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	k := New(WithBackend(GoKeyring()))
	removed, err := k.DeleteAll(context.Background(), "x")
	var ue *UnavailableError
	if !errors.As(err, &ue) || ue.Reason != ReasonNoSecretService || len(removed) != 0 {
		t.Fatalf("DeleteAll = %v, %v", removed, err)
	}
}

func TestProbe(t *testing.T) {
	k := mock(t)
	if err := k.Probe(context.Background()); err != nil {
		t.Fatalf("Probe on a working keychain: %v", err)
	}
	// Nothing is left behind, and the probe never uses a connector's name.
	fb := &fakeBackend{}
	if err := New(WithBackend(fb)).Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(fb.items) != 0 || fb.calls != 3 {
		t.Fatalf("probe left %v after %d calls", fb.items, fb.calls)
	}
}

// fakeBackend is a programmable Backend for failure paths go-keyring's mock
// cannot produce (hangs, wrong read-back, per-operation errors).
type fakeBackend struct {
	mu              sync.Mutex
	items           map[string]string
	setErr, getErr  error
	delErr          error
	block           chan struct{} // when non-nil every call waits on it
	corruptReadBack bool
	calls           int
}

func (f *fakeBackend) wait() {
	f.mu.Lock()
	f.calls++
	b := f.block
	f.mu.Unlock()
	if b != nil {
		<-b
	}
}

func (f *fakeBackend) Set(service, user, secret string) error {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.setErr != nil {
		return f.setErr
	}
	if f.items == nil {
		f.items = map[string]string{}
	}
	f.items[service+"|"+user] = secret
	return nil
}

func (f *fakeBackend) Get(service, user string) (string, error) {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.getErr != nil {
		return "", f.getErr
	}
	v, ok := f.items[service+"|"+user]
	if !ok {
		return "", gokeyring.ErrNotFound
	}
	if f.corruptReadBack {
		v += "x"
	}
	return v, nil
}

func (f *fakeBackend) Delete(service, user string) error {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.delErr != nil {
		return f.delErr
	}
	if _, ok := f.items[service+"|"+user]; !ok {
		return gokeyring.ErrNotFound
	}
	delete(f.items, service+"|"+user)
	return nil
}

func TestProbeFailures(t *testing.T) {
	tests := []struct {
		name string
		fb   *fakeBackend
		want Reason
	}{
		{"no secret service", &fakeBackend{setErr: errors.New("The name org.freedesktop.secrets was not provided by any .service files")}, ReasonNoSecretService},
		{"no bus", &fakeBackend{setErr: errors.New("dial unix /run/user/1000/bus: connect: no such file or directory")}, ReasonNoSessionBus},
		{"locked on read", &fakeBackend{getErr: errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")}, ReasonLocked},
		{"read back differs", &fakeBackend{corruptReadBack: true}, ReasonMismatch},
		{"delete denied", &fakeBackend{delErr: errors.New("org.freedesktop.DBus.Error.AccessDenied")}, ReasonDenied},
		{"not found right after write", &fakeBackend{getErr: gokeyring.ErrNotFound}, ReasonUnknown},
		{"unsupported", &fakeBackend{setErr: gokeyring.ErrUnsupportedPlatform}, ReasonUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := New(WithBackend(tt.fb), withTimeout(time.Second))
			err := k.Probe(context.Background())
			var ue *UnavailableError
			if !errors.As(err, &ue) {
				t.Fatalf("Probe = %v, want *UnavailableError", err)
			}
			if ue.Reason != tt.want || ue.Op != "probe" {
				t.Fatalf("reason %q op %q, want %q probe (%v)", ue.Reason, ue.Op, tt.want, err)
			}
			if len(ue.Help()) < 2 || !strings.Contains(Explain(err), "no plain-text fallback") {
				t.Fatalf("help missing: %q", Explain(err))
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	fb := &fakeBackend{block: make(chan struct{})}
	defer close(fb.block)
	k := New(WithBackend(fb), withTimeout(50*time.Millisecond))
	ctx := context.Background()
	start := time.Now()
	err := k.Set(ctx, "c", wizard.SlotPassword, "hunter2-secret")
	var ue *UnavailableError
	if !errors.As(err, &ue) || ue.Reason != ReasonTimeout || ue.Item != "c/password" || ue.Op != "store" {
		t.Fatalf("Set on a hung keychain = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error shows the secret: %v", err)
	}
	if _, err := k.Get(ctx, "c", wizard.SlotPassword); !errors.As(err, &ue) || ue.Reason != ReasonTimeout {
		t.Fatalf("Get: %v", err)
	}
	if err := k.Probe(ctx); !errors.As(err, &ue) || ue.Reason != ReasonTimeout {
		t.Fatalf("Probe: %v", err)
	}
	if New().Timeout() != DefaultTimeout {
		t.Fatal("default timeout not applied")
	}
}

func TestContextCancel(t *testing.T) {
	fb := &fakeBackend{block: make(chan struct{})}
	defer close(fb.block)
	k := New(WithBackend(fb), withTimeout(time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := k.Set(ctx, "c", wizard.SlotPassword, "s"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Set with a cancelled context = %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := k.Get(ctx, "c", wizard.SlotPassword); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get past the deadline = %v", err)
	}
	if err := k.Probe(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Probe past the deadline = %v", err)
	}
}

type panicBackend struct{}

func (panicBackend) Set(string, string, string) error   { panic("boom") }
func (panicBackend) Get(string, string) (string, error) { panic("boom") }
func (panicBackend) Delete(string, string) error        { panic("boom") }

func TestBackendPanicIsAnError(t *testing.T) {
	k := New(WithBackend(panicBackend{}))
	if err := k.Set(context.Background(), "c", wizard.SlotPassword, "s"); err == nil || !isUnavailable(err) {
		t.Fatalf("Set on a panicking backend = %v", err)
	}
}

func TestErrorsNeverShowTheSecret(t *testing.T) {
	const secret = "ATATT3xSECRETVALUE"
	gokeyring.MockInitWithError(errors.New("cannot store " + secret + ": org.freedesktop.DBus.Error.AccessDenied"))
	k := New(WithBackend(GoKeyring()))
	err := k.Set(context.Background(), "c", wizard.SlotPassword, secret)
	if err == nil {
		t.Fatal("want an error")
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), secret) {
			t.Fatalf("error chain shows the secret: %q", e.Error())
		}
	}
	if !strings.Contains(Explain(err), "[redacted]") && !strings.Contains(err.Error(), "refused") {
		t.Fatalf("unexpected text: %v", err)
	}
	var ue *UnavailableError
	if !errors.As(err, &ue) || ue.Reason != ReasonDenied {
		t.Fatalf("reason: %v", err)
	}
}

func TestTooBig(t *testing.T) {
	gokeyring.MockInitWithError(gokeyring.ErrSetDataTooBig)
	k := New(WithBackend(GoKeyring()))
	if err := k.Set(context.Background(), "c", wizard.SlotPassword, "s"); !errors.Is(err, ErrTooBig) {
		t.Fatalf("Set = %v, want ErrTooBig", err)
	}
}
