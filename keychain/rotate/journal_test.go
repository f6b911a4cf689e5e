package rotate

import (
	"testing"

	"github.com/bbconnect/bbconnect/keychain/profile"
	"github.com/bbconnect/bbconnect/wizard"
)

func TestParseJournalRejects(t *testing.T) {
	tests := map[string]string{
		"garbage":         "{",
		"trailing":        `{"schema":1} {}`,
		"version":         `{"schema":2,"id":"a","state":"staging","slots":["password"],"connector":{"id":"a"}}`,
		"no id":           `{"schema":1,"state":"staging","slots":["password"],"connector":{}}`,
		"two ids":         `{"schema":1,"id":"a","state":"staging","slots":["password"],"connector":{"id":"b"}}`,
		"state":           `{"schema":1,"id":"a","state":"half","slots":["password"],"connector":{"id":"a"}}`,
		"no slots":        `{"schema":1,"id":"a","state":"staging","connector":{"id":"a"}}`,
		"unknown slot":    `{"schema":1,"id":"a","state":"staging","slots":["password.next"],"connector":{"id":"a"}}`,
		"unknown drop":    `{"schema":1,"id":"a","state":"staging","slots":["password"],"drop":["x"],"connector":{"id":"a"}}`,
		"remote, no step": `{"schema":1,"id":"a","state":"remote","slots":["password"],"connector":{"id":"a"}}`,
		"remote kind": `{"schema":1,"id":"a","state":"remote","slots":["password"],"connector":{"id":"a"},
			"remote":{"kind":"x","account":"acme","connector":"a","secrets":{"password":"a_pw"}}}`,
		"remote no secret": `{"schema":1,"id":"a","state":"remote","slots":["password"],"connector":{"id":"a"},
			"remote":{"kind":"update","account":"acme","connector":"a"}}`,
		"repoint no objects": `{"schema":1,"id":"a","state":"remote","slots":["password"],"connector":{"id":"a"},
			"remote":{"kind":"repoint","account":"acme","connector":"a","secrets":{"password":"a_new"}}}`,
		"remote slot": `{"schema":1,"id":"a","state":"remote","slots":["password"],"connector":{"id":"a"},
			"remote":{"kind":"update","account":"acme","connector":"a","secrets":{"pw":"a_pw"}}}`,
	}
	for name, data := range tests {
		if _, err := parseJournal([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParseJournal(f *testing.F) {
	j := journal{
		Schema: journalSchema, ID: "a", State: stateSwapping, Slots: []wizard.SecretSlot{wizard.SlotPassword},
		Drop: []wizard.SecretSlot{wizard.SlotAPIToken}, Connector: cloudConnector("a"), Tested: true, Started: rotated,
		Tokens: map[wizard.SecretSlot]profile.TokenMeta{wizard.SlotPassword: {Kind: "api-token", Created: rotated, Expires: rotated.AddDate(1, 0, 0)}},
	}
	good, err := encodeJournal(j)
	if err != nil {
		f.Fatal(err)
	}
	j.State, j.Remote = stateRemote, &RemoteStep{Kind: RemoteUpdate, Account: "acme", Connector: "a", Secrets: map[wizard.SecretSlot]string{wizard.SlotPassword: "a_pw"}}
	remote, err := encodeJournal(j)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(good), string(remote), "", "{}", `{"schema":1,"id":"a","state":"staging","slots":["password"],"connector":{"id":"a"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := parseJournal(data)
		if err != nil {
			return
		}
		b1, err := encodeJournal(j)
		if err != nil {
			t.Fatal(err)
		}
		j2, err := parseJournal(b1)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b1, err)
		}
		b2, _ := encodeJournal(j2)
		if string(b1) != string(b2) {
			t.Fatalf("round trip differs:\n%s\n%s", b1, b2)
		}
		if j2.State != stateStaging && j2.State != stateSwapping && (j2.State != stateRemote || j2.Remote == nil) {
			t.Fatalf("state %q accepted", j2.State)
		}
	})
}
