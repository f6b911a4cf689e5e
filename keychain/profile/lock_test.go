package profile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/lock"
	"github.com/bbconnect/bbconnect/wizard"
)

// flakyKeychain deletes items through the mock but fails every Delete
// from the failFrom-th on (0: never).
type flakyKeychain struct {
	keychain.Backend
	mu       sync.Mutex
	deletes  int
	failFrom int
}

func (f *flakyKeychain) Delete(service, user string) error {
	f.mu.Lock()
	f.deletes++
	n := f.deletes
	f.mu.Unlock()
	if f.failFrom > 0 && n >= f.failFrom {
		return errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")
	}
	return f.Backend.Delete(service, user)
}

// savedWithItems saves connector id with a password and an api token.
func savedWithItems(t *testing.T, s Store, kc *keychain.Keychain, id string) {
	t.Helper()
	if _, err := s.Create(newProfile(t, id)); err != nil {
		t.Fatal(err)
	}
	for _, slot := range []wizard.SecretSlot{wizard.SlotPassword, wizard.SlotAPIToken} {
		if err := kc.Set(context.Background(), id, slot, "tok-"+string(slot)); err != nil {
			t.Fatal(err)
		}
	}
}

func itemCount(t *testing.T, kc *keychain.Keychain, id string) int {
	t.Helper()
	n := 0
	for _, slot := range []wizard.SecretSlot{wizard.SlotPassword, wizard.SlotAPIToken} {
		if _, err := kc.Get(context.Background(), id, slot); err == nil {
			n++
		}
	}
	return n
}

// A profile that cannot be removed (a folder that refuses the change)
// keeps its keychain items: before, delete removed the items first and
// then failed on the profile, leaving a connector with no secrets.
func TestRemoveProfileFirst(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	kc := mockKeychain(t)
	savedWithItems(t, s, kc, "c1")
	// The rename aside fails: a folder with something in it sits there.
	if err := os.MkdirAll(filepath.Join(s.removingPath("c1"), "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove(ctx, "c1", kc); err == nil || !strings.Contains(err.Error(), "nothing was removed") {
		t.Fatalf("Remove = %v", err)
	}
	if !s.Exists("c1") || itemCount(t, kc, "c1") != 2 {
		t.Fatalf("profile %v, %d items: a failed delete must change nothing", s.Exists("c1"), itemCount(t, kc, "c1"))
	}
}

func TestRemoveReadOnlyFolder(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs folder modes that bind the user (not root)")
	}
	ctx := context.Background()
	s := testStore(t)
	kc := mockKeychain(t)
	savedWithItems(t, s, kc, "c1")
	unlock, err := s.Lock(ctx, "c1") // the lock file exists before the folder turns read-only
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	if err := os.Chmod(s.Dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(s.Dir, 0o700) })
	if _, err := s.Remove(ctx, "c1", kc); err == nil {
		t.Fatal("Remove in a read-only folder succeeded")
	}
	if !s.Exists("c1") || itemCount(t, kc, "c1") != 2 {
		t.Fatal("a read-only folder lost the keychain items of a kept profile")
	}
}

// A keychain that fails half-way leaves the profile removed and the
// removal pending; the next run finishes it. A keychain that removes
// nothing puts the profile back.
func TestRemoveUnfinishedIsFinishedNextRun(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	mockKeychain(t)
	back := &flakyKeychain{Backend: keychain.GoKeyring(), failFrom: 2}
	kc := keychain.New(keychain.WithBackend(back))
	savedWithItems(t, s, kc, "c1")

	_, err := s.Remove(ctx, "c1", kc)
	if err == nil || !strings.Contains(err.Error(), "removes the rest on its next run") {
		t.Fatalf("Remove = %v", err)
	}
	if s.Exists("c1") {
		t.Fatal("profile still listed")
	}
	if ids, _ := s.PendingRemovals(); len(ids) != 1 || ids[0] != "c1" {
		t.Fatalf("PendingRemovals = %v", ids)
	}
	if _, err := s.Create(newProfile(t, "c1")); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "still being removed") {
		t.Fatalf("Create during a pending removal = %v", err)
	}
	back.failFrom = 0
	said, errs := s.FinishRemovals(ctx, kc)
	if len(errs) > 0 || len(said) != 1 || !strings.Contains(said[0], "finished removing connector c1") {
		t.Fatalf("FinishRemovals = %v %v", said, errs)
	}
	if ids, _ := s.PendingRemovals(); len(ids) != 0 || itemCount(t, kc, "c1") != 0 {
		t.Fatalf("after FinishRemovals: pending %v, %d items", ids, itemCount(t, kc, "c1"))
	}

	// Nothing could be removed: the profile is kept.
	savedWithItems(t, s, kc, "c2")
	back.failFrom, back.deletes = 1, 0
	if _, err := s.Remove(ctx, "c2", kc); err == nil || !strings.Contains(err.Error(), "profile of c2 was kept") {
		t.Fatalf("Remove = %v", err)
	}
	if !s.Exists("c2") || itemCount(t, kc, "c2") != 2 {
		t.Fatal("profile not put back")
	}
}

func TestRemoveWaitsForTheWriterLock(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	kc := mockKeychain(t)
	savedWithItems(t, s, kc, "c1")
	s.Owner = "bbconnect rotate"
	unlock, err := s.Lock(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	other := s
	other.LockWait = 100 * time.Millisecond
	_, err = other.Remove(ctx, "c1", kc)
	if !errors.Is(err, lock.ErrBusy) || !strings.Contains(err.Error(), "connector c1 is being changed by another bbconnect (pid") || !strings.Contains(err.Error(), "bbconnect rotate") {
		t.Fatalf("Remove while locked = %v", err)
	}
	if !s.Exists("c1") || itemCount(t, kc, "c1") != 2 {
		t.Fatal("a busy Remove changed something")
	}
	// The lock is per connector and case-blind.
	if u2, err := other.Lock(ctx, "C1"); err == nil {
		u2()
		t.Fatal("C1 and c1 have separate locks")
	}
	if u2, err := other.Lock(ctx, "c2"); err != nil {
		t.Fatalf("another connector is locked too: %v", err)
	} else {
		u2()
	}
	if _, err := other.RecordTest(ctx, "c1", TestResult{OK: true}); !errors.Is(err, lock.ErrBusy) {
		t.Fatalf("RecordTest while locked = %v", err)
	}
	unlock()
	if _, err := other.Remove(ctx, "c1", kc); err != nil {
		t.Fatal(err)
	}
}

// A <config>/bbconnect that is a symbolic link is not followed to narrow
// modes: before, a shared folder it points to was chmodded to 0700.
func TestSymlinkedFolderNotNarrowed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no folder modes")
	}
	root := t.TempDir()
	shared := filepath.Join(root, "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "bbconnect")
	if err := os.Symlink(shared, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	s := Store{Dir: link, Now: testStore(t).Now}
	if _, err := s.Create(newProfile(t, "c1")); err != nil {
		t.Fatalf("Create in a linked folder only its owner writes: %v", err)
	}
	assertMode(t, shared, 0o755)

	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := s.Create(newProfile(t, "c2"))
	if err == nil || !strings.Contains(err.Error(), "is a symbolic link to") || !strings.Contains(err.Error(), "chmod 700") {
		t.Fatalf("Create in a linked folder others can write = %v", err)
	}
	assertMode(t, shared, 0o777)
}
