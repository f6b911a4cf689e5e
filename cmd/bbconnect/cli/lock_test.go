package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// TestWritersWaitForTheLock holds the writer lock of a saved connector
// (as another bbconnect would) and runs every command that changes it:
// each waits briefly, then exits 1 naming the holder, having changed
// nothing. (keychain/rotate's race tests do the same with real processes.)
func TestWritersWaitForTheLock(t *testing.T) {
	const token = "ATATT3xLockedToken0001"
	w := newWired(t)
	setupArgs := []string{
		"setup", "--non-interactive", "--password-stdin", "--skip-test",
		"--name", "busy", "--url", "https://bitbucket.org/acme", "--test-repo", "app.git", "--username", "jdoe",
	}
	if code, _, errOut := w.run(token+"\n", setupArgs...); code != cli.ExitOK {
		t.Fatalf("setup: exit %d\n%s", code, errOut)
	}
	st := profile.Store{Dir: filepath.Join(w.dir, "bbconnect"), Owner: "bbconnect rotate"}
	unlock, err := st.Lock(context.Background(), "busy")
	if err != nil {
		t.Fatal(err)
	}
	unlockFresh, err := st.Lock(context.Background(), "fresh") // a setup of a new connector locks it too
	if err != nil {
		t.Fatal(err)
	}
	holder := fmt.Sprintf("being changed by another bbconnect (pid %d, bbconnect rotate", os.Getpid())
	for _, args := range [][]string{
		{"rotate", "busy", "--token-stdin", "--skip-test"},
		{"delete", "busy", "--yes"},
		{
			"setup", "--non-interactive", "--password-stdin", "--skip-test", "--name", "fresh",
			"--url", "https://bitbucket.org/acme", "--test-repo", "app.git", "--username", "jdoe",
		},
	} {
		start := time.Now()
		code, out, errOut := w.run("ATATT3xOtherToken0002\n", args...)
		took := time.Since(start)
		if code != cli.ExitFailure || !strings.Contains(errOut, holder) {
			t.Errorf("%s while locked: exit %d\n%s%s", args[0], code, out, errOut)
		}
		if !strings.Contains(errOut, "is changing this connector; waiting for it") || took < profile.DefaultLockWait {
			t.Errorf("%s did not say it waits, or did not wait (%s):\n%s", args[0], took, errOut)
		}
	}
	if got, err := gokeyring.Get(keychain.Service, keychain.ItemName("busy", wizard.SlotPassword)); err != nil || got != token {
		t.Errorf("the keychain item changed while locked (%v)", err)
	}
	if _, err := st.Load("busy"); err != nil {
		t.Errorf("the profile changed while locked: %v", err)
	}
	unlock()
	unlockFresh()
	if code, _, errOut := w.run("", "delete", "busy", "--yes"); code != cli.ExitOK {
		t.Fatalf("delete once unlocked: exit %d\n%s", code, errOut)
	}
	if entries, _ := os.ReadDir(st.Dir); len(entries) != 1 || entries[0].Name() != "busy.harness.yaml" {
		t.Errorf("left in the profile folder after delete: %v (want only the export)", entries)
	}
}
