package profile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard/harness"
)

// HarnessLink ties a saved connector to its copy in Harness: where it was
// pushed (or imported from), the Harness secrets it refers to, and
// Harness's own last test. Never a secret value.
type HarnessLink struct {
	Account    string      `json:"account"`
	Identifier string      `json:"identifier,omitempty"` // the Harness identifier when it is not the local Id (import --id)
	URL        string      `json:"url"`
	SecretIDs  []string    `json:"secret_ids,omitempty"`
	PushedAt   time.Time   `json:"pushed_at,omitzero"`
	Imported   time.Time   `json:"imported,omitzero"`
	LastTest   *TestResult `json:"last_test,omitempty"` // Harness's testConnection
}

// Pushed is the link a push leaves in the profile whose link was prev:
// the account, URL and secret ids, when (now), and Harness's test; the
// identifier and import date of an imported connector stay. The CLI's
// push and the wizard's record it with RecordHarness.
func Pushed(prev *HarnessLink, account, url string, res *harness.PushResult, now time.Time) HarnessLink {
	now = now.UTC()
	link := HarnessLink{Account: account, URL: url, SecretIDs: res.SecretIDs(), PushedAt: now}
	if prev != nil {
		link.Identifier, link.Imported = prev.Identifier, prev.Imported
	}
	if t := res.Test; t != nil {
		at := t.TestedAt
		if at.IsZero() {
			at = now
		}
		link.LastTest = &TestResult{At: at.UTC(), OK: t.Passed(), Summary: t.Summary()}
	}
	return link
}

// HarnessOnly reports whether p was imported from Harness and has never
// stored a token here (Harness never shows secret values): its keychain
// items are missing by design until a rotation puts a token in.
func (p Profile) HarnessOnly() bool {
	return p.Harness != nil && !p.Harness.Imported.IsZero() && len(p.Tokens) == 0
}

// HarnessLogin is the Harness account `bbconnect harness login` proved,
// used when neither a flag nor the environment names one. Its key lives in
// the OS keychain, one item per account.
type HarnessLogin struct {
	Account string `json:"account"`
	URL     string `json:"url"`
	CAFile  string `json:"ca_file,omitempty"`
	User    string `json:"user,omitempty"` // the user of a personal token, for messages
}

// harnessLoginFile is the login's file in the profile folder; it does not
// end in .json, so it is never taken for a profile.
const harnessLoginFile = "harness-login.conf"

// HarnessLoginPath is the file that holds the Harness login.
func (s Store) HarnessLoginPath() string { return filepath.Join(s.Dir, harnessLoginFile) }

// SaveHarnessLogin writes the login atomically (0600).
func (s Store) SaveHarnessLogin(l HarnessLogin) error {
	if err := s.ensureDir(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(s.HarnessLoginPath(), append(data, '\n'))
}

// LoadHarnessLogin reads the login; ok is false when there is none.
func (s Store) LoadHarnessLogin() (l HarnessLogin, ok bool, err error) {
	data, err := os.ReadFile(s.HarnessLoginPath())
	if errors.Is(err, fs.ErrNotExist) {
		return HarnessLogin{}, false, nil
	}
	if err != nil {
		return HarnessLogin{}, false, err
	}
	if err := json.Unmarshal(data, &l); err != nil || strings.TrimSpace(l.Account) == "" {
		return HarnessLogin{}, false, fmt.Errorf("%s is not a harness login: run bbconnect harness login again", s.HarnessLoginPath())
	}
	return l, true, nil
}

// RemoveHarnessLogin deletes the login file; none is not an error.
func (s Store) RemoveHarnessLogin() error {
	err := os.Remove(s.HarnessLoginPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// RecordHarness stores the Harness link (after a push) in id's profile,
// under id's writer lock, reading the profile afresh so that a rotation or
// edit saved meanwhile is kept.
func (s Store) RecordHarness(ctx context.Context, id string, l HarnessLink) (Profile, error) {
	return s.modify(ctx, id, func(p *Profile) { p.Harness = &l })
}

// modify changes id's profile under id's writer lock, reading it afresh.
func (s Store) modify(ctx context.Context, id string, change func(p *Profile)) (Profile, error) {
	unlock, err := s.Lock(ctx, id)
	if err != nil {
		return Profile{}, err
	}
	defer unlock()
	p, err := s.Load(id)
	if err != nil {
		return Profile{}, err
	}
	change(&p)
	return s.Save(p)
}
