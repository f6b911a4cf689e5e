package export

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/bbconnect/bbconnect/wizard"
)

// HarnessObject is the connector object of HarnessYAML (what sits under
// "connector:") as a JSON-ready map, for the connectors API: the same
// builder, so the API and the YAML editor get the same connector.
func HarnessObject(c wizard.Connector) (map[string]any, error) {
	y, err := HarnessYAML(c)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Connector map[string]any `yaml:"connector"`
	}
	if err := yaml.Unmarshal(y, &doc); err != nil {
		return nil, fmt.Errorf("cannot read back the connector yaml: %w", err)
	}
	return doc.Connector, nil
}

// SSHKeyFileID is the identifier of the Harness file secret that holds the
// PEM private key the SSH credential (SecretID(c, wizard.SlotSSHKey)) points at.
func SSHKeyFileID(c wizard.Connector) string { return SecretID(c, "ssh-key-pem") }

// SSHPassphraseID is the identifier of the Harness text secret holding the
// passphrase of an encrypted SSH key.
func SSHPassphraseID(c wizard.Connector) string { return SecretID(c, "ssh-key-passphrase") }
