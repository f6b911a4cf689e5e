package profile

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/wizard"
	gokeyring "github.com/zalando/go-keyring"
)

func mockKeychain(t *testing.T) *keychain.Keychain {
	t.Helper()
	gokeyring.MockInit()
	return keychain.New(keychain.WithBackend(keychain.GoKeyring()))
}

func TestRemove(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	kc := mockKeychain(t)
	if _, err := s.Create(newProfile(t, "gone")); err != nil {
		t.Fatal(err)
	}
	for _, slot := range []wizard.SecretSlot{wizard.SlotPassword, keychain.StagingSlot(wizard.SlotPassword)} {
		if err := kc.Set(ctx, "gone", slot, "tok-"+string(slot)); err != nil {
			t.Fatal(err)
		}
	}
	if err := kc.Set(ctx, "kept", wizard.SlotPassword, "other"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.JournalPath("gone"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := s.Remove(ctx, "gone", kc)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"removed keychain item gone/password (service bbconnect)",
		"removed keychain item gone/password.next (service bbconnect)",
		"removed unfinished rotation record " + s.JournalPath("gone"),
		"removed profile " + s.Path("gone"),
	}
	if got := strings.Join(r.Lines(), "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("Lines:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if s.Exists("gone") {
		t.Fatal("profile still there")
	}
	if _, err := kc.Get(ctx, "kept", wizard.SlotPassword); err != nil {
		t.Fatalf("another connector's item was touched: %v", err)
	}
	// Nothing left at all: the error says so.
	r, err = s.Remove(ctx, "gone", kc)
	if !errors.Is(err, ErrNotExist) || r.Lines()[0] != "nothing to remove for gone" {
		t.Fatalf("second Remove = %v, %v", r.Lines(), err)
	}
}

func TestRemoveItemsWithoutProfile(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	kc := mockKeychain(t)
	if err := kc.Set(ctx, "orphan", wizard.SlotAPIToken, "t"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Remove(ctx, "orphan", kc)
	if err != nil || len(r.Items) != 1 || r.Profile != "" {
		t.Fatalf("Remove = %+v, %v", r, err)
	}
}

func TestRemoveKeepsProfileWhenKeychainFails(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	if _, err := s.Create(newProfile(t, "c1")); err != nil {
		t.Fatal(err)
	}
	gokeyring.MockInitWithError(errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"))
	kc := keychain.New(keychain.WithBackend(keychain.GoKeyring()))
	_, err := s.Remove(ctx, "c1", kc)
	if err == nil || !errors.As(err, new(*keychain.UnavailableError)) || !strings.Contains(err.Error(), "profile of c1 was kept") {
		t.Fatalf("Remove = %v", err)
	}
	if !s.Exists("c1") {
		t.Fatal("profile removed although its secrets were not")
	}
	if _, err := s.Remove(ctx, "../x", kc); err == nil {
		t.Fatal("Remove accepted a path")
	}
}

// TestTokenOnlyInKeychain stores a token the way setup does (keychain
// item + profile with metadata) and checks that no file in the profile
// folder holds it.
func TestTokenOnlyInKeychain(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	kc := mockKeychain(t)
	const token = "ATATT3xTOKEN-ONLY-IN-KEYCHAIN"
	checkTokenOnlyInKeychain(ctx, t, s, kc, token)
}

func checkTokenOnlyInKeychain(ctx context.Context, t *testing.T, s Store, kc *keychain.Keychain, token string) {
	t.Helper()
	p := newProfile(t, strings.ReplaceAll(filepath.Base(t.Name()), "/", "_"))
	id := p.Connector.ID
	if err := kc.Set(ctx, id, wizard.SlotPassword, token); err != nil {
		t.Fatal(keychain.Explain(err))
	}
	t.Cleanup(func() { _, _ = kc.DeleteAll(context.Background(), id) })
	if _, err := s.Create(p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordTest(ctx, id, TestResult{OK: true, Summary: "2 repositories"}); err != nil {
		t.Fatal(err)
	}
	if got, err := kc.Get(ctx, id, wizard.SlotPassword); err != nil || got != token {
		t.Fatalf("keychain holds %q, %v", got, err)
	}
	files := 0
	err := filepath.WalkDir(s.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(token)) {
			t.Errorf("the token is in %s", path)
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("walk: %v (%d files)", err, files)
	}
}
