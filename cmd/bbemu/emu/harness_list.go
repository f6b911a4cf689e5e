package emu

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

// secretListBody is the body of POST /v2/secrets/list.
type secretListBody struct {
	SecretTypes []string `json:"secretTypes"`
	SearchTerm  string   `json:"searchTerm"`
	Identifiers []string `json:"identifiers"`
}

func (st *state) listSecrets(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	sc, ok := st.queryScope(w, r)
	if !ok {
		return
	}
	idx, size, ok := pageParams(w, r.URL.Query())
	if !ok {
		return
	}
	var body secretListBody
	if r.ContentLength != 0 && !decodeBody(w, r, &body) {
		return
	}
	term := strings.ToLower(body.SearchTerm + r.URL.Query().Get("searchTerm"))
	h.mu.RLock()
	var list []*hSecret
	for k, s := range h.secrets {
		if k.scope != sc || (len(body.SecretTypes) > 0 && !slices.Contains(body.SecretTypes, s.typ)) ||
			(len(body.Identifiers) > 0 && !slices.Contains(body.Identifiers, s.id)) ||
			!strings.Contains(strings.ToLower(s.id+" "+s.name), term) {
			continue
		}
		list = append(list, s)
	}
	h.mu.RUnlock()
	slices.SortFunc(list, func(a, b *hSecret) int { return newestFirst(a.updated, b.updated, a.id, b.id) })
	items := make([]any, len(list))
	for i, s := range list {
		items[i] = secretJSON(s)
	}
	hOK(w, pageOf(items, idx, size))
}

// newestFirst orders by modification time, newest first, then identifier.
func newestFirst(ta, tb int64, ia, ib string) int {
	switch {
	case ta > tb:
		return -1
	case ta < tb:
		return 1
	}
	return strings.Compare(ia, ib)
}

// listConnectors is listV2: the exact scope of the query (plus parent
// scopes with includeAllConnectorsAvailableAtScope=true), newest first.
func (st *state) listConnectors(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	sc, ok := st.queryScope(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	idx, size, ok := pageParams(w, q)
	if !ok {
		return
	}
	var filter struct {
		FilterType           string   `json:"filterType"`
		Types                []string `json:"types"`
		ConnectorIdentifiers []string `json:"connectorIdentifiers"`
		SearchTerm           string   `json:"searchTerm"`
	}
	if !decodeBody(w, r, &filter) {
		return
	}
	if filter.FilterType != "Connector" {
		hFailure(w, "filterType: must be Connector", hFieldError{"filterType", "must be Connector"})
		return
	}
	scopes := []hScope{sc}
	if q.Get("includeAllConnectorsAvailableAtScope") == "true" {
		scopes = append(scopes, hScope{org: sc.org}, hScope{})
	}
	term := strings.ToLower(q.Get("searchTerm") + filter.SearchTerm)
	h.mu.RLock()
	var list []*hConnector
	for k, c := range h.connectors {
		if !slices.Contains(scopes, k.scope) || (len(filter.Types) > 0 && !slices.Contains(filter.Types, "Bitbucket")) ||
			(len(filter.ConnectorIdentifiers) > 0 && !slices.Contains(filter.ConnectorIdentifiers, c.id)) ||
			!strings.Contains(strings.ToLower(c.id+" "+c.name), term) {
			continue
		}
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b *hConnector) int { return newestFirst(a.modified, b.modified, a.id, b.id) })
	items := make([]any, len(list))
	for i, c := range list {
		items[i] = connectorJSON(c)
	}
	h.mu.RUnlock()
	hOK(w, pageOf(items, idx, size))
}

// connectorJSON is a ConnectorResponse. The caller holds h.mu (status).
func connectorJSON(c *hConnector) map[string]any {
	return map[string]any{
		"connector": maps.Clone(c.body), "createdAt": c.created, "lastModifiedAt": c.modified,
		"status": c.status, "activityDetails": map[string]any{"lastActivityTime": c.modified},
		"harnessManaged": false, "gitDetails": map[string]any{"objectId": nil, "branch": nil, "repoIdentifier": nil, "rootFolder": nil, "filePath": nil, "repoName": nil},
		"entityValidityDetails": map[string]any{"valid": true, "invalidYaml": nil},
		"governanceMetadata":    nil, "isFavorite": false,
	}
}
