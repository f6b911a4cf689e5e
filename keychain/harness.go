package keychain

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// harnessPrefix starts the user name of a Harness API key item. No
// connector Id can start with a dot, so it never meets a connector's item.
const harnessPrefix = ".harness/"

// HarnessItemName is the user name of the Harness API key of account:
// ".harness/<account>", one item per Harness account.
func HarnessItemName(account string) string { return harnessPrefix + account }

func harnessItem(account string) (string, error) {
	if strings.TrimSpace(account) == "" || strings.ContainsAny(account, "/\x00\n\r ") {
		return "", fmt.Errorf("%q is not a harness account id: copy it from the harness url (…/account/ID/…)", account)
	}
	return HarnessItemName(account), nil
}

// SetHarnessKey stores the Harness API key of account, replacing any
// previous one.
func (k *Keychain) SetHarnessKey(ctx context.Context, account, key string) error {
	item, err := harnessItem(account)
	if err != nil {
		return err
	}
	if key == "" {
		return errors.New("the harness api key is empty: paste the token again")
	}
	return k.setItem(ctx, item, key)
}

// HarnessKey reads the Harness API key of account; "" (and no error) when
// none is stored.
func (k *Keychain) HarnessKey(ctx context.Context, account string) (string, error) {
	item, err := harnessItem(account)
	if err != nil {
		return "", err
	}
	v, err := k.getItem(ctx, item)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return v, err
}

// DeleteHarnessKey removes the Harness API key of account and reports
// whether there was one.
func (k *Keychain) DeleteHarnessKey(ctx context.Context, account string) (bool, error) {
	item, err := harnessItem(account)
	if err != nil {
		return false, err
	}
	err = k.deleteItem(ctx, item)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
