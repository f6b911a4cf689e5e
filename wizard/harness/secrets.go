package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"

	"github.com/bbconnect/bbconnect/wizard"
)

// DefaultSecretManager is Harness's built-in secret manager.
const DefaultSecretManager = "harnessSecretManager"

// The secret types bbconnect writes.
const (
	TypeSecretText = "SecretText"
	TypeSecretFile = "SecretFile"
	TypeSSHKey     = "SSHKey"
)

// Action is what an upsert did.
type Action string

// The upsert actions. Planned ones come from a dry run.
const (
	Created       Action = "created"
	Updated       Action = "updated"
	PlannedCreate Action = "would create"
	PlannedUpdate Action = "would update"
)

// Secret is a secret as Harness shows it (never its value).
type Secret struct {
	Type              string            `json:"type"`
	Name              string            `json:"name"`
	Identifier        string            `json:"identifier"`
	OrgIdentifier     string            `json:"orgIdentifier,omitempty"`
	ProjectIdentifier string            `json:"projectIdentifier,omitempty"`
	Description       string            `json:"description,omitempty"`
	Tags              map[string]string `json:"tags,omitempty"`
	Spec              json.RawMessage   `json:"spec,omitempty"`
}

// SecretManager is the secret manager the secret is stored in.
func (s *Secret) SecretManager() string {
	var spec struct {
		Manager string `json:"secretManagerIdentifier"`
	}
	_ = json.Unmarshal(s.Spec, &spec)
	return spec.Manager
}

// SecretMeta is what every secret bbconnect writes has: identifier, name,
// tags and the secret manager ("" is DefaultSecretManager).
type SecretMeta struct {
	ID            string
	Name          string
	Description   string
	Tags          map[string]string
	SecretManager string
}

// TextSecret is an encrypted text secret (a token).
type TextSecret struct {
	SecretMeta
	Value string // sent only in the request body
}

// String redacts the value.
func (t TextSecret) String() string { return "TextSecret{" + t.ID + ", value [redacted]}" }

// GoString redacts the value.
func (t TextSecret) GoString() string { return t.String() }

// FileSecret is an encrypted file secret (the PEM SSH key).
type FileSecret struct {
	SecretMeta
	FileName string // e.g. id_rsa
	Content  []byte // sent only in the multipart body
}

// String redacts the content.
func (f FileSecret) String() string { return "FileSecret{" + f.ID + ", content [redacted]}" }

// GoString redacts the content.
func (f FileSecret) GoString() string { return f.String() }

// SSHCredential is an SSHKey secret: user and port plus a reference to the
// file secret with the key (and, optionally, a text secret with its
// passphrase). References use id, org.id or account.id.
type SSHCredential struct {
	SecretMeta
	User          string // "" is git
	Port          int    // 0 is 22
	KeyRef        string
	PassphraseRef string
}

func (m SecretMeta) wrapper(scope Scope, typ string, spec any) map[string]any {
	s := map[string]any{"type": typ, "name": m.Name, "identifier": m.ID, "spec": spec}
	if m.Name == "" {
		s["name"] = m.ID
	}
	if scope.Org != "" {
		s["orgIdentifier"] = scope.Org
	}
	if scope.Project != "" {
		s["projectIdentifier"] = scope.Project
	}
	if m.Description != "" {
		s["description"] = m.Description
	}
	if len(m.Tags) > 0 {
		s["tags"] = m.Tags
	}
	return map[string]any{"secret": s}
}

func (m SecretMeta) manager() string {
	if m.SecretManager == "" {
		return DefaultSecretManager
	}
	return m.SecretManager
}

func (t TextSecret) body(scope Scope) ([]byte, error) {
	if t.Value == "" {
		return nil, fmt.Errorf("secret %s has no value: store the token first", t.ID)
	}
	return json.Marshal(t.wrapper(scope, TypeSecretText, map[string]any{
		"secretManagerIdentifier": t.manager(), "valueType": "Inline", "value": t.Value,
	}))
}

func (s SSHCredential) body(scope Scope) ([]byte, error) {
	user, port := s.User, s.Port
	if user == "" {
		user = "git"
	}
	if port == 0 {
		port = 22
	}
	cred := map[string]any{"userName": user, "key": s.KeyRef}
	if s.PassphraseRef != "" {
		cred["encryptedPassphrase"] = s.PassphraseRef
	}
	return json.Marshal(s.wrapper(scope, TypeSSHKey, map[string]any{
		"port": port,
		"auth": map[string]any{"type": "SSH", "spec": map[string]any{"credentialType": "KeyReference", "spec": cred}},
	}))
}

// multipart is the spec + file body of a file secret.
func (f FileSecret) multipart(scope Scope) (body []byte, contentType string, err error) {
	spec, err := json.Marshal(f.wrapper(scope, TypeSecretFile, map[string]any{"secretManagerIdentifier": f.manager()}))
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("spec", string(spec)); err != nil {
		return nil, "", err
	}
	name := f.FileName
	if name == "" {
		name = "id_rsa"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", "application/octet-stream")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(f.Content); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// GetSecret reads a secret's metadata; nil (and no error) when there is
// none (200 with data null, or a not-found answer).
func (c *Client) GetSecret(ctx context.Context, scope Scope, id string) (*Secret, error) {
	path := "/ng/api/v2/secrets/" + pathEscape(id)
	data, err := c.do(ctx, request{method: "GET", path: path, id: id, query: scope.query()})
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var v struct {
		Secret *Secret `json:"secret"`
	}
	if len(data) == 0 || string(data) == "null" {
		return nil, nil
	}
	if err := getJSON("GET "+path, data, &v); err != nil {
		return nil, err
	}
	return v.Secret, nil
}

// DeleteSecret deletes a secret; it reports whether one existed.
func (c *Client) DeleteSecret(ctx context.Context, scope Scope, id string) (bool, error) {
	path := "/ng/api/v2/secrets/" + pathEscape(id)
	data, err := c.do(ctx, request{method: "DELETE", path: path, id: id, query: scope.query()})
	if IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var ok bool
	_ = json.Unmarshal(data, &ok)
	return ok, nil
}

// writeSecret sends a secret body (POST creates, PUT updates) and checks
// Harness answered with the secret, not a governance block.
func (c *Client) writeSecret(ctx context.Context, r request) error {
	data, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	return checkEntity(r.method+" "+r.path, data, "secret")
}

// CreateTextSecret creates a text secret at scope (never retried).
func (c *Client) CreateTextSecret(ctx context.Context, scope Scope, s TextSecret) error {
	body, err := s.body(scope)
	if err != nil {
		return err
	}
	return c.writeSecret(ctx, request{
		method: "POST", path: "/ng/api/v2/secrets", id: s.ID, query: scope.query(),
		body: body, noRetry: true, secrets: []string{s.Value},
	})
}

// UpdateTextSecret replaces a text secret's value (and name, tags). Scope,
// identifier and secret manager must be the ones it was created with.
func (c *Client) UpdateTextSecret(ctx context.Context, scope Scope, s TextSecret) error {
	body, err := s.body(scope)
	if err != nil {
		return err
	}
	return c.writeSecret(ctx, request{
		method: "PUT", path: "/ng/api/v2/secrets/" + pathEscape(s.ID), id: s.ID,
		query: scope.query(), body: body, secrets: []string{s.Value},
	})
}

// CreateFileSecret uploads a file secret at scope (never retried).
func (c *Client) CreateFileSecret(ctx context.Context, scope Scope, f FileSecret) error {
	body, ct, err := f.multipart(scope)
	if err != nil {
		return err
	}
	return c.writeSecret(ctx, request{
		method: "POST", path: "/ng/api/v2/secrets/files", id: f.ID, query: scope.query(),
		body: body, contentType: ct, noRetry: true,
	})
}

// UpdateFileSecret replaces a file secret's content.
func (c *Client) UpdateFileSecret(ctx context.Context, scope Scope, f FileSecret) error {
	body, ct, err := f.multipart(scope)
	if err != nil {
		return err
	}
	return c.writeSecret(ctx, request{
		method: "PUT", path: "/ng/api/v2/secrets/files/" + pathEscape(f.ID), id: f.ID,
		query: scope.query(), body: body, contentType: ct,
	})
}

// CreateSSHCredential creates an SSHKey secret at scope (never retried).
func (c *Client) CreateSSHCredential(ctx context.Context, scope Scope, s SSHCredential) error {
	body, err := s.body(scope)
	if err != nil {
		return err
	}
	return c.writeSecret(ctx, request{method: "POST", path: "/ng/api/v2/secrets", id: s.ID, query: scope.query(), body: body, noRetry: true})
}

// UpdateSSHCredential replaces an SSHKey secret.
func (c *Client) UpdateSSHCredential(ctx context.Context, scope Scope, s SSHCredential) error {
	body, err := s.body(scope)
	if err != nil {
		return err
	}
	return c.writeSecret(ctx, request{method: "PUT", path: "/ng/api/v2/secrets/" + pathEscape(s.ID), id: s.ID, query: scope.query(), body: body})
}

// checkEntity checks a create/update answer holds the entity (key) and is
// not an OPA policy's block: 200 with governanceMetadata and no entity.
func checkEntity(name string, data json.RawMessage, key string) error {
	var v map[string]json.RawMessage
	if json.Unmarshal(data, &v) != nil {
		return nil // an answer without an object: nothing to check
	}
	if ent, ok := v[key]; ok && len(ent) > 0 && string(ent) != "null" {
		return nil
	}
	gm, ok := v["governanceMetadata"]
	if !ok || string(gm) == "null" {
		return nil
	}
	var g struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(gm, &g)
	e := &Error{
		Call: name, HTTPStatus: 200, Code: "GOVERNANCE_BLOCKED",
		Message: "a harness policy (opa) blocked this " + key,
	}
	if m := wizard.OneLine(g.Message, maxText); m != "" {
		e.Messages = []string{m}
	} else if s := wizard.OneLine(g.Status, maxText); s != "" {
		e.Messages = []string{"policy status " + s}
	}
	return e
}
