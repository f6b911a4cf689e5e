package rotate

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

// fileRemote is a fake Harness kept in one JSON file, replaced atomically
// on every change, so that the kill -9 helpers and the parent share it. It
// holds secret values by reference, the connector (which secret each slot
// refers to), the tags of created secrets, and switches that make it
// refuse writes, fail its test or be unreachable.
type fileRemote struct {
	path string
	mu   sync.Mutex
}

type remoteState struct {
	Secrets   map[string]string `json:"secrets"`
	Tags      map[string]string `json:"tags"`      // secret → tag of the rotation that created it
	Connector map[string]string `json:"connector"` // slot → secret ref
	Refuse    bool              `json:"refuse"`    // writes fail (403)
	TestFails bool              `json:"test_fails"`
	Down      bool              `json:"down"` // every call fails (unreachable)
	Calls     []string          `json:"calls"`
}

var errRemoteDown = errors.New("harness: dial tcp 127.0.0.1:9: connect: connection refused")

func (f *fileRemote) load() (remoteState, error) {
	var st remoteState
	b, err := os.ReadFile(f.path)
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(b, &st)
}

func (f *fileRemote) save(st remoteState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return profile.WriteFileAtomic(f.path, b)
}

// change runs fn on the state and saves it, under the file's mutex; a
// down remote fails without running fn.
func (f *fileRemote) change(call string, fn func(st *remoteState) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.load()
	if err != nil {
		return err
	}
	if st.Down {
		return errRemoteDown
	}
	st.Calls = append(st.Calls, call)
	err = fn(&st)
	if sErr := f.save(st); sErr != nil {
		return sErr
	}
	return err
}

func (f *fileRemote) state(t *testing.T) remoteState {
	t.Helper()
	var st remoteState
	f.set(t, func(s *remoteState) { st = *s })
	return st
}

// set changes the state with fn (the switches), whether or not it is down.
func (f *fileRemote) set(t *testing.T, fn func(st *remoteState)) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := f.load()
	if err != nil {
		t.Fatal(err)
	}
	fn(&st)
	if err := f.save(st); err != nil {
		t.Fatal(err)
	}
}

// seed is the remote copy of the fixture's connector, holding its old
// values: "<id>_pw" for the password and, when separate, "<id>_api".
func (f *fileRemote) seed(id string, separateAPI bool) error {
	st := remoteState{
		Secrets:   map[string]string{id + "_pw": oldToken},
		Tags:      map[string]string{},
		Connector: map[string]string{string(wizard.SlotPassword): id + "_pw"},
	}
	if separateAPI {
		st.Secrets[id+"_api"] = oldAPI
		st.Connector[string(wizard.SlotAPIToken)] = id + "_api"
	}
	return f.save(st)
}

// Prepare: an update of the secrets the connector refers to, or, for the
// App Password migration, a repoint to one new secret.
func (f *fileRemote) Prepare(_ context.Context, p profile.Profile, next wizard.Connector, slots []wizard.SecretSlot) (*RemoteStep, error) {
	if p.Harness == nil {
		return nil, nil
	}
	var st remoteState
	err := f.change("GET connector", func(s *remoteState) error { st = *s; return nil })
	if err != nil {
		return nil, err
	}
	step := &RemoteStep{Kind: RemoteUpdate, Account: p.Harness.Account, URL: p.Harness.URL, Connector: p.Connector.ID, Secrets: map[wizard.SecretSlot]string{}}
	if profile.UsesAppPassword(p.Connector) && !profile.UsesAppPassword(next) {
		step.Kind = RemoteRepoint
		prev, _ := json.Marshal(st.Connector)
		nextConn := map[string]string{}
		for s := range st.Connector {
			step.OldSecrets = append(step.OldSecrets, st.Connector[s])
		}
		for _, s := range next.StoredSlots(false) {
			nextConn[string(s)] = p.Connector.ID + "_new"
		}
		step.Previous = prev
		step.Next, _ = json.Marshal(nextConn)
		for _, s := range slots {
			step.Secrets[s] = p.Connector.ID + "_new"
		}
		return step, nil
	}
	for _, s := range slots {
		step.Secrets[s] = st.Connector[string(s)]
	}
	return step, nil
}

func (f *fileRemote) Apply(_ context.Context, step RemoteStep, values map[wizard.SecretSlot]string) (profile.TestResult, error) {
	for _, s := range AllSlotsOf(step.Secrets) {
		ref := step.Secrets[s]
		err := f.change("PUT "+ref, func(st *remoteState) error {
			if st.Refuse {
				return errors.New("harness: PUT secret " + ref + ": 403 NG_ACCESS_DENIED")
			}
			if step.Kind == RemoteRepoint {
				st.Tags[ref] = step.Tag
			}
			st.Secrets[ref] = values[s]
			return nil
		})
		if err != nil {
			return profile.TestResult{}, err
		}
		hook("remote-put:" + string(s))
	}
	if step.Kind == RemoteRepoint {
		err := f.change("PUT connector", func(st *remoteState) error {
			return json.Unmarshal(step.Next, &st.Connector)
		})
		if err != nil {
			return profile.TestResult{}, err
		}
		hook("remote-connector")
	}
	var failed bool
	err := f.change("POST testConnection", func(st *remoteState) error {
		failed = st.TestFails || st.Secrets[st.Connector[string(wizard.SlotPassword)]] != newToken
		return nil
	})
	if err != nil {
		return profile.TestResult{}, err
	}
	hook("remote-tested")
	if failed {
		return profile.TestResult{}, &RemoteTestError{Summary: "Please check your credentials"}
	}
	return profile.TestResult{At: rotated, OK: true, Summary: "passed"}, nil
}

func (f *fileRemote) Revert(_ context.Context, step RemoteStep, old map[wizard.SecretSlot]string) error {
	return f.change("revert", func(st *remoteState) error {
		if step.Kind == RemoteUpdate {
			for s, ref := range step.Secrets {
				if old[s] == "" {
					return errors.New("no old value for " + string(s))
				}
				st.Secrets[ref] = old[s]
			}
			return nil
		}
		if err := json.Unmarshal(step.Previous, &st.Connector); err != nil {
			return err
		}
		for ref, tag := range st.Tags {
			if tag == step.Tag {
				delete(st.Secrets, ref)
				delete(st.Tags, ref)
			}
		}
		return nil
	})
}

// remotePassword is the value the remote connector's password refers to.
func (f *fileRemote) remotePassword(t *testing.T) string {
	t.Helper()
	st := f.state(t)
	return st.Secrets[st.Connector[string(wizard.SlotPassword)]]
}
