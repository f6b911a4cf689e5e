package emu

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// hConnector is one Bitbucket connector: the body as sent (unknown keys
// kept, defaults filled), its parsed spec and the last test.
type hConnector struct {
	scope             hScope
	id, name          string
	body              map[string]any // never changed once stored
	spec              bbSpec
	created, modified int64
	status            connStatus
}

// connectorWire is the typed view of {"connector":{…}}.
type connectorWire struct {
	Name              string `json:"name"`
	Identifier        string `json:"identifier"`
	OrgIdentifier     string `json:"orgIdentifier"`
	ProjectIdentifier string `json:"projectIdentifier"`
	Type              string `json:"type"`
	Spec              bbSpec `json:"spec"`
}

// bbSpec is a Bitbucket connector's spec.
type bbSpec struct {
	URL            string `json:"url"`
	Type           string `json:"type"`
	ValidationRepo string `json:"validationRepo"`
	Authentication struct {
		Type string          `json:"type"`
		Spec json.RawMessage `json:"spec"`
	} `json:"authentication"`
	APIAccess *struct {
		Type string  `json:"type"`
		Spec apiSpec `json:"spec"`
	} `json:"apiAccess"`
	ExecuteOnDelegate *bool `json:"executeOnDelegate"`
	http              httpAuth
	ssh               sshAuth
}

type httpAuth struct {
	Type string `json:"type"`
	Spec struct {
		Username    string `json:"username"`
		UsernameRef string `json:"usernameRef"`
		PasswordRef string `json:"passwordRef"`
	} `json:"spec"`
}

type sshAuth struct {
	SSHKeyRef string `json:"sshKeyRef"`
}

type apiSpec struct {
	Username        string `json:"username"`
	UsernameRef     string `json:"usernameRef"`
	Email           string `json:"email"`
	EmailRef        string `json:"emailRef"`
	TokenRef        string `json:"tokenRef"`
	RefreshTokenRef string `json:"refreshTokenRef"`
}

// connStatus is ConnectorConnectivityDetails: the last test.
type connStatus struct {
	Status          string        `json:"status"`
	ErrorSummary    string        `json:"errorSummary,omitempty"`
	Errors          []errorDetail `json:"errors,omitempty"`
	TestedAt        int64         `json:"testedAt,omitempty"`
	LastTestedAt    int64         `json:"lastTestedAt,omitempty"`
	LastConnectedAt int64         `json:"lastConnectedAt,omitempty"`
}

// errorDetail is one entry of a test's errors.
type errorDetail struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
	Code    int    `json:"code"`
}

// refField is one secret reference of a connector and what it must name.
type refField struct{ field, ref, typ string }

// refFields lists the connector's secret references.
func (s *bbSpec) refFields() []refField {
	fs := []refField{
		{"usernameRef", s.http.Spec.UsernameRef, "SecretText"},
		{"passwordRef", s.http.Spec.PasswordRef, "SecretText"},
		{"sshKeyRef", s.ssh.SSHKeyRef, "SSHKey"},
	}
	if a := s.APIAccess; a != nil {
		fs = append(fs, refField{"usernameRef", a.Spec.UsernameRef, "SecretText"}, refField{"emailRef", a.Spec.EmailRef, "SecretText"},
			refField{"tokenRef", a.Spec.TokenRef, "SecretText"}, refField{"refreshTokenRef", a.Spec.RefreshTokenRef, "SecretText"})
	}
	return slices.DeleteFunc(fs, func(f refField) bool { return f.ref == "" })
}

func (c *hConnector) refs() []string {
	var out []string
	for _, f := range c.spec.refFields() {
		out = append(out, f.ref)
	}
	return out
}

// connectorIDPattern is Harness's entity identifier rule.
var connectorIDPattern = regexp.MustCompile(`^[a-zA-Z_][0-9a-zA-Z_$]{0,127}$`)

// connErr is why a connector body is refused: a field (FAILURE
// envelope) or, with field empty, an INVALID_REQUEST message.
type connErr struct{ field, msg string }

// parseConnector reads {"connector":{…}} and answers when it is refused.
func parseConnector(w http.ResponseWriter, r *http.Request) (*hConnector, bool) {
	var raw struct {
		Connector json.RawMessage `json:"connector"`
	}
	if !decodeBody(w, r, &raw) {
		return nil, false
	}
	c, e := buildConnector(raw.Connector)
	switch {
	case e == nil:
		return c, true
	case e.field == "":
		hInvalid(w, e.msg)
	default:
		hFailure(w, e.field+": "+e.msg, hFieldError{e.field, e.msg})
	}
	return nil, false
}

// buildConnector checks what Harness's request validation checks and
// makes the connector.
func buildConnector(raw json.RawMessage) (*hConnector, *connErr) {
	var body map[string]any
	var wire connectorWire
	if len(raw) == 0 || string(raw) == "null" || json.Unmarshal(raw, &body) != nil || json.Unmarshal(raw, &wire) != nil {
		return nil, &connErr{"connector", "must not be null"}
	}
	sp := &wire.Spec
	switch {
	case strings.TrimSpace(wire.Name) == "":
		return nil, &connErr{"name", "cannot be empty."}
	case len(wire.Name) > 64:
		return nil, &connErr{"name", "cannot be more than 64 characters long."}
	case !connectorIDPattern.MatchString(wire.Identifier):
		return nil, &connErr{"identifier", "can be 128 characters long and can only contain alphanumeric, underscore and $ characters, and not start with a number or $"}
	case wire.Type != "Bitbucket":
		return nil, &connErr{"", "Invalid request, connector type " + wire.Type + " is not served by the emulator (Bitbucket only)"}
	case sp.URL == "":
		return nil, &connErr{"url", "must not be null"}
	case !slices.Contains([]string{"Account", "Repo", "Project"}, sp.Type):
		return nil, &connErr{"type", "must be Account or Repo"}
	}
	if e := checkAuth(sp); e != nil {
		return nil, e
	}
	if a := sp.APIAccess; a != nil {
		if !slices.Contains([]string{"UsernameToken", "AccessToken", "EmailAndApiToken", "OAuth"}, a.Type) {
			return nil, &connErr{"apiAccess.type", "must be UsernameToken, AccessToken, EmailAndApiToken or OAuth"}
		}
		if a.Spec.TokenRef == "" {
			return nil, &connErr{"tokenRef", "must not be null"}
		}
	}
	normalise(body)
	return &hConnector{
		scope: hScope{org: wire.OrgIdentifier, project: wire.ProjectIdentifier},
		id:    wire.Identifier, name: wire.Name, body: body, spec: wire.Spec,
	}, nil
}

// checkAuth reads and checks the authentication block.
func checkAuth(sp *bbSpec) *connErr {
	switch sp.Authentication.Type {
	case "Http":
		if json.Unmarshal(sp.Authentication.Spec, &sp.http) != nil || sp.http.Type != "UsernamePassword" {
			return &connErr{"authentication.spec.type", "must be UsernamePassword"}
		}
		if (sp.http.Spec.Username == "") == (sp.http.Spec.UsernameRef == "") {
			return &connErr{"username", "give exactly one of username and usernameRef"}
		}
		if sp.http.Spec.PasswordRef == "" {
			return &connErr{"passwordRef", "must not be null"}
		}
	case "Ssh":
		if json.Unmarshal(sp.Authentication.Spec, &sp.ssh) != nil || sp.ssh.SSHKeyRef == "" {
			return &connErr{"sshKeyRef", "must not be null"}
		}
	default:
		return &connErr{"authentication.type", "must be Http or Ssh"}
	}
	return nil
}

// normalise fills what Harness fills: null identifiers of higher scopes,
// empty tags and description, executeOnDelegate true, no selectors.
func normalise(body map[string]any) {
	for _, k := range []string{"orgIdentifier", "projectIdentifier"} {
		if s, _ := body[k].(string); s == "" {
			body[k] = nil
		}
	}
	if body["tags"] == nil {
		body["tags"] = map[string]any{}
	}
	if body["description"] == nil {
		body["description"] = ""
	}
	spec, _ := body["spec"].(map[string]any)
	if _, ok := spec["executeOnDelegate"]; !ok {
		spec["executeOnDelegate"] = true
	}
	if spec["delegateSelectors"] == nil {
		spec["delegateSelectors"] = []any{}
	}
}

// checkRefs validates every *Ref against the secrets that exist, seen
// from the connector's scope.
func (st *state) checkRefs(w http.ResponseWriter, c *hConnector) bool {
	h := st.harness
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, f := range c.spec.refFields() {
		k, ok := resolveRef(c.scope, f.ref)
		if s := h.secrets[k]; !ok || s == nil || s.typ != f.typ {
			hInvalid(w, "Error while validating "+f.field+" field : "+noSuchSecretRef(f.ref))
			return false
		}
	}
	return true
}

func (st *state) createConnector(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	c, ok := parseConnector(w, r)
	if !ok || !st.checkScope(w, r, c.scope) || !st.checkRefs(w, c) {
		return
	}
	k := hKey{scope: c.scope, id: c.id}
	h.mu.RLock()
	_, taken := h.connectors[k]
	h.mu.RUnlock()
	if taken {
		hInvalid(w, "Connector: "+c.name+" has been given an identifier: "+c.id+" that already exists. Please enter a unique ID.")
		return
	}
	if st.governed(w, r) {
		return
	}
	c.created, c.modified = h.millis(), h.millis()
	c.status = connStatus{Status: "UNKNOWN"}
	h.mu.Lock()
	if _, raced := h.connectors[k]; raced {
		h.mu.Unlock()
		hError(w, http.StatusBadRequest, "DUPLICATE_FIELD", "Connector ["+c.id+"] already exists")
		return
	}
	h.connectors[k] = c
	body := connectorJSON(c)
	h.mu.Unlock()
	hOK(w, body)
}

// updateConnector replaces the whole connector (PUT), keeping its
// creation time and last test.
func (st *state) updateConnector(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	c, ok := parseConnector(w, r)
	if !ok || !st.checkScope(w, r, c.scope) {
		return
	}
	k := hKey{scope: c.scope, id: c.id}
	h.mu.RLock()
	old := h.connectors[k]
	h.mu.RUnlock()
	if old == nil {
		hInvalid(w, "No connector exists with the  Identifier "+c.id)
		return
	}
	if !st.checkRefs(w, c) || st.governed(w, r) {
		return
	}
	h.mu.Lock()
	if cur := h.connectors[k]; cur != nil {
		c.created, c.status = cur.created, cur.status
	}
	c.modified = h.millis()
	h.connectors[k] = c
	body := connectorJSON(c)
	h.mu.Unlock()
	hOK(w, body)
}

// lookupConnector finds the connector of the path's id at the query's
// scope, answering the not-found shape when there is none (with the
// message of testConnection when forTest).
func (st *state) lookupConnector(w http.ResponseWriter, r *http.Request, forTest bool) (*hConnector, bool) {
	sc, ok := st.queryScope(w, r)
	if !ok {
		return nil, false
	}
	id := r.PathValue("id")
	h := st.harness
	h.mu.RLock()
	c := h.connectors[hKey{scope: sc, id: id}]
	h.mu.RUnlock()
	switch {
	case c == nil && forTest:
		st.hNotFound(w, r, "No connector found with identifier "+id)
		return nil, false
	case c == nil:
		st.hNotFound(w, r, "Connector with identifier ["+id+"] in project ["+sc.project+"], org ["+sc.org+"] not found")
		return nil, false
	}
	return c, true
}

func (st *state) getConnector(w http.ResponseWriter, r *http.Request) {
	if c, ok := st.lookupConnector(w, r, false); ok {
		st.harness.mu.RLock()
		body := connectorJSON(c)
		st.harness.mu.RUnlock()
		hOK(w, body)
	}
}

func (st *state) deleteConnector(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	k, ok := st.deleteTarget(w, r)
	if !ok {
		return
	}
	h.mu.Lock()
	_, found := h.connectors[k]
	delete(h.connectors, k)
	h.mu.Unlock()
	if !found {
		st.hNotFound(w, r, "No connector exists with the identifier "+k.id+" in account "+h.account+
			", organisation "+k.scope.org+", project "+k.scope.project)
		return
	}
	hOK(w, true)
}

// deleteTarget reads what a DELETE names; forceDelete is refused, as on
// an account that has not enabled it.
func (st *state) deleteTarget(w http.ResponseWriter, r *http.Request) (hKey, bool) {
	sc, ok := st.queryScope(w, r)
	if !ok {
		return hKey{}, false
	}
	if r.URL.Query().Get("forceDelete") == "true" {
		hInvalid(w, "Parameter forcedDelete cannot be true. Force Delete is not enabled for account ["+st.harness.account+"]")
		return hKey{}, false
	}
	return hKey{scope: sc, id: r.PathValue("id")}, true
}

func (st *state) connectorIDFree(w http.ResponseWriter, r *http.Request) {
	st.idFree(w, r, r.URL.Query().Get("identifier"), func(k hKey) bool { _, ok := st.harness.connectors[k]; return ok })
}

// idFree answers validateUniqueIdentifier: true when exists (called
// under the read lock) finds nothing with id at the query's scope.
func (st *state) idFree(w http.ResponseWriter, r *http.Request, id string, exists func(hKey) bool) {
	sc, ok := st.queryScope(w, r)
	if !ok {
		return
	}
	st.harness.mu.RLock()
	taken := exists(hKey{scope: sc, id: id})
	st.harness.mu.RUnlock()
	hOK(w, !taken)
}
