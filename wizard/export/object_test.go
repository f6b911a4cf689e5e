package export

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bbconnect/bbconnect/wizard"
)

// The API object is the YAML's connector, key for key, and validates
// against the schema of its scope as JSON.
func TestHarnessObjectMatchesYAML(t *testing.T) {
	for _, cb := range combos() {
		c := cb.connector()
		obj, err := HarnessObject(c)
		if err != nil {
			t.Fatalf("%s: %v", cb, err)
		}
		y, _ := HarnessYAML(c)
		if want := decodeYAML(t, y); !reflect.DeepEqual(obj, want) {
			t.Fatalf("%s: object differs from yaml\n%v\n%v", cb, obj, want)
		}
		j, err := json.Marshal(map[string]any{"connector": obj})
		if err != nil {
			t.Fatalf("%s: %v", cb, err)
		}
		if _, ok := obj["spec"].(map[string]any)["executeOnDelegate"].(bool); !ok {
			t.Fatalf("%s: executeOnDelegate is not a boolean: %s", cb, j)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			t.Fatal(err)
		}
		if err := schemaFor(t, c.WithDefaults().Scope).Validate(inst); err != nil {
			t.Fatalf("%s: %v\n%s", cb, err, j)
		}
	}
}

func TestSSHSecretIDs(t *testing.T) {
	c := wizard.Connector{ID: "bb_ssh"}
	if SSHKeyFileID(c) != "bb_ssh_ssh_key_pem" || SSHPassphraseID(c) != "bb_ssh_ssh_key_passphrase" {
		t.Fatal(SSHKeyFileID(c), SSHPassphraseID(c))
	}
	long := wizard.Connector{ID: string(bytes.Repeat([]byte("a"), 128))}
	if !ValidIdentifier(SSHKeyFileID(long)) || !ValidIdentifier(SSHPassphraseID(long)) {
		t.Fatal("long id not shortened")
	}
}
