package rotate

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/wizard"
)

func remoteFixture(t *testing.T, c wizard.Connector) fixture {
	t.Helper()
	dir := t.TempDir()
	backend, _ := fileKeyring(dir)
	return newFixture(t, dir, backend, c).withRemote(t, dir)
}

func TestRemoteUpdatePasses(t *testing.T) {
	f := remoteFixture(t, cloudConnector("pushed"))
	res, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(false))
	if err != nil {
		t.Fatal(err)
	}
	if !f.assertConsistent(t, true) {
		t.Fatal("not rotated")
	}
	if res.Remote == nil || res.Remote.Kind != RemoteUpdate || res.Remote.Secrets[wizard.SlotPassword] != "pushed_pw" ||
		res.RemoteTest == nil || !res.RemoteTest.OK {
		t.Fatalf("result = %+v", res)
	}
	if calls := f.remote.state(t).Calls; !slices.Equal(calls, []string{"GET connector", "PUT pushed_pw", "POST testConnection"}) {
		t.Fatalf("calls = %v", calls)
	}
}

// The remote side fails (its test, or a refused write): it gets the old
// value back, the local side keeps the old token, nothing is left over.
func TestRemoteFailurePutsOldValueBack(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(st *remoteState)
		want string
	}{
		{"test fails", func(st *remoteState) { st.TestFails = true }, "harness's test failed: Please check your credentials"},
		{"write refused", func(st *remoteState) { st.Refuse = true }, "403 NG_ACCESS_DENIED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := remoteFixture(t, cloudConnector("failing"))
			f.remote.set(t, tc.set)
			_, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(false))
			var rf *RemoteFailedError
			if !errors.As(err, &rf) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "harness was put back") {
				t.Fatalf("err = %v", err)
			}
			if f.assertConsistent(t, true) {
				t.Fatal("the new token went in")
			}
			if strings.Contains(err.Error(), newToken) {
				t.Fatal("the error shows the token")
			}
		})
	}
}

func TestRemoteUnreachableChangesNothing(t *testing.T) {
	f := remoteFixture(t, cloudConnector("down"))
	f.remote.set(t, func(st *remoteState) { st.Down = true })
	_, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(false))
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err = %v", err)
	}
	if f.assertConsistent(t, true) {
		t.Fatal("rotated")
	}
	if calls := f.remote.state(t).Calls; len(calls) != 0 {
		t.Fatalf("calls = %v", calls)
	}
}

func TestLocalTestFailureNeverReachesRemoteWrites(t *testing.T) {
	f := remoteFixture(t, cloudConnector("localfail"))
	_, err := f.rotator(func(context.Context, wizard.Connector, wizard.Secrets) error { return errors.New("401") }).
		Rotate(context.Background(), f.request(false))
	var tf *TestFailedError
	if !errors.As(err, &tf) {
		t.Fatalf("err = %v", err)
	}
	f.assertConsistent(t, true)
	if calls := f.remote.state(t).Calls; !slices.Equal(calls, []string{"GET connector"}) {
		t.Fatalf("calls = %v", calls)
	}
}

// crash makes the rotation stop dead at step, as kill -9 would (deferred
// unlocks run, nothing else).
type crash struct{}

func crashAt(t *testing.T, step string, also func()) {
	t.Helper()
	old := hook
	t.Cleanup(func() { hook = old })
	hook = func(s string) {
		if s == step {
			if also != nil {
				also()
			}
			panic(crash{})
		}
	}
}

func rotateUntilCrash(t *testing.T, r *Rotator, req Request) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(crash); !ok {
				panic(v)
			}
		}
	}()
	_, err := r.Rotate(context.Background(), req)
	t.Fatalf("the rotation did not stop: %v", err)
}

// Recovery in each state of a rotation that reaches Harness: before the
// remote test passed, both sides go back to the old token; after, the
// local side finishes without calling Harness.
func TestRecoverRemoteStates(t *testing.T) {
	for _, tc := range []struct {
		step    string
		migrate bool
		wantNew bool
	}{
		{"journal-remote", false, false},
		{"remote-put:password", false, false},
		{"remote-tested", false, false},
		{"remote-applied", false, false},
		{"journal-swapping", false, true},
		{"swapped:password", false, true},
		{"journal-remote", true, false},
		{"remote-put:password", true, false},
		{"remote-connector", true, false},
		{"remote-applied", true, false},
		{"journal-swapping", true, true},
		{"profile-saved", true, true},
	} {
		name := tc.step
		if tc.migrate {
			name = "migration/" + name
		}
		t.Run(name, func(t *testing.T) {
			c := cloudConnector("crashed")
			if tc.migrate {
				c = legacyConnector("crashed")
			}
			f := remoteFixture(t, c)
			crashAt(t, tc.step, nil)
			rotateUntilCrash(t, f.rotator(okTester(t)), f.request(tc.migrate))
			hook = func(string) {}
			if tc.wantNew {
				// The local finish needs no network.
				f.remote.set(t, func(st *remoteState) { st.Down = true })
			}
			said, err := f.rotator(nil).Recover(context.Background(), f.id)
			if err != nil {
				t.Fatalf("Recover: %v", err)
			}
			if tc.wantNew != strings.Contains(said, "was finished") || tc.wantNew == strings.Contains(said, "rolled back in harness and here") {
				t.Fatalf("said %q", said)
			}
			f.remote.set(t, func(st *remoteState) { st.Down = false })
			if isNew := f.assertConsistent(t, true); isNew != tc.wantNew {
				t.Fatalf("new token in place = %v, want %v", isNew, tc.wantNew)
			}
		})
	}
}

// Harness cannot be reached (or no Remote is wired) while recovering a
// rotation stopped at the remote step: the journal stays, the local side
// keeps the old token, the message says what is pending and how to finish;
// the next run that reaches Harness rolls back both sides.
func TestRecoverRemoteUnreachableKeepsJournal(t *testing.T) {
	f := remoteFixture(t, cloudConnector("pending"))
	crashAt(t, "remote-tested", nil)
	rotateUntilCrash(t, f.rotator(okTester(t)), f.request(false))
	hook = func(string) {}
	if got := f.remote.remotePassword(t); got != newToken {
		t.Fatalf("harness holds %q before recovery", got)
	}
	f.remote.set(t, func(st *remoteState) { st.Down = true })
	for _, r := range []*Rotator{f.rotator(nil), {Store: f.store, Secrets: f.kc}} {
		said, err := r.Recover(context.Background(), f.id)
		if err == nil || said != "" || !strings.Contains(err.Error(), "harness may hold the new token") ||
			!strings.Contains(err.Error(), "bbconnect rotate pending") {
			t.Fatalf("Recover = %q, %v", said, err)
		}
		if _, err := os.Stat(f.store.JournalPath(f.id)); err != nil {
			t.Fatalf("journal gone: %v", err)
		}
		if f.assertConsistent(t, false) {
			t.Fatal("the local side moved to the new token")
		}
	}
	// A new rotation retries first and stops while Harness is down.
	if _, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(false)); err == nil {
		t.Fatal("rotated over a pending harness roll back")
	}
	f.remote.set(t, func(st *remoteState) { st.Down = false })
	said, err := f.rotator(nil).Recover(context.Background(), f.id)
	if err != nil || !strings.Contains(said, "rolled back in harness and here") {
		t.Fatalf("Recover = %q, %v", said, err)
	}
	if f.assertConsistent(t, true) {
		t.Fatal("new token after roll back")
	}
}

// The remote test fails and Harness goes away before it is put back: the
// rotation says the roll back is pending, and the journal finishes it.
func TestRemoteRevertFailsKeepsJournal(t *testing.T) {
	f := remoteFixture(t, cloudConnector("halfway"))
	f.remote.set(t, func(st *remoteState) { st.TestFails = true })
	old := hook
	t.Cleanup(func() { hook = old })
	hook = func(s string) {
		if s == "remote-tested" {
			f.remote.set(t, func(st *remoteState) { st.Down = true })
		}
	}
	_, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(false))
	if err == nil || !strings.Contains(err.Error(), "harness could not be put back yet") ||
		!strings.Contains(err.Error(), "retries putting harness back") {
		t.Fatalf("err = %v", err)
	}
	if f.assertConsistent(t, false) {
		t.Fatal("new token locally")
	}
	if _, err := f.kc.Get(context.Background(), f.id, keychain.StagingSlot(wizard.SlotPassword)); err != nil {
		t.Fatalf("staging item dropped before harness was put back: %v", err)
	}
	hook = func(string) {}
	f.remote.set(t, func(st *remoteState) { st.Down, st.TestFails = false, false })
	if said, err := f.rotator(nil).Recover(context.Background(), f.id); err != nil || said == "" {
		t.Fatalf("Recover = %q, %v", said, err)
	}
	f.assertConsistent(t, true)
}

// The App Password migration of a Harness connector: a new secret, the
// connector pointed at it, the old secrets named; on a failed test the
// previous connector comes back and the new secret goes.
func TestRemoteMigration(t *testing.T) {
	t.Run("passes", func(t *testing.T) {
		f := remoteFixture(t, legacyConnector("legacy"))
		res, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(true))
		if err != nil {
			t.Fatal(err)
		}
		if !f.assertConsistent(t, true) || !res.Migrated || res.Remote.Kind != RemoteRepoint {
			t.Fatalf("result = %+v", res)
		}
		st := f.remote.state(t)
		if st.Secrets["legacy_pw"] != oldToken || st.Secrets["legacy_api"] != oldAPI {
			t.Fatalf("an old secret was overwritten: %v", st.Secrets)
		}
		if !slices.Equal(res.Remote.OldSecrets, []string{"legacy_api", "legacy_pw"}) && !slices.Equal(res.Remote.OldSecrets, []string{"legacy_pw", "legacy_api"}) {
			t.Fatalf("old secrets = %v", res.Remote.OldSecrets)
		}
		p, _ := f.store.Load(f.id)
		if !slices.Equal(p.Harness.SecretIDs, []string{"legacy_new"}) {
			t.Fatalf("profile's harness secrets = %v", p.Harness.SecretIDs)
		}
	})
	t.Run("test fails", func(t *testing.T) {
		f := remoteFixture(t, legacyConnector("legacy"))
		f.remote.set(t, func(st *remoteState) { st.TestFails = true })
		_, err := f.rotator(okTester(t)).Rotate(context.Background(), f.request(true))
		var rf *RemoteFailedError
		if !errors.As(err, &rf) {
			t.Fatalf("err = %v", err)
		}
		if f.assertConsistent(t, true) {
			t.Fatal("migrated")
		}
		st := f.remote.state(t)
		if _, ok := st.Secrets["legacy_new"]; ok || st.Connector[string(wizard.SlotPassword)] != "legacy_pw" {
			t.Fatalf("harness not restored: %+v", st)
		}
		p, _ := f.store.Load(f.id)
		if !slices.Equal(p.Harness.SecretIDs, []string{"legacy_pw", "legacy_api"}) {
			t.Fatalf("profile's harness secrets = %v", p.Harness.SecretIDs)
		}
	})
}
