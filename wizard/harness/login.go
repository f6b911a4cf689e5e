package harness

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// LoginTimeout bounds the calls that prove a key.
const LoginTimeout = time.Minute

// Login is what a login proved, kept beside the saved connectors so that
// later commands (and the wizard) know the account without a flag: never
// the key, which lives in the OS keychain, one item per account.
type Login struct {
	Account string `json:"account"`
	URL     string `json:"url"`
	CAFile  string `json:"ca_file,omitempty"`
	User    string `json:"user,omitempty"` // the user of a personal token, for messages
}

// KeyKeeper keeps a proved key: the OS keychain, one item per account
// (keychain.Keychain satisfies it).
type KeyKeeper interface {
	SetHarnessKey(ctx context.Context, account, key string) error
}

// Resolve is where and as whom to talk to Harness: the flags first, then
// the environment (HARNESS_*), then the saved login; the account defaults
// to the one inside the environment's key. The key is the environment's,
// if any.
func Resolve(flags, env Config, login Login) Config {
	pick := func(vals ...string) string {
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
		return ""
	}
	return Config{
		Endpoint: pick(flags.Endpoint, env.Endpoint, login.URL),
		Account:  pick(flags.Account, env.Account, env.APIKey.Account(), login.Account),
		CAFile:   pick(flags.CAFile, login.CAFile),
		APIKey:   env.APIKey,
	}
}

// LogIn proves cfg's key with one read call (Verify, bounded by
// LoginTimeout) and, when keys is not nil, keeps it there and hands the
// login (account, URL, user; never the key) to save. The CLI's harness
// login and the wizard's key prompt both log in here. Errors name the
// Harness call, or what could not be kept; never the key.
func LogIn(ctx context.Context, cfg Config, keys KeyKeeper, save func(Login) error) (*Client, *Identity, error) {
	c, err := New(cfg)
	if err != nil {
		return nil, nil, err
	}
	vctx, cancel := context.WithTimeout(ctx, LoginTimeout)
	defer cancel()
	id, err := c.Verify(vctx)
	if err != nil {
		return nil, nil, err
	}
	if keys == nil {
		return c, id, nil
	}
	if err := keys.SetHarnessKey(ctx, c.Account(), string(c.key)); err != nil {
		return nil, nil, fmt.Errorf("cannot keep the key in the keychain: %w", err)
	}
	login := Login{Account: c.Account(), URL: c.Endpoint(), CAFile: cfg.CAFile}
	if id.User != nil {
		login.User = id.User.Name
	}
	if save != nil {
		if err := save(login); err != nil {
			return nil, nil, fmt.Errorf("the key is in the keychain, but the login could not be saved: %w", err)
		}
	}
	return c, id, nil
}

// Who describes who a login proved, for a message.
func (id *Identity) Who() string {
	if id == nil || id.User == nil {
		return "a service account token"
	}
	who := id.User.Name
	if id.User.Email != "" {
		who += " <" + id.User.Email + ">"
	}
	return strings.TrimSpace(who)
}

// Summary is Harness's test in one line: "passed", its error summary, or
// its status ("not run" for none).
func (t *TestResult) Summary() string {
	switch {
	case t == nil:
		return "not run"
	case t.Passed():
		return "passed"
	case t.ErrorSummary != "":
		return t.ErrorSummary
	}
	return "status " + strings.ToLower(t.Status)
}

// Fix says what to do about a failed test from its summary, given how
// bbconnect's own last test of the same settings ended (localOK).
func (t *TestResult) Fix(localOK bool) string {
	s := strings.ToLower(t.Summary())
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("delegate"):
		return "no delegate could run the test: start one that matches the connector's delegate selectors, or connect through the Harness Platform"
	case has("credential", "unauthori", "401", "403", "password", "token", "permission", "authentic"):
		if localOK {
			return "bbconnect's test passed with the same token: Harness may not reach Bitbucket the same way; check the connector's URL and connectivity, then push again"
		}
		return "the token Harness holds is refused: rotate it (r on the saved connectors) so that bbconnect's test passes, then push again"
	case has("timeout", "timed out", "connect", "resolve", "unknown host", "unreachable"):
		return "Harness could not reach Bitbucket: check the URL, and that the delegate (or the Harness Platform) can reach it"
	}
	return "open the connector in Harness, run Test and read the details; fix it here, then push again"
}
