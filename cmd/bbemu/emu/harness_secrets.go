package emu

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// hSecret is one secret. Its value (a text secret's value or a file
// secret's content) is kept for the test connection and never returned.
type hSecret struct {
	typ, name, id, desc string
	scope               hScope
	tags                map[string]string
	manager             string
	valueType           string // SecretText: "Inline" or "Reference"
	value               []byte
	ssh                 *sshSpec // SSHKey
	created, updated    int64
}

// secretIn is a request's {"secret":{…}}.
type secretIn struct {
	Secret *secretWire `json:"secret"`
}

type secretWire struct {
	Type              string            `json:"type"`
	Name              string            `json:"name"`
	Identifier        string            `json:"identifier"`
	OrgIdentifier     string            `json:"orgIdentifier"`
	ProjectIdentifier string            `json:"projectIdentifier"`
	Description       string            `json:"description"`
	Tags              map[string]string `json:"tags"`
	Spec              json.RawMessage   `json:"spec"`
}

type textSpec struct {
	SecretManagerIdentifier string  `json:"secretManagerIdentifier"`
	ValueType               string  `json:"valueType"`
	Value                   *string `json:"value"`
}

// sshSpec is an SSHKey credential (KeyReference: a file secret holding
// the PEM key and an optional text secret holding its passphrase).
type sshSpec struct {
	Port int `json:"port"`
	Auth struct {
		Type string `json:"type"`
		Spec struct {
			CredentialType string `json:"credentialType"`
			Spec           struct {
				UserName            string `json:"userName"`
				Key                 string `json:"key"`
				EncryptedPassphrase string `json:"encryptedPassphrase,omitempty"`
			} `json:"spec"`
		} `json:"spec"`
	} `json:"auth"`
}

// secretIDPattern is Harness's identifier rule; secrets also allow "-".
var secretIDPattern = regexp.MustCompile(`^[a-zA-Z_][0-9a-zA-Z_$-]{0,127}$`)

const (
	msgScopeMismatch = "Invalid request, scope in payload and params do not match."
	msgCannotChange  = "Cannot change organization, project, identifier, type or secret manager of a secret after creation."
	msgNoSuchSecret  = "No such secret found, please check identifier/scope and try again."
)

func noSuchSecretRef(ref string) string {
	return "No such secret found '" + ref + "', please check identifier/scope and try again."
}

// parseSecret checks the wrapper every create and update shares: the
// fields, the identifier, the type and that the body's scope is the
// query's. It answers when something is wrong.
func parseSecret(w http.ResponseWriter, sc hScope, in secretIn, types ...string) (*secretWire, bool) {
	s := in.Secret
	switch {
	case s == nil:
		hFailure(w, "secret: must not be null", hFieldError{"secret", "must not be null"})
	case strings.TrimSpace(s.Name) == "":
		hFailure(w, "name: cannot be empty.", hFieldError{"name", "cannot be empty."})
	case !secretIDPattern.MatchString(s.Identifier):
		hFailure(w, "identifier: can be 128 characters long and can only contain alphanumeric, underscore, hyphen and $ characters, and not start with a number or $",
			hFieldError{"identifier", "can be 128 characters long and can only contain alphanumeric, underscore, hyphen and $ characters, and not start with a number or $"})
	case !slices.Contains(types, s.Type):
		hInvalid(w, "Invalid request, secret type "+s.Type+" is not accepted by this call (use "+strings.Join(types, " or ")+")")
	case (hScope{org: s.OrgIdentifier, project: s.ProjectIdentifier}) != sc:
		hInvalid(w, msgScopeMismatch)
	default:
		return s, true
	}
	return nil, false
}

// secretManager checks the built-in secret manager is named.
func secretManager(w http.ResponseWriter, id string) bool {
	switch id {
	case "harnessSecretManager", "account.harnessSecretManager", "org.harnessSecretManager":
		return true
	case "":
		hFailure(w, "secretManagerIdentifier: must not be null", hFieldError{"secretManagerIdentifier", "must not be null"})
	default:
		hInvalid(w, "Secret manager with identifier ["+id+"] not found: the emulator has only harnessSecretManager")
	}
	return false
}

// fillText reads a SecretText spec into s. On update (old != nil) a
// missing value keeps the old one.
func fillText(w http.ResponseWriter, s *hSecret, raw json.RawMessage, old *hSecret) bool {
	var sp textSpec
	if json.Unmarshal(raw, &sp) != nil {
		hFailure(w, "spec: not a SecretText spec", hFieldError{"spec", "not a SecretText spec"})
		return false
	}
	if !secretManager(w, sp.SecretManagerIdentifier) {
		return false
	}
	if sp.ValueType != "Inline" && sp.ValueType != "Reference" {
		hFailure(w, "valueType: must be Inline or Reference", hFieldError{"valueType", "must be Inline or Reference"})
		return false
	}
	s.manager, s.valueType = sp.SecretManagerIdentifier, sp.ValueType
	switch {
	case sp.Value == nil && old != nil:
		s.value = old.value
	case sp.Value == nil || *sp.Value == "":
		hFailure(w, "value: cannot be empty", hFieldError{"value", "cannot be empty"})
		return false
	default:
		s.value = []byte(*sp.Value)
	}
	return true
}

// fillSSH reads an SSHKey spec into s; its key must name a file secret
// and its passphrase a text secret, resolved from the credential's scope.
func (h *harnessState) fillSSH(w http.ResponseWriter, s *hSecret, raw json.RawMessage) bool {
	var sp sshSpec
	if json.Unmarshal(raw, &sp) != nil {
		hFailure(w, "spec: not an SSHKey spec", hFieldError{"spec", "not an SSHKey spec"})
		return false
	}
	cred := sp.Auth.Spec.Spec
	switch {
	case sp.Auth.Type != "SSH":
		hInvalid(w, "Invalid request, auth type "+sp.Auth.Type+" is not served by the emulator (use SSH)")
		return false
	case sp.Auth.Spec.CredentialType != "KeyReference":
		hInvalid(w, "Invalid request, credential type "+sp.Auth.Spec.CredentialType+" is not served by the emulator (use KeyReference)")
		return false
	case cred.UserName == "":
		hFailure(w, "userName: cannot be empty", hFieldError{"userName", "cannot be empty"})
		return false
	}
	if sp.Port == 0 {
		sp.Port = 22
	}
	for _, ref := range []struct{ ref, typ string }{{cred.Key, "SecretFile"}, {cred.EncryptedPassphrase, "SecretText"}} {
		if ref.ref == "" && ref.typ == "SecretText" {
			continue
		}
		k, ok := resolveRef(s.scope, ref.ref)
		h.mu.RLock()
		target := h.secrets[k]
		h.mu.RUnlock()
		if !ok || target == nil || target.typ != ref.typ {
			hInvalid(w, noSuchSecretRef(ref.ref))
			return false
		}
	}
	s.ssh, s.manager = &sp, "harnessSecretManager"
	return true
}

func newSecret(wire *secretWire, sc hScope, now int64) *hSecret {
	return &hSecret{
		typ: wire.Type, name: wire.Name, id: wire.Identifier, desc: wire.Description, scope: sc,
		tags: wire.Tags, created: now, updated: now,
	}
}

func (st *state) createSecret(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	sc, ok := st.queryScope(w, r)
	if !ok {
		return
	}
	var in secretIn
	if !decodeBody(w, r, &in) {
		return
	}
	wire, ok := parseSecret(w, sc, in, "SecretText", "SSHKey")
	if !ok {
		return
	}
	s := newSecret(wire, sc, h.millis())
	if wire.Type == "SecretText" {
		ok = fillText(w, s, wire.Spec, nil)
	} else {
		ok = h.fillSSH(w, s, wire.Spec)
	}
	if ok && !st.governed(w, r) {
		h.putSecret(w, s, true)
	}
}

// putSecret stores s (create: refusing a taken identifier) and answers
// with it.
func (h *harnessState) putSecret(w http.ResponseWriter, s *hSecret, create bool) {
	k := hKey{scope: s.scope, id: s.id}
	h.mu.Lock()
	old := h.secrets[k]
	if create && old != nil {
		h.mu.Unlock()
		hError(w, http.StatusBadRequest, "DUPLICATE_FIELD", "Secret with identifier ["+s.id+"] already exists in this scope")
		return
	}
	if old != nil {
		s.created = old.created
	}
	h.secrets[k] = s
	h.mu.Unlock()
	hOK(w, secretJSON(s))
}

// existingSecret finds the secret a PUT names and checks the body keeps
// its identifier, type, scope and secret manager.
func (st *state) existingSecret(w http.ResponseWriter, r *http.Request, in secretIn, types ...string) (*hSecret, *secretWire, bool) {
	h := st.harness
	sc, ok := st.queryScope(w, r)
	if !ok {
		return nil, nil, false
	}
	h.mu.RLock()
	old := h.secrets[hKey{scope: sc, id: r.PathValue("id")}]
	h.mu.RUnlock()
	if old == nil {
		hInvalid(w, msgNoSuchSecret)
		return nil, nil, false
	}
	if in.Secret != nil && (in.Secret.Identifier != old.id || in.Secret.Type != old.typ ||
		(hScope{org: in.Secret.OrgIdentifier, project: in.Secret.ProjectIdentifier}) != old.scope) {
		hInvalid(w, msgCannotChange)
		return nil, nil, false
	}
	wire, ok := parseSecret(w, sc, in, types...)
	return old, wire, ok
}

func (st *state) updateSecret(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	var in secretIn
	if !decodeBody(w, r, &in) {
		return
	}
	old, wire, ok := st.existingSecret(w, r, in, "SecretText", "SSHKey")
	if !ok {
		return
	}
	s := newSecret(wire, old.scope, h.millis())
	if wire.Type == "SecretText" {
		ok = fillText(w, s, wire.Spec, old)
		if ok && s.manager != old.manager {
			hInvalid(w, msgCannotChange)
			return
		}
	} else {
		ok = h.fillSSH(w, s, wire.Spec)
	}
	if ok && !st.governed(w, r) {
		h.putSecret(w, s, false)
	}
}

func (st *state) getSecret(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	sc, ok := st.queryScope(w, r)
	if !ok {
		return
	}
	h.mu.RLock()
	s := h.secrets[hKey{scope: sc, id: r.PathValue("id")}]
	h.mu.RUnlock()
	if s == nil {
		hOK(w, nil)
		return
	}
	hOK(w, secretJSON(s))
}

func (st *state) secretIDFree(w http.ResponseWriter, r *http.Request) {
	st.idFree(w, r, r.PathValue("id"), func(k hKey) bool { _, ok := st.harness.secrets[k]; return ok })
}

// deleteSecret refuses a secret a connector or an SSH credential still
// refers to.
func (st *state) deleteSecret(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	k, ok := st.deleteTarget(w, r)
	if !ok {
		return
	}
	h.mu.Lock()
	if h.secrets[k] == nil {
		h.mu.Unlock()
		hOK(w, false)
		return
	}
	if users := h.secretUsers(k); len(users) > 0 {
		h.mu.Unlock()
		hError(w, http.StatusBadRequest, "ENTITY_REFERENCE_EXCEPTION",
			"Could not delete the secret "+k.id+" as it is referenced by other entities - ["+strings.Join(users, ", ")+"]")
		return
	}
	delete(h.secrets, k)
	h.mu.Unlock()
	hOK(w, true)
}

// secretUsers names the connectors and SSH credentials that refer to k.
// The caller holds h.mu.
func (h *harnessState) secretUsers(k hKey) []string {
	var users []string
	for ck, c := range h.connectors {
		for _, ref := range c.refs() {
			if rk, ok := resolveRef(ck.scope, ref); ok && rk == k {
				users = append(users, "connector "+ck.id)
				break
			}
		}
	}
	for sk, s := range h.secrets {
		if s.ssh == nil {
			continue
		}
		for _, ref := range []string{s.ssh.Auth.Spec.Spec.Key, s.ssh.Auth.Spec.Spec.EncryptedPassphrase} {
			if rk, ok := resolveRef(sk.scope, ref); ok && ref != "" && rk == k {
				users = append(users, "secret "+sk.id)
				break
			}
		}
	}
	slices.Sort(users)
	return users
}

// secretJSON is a SecretResponseWrapper: never the value.
func secretJSON(s *hSecret) map[string]any {
	var spec map[string]any
	switch s.typ {
	case "SecretText":
		spec = map[string]any{
			"errorMessageForInvalidYaml": nil, "type": "SecretTextSpec",
			"secretManagerIdentifier": s.manager, "valueType": s.valueType, "value": nil,
		}
		if s.valueType == "Reference" {
			spec["value"] = string(s.value) // a path in an external store, not a secret
		}
	case "SecretFile":
		spec = map[string]any{"errorMessageForInvalidYaml": nil, "type": "SecretFileSpec", "secretManagerIdentifier": s.manager}
	case "SSHKey":
		cred := s.ssh.Auth.Spec.Spec
		spec = map[string]any{
			"errorMessageForInvalidYaml": nil, "port": s.ssh.Port,
			"auth": map[string]any{"type": "SSH", "spec": map[string]any{
				"credentialType": "KeyReference",
				"spec":           map[string]any{"userName": cred.UserName, "key": cred.Key, "encryptedPassphrase": nullable(cred.EncryptedPassphrase)},
			}},
		}
	}
	tags := s.tags
	if tags == nil {
		tags = map[string]string{}
	}
	return map[string]any{
		"secret": map[string]any{
			"type": s.typ, "name": s.name, "identifier": s.id, "orgIdentifier": nullable(s.scope.org),
			"projectIdentifier": nullable(s.scope.project), "tags": tags, "description": s.desc, "spec": spec,
		},
		"createdAt": s.created, "updatedAt": s.updated, "draft": false, "governanceMetadata": nil,
	}
}
