package conntest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// Adding the SSH key for the user: Bitbucket Cloud takes a public key on
// the user's SSH keys endpoint (POST /2.0/users/{selected_user}/ssh-keys,
// API token scope write:ssh-key:bitbucket), Data Center on its SSH REST
// API (POST /rest/ssh/1.0/keys, as the token's own user). Only credentials
// that act as a user can do it: a Cloud workspace access token cannot.

// SSHKeyScope is the API token scope that adds SSH keys on Bitbucket Cloud.
const SSHKeyScope = "write:ssh-key:bitbucket"

// CanAddSSHKey reports whether the API access of c can add an SSH key to
// the user's account; when it cannot, why, with what would.
func CanAddSSHKey(c wizard.Connector) (bool, string) {
	switch {
	case c.Connection != wizard.SSH:
		return false, "the connector does not use an ssh key"
	case c.Edition == wizard.Cloud && (c.APIAccess == wizard.APIEmailAPIToken || c.APIAccess == wizard.APIUsernameAppPassword):
		return true, ""
	case c.Edition == wizard.DataCenter && c.APIAccess == wizard.APIAccessToken:
		return true, ""
	case c.Edition == wizard.Cloud && c.APIAccess == wizard.APIAccessToken:
		return false, "a workspace access token cannot add a user's ssh key (api access with your email and an api token with " + SSHKeyScope + " can)"
	case c.Edition == wizard.Cloud:
		return false, "api access is off (with your email and an api token with " + SSHKeyScope + " bbconnect could add it)"
	}
	return false, "api access is off (with a personal http access token bbconnect could add it)"
}

// AddSSHKey adds the public key authorizedKey (one authorized_keys line)
// with label to the Bitbucket account of c's API credentials, and says
// where it went. Errors are one line with the fix, naming the page where
// the key can be pasted by hand; they never hold a secret.
func AddSSHKey(ctx context.Context, c wizard.Connector, s Secrets, cfg Config, authorizedKey, label string) (string, error) {
	where, err := addSSHKey(ctx, c, s, cfg, authorizedKey, label)
	if err != nil {
		return "", errors.New(s.Redact(err.Error()))
	}
	return where, nil
}

func addSSHKey(ctx context.Context, c wizard.Connector, s Secrets, cfg Config, authorizedKey, label string) (string, error) {
	if ok, why := CanAddSSHKey(c); !ok {
		return "", errors.New(why)
	}
	e := newEnv(c, s, cfg)
	defer e.close()
	base, err := e.apiBase()
	if err != nil {
		return "", err
	}
	byHand := "add it by hand: " + sshkey.WhereToAdd(c.Edition == wizard.Cloud, c.ServerBase())
	cr, _ := e.restCred()
	key := strings.TrimSpace(authorizedKey)
	if c.Edition == wizard.DataCenter {
		r, err := e.post(ctx, base+"/rest/ssh/1.0/keys", cr, map[string]string{"text": key, "label": label})
		if err != nil {
			return "", fmt.Errorf("adding the key failed: %s; %s", wizard.OneLine(err.Error(), 160), byHand)
		}
		switch r.status {
		case http.StatusCreated, http.StatusOK:
			return "added to your bitbucket data center account (" + base + ")", nil
		case http.StatusUnauthorized, http.StatusForbidden:
			return "", fmt.Errorf("bitbucket data center refused to add the key (%d): the api token must be a personal http access token; %s", r.status, byHand)
		}
		return "", fmt.Errorf("bitbucket data center did not add the key (%d: %s); %s", r.status, serverMessage(r.body), byHand)
	}
	who, err := e.fetch(ctx, base+"/2.0/user", cr)
	if err != nil {
		return "", fmt.Errorf("adding the key failed: %s; %s", wizard.OneLine(err.Error(), 160), byHand)
	}
	var user struct {
		UUID     string `json:"uuid"`
		Username string `json:"username"`
	}
	if who.status == http.StatusForbidden {
		return "", fmt.Errorf("bitbucket refused to say whose account the api token is (403: %s): the api token needs the read:user:bitbucket and %s scopes (%s); %s",
			serverMessage(who.body), SSHKeyScope, wizard.APITokenPlace, byHand)
	}
	if who.status != http.StatusOK || json.Unmarshal(who.body, &user) != nil || user.UUID == "" {
		return "", fmt.Errorf("bitbucket did not say whose account the api credentials are (%d: %s); %s", who.status, serverMessage(who.body), byHand)
	}
	r, err := e.post(ctx, base+"/2.0/users/"+pathEsc(user.UUID)+"/ssh-keys", cr, map[string]string{"key": key, "label": label})
	if err != nil {
		return "", fmt.Errorf("adding the key failed: %s; %s", wizard.OneLine(err.Error(), 160), byHand)
	}
	switch r.status {
	case http.StatusCreated, http.StatusOK:
		return "added to the ssh keys of bitbucket user " + firstNonEmpty(user.Username, user.UUID), nil
	case http.StatusForbidden:
		return "", fmt.Errorf("bitbucket refused to add the key (403: %s): the api token needs the %s scope (%s); %s",
			serverMessage(r.body), SSHKeyScope, wizard.APITokenPlace, byHand)
	case http.StatusUnauthorized:
		return "", fmt.Errorf("bitbucket refused the api credentials (401): check the email and api token in api access; %s", byHand)
	}
	return "", fmt.Errorf("bitbucket did not add the key (%d: %s); %s", r.status, serverMessage(r.body), byHand)
}

// post sends a JSON body (no retries: adding a key twice is not harmless)
// and reads the bounded answer.
func (e *env) post(ctx context.Context, rawURL string, cr credential, body any) (*response, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "bbconnect-conntest")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	cr.apply(req)
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	r := &response{url: stripQuery(rawURL), status: resp.StatusCode, header: resp.Header, tries: 1}
	r.body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return r, err
}

// serverMessage is the error message of a Cloud or Data Center JSON error
// body, or its first line, shortened.
func serverMessage(body []byte) string {
	var cloud struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	var dc struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	switch {
	case json.Unmarshal(body, &cloud) == nil && cloud.Error.Message != "":
		return wizard.OneLine(cloud.Error.Message, 160)
	case json.Unmarshal(body, &dc) == nil && len(dc.Errors) > 0:
		return wizard.OneLine(dc.Errors[0].Message, 160)
	}
	return wizard.OneLine(firstLine(string(body)), 160)
}
