package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bbconnect/bbconnect/keychain"
	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/keychain/rotate"
	"github.com/bbconnect/bbconnect/wizard"
	harnessapi "github.com/bbconnect/bbconnect/wizard/harness"
)

// harnessRemote is rotate.Remote for a connector pushed to (or imported
// from) Harness: the rotation puts the new token in the Harness secret the
// connector refers to and runs Harness's test, or, for an App Password
// migration or a token whose old value bbconnect never had, creates a new
// secret and points the connector at it. Every call goes to the account
// and URL the profile's Harness link names, with the key of that account:
// HARNESS_PLATFORM_API_KEY, else the keychain item `harness login` keeps.
// Progress goes to the observer in the context (harnessapi.WithObserver).
type harnessRemote struct {
	// envKey is HARNESS_PLATFORM_API_KEY as the process started (the
	// command may unset it once read); envAccount is HARNESS_ACCOUNT_ID.
	envKey     harnessapi.APIKey
	envAccount string
	// keychain opens the keychain, which keeps the keys of harness login.
	keychain func() (SecretStore, error)
	// caFile is the CA bundle of the saved Harness login, for its URL.
	caFile func(url string) string
	now    func() time.Time
	// http is the client under the testing aids (nil: the usual one).
	http *http.Client

	// mu guards keys: the key found for each account, looked up once.
	mu   sync.Mutex
	keys map[string]harnessapi.APIKey
}

// HarnessRemote is the connectors' copy in Harness as a rotation sees it
// (see harnessRemote).
func (f *Factory) HarnessRemote() rotate.Remote { return f.harnessRemote() }

// harnessRemote is the Harness remote of f's process, made on first use,
// which reads HARNESS_PLATFORM_API_KEY (before a command unsets it).
func (f *Factory) harnessRemote() *harnessRemote {
	f.remoteOnce.Do(func() { f.remote = f.newHarnessRemote() })
	return f.remote
}

func (f *Factory) newHarnessRemote() *harnessRemote {
	return &harnessRemote{
		envKey:     harnessapi.APIKey(f.getenv(harnessapi.EnvAPIKey)),
		envAccount: strings.TrimSpace(f.getenv(harnessapi.EnvAccount)),
		keychain:   f.keychain,
		caFile: func(url string) string {
			st, err := f.openProfiles()
			if err != nil {
				return ""
			}
			l, ok, err := st.LoadHarnessLogin()
			if err != nil || !ok || l.URL != url {
				return ""
			}
			return l.CAFile
		},
		now:  f.clock(),
		http: f.HarnessHTTPClient(),
		keys: map[string]harnessapi.APIKey{},
	}
}

// key is the Harness API key of account: the environment's when it
// serves that account, else the one harness login keeps in the keychain.
// It is looked up once per account.
func (h *harnessRemote) key(ctx context.Context, account string) (harnessapi.APIKey, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if key, ok := h.keys[account]; ok {
		return key, nil
	}
	key := h.envKey
	if key != "" {
		// The environment's key serves its own account only.
		if a := cmp.Or(h.envAccount, key.Account()); a != "" && a != account {
			key = ""
		}
	}
	if key == "" {
		kc, err := h.keychain()
		var stored string
		if err == nil {
			stored, err = kc.HarnessKey(ctx, account)
		}
		if err != nil {
			return "", fmt.Errorf("cannot read the harness api key of account %s from the keychain: %s", account, keychain.Explain(err))
		}
		key = harnessapi.APIKey(stored)
	}
	if key == "" {
		return "", fmt.Errorf("no harness api key stored for account %s: run bbconnect harness login, set %s, or rotate with bbconnect rotate --local-only", account, harnessapi.EnvAPIKey)
	}
	h.keys[account] = key
	return key, nil
}

// client is a Harness client for the account and URL of a step.
func (h *harnessRemote) client(ctx context.Context, account, url string) (*harnessapi.Client, error) {
	if account == "" || url == "" {
		return nil, errors.New("the connector is linked to no harness account: push it with bbconnect push, or rotate with --local-only")
	}
	key, err := h.key(ctx, account)
	if err != nil {
		return nil, err
	}
	return harnessapi.New(harnessapi.Config{Endpoint: url, Account: account, APIKey: key, CAFile: h.caFile(url), HTTPClient: h.http})
}

// Prepare reads the connector in Harness and plans the step: an update of
// the secrets it refers to when the keychain holds their old values (to
// put back), else a repoint to new secrets.
func (h *harnessRemote) Prepare(ctx context.Context, p profile.Profile, next wizard.Connector, slots []wizard.SecretSlot) (*rotate.RemoteStep, error) {
	link := p.Harness
	if link == nil {
		return nil, nil
	}
	c, err := h.client(ctx, link.Account, link.URL)
	if err != nil {
		return nil, err
	}
	scope, hid := harnessapi.ScopeOf(p.Connector), cmp.Or(link.Identifier, p.Connector.ID)
	resp, err := c.GetConnectorRaw(ctx, scope, hid)
	if harnessapi.IsNotFound(err) {
		return nil, fmt.Errorf("harness account %s has no connector %s at %s: push it (bbconnect push %s), or rotate with --local-only", link.Account, hid, scope, p.Connector.ID)
	}
	if err != nil {
		return nil, err
	}
	step := &rotate.RemoteStep{
		Kind: rotate.RemoteUpdate, Account: c.Account(), URL: link.URL, Org: scope.Org, Project: scope.Project,
		Connector: hid, Secrets: map[wizard.SecretSlot]string{},
	}
	refs := resp.Connector.SecretRefs()
	repoint := profile.UsesAppPassword(p.Connector) && !profile.UsesAppPassword(next)
	for _, s := range slots {
		if _, ok := p.Tokens[s]; !ok || refs[s] == "" {
			repoint = true
		}
	}
	if !repoint {
		for _, s := range slots {
			step.Secrets[s] = refs[s]
		}
		return step, nil
	}
	return h.planRepoint(ctx, c, step, resp.Connector, next, slots)
}

// planRepoint picks a free identifier for each new secret (never one in
// use) and builds the connector object that refers to them.
func (h *harnessRemote) planRepoint(ctx context.Context, c *harnessapi.Client, step *rotate.RemoteStep, prev harnessapi.RawConnector, next wizard.Connector, slots []wizard.SecretSlot) (*rotate.RemoteStep, error) {
	scope := harnessapi.Scope{Org: step.Org, Project: step.Project}
	step.Kind = rotate.RemoteRepoint
	for _, s := range slots {
		base := step.Connector + "_api_token"
		if s == wizard.SlotAPIToken && slices.Contains(slots, wizard.SlotPassword) {
			base = step.Connector + "_api_access_token"
		}
		id, err := c.FreeSecretID(ctx, scope, base)
		if err != nil {
			return nil, err
		}
		step.Secrets[s] = scope.Ref(id)
	}
	nextObj := prev.Repoint(next, step.Secrets)
	after := nextObj.SecretRefs()
	for _, ref := range prev.SecretRefs() {
		if !slices.Contains(step.OldSecrets, ref) && ref != after[wizard.SlotPassword] && ref != after[wizard.SlotAPIToken] {
			step.OldSecrets = append(step.OldSecrets, ref)
		}
	}
	slices.Sort(step.OldSecrets)
	var err error
	if step.Previous, err = json.Marshal(prev); err != nil {
		return nil, err
	}
	if step.Next, err = json.Marshal(nextObj); err != nil {
		return nil, err
	}
	return step, nil
}

// Apply writes the new values (PUT into the existing secrets, or POST new
// ones tagged with the rotation), points the connector at new secrets,
// and runs Harness's test.
func (h *harnessRemote) Apply(ctx context.Context, step rotate.RemoteStep, values map[wizard.SecretSlot]string) (profile.TestResult, error) {
	c, err := h.client(ctx, step.Account, step.URL)
	if err != nil {
		return profile.TestResult{}, err
	}
	scope := harnessapi.Scope{Org: step.Org, Project: step.Project}
	done := map[string]bool{}
	for _, s := range rotate.AllSlotsOf(step.Secrets) {
		ref := step.Secrets[s]
		if done[ref] {
			continue
		}
		done[ref] = true
		at, id := harnessapi.ResolveRef(scope, ref)
		if step.Kind == rotate.RemoteUpdate {
			err = c.SetTextSecretValue(ctx, at, id, values[s])
		} else {
			err = c.CreateTextSecret(ctx, at, harnessapi.TextSecret{SecretMeta: harnessapi.SecretMeta{
				ID: id, Name: id, Tags: map[string]string{"managed-by": "bbconnect", "connector": step.Connector, harnessapi.TagRotation: step.Tag},
			}, Value: values[s]})
		}
		if err != nil {
			return profile.TestResult{}, err
		}
	}
	if step.Kind == rotate.RemoteRepoint {
		var obj harnessapi.RawConnector
		if err := json.Unmarshal(step.Next, &obj); err != nil {
			return profile.TestResult{}, err
		}
		if _, err := c.UpdateConnectorRaw(ctx, obj); err != nil {
			return profile.TestResult{}, err
		}
	}
	t, err := c.Test(ctx, scope, step.Connector)
	if err != nil {
		return profile.TestResult{}, err
	}
	if !t.Passed() {
		return profile.TestResult{}, &rotate.RemoteTestError{Summary: harnessTestSummary(t)}
	}
	at := t.TestedAt
	if at.IsZero() {
		at = h.now().UTC()
	}
	return profile.TestResult{At: at, OK: true, Summary: "passed"}, nil
}

// harnessTestSummary is a failed Harness test in one line.
func harnessTestSummary(t *harnessapi.TestResult) string {
	if t.ErrorSummary != "" {
		return t.ErrorSummary
	}
	return "status " + strings.ToLower(t.Status)
}

// Revert puts Harness back: the old values into the secrets (update), or
// the previous connector and no new secret (repoint). Each call is safe
// to repeat, and a secret is deleted only when this rotation created it.
func (h *harnessRemote) Revert(ctx context.Context, step rotate.RemoteStep, old map[wizard.SecretSlot]string) error {
	c, err := h.client(ctx, step.Account, step.URL)
	if err != nil {
		return err
	}
	scope := harnessapi.Scope{Org: step.Org, Project: step.Project}
	if step.Kind == rotate.RemoteUpdate {
		for _, s := range rotate.AllSlotsOf(step.Secrets) {
			at, id := harnessapi.ResolveRef(scope, step.Secrets[s])
			if err := c.SetTextSecretValue(ctx, at, id, old[s]); err != nil {
				return err
			}
		}
		return nil
	}
	var prev harnessapi.RawConnector
	if err := json.Unmarshal(step.Previous, &prev); err != nil {
		return err
	}
	if _, err := c.UpdateConnectorRaw(ctx, prev); err != nil {
		return err
	}
	for _, s := range rotate.AllSlotsOf(step.Secrets) {
		at, id := harnessapi.ResolveRef(scope, step.Secrets[s])
		sec, err := c.GetSecret(ctx, at, id)
		if err != nil {
			return err
		}
		if sec == nil || sec.Tags[harnessapi.TagRotation] != step.Tag {
			continue // never created, already deleted, or not ours
		}
		if _, err := c.DeleteSecret(ctx, at, id); err != nil {
			return err
		}
	}
	return nil
}

// DeleteOldSecrets deletes the secrets a repoint left unused (rotate
// --delete-old-secret, after Harness's test passed) and names each.
func (h *harnessRemote) DeleteOldSecrets(ctx context.Context, step rotate.RemoteStep) ([]string, error) {
	c, err := h.client(ctx, step.Account, step.URL)
	if err != nil {
		return nil, err
	}
	scope := harnessapi.Scope{Org: step.Org, Project: step.Project}
	var deleted []string
	for _, ref := range step.OldSecrets {
		at, id := harnessapi.ResolveRef(scope, ref)
		if _, err := c.DeleteSecret(ctx, at, id); err != nil {
			return deleted, err
		}
		deleted = append(deleted, ref)
	}
	return deleted, nil
}
