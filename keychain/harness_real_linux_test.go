package keychain

import (
	"context"
	"testing"
)

// The Harness API key is one Secret Service item per account, under the
// bbconnect service, found by secret-tool and gone after a delete.
func TestRealHarnessKey(t *testing.T) {
	needRealKeyring(t)
	ctx := context.Background()
	k := New()
	account := randomID(t, "acc")
	key := "pat." + account + ".tok." + randomID(t, "s")
	t.Cleanup(func() { _, _ = k.DeleteHarnessKey(context.Background(), account) })
	if err := k.SetHarnessKey(ctx, account, key); err != nil {
		t.Fatalf("SetHarnessKey: %s", Explain(err))
	}
	got, ok := secretTool(t, "lookup", "service", Service, "username", HarnessItemName(account))
	if !ok || got != key {
		t.Fatalf("secret-tool lookup: %v", ok)
	}
	if v, err := k.HarnessKey(ctx, account); err != nil || v != key {
		t.Fatalf("HarnessKey: %v", err)
	}
	if ok, err := k.DeleteHarnessKey(ctx, account); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, ok := secretTool(t, "lookup", "service", Service, "username", HarnessItemName(account)); ok {
		t.Fatal("item left after delete")
	}
	if v, err := k.HarnessKey(ctx, account); v != "" || err != nil {
		t.Fatalf("after delete: %v", err)
	}
}
