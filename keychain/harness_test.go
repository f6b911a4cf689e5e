package keychain

import (
	"context"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

func TestHarnessKeyPerAccount(t *testing.T) {
	k := mock(t)
	ctx := context.Background()
	if err := k.SetHarnessKey(ctx, "acc1", "pat.acc1.t.s1"); err != nil {
		t.Fatal(err)
	}
	if err := k.SetHarnessKey(ctx, "acc2", "pat.acc2.t.s2"); err != nil {
		t.Fatal(err)
	}
	if v, err := k.HarnessKey(ctx, "acc1"); err != nil || v != "pat.acc1.t.s1" {
		t.Fatalf("acc1: %q %v", v, err)
	}
	if ok, err := k.DeleteHarnessKey(ctx, "acc1"); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if v, err := k.HarnessKey(ctx, "acc1"); v != "" || err != nil {
		t.Fatalf("after delete: %v", err)
	}
	if v, _ := k.HarnessKey(ctx, "acc2"); v != "pat.acc2.t.s2" {
		t.Fatal("other account lost")
	}
	if ok, err := k.DeleteHarnessKey(ctx, "acc1"); ok || err != nil {
		t.Fatalf("second delete: %v %v", ok, err)
	}
	// A connector's items never meet a Harness key's.
	if _, err := k.Get(ctx, ".harness", wizard.SecretSlot("acc2")); err == nil {
		t.Fatal("a connector id reached the harness item")
	}
	for _, bad := range []string{"", "a/b", "a b", "a\n"} {
		if err := k.SetHarnessKey(ctx, bad, "k"); err == nil {
			t.Errorf("account %q accepted", bad)
		}
	}
	if err := k.SetHarnessKey(ctx, "acc", ""); err == nil || strings.Contains(err.Error(), "pat.") {
		t.Fatalf("empty key: %v", err)
	}
	if HarnessItemName("acc") != ".harness/acc" {
		t.Fatal(HarnessItemName("acc"))
	}
}
