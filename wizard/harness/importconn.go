package harness

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/bbconnect/bbconnect/wizard"
)

// Imported is a Harness connector read back as a local connector.
type Imported struct {
	Connector  wizard.Connector
	SecretRefs []string // every secret reference it uses (passwordRef, tokenRef, …), in order, once each
	Notes      []string // what could not be read and needs the user (lowercase sentences)
}

// ParseConnectorFile reads a connector pasted out of the Harness UI (YAML
// with a top-level connector:, or the same as JSON) or one
// harness_platform_connector_bitbucket Terraform block (name ends in .tf,
// or the text starts with resource).
func ParseConnectorFile(name string, data []byte) (RawConnector, error) {
	text := bytes.TrimSpace(data)
	if len(text) == 0 {
		return nil, fmt.Errorf("%s is empty: paste the connector yaml from harness or a harness_platform_connector_bitbucket block", name)
	}
	if strings.HasSuffix(strings.ToLower(name), ".tf") || bytes.HasPrefix(text, []byte("resource")) {
		return parseTerraform(name, data)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, fmt.Errorf("%s is not yaml or json: %s", name, firstLine(err.Error()))
	}
	conn, ok := doc["connector"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s has no connector: key: copy the whole yaml from the connector's yaml view in harness", name)
	}
	return RawConnector(conn), nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// ToConnector turns a Harness Bitbucket connector object into a local
// connector with no secrets, the secret references it uses and notes on
// what the user must still give (an SSH key file, a username held in a
// secret).
func ToConnector(raw RawConnector) (Imported, error) {
	var im Imported
	if t := str(raw, "type"); t != "Bitbucket" {
		return im, fmt.Errorf("connector type is %q, not Bitbucket: bbconnect imports bitbucket connectors only", t)
	}
	c := wizard.NewConnector()
	c.Name, c.ID, c.Description = str(raw, "name"), str(raw, "identifier"), str(raw, "description")
	if c.ID == "" {
		return im, errors.New("the connector has no identifier")
	}
	c.Tags = tagsOf(raw["tags"])
	switch sc := raw.Scope(); {
	case sc.Project != "":
		c.Scope, c.Org, c.Project = wizard.ScopeProject, sc.Org, sc.Project
	case sc.Org != "":
		c.Scope, c.Org = wizard.ScopeOrg, sc.Org
	}
	spec := raw.Spec()
	c.URL = str(spec, "url")
	c.URLType = wizard.Account
	if str(spec, "type") == "Repo" {
		c.URLType = wizard.Repository
	}
	c.TestRepo = str(spec, "validationRepo")
	c.Edition = wizard.DataCenter
	if isCloudURL(c.URL) {
		c.Edition = wizard.Cloud
	}
	refs := &refList{}
	auth, _ := spec["authentication"].(map[string]any)
	authSpec, _ := auth["spec"].(map[string]any)
	passwordRef := ""
	switch str(auth, "type") {
	case "Ssh":
		c.Connection, c.PasswordKind = wizard.SSH, ""
		refs.add(str(authSpec, "sshKeyRef"))
		im.Notes = append(im.Notes, "give the path of the ssh private key (pem) with bbconnect setup --edit, or push will have no key to upload")
	default:
		c.Connection = wizard.HTTP
		creds, _ := authSpec["spec"].(map[string]any)
		c.Username = str(creds, "username")
		if ref := str(creds, "usernameRef"); ref != "" && c.Username == "" {
			refs.add(ref)
			im.Notes = append(im.Notes, "the username is in harness secret "+ref+": enter it (bbconnect cannot read secret values)")
		}
		passwordRef = str(creds, "passwordRef")
		refs.add(passwordRef)
	}
	importAPIAccess(&c, spec, passwordRef, refs)
	c.PasswordKind = passwordKind(c)
	if b, ok := spec["executeOnDelegate"].(bool); ok && !b {
		c.Connectivity = wizard.ViaPlatform
	} else {
		c.Connectivity = wizard.ViaDelegate
		c.DelegateSelectors = strs(spec["delegateSelectors"])
	}
	im.Connector, im.SecretRefs = c, refs.list
	return im, nil
}

// importAPIAccess reads apiAccess into c.
func importAPIAccess(c *wizard.Connector, spec map[string]any, passwordRef string, refs *refList) {
	api, _ := spec["apiAccess"].(map[string]any)
	apiSpec, _ := api["spec"].(map[string]any)
	tokenRef := str(apiSpec, "tokenRef")
	switch str(api, "type") {
	case "UsernameToken":
		c.APIAccess, c.APIUsername = wizard.APIUsernameAppPassword, str(apiSpec, "username")
	case "EmailAndApiToken":
		c.APIAccess, c.APIEmail = wizard.APIEmailAPIToken, str(apiSpec, "email")
		refs.add(str(apiSpec, "emailRef"))
	case "AccessToken":
		c.APIAccess = wizard.APIAccessToken
	default:
		c.APIAccess = wizard.APINone
		return
	}
	refs.add(tokenRef)
	c.APITokenSameAsPassword = c.Connection == wizard.HTTP && tokenRef != "" && tokenRef == passwordRef
}

// passwordKind guesses the kind of the HTTP password from what the
// connector shows: x-token-auth means an access token, UsernameToken API
// access an App Password, Data Center an HTTP access token.
func passwordKind(c wizard.Connector) wizard.PasswordKind {
	switch {
	case c.Connection != wizard.HTTP:
		return ""
	case c.Edition == wizard.DataCenter:
		return wizard.HTTPAccessToken
	case c.Username == wizard.AccessTokenUsername:
		return wizard.AccessToken
	case c.APIAccess == wizard.APIUsernameAppPassword:
		return wizard.AppPassword
	}
	return wizard.APIToken
}

// refList keeps references in order, once each.
type refList struct{ list []string }

func (r *refList) add(ref string) {
	if ref == "" {
		return
	}
	for _, x := range r.list {
		if x == ref {
			return
		}
	}
	r.list = append(r.list, ref)
}

func tagsOf(v any) []wizard.Tag {
	m, _ := v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []wizard.Tag
	for _, k := range keys {
		val, _ := m[k].(string)
		out = append(out, wizard.Tag{Key: k, Value: val})
	}
	return out
}

func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}
