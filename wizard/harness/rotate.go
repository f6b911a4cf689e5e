package harness

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// TagRotation is the tag bbconnect puts on a secret a rotation creates,
// valued with the rotation's id, so that undoing that rotation deletes
// only the secrets it made.
const TagRotation = "bbconnect-rotation"

// ResolveRef is the scope and identifier of a secret reference made from
// an entity at scope from: "account.x" is x at the account, "org.x" x in
// from's organisation, and a bare "x" x at from itself.
func ResolveRef(from Scope, ref string) (Scope, string) {
	if id, ok := strings.CutPrefix(ref, "account."); ok {
		return Scope{}, id
	}
	if id, ok := strings.CutPrefix(ref, "org."); ok {
		return Scope{Org: from.Org}, id
	}
	return from, ref
}

// SecretRefs are the secret references of a Bitbucket connector object by
// slot: the HTTP password (passwordRef) and the API access token
// (apiAccess tokenRef). A slot the connector does not use is absent.
func (r RawConnector) SecretRefs() map[wizard.SecretSlot]string {
	out := map[wizard.SecretSlot]string{}
	spec := r.Spec()
	auth, _ := spec["authentication"].(map[string]any)
	if str(auth, "type") == "Http" {
		authSpec, _ := auth["spec"].(map[string]any)
		creds, _ := authSpec["spec"].(map[string]any)
		if ref := str(creds, "passwordRef"); ref != "" {
			out[wizard.SlotPassword] = ref
		}
	}
	api, _ := spec["apiAccess"].(map[string]any)
	apiSpec, _ := api["spec"].(map[string]any)
	if ref := str(apiSpec, "tokenRef"); ref != "" {
		out[wizard.SlotAPIToken] = ref
	}
	return out
}

// Repoint returns r with the secrets of refs in place of the ones it used
// (the HTTP password, the API access token, which follows the password
// when c uses the same token for both) and, when c's API access is Email
// and API Token and r's is not, that API access with c's email. Every other
// key stays as Harness returned it; r is not changed.
func (r RawConnector) Repoint(c wizard.Connector, refs map[wizard.SecretSlot]string) RawConnector {
	out := RawConnector(deepCopy(map[string]any(r)))
	spec := out.Spec()
	if spec == nil {
		return out
	}
	pw, hasPW := refs[wizard.SlotPassword]
	if auth, _ := spec["authentication"].(map[string]any); hasPW && str(auth, "type") == "Http" {
		authSpec, _ := auth["spec"].(map[string]any)
		if creds, _ := authSpec["spec"].(map[string]any); creds != nil {
			creds["passwordRef"] = pw
		}
	}
	token, hasToken := refs[wizard.SlotAPIToken]
	if c.APITokenSameAsPassword && hasPW {
		token, hasToken = pw, true
	}
	api, _ := spec["apiAccess"].(map[string]any)
	switch {
	case c.APIAccess == wizard.APIEmailAPIToken && str(api, "type") != "EmailAndApiToken":
		if !hasToken {
			token = out.SecretRefs()[wizard.SlotAPIToken]
		}
		spec["apiAccess"] = map[string]any{"type": "EmailAndApiToken", "spec": map[string]any{"email": c.APIEmail, "tokenRef": token}}
	case api != nil && hasToken:
		apiSpec, _ := api["spec"].(map[string]any)
		if apiSpec != nil {
			apiSpec["tokenRef"] = token
		}
	}
	return out
}

// SetTextSecretValue puts value in the existing text secret id at scope,
// repeating its name, description, tags and secret manager (a PUT must not
// change them, and replaces what it does not repeat).
func (c *Client) SetTextSecretValue(ctx context.Context, scope Scope, id, value string) error {
	existing, err := c.GetSecret(ctx, scope, id)
	if err != nil {
		return err
	}
	if existing == nil {
		return fmt.Errorf("harness has no secret %s at %s: push the connector again (bbconnect push)", id, scope)
	}
	if existing.Type != TypeSecretText {
		return fmt.Errorf("harness secret %s at %s is a %s, not a text secret: bbconnect cannot put a token in it", id, scope, existing.Type)
	}
	s := TextSecret{SecretMeta: SecretMeta{
		ID: id, Name: existing.Name, Description: existing.Description, Tags: existing.Tags, SecretManager: existing.SecretManager(),
	}, Value: value}
	return c.UpdateTextSecret(ctx, scope, s)
}

// FreeSecretID is base, or base_2, base_3, … : the first identifier no
// secret at scope has.
func (c *Client) FreeSecretID(ctx context.Context, scope Scope, base string) (string, error) {
	for i := 1; i <= 20; i++ {
		id := base
		if i > 1 {
			id = base + "_" + strconv.Itoa(i)
		}
		s, err := c.GetSecret(ctx, scope, id)
		if err != nil {
			return "", err
		}
		if s == nil {
			return id, nil
		}
	}
	return "", fmt.Errorf("harness has secrets %s to %s_20 at %s already: delete the unused ones", base, base, scope)
}
