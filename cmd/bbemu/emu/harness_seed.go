package emu

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// The seeded organisations and projects: these names first, then
// generated ones (org_04…, project_06…).
var (
	seedOrgNames     = []string{"default", "platform", "payments"}
	seedProjectNames = []string{"web", "api", "mobile", "infra", "data"}
)

// newHarness makes the Harness account, its API keys and its seed.
func (st *state) newHarness(opts Options, ca *x509.Certificate) (*harnessState, error) {
	orgs, projects := opts.HarnessOrgs, opts.HarnessProjects
	if orgs == 0 {
		orgs = defaultHarnessOrgs
	}
	if projects == 0 {
		projects = defaultHarnessProj
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	h := &harnessState{
		account: harnessAccount, now: st.now,
		orgIdx: map[string]*hOrg{}, secrets: map[hKey]*hSecret{}, connectors: map[hKey]*hConnector{},
		client: &http.Client{
			Timeout:   harnessTestWait,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		},
	}
	h.latency.Store(int64(opts.HarnessLatency))
	h.demo = HarnessDemo{
		AccountID: harnessAccount, APIKey: newAPIKey("pat", harnessAccount), ReadOnlyAPIKey: newAPIKey("pat", harnessAccount),
		ServiceAccountKey: newAPIKey("sat", harnessAccount), ExpiredAPIKey: newAPIKey("pat", harnessAccount),
		UserEmail: st.demo.Email, Orgs: orgs, ProjectsPerOrg: projects,
	}
	h.keys = map[string]*apiKey{
		h.demo.APIKey:            {kind: "pat", write: true},
		h.demo.ReadOnlyAPIKey:    {kind: "pat"},
		h.demo.ServiceAccountKey: {kind: "sat", write: true},
		h.demo.ExpiredAPIKey:     {kind: "pat", expired: true},
	}
	h.seedScopes(orgs, projects)
	pem, err := os.ReadFile(st.demo.SSHKeyPath)
	if err != nil {
		return nil, fmt.Errorf("read the demo ssh key: %w", err)
	}
	if err := h.seedConnectors(st.seedConnectors(), st.seedSecrets(pem)); err != nil {
		return nil, err
	}
	return h, nil
}

// seedScopes makes orgs organisations of projects projects each.
func (h *harnessState) seedScopes(orgs, projects int) {
	created := h.now().Add(-30 * 24 * time.Hour).UnixMilli()
	for i := range orgs {
		o := &hOrg{id: fmt.Sprintf("org_%02d", i+1), created: created}
		if i < len(seedOrgNames) {
			o.id = seedOrgNames[i]
		}
		o.name = displayName(o.id)
		for j := range projects {
			p := hProject{id: fmt.Sprintf("project_%02d", j+1), created: created}
			if j < len(seedProjectNames) {
				p.id = seedProjectNames[j]
			}
			p.name = displayName(p.id)
			o.projects = append(o.projects, p)
		}
		h.orgs = append(h.orgs, o)
		h.orgIdx[o.id] = o
	}
}

// displayName is "Platform" for "platform", "Org 04" for "org_04".
func displayName(id string) string {
	s := strings.ReplaceAll(id, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// seedScope names a seeded scope by index (-1: none).
type seedScope struct{ org, project int }

func (h *harnessState) scopeAt(s seedScope) (hScope, bool) {
	if s.org < 0 {
		return hScope{}, true
	}
	if s.org >= len(h.orgs) || s.project >= len(h.orgs[s.org].projects) {
		return hScope{}, false
	}
	o := h.orgs[s.org]
	if s.project < 0 {
		return hScope{org: o.id}, true
	}
	return hScope{org: o.id, project: o.projects[s.project].id}, true
}

type seedSecret struct {
	at    seedScope
	id    string
	typ   string
	value []byte
	key   string // SSHKey: the file secret
}

type seedConn struct {
	at   seedScope
	body map[string]any
}

var (
	atAccount = seedScope{-1, -1}
	atDefault = seedScope{0, -1}
)

// seedSecrets are the secrets the seeded connectors use, with working
// demo values except bb_api_token in payments/mobile (a token Bitbucket
// does not know).
func (st *state) seedSecrets(pem []byte) []seedSecret {
	d := st.demo
	text := func(at seedScope, id, v string) seedSecret {
		return seedSecret{at: at, id: id, typ: "SecretText", value: []byte(v)}
	}
	return []seedSecret{
		text(atAccount, "bb_api_token", d.APIToken),
		text(atAccount, "bb_app_password", d.AppPassword),
		text(atDefault, "bb_dc_token", d.DCToken),
		text(seedScope{1, -1}, "bb_platform_password", d.AppPassword),
		text(seedScope{2, -1}, "bb_payments_app_password", d.AppPassword),
		text(seedScope{2, -1}, "bb_payments_username", d.Username),
		text(seedScope{0, 0}, "bb_app_password", d.AppPassword),
		{at: seedScope{0, 0}, id: "bb_ssh_key_pem", typ: "SecretFile", value: pem},
		{at: seedScope{0, 0}, id: "bb_ssh", typ: "SSHKey", key: "bb_ssh_key_pem"},
		text(seedScope{1, 0}, "bb_access_token", d.AccessToken),
		text(seedScope{2, 2}, "bb_api_token", atlassianToken("ATATT3xFfGF0")),
	}
}

// seedConnectors are Bitbucket connectors at every scope: healthy API
// token ones, App Password ones (Http + UsernameToken), Cloud Http ones
// without API access (unknown), Data Center, SSH, and one whose token is
// wrong.
func (st *state) seedConnectors() []seedConn {
	d := st.demo
	cloudRepo := "https://bitbucket.org/" + d.Workspace + "/" + d.Repo + ".git"
	cloudAccount := "https://bitbucket.org/" + d.Workspace
	emailAPI := func(tokenRef string) map[string]any {
		return map[string]any{"type": "EmailAndApiToken", "spec": map[string]any{"email": d.Email, "tokenRef": tokenRef}}
	}
	appPasswordAPI := func(user, userKey, tokenRef string) map[string]any {
		return map[string]any{"type": "UsernameToken", "spec": map[string]any{userKey: user, "tokenRef": tokenRef}}
	}
	accessAPI := func(tokenRef string) map[string]any {
		return map[string]any{"type": "AccessToken", "spec": map[string]any{"tokenRef": tokenRef}}
	}
	return []seedConn{
		{atAccount, bbConn("bb_cloud_workspace", "Bitbucket Cloud acme", cloudAccount, d.Repo+".git",
			httpAuthBody("username", d.Username, "account.bb_api_token"), emailAPI("account.bb_api_token"))},
		{atAccount, bbConn("bb_cloud_legacy", "Bitbucket legacy app password", cloudRepo, "",
			httpAuthBody("username", d.Username, "account.bb_app_password"), appPasswordAPI(d.Username, "username", "account.bb_app_password"))},
		{atDefault, bbConn("bb_datacenter", "Bitbucket Data Center", st.dcURL+"/scm/", strings.ToLower(d.DCProject)+"/"+d.DCRepo+".git",
			httpAuthBody("username", d.DCUser, "org.bb_dc_token"), accessAPI("org.bb_dc_token"))},
		{seedScope{1, -1}, bbConn("bb_platform_http", "Bitbucket platform (no API access)", cloudAccount, d.Repo+".git",
			httpAuthBody("username", d.Username, "org.bb_platform_password"), nil)},
		{seedScope{2, -1}, bbConn("bb_payments_legacy", "Bitbucket payments app password", cloudRepo, "",
			httpAuthBody("usernameRef", "org.bb_payments_username", "org.bb_payments_app_password"),
			appPasswordAPI("org.bb_payments_username", "usernameRef", "org.bb_payments_app_password"))},
		{seedScope{0, 0}, bbConn("bb_web_app_password", "Bitbucket web app password", cloudRepo, "",
			httpAuthBody("username", d.Username, "bb_app_password"), appPasswordAPI(d.Username, "username", "bb_app_password"))},
		{seedScope{0, 0}, bbConn("bb_web_ssh", "Bitbucket web ssh", "git@bitbucket.org:"+d.Workspace+"/"+d.Repo+".git", "",
			map[string]any{"type": "Ssh", "spec": map[string]any{"sshKeyRef": "bb_ssh"}}, nil)},
		{seedScope{0, 1}, bbConn("bb_api_http_only", "Bitbucket api (no API access)", cloudRepo, "",
			httpAuthBody("username", d.Username, "account.bb_api_token"), nil)},
		{seedScope{1, 0}, bbConn("bb_platform_access_token", "Bitbucket platform access token", cloudAccount, d.Repo+".git",
			httpAuthBody("username", "x-token-auth", "bb_access_token"), accessAPI("bb_access_token"))},
		{seedScope{2, 2}, bbConn("bb_mobile_wrong_token", "Bitbucket mobile (wrong token)", cloudRepo, "",
			httpAuthBody("username", d.Username, "bb_api_token"), emailAPI("bb_api_token"))},
	}
}

func httpAuthBody(userKey, user, passwordRef string) map[string]any {
	return map[string]any{"type": "Http", "spec": map[string]any{
		"type": "UsernamePassword", "spec": map[string]any{userKey: user, "passwordRef": passwordRef},
	}}
}

// bbConn is a connector body; an empty validationRepo makes a Repo
// connector.
func bbConn(id, name, url, validationRepo string, auth, api map[string]any) map[string]any {
	spec := map[string]any{"url": url, "type": "Repo", "authentication": auth, "executeOnDelegate": false, "delegateSelectors": []any{}}
	if validationRepo != "" {
		spec["type"], spec["validationRepo"] = "Account", validationRepo
	}
	if api != nil {
		spec["apiAccess"] = api
	}
	return map[string]any{
		"name": name, "identifier": id, "type": "Bitbucket", "tags": map[string]any{"seeded-by": "bbemu"}, "spec": spec,
	}
}

// seedConnectors stores the secrets and connectors whose scope exists,
// each connector through the same checks as a create.
func (h *harnessState) seedConnectors(conns []seedConn, secrets []seedSecret) error {
	now := h.now()
	for i, s := range secrets {
		sc, ok := h.scopeAt(s.at)
		if !ok {
			continue
		}
		at := now.Add(-time.Duration(len(secrets)+len(conns)-i) * time.Minute).UnixMilli()
		sec := &hSecret{
			typ: s.typ, name: strings.ReplaceAll(s.id, "_", " "), id: s.id, scope: sc, manager: "harnessSecretManager",
			valueType: "Inline", value: s.value, created: at, updated: at, tags: map[string]string{"seeded-by": "bbemu"},
		}
		if s.typ == "SSHKey" {
			var sp sshSpec
			sp.Port, sp.Auth.Type, sp.Auth.Spec.CredentialType = 22, "SSH", "KeyReference"
			sp.Auth.Spec.Spec.UserName, sp.Auth.Spec.Spec.Key = "git", s.key
			sec.ssh, sec.valueType = &sp, ""
		}
		if s.typ == "SecretFile" {
			sec.valueType = ""
		}
		h.secrets[hKey{scope: sc, id: s.id}] = sec
	}
	for i, sc := range conns {
		scope, ok := h.scopeAt(sc.at)
		if !ok {
			continue
		}
		if scope.org != "" {
			sc.body["orgIdentifier"] = scope.org
		}
		if scope.project != "" {
			sc.body["projectIdentifier"] = scope.project
		}
		raw, err := json.Marshal(sc.body)
		if err != nil {
			return fmt.Errorf("seed connector: %w", err)
		}
		c, e := buildConnector(raw)
		if e != nil {
			return errors.New("seed connector: " + e.field + " " + e.msg)
		}
		at := now.Add(-time.Duration(len(conns)-i) * time.Minute).UnixMilli()
		c.created, c.modified, c.status = at, at, connStatus{Status: "UNKNOWN"}
		h.connectors[hKey{scope: scope, id: c.id}] = c
	}
	return nil
}
