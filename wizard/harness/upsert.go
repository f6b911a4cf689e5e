package harness

import (
	"context"
	"fmt"
)

// UpsertTextSecret creates the text secret, or updates it (keeping its
// secret manager) when it exists; a create that races another writer
// (DUPLICATE_FIELD) becomes an update.
func (c *Client) UpsertTextSecret(ctx context.Context, scope Scope, s TextSecret) (Action, error) {
	return c.upsertSecret(ctx, scope, s.ID, TypeSecretText, &s.SecretMeta,
		func() error { return c.CreateTextSecret(ctx, scope, s) },
		func() error { return c.UpdateTextSecret(ctx, scope, s) })
}

// UpsertFileSecret creates or updates the file secret.
func (c *Client) UpsertFileSecret(ctx context.Context, scope Scope, f FileSecret) (Action, error) {
	return c.upsertSecret(ctx, scope, f.ID, TypeSecretFile, &f.SecretMeta,
		func() error { return c.CreateFileSecret(ctx, scope, f) },
		func() error { return c.UpdateFileSecret(ctx, scope, f) })
}

// UpsertSSHCredential creates or updates the SSHKey secret.
func (c *Client) UpsertSSHCredential(ctx context.Context, scope Scope, s SSHCredential) (Action, error) {
	return c.upsertSecret(ctx, scope, s.ID, TypeSSHKey, &s.SecretMeta,
		func() error { return c.CreateSSHCredential(ctx, scope, s) },
		func() error { return c.UpdateSSHCredential(ctx, scope, s) })
}

// upsertSecret is GET, then POST (none) or PUT (one of type typ). The
// update closure sees meta's secret manager set to the existing one, since
// a PUT may not change it.
func (c *Client) upsertSecret(ctx context.Context, scope Scope, id, typ string, meta *SecretMeta, create, update func() error) (Action, error) {
	existing, err := c.GetSecret(ctx, scope, id)
	if err != nil {
		return "", err
	}
	if existing == nil {
		err := create()
		if err == nil {
			return Created, nil
		}
		if !IsDuplicate(err) {
			return "", err
		}
		// Another writer created it between our GET and POST: update it.
		if existing, err = c.GetSecret(ctx, scope, id); err != nil {
			return "", err
		}
		if existing == nil {
			return "", fmt.Errorf("harness secret %s at %s: harness says it exists but cannot find it; run push again", id, scope)
		}
	}
	if existing.Type != "" && existing.Type != typ {
		return "", fmt.Errorf("harness secret %s at %s is a %s, not a %s: delete it in harness or give the connector another id",
			id, scope, existing.Type, typ)
	}
	if m := existing.SecretManager(); m != "" {
		meta.SecretManager = m
	}
	if err := update(); err != nil {
		return "", err
	}
	return Updated, nil
}

// UpsertConnector creates the connector, or updates it by merging desired
// into the object Harness returned (MergeConnector: keys bbconnect does not
// set, such as executeOnDelegate or proxy, stay). A create that races
// another writer becomes an update.
func (c *Client) UpsertConnector(ctx context.Context, desired RawConnector) (Action, *ConnectorResponse, error) {
	scope, id := desired.Scope(), desired.Identifier()
	existing, err := c.GetConnectorRaw(ctx, scope, id)
	if err != nil && !IsNotFound(err) {
		return "", nil, err
	}
	if existing == nil {
		resp, err := c.CreateConnector(ctx, desired)
		if err == nil {
			return Created, resp, nil
		}
		if !IsDuplicate(err) {
			return "", nil, err
		}
		if existing, err = c.GetConnectorRaw(ctx, scope, id); err != nil {
			return "", nil, err
		}
	}
	if t := str(existing.Connector, "type"); t != "" && t != str(desired, "type") {
		return "", nil, fmt.Errorf("harness connector %s at %s is a %s connector, not %s: give this one another id (--id)",
			id, scope, t, str(desired, "type"))
	}
	resp, err := c.UpdateConnectorRaw(ctx, MergeConnector(existing.Connector, desired))
	if err != nil {
		return "", nil, err
	}
	return Updated, resp, nil
}
