package harness

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/export"
)

// ScopeOf is the Harness scope of a connector's export.
func ScopeOf(c wizard.Connector) Scope {
	switch c.Scope {
	case wizard.ScopeOrg:
		return Scope{Org: c.Org}
	case wizard.ScopeProject:
		return Scope{Org: c.Org, Project: c.Project}
	}
	return Scope{}
}

// ConnectorObject is the connector's JSON object for the API, built by
// wizard/export (the same one as the Harness YAML).
func ConnectorObject(c wizard.Connector) (RawConnector, error) {
	m, err := export.HarnessObject(c)
	if err != nil {
		return nil, err
	}
	return RawConnector(m), nil
}

// PushInput is what a push sends. The values travel only in request bodies.
type PushInput struct {
	Connector wizard.Connector
	Secrets   wizard.Secrets
	SSHKeyPEM []byte // the private key file's content, for SSH connectors
	DryRun    bool   // read only: GETs run, writes are listed as planned; no value is needed
	// SSHPassphraseStored says the key has a passphrase (for a dry run, which reads no values).
	SSHPassphraseStored bool
}

// SecretPush is one Harness secret a push writes.
type SecretPush struct {
	ID     string // identifier
	Ref    string // how the connector (or SSH credential) refers to it
	Type   string // SecretText, SecretFile or SSHKey
	Action Action
}

// PushResult is what a push did (or, in a dry run, would do).
type PushResult struct {
	Scope     Scope
	Calls     []Call // every call, in order; a dry run's writes have Status 0
	Secrets   []SecretPush
	Connector Action
	Test      *TestResult // nil in a dry run or when a step before failed
}

// SecretIDs lists the identifiers of the secrets pushed.
func (r *PushResult) SecretIDs() []string {
	out := make([]string, len(r.Secrets))
	for i, s := range r.Secrets {
		out[i] = s.ID
	}
	return out
}

// pushStep is one secret write of a push.
type pushStep struct {
	secret SecretPush
	upsert func(ctx context.Context) (Action, error)
	path   string // the update path (the create path is the collection)
	create string
}

// Push upserts the secrets the connector refers to, then the connector, at
// the connector's scope, then runs Harness's test. HTTP connectors get text
// secrets; SSH ones the PEM key as a file secret plus an SSHKey credential
// (user git, port 22) in the same scope. Every call is reported to the
// context's observer as it ends. The result is returned with the error,
// holding what was done before it.
func (c *Client) Push(ctx context.Context, in PushInput) (*PushResult, error) {
	conn := in.Connector.WithDefaults()
	res := &PushResult{Scope: ScopeOf(conn)}
	outer, _ := ctx.Value(observerKey{}).(Observer)
	ctx = WithObserver(ctx, func(call Call) {
		res.Calls = append(res.Calls, call)
		if outer != nil {
			outer(call)
		}
	})
	plan := func(method, path, id string) {
		call := Call{Method: method, Path: path, ID: id}
		res.Calls = append(res.Calls, call)
		if outer != nil {
			outer(call)
		}
	}
	obj, err := ConnectorObject(conn)
	if err != nil {
		return res, err
	}
	steps, err := c.pushSteps(conn, in, res.Scope)
	if err != nil {
		return res, err
	}
	for _, st := range steps {
		if in.DryRun {
			existing, err := c.GetSecret(ctx, res.Scope, st.secret.ID)
			if err != nil {
				return res, err
			}
			st.secret.Action = PlannedCreate
			if existing != nil {
				st.secret.Action = PlannedUpdate
				plan("PUT", st.path, st.secret.ID)
			} else {
				plan("POST", st.create, st.secret.ID)
			}
			res.Secrets = append(res.Secrets, st.secret)
			continue
		}
		act, err := st.upsert(ctx)
		if err != nil {
			return res, err
		}
		st.secret.Action = act
		res.Secrets = append(res.Secrets, st.secret)
	}
	testPath := "/ng/api/connectors/testConnection/" + pathEscape(conn.ID)
	if in.DryRun {
		_, err := c.GetConnectorRaw(ctx, res.Scope, conn.ID)
		switch {
		case err == nil:
			res.Connector = PlannedUpdate
			plan("PUT", "/ng/api/connectors", conn.ID)
		case IsNotFound(err):
			res.Connector = PlannedCreate
			plan("POST", "/ng/api/connectors", conn.ID)
		default:
			return res, err
		}
		plan("POST", testPath, conn.ID)
		return res, nil
	}
	act, _, err := c.UpsertConnector(ctx, obj)
	if err != nil {
		return res, err
	}
	res.Connector = act
	res.Test, err = c.Test(ctx, res.Scope, conn.ID)
	return res, err
}

// pushSteps are the secret writes of a push, in order (the SSH key file
// before the credential that points at it).
func (c *Client) pushSteps(conn wizard.Connector, in PushInput, scope Scope) ([]pushStep, error) {
	secretsPath := "/ng/api/v2/secrets"
	var steps []pushStep
	text := func(id, value string) {
		s := TextSecret{SecretMeta: meta(conn, id), Value: value}
		steps = append(steps, pushStep{
			secret: SecretPush{ID: id, Ref: scope.Ref(id), Type: TypeSecretText},
			upsert: func(ctx context.Context) (Action, error) { return c.UpsertTextSecret(ctx, scope, s) },
			path:   secretsPath + "/" + pathEscape(id), create: secretsPath,
		})
	}
	for _, s := range export.Secrets(conn) {
		switch s.Kind {
		case "ssh":
			if err := c.sshSteps(conn, in, scope, &steps, text); err != nil {
				return nil, err
			}
		default:
			v := in.Secrets.Value(s.Slot)
			if v == "" && !in.DryRun {
				return nil, fmt.Errorf("no %s stored for %s: run bbconnect rotate %s to store it", slotWords(s.Slot), conn.ID, conn.ID)
			}
			text(s.ID, v)
		}
	}
	return steps, nil
}

// sshSteps adds the key file, its passphrase (when it has one) and the SSH
// credential.
func (c *Client) sshSteps(conn wizard.Connector, in PushInput, scope Scope, steps *[]pushStep, text func(id, value string)) error {
	if len(in.SSHKeyPEM) == 0 && !in.DryRun {
		return errors.New("ssh key file is empty or not read: check the key path of " + conn.ID)
	}
	secretsPath := "/ng/api/v2/secrets"
	fileID := export.SSHKeyFileID(conn)
	f := FileSecret{SecretMeta: meta(conn, fileID), FileName: filepath.Base(conn.SSHKeyPath), Content: in.SSHKeyPEM}
	*steps = append(*steps, pushStep{
		secret: SecretPush{ID: fileID, Ref: scope.Ref(fileID), Type: TypeSecretFile},
		upsert: func(ctx context.Context) (Action, error) { return c.UpsertFileSecret(ctx, scope, f) },
		path:   secretsPath + "/files/" + pathEscape(fileID), create: secretsPath + "/files",
	})
	cred := SSHCredential{SecretMeta: meta(conn, export.SecretID(conn, wizard.SlotSSHKey)), User: "git", Port: 22, KeyRef: scope.Ref(fileID)}
	if in.Secrets.SSHPassphrase != "" || in.SSHPassphraseStored {
		pid := export.SSHPassphraseID(conn)
		text(pid, in.Secrets.SSHPassphrase)
		cred.PassphraseRef = scope.Ref(pid)
	}
	*steps = append(*steps, pushStep{
		secret: SecretPush{ID: cred.ID, Ref: scope.Ref(cred.ID), Type: TypeSSHKey},
		upsert: func(ctx context.Context) (Action, error) { return c.UpsertSSHCredential(ctx, scope, cred) },
		path:   secretsPath + "/" + pathEscape(cred.ID), create: secretsPath,
	})
	return nil
}

// meta names a secret after its connector and tags it as bbconnect's.
func meta(conn wizard.Connector, id string) SecretMeta {
	return SecretMeta{ID: id, Name: id, Tags: map[string]string{"managed-by": "bbconnect", "connector": conn.ID}}
}

// slotWords names a slot in a message.
func slotWords(slot wizard.SecretSlot) string {
	switch slot {
	case wizard.SlotAPIToken:
		return "api access token"
	case wizard.SlotSSHKey:
		return "ssh key passphrase"
	}
	return "password or token"
}
