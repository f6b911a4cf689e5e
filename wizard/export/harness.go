package export

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/bbconnect/bbconnect/wizard"
)

// The YAML is marshalled from these structs so the keys keep the order
// Harness shows them in.

type harnessDoc struct {
	Connector harnessConnector `yaml:"connector"`
}

type harnessConnector struct {
	Name              yamlStr     `yaml:"name"`
	Identifier        yamlStr     `yaml:"identifier"`
	Description       yamlStr     `yaml:"description,omitempty"`
	OrgIdentifier     yamlStr     `yaml:"orgIdentifier,omitempty"`
	ProjectIdentifier yamlStr     `yaml:"projectIdentifier,omitempty"`
	Tags              *yaml.Node  `yaml:"tags,omitempty"`
	Type              yamlStr     `yaml:"type"`
	Spec              harnessSpec `yaml:"spec"`
}

type harnessSpec struct {
	URL               yamlStr           `yaml:"url"`
	ValidationRepo    yamlStr           `yaml:"validationRepo,omitempty"`
	Authentication    harnessTypedSpec  `yaml:"authentication"`
	APIAccess         *harnessTypedSpec `yaml:"apiAccess,omitempty"`
	DelegateSelectors []yamlStr         `yaml:"delegateSelectors,omitempty"`
	ExecuteOnDelegate bool              `yaml:"executeOnDelegate"`
	Type              yamlStr           `yaml:"type"`
}

// harnessTypedSpec is Harness's discriminated {type, spec} pair.
type harnessTypedSpec struct {
	Type yamlStr `yaml:"type,omitempty"`
	Spec any     `yaml:"spec"`
}

type harnessUsernamePassword struct {
	Username    yamlStr `yaml:"username"`
	PasswordRef yamlStr `yaml:"passwordRef"`
}

type harnessSSH struct {
	SSHKeyRef yamlStr `yaml:"sshKeyRef"`
}

type harnessEmailToken struct {
	Email    yamlStr `yaml:"email"`
	TokenRef yamlStr `yaml:"tokenRef"`
}

type harnessUsernameToken struct {
	Username yamlStr `yaml:"username"`
	TokenRef yamlStr `yaml:"tokenRef"`
}

type harnessToken struct {
	TokenRef yamlStr `yaml:"tokenRef"`
}

// HarnessYAML is the Harness connector YAML of c (type Bitbucket), with
// 2-space indents and keys in a fixed order, ready for the Harness YAML
// editor or the connectors API. Secrets appear only as references named
// after the connector (SecretRef). The connector gets its defaults first
// (wizard.Connector.WithDefaults); the error, a wizard.Problems, lists what
// stops a valid export.
func HarnessYAML(c wizard.Connector) ([]byte, error) {
	c = sanitize(c.WithDefaults())
	if ps := check(c); len(ps) > 0 {
		return nil, ps
	}
	doc := harnessDoc{Connector: harnessConnector{
		Name:        yamlStr(c.Name),
		Identifier:  yamlStr(c.ID),
		Description: yamlStr(strings.TrimSpace(c.Description)),
		Tags:        tagsNode(wizard.MergeTags(c.Tags)),
		Type:        yamlStr("Bitbucket"),
		Spec: harnessSpec{
			URL:               yamlStr(strings.TrimSpace(c.URL)),
			ValidationRepo:    yamlStr(validationRepo(c)),
			Authentication:    harnessAuth(c),
			APIAccess:         harnessAPIAccess(c),
			DelegateSelectors: yamlStrs(selectors(c)),
			ExecuteOnDelegate: c.Connectivity == wizard.ViaDelegate,
			Type:              yamlStr(connectionType(c)),
		},
	}}
	if c.Scope == wizard.ScopeOrg || c.Scope == wizard.ScopeProject {
		doc.Connector.OrgIdentifier = yamlStr(c.Org)
	}
	if c.Scope == wizard.ScopeProject {
		doc.Connector.ProjectIdentifier = yamlStr(c.Project)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("cannot write the connector yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("cannot write the connector yaml: %w", err)
	}
	return buf.Bytes(), nil
}

// harnessAuth is the authentication block: Http with UsernamePassword, or Ssh.
func harnessAuth(c wizard.Connector) harnessTypedSpec {
	if c.Connection == wizard.SSH {
		return harnessTypedSpec{Type: "Ssh", Spec: harnessSSH{SSHKeyRef: yamlStr(SecretRef(c, wizard.SlotSSHKey))}}
	}
	return harnessTypedSpec{Type: "Http", Spec: harnessTypedSpec{
		Type: "UsernamePassword",
		Spec: harnessUsernamePassword{
			Username:    yamlStr(strings.TrimSpace(c.EffectiveUsername())),
			PasswordRef: yamlStr(SecretRef(c, wizard.SlotPassword)),
		},
	}}
}

// harnessAPIAccess is the apiAccess block, nil when API access is off.
func harnessAPIAccess(c wizard.Connector) *harnessTypedSpec {
	ref := yamlStr(apiTokenRef(c))
	var spec any
	switch c.APIAccess {
	case wizard.APIEmailAPIToken:
		spec = harnessEmailToken{Email: yamlStr(strings.TrimSpace(c.APIEmail)), TokenRef: ref}
	case wizard.APIAccessToken:
		spec = harnessToken{TokenRef: ref}
	case wizard.APIUsernameAppPassword:
		spec = harnessUsernameToken{Username: yamlStr(apiUsername(c)), TokenRef: ref}
	default:
		return nil
	}
	return &harnessTypedSpec{Type: yamlStr(apiAccessType(c.APIAccess)), Spec: spec}
}

// tagsNode is the tags as a YAML map in the given order; a value-less tag
// is "" (a null would fail the schema). Nil when there are none.
func tagsNode(ts []wizard.Tag) *yaml.Node {
	if len(ts) == 0 {
		return nil
	}
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, t := range ts {
		n.Content = append(n.Content,
			yamlStr(t.Key).node(),
			yamlStr(t.Value).node(),
		)
	}
	return n
}

// yamlStr is a string that stays a string for every YAML reader. Harness
// reads YAML 1.1 (SnakeYAML), where yes, on, off, y and n are booleans and
// 1:20 is a number, so those words and anything that starts like a number
// are double-quoted; the encoder quotes the rest as YAML 1.2 needs.
type yamlStr string

// MarshalYAML implements yaml.Marshaler.
func (s yamlStr) MarshalYAML() (any, error) { return s.node(), nil }

func (s yamlStr) node() *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(s)}
	if needsQuotes(string(s)) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func yamlStrs(ss []string) []yamlStr {
	out := make([]yamlStr, len(ss))
	for i, s := range ss {
		out[i] = yamlStr(s)
	}
	return out
}

// yaml11Words are the plain scalars YAML 1.1 reads as booleans, nulls or
// special keys.
var yaml11Words = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "on": true, "off": true,
	"true": true, "false": true, "null": true, "~": true, "<<": true, "=": true,
}

// needsQuotes reports whether a YAML 1.1 reader could take s for something
// other than a string: a boolean or null word, or anything that starts like
// a number (a digit, a sign, a dot) or a null (~).
func needsQuotes(s string) bool {
	return s == "" || yaml11Words[strings.ToLower(s)] || strings.ContainsRune("0123456789+-.~", rune(s[0]))
}
