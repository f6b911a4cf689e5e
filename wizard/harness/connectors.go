package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// RawConnector is a connector as Harness's JSON object ({name, identifier,
// orgIdentifier, projectIdentifier, tags, type, spec}), kept whole so an
// update carries every key Harness returned, including the ones bbconnect
// does not know (executeOnDelegate, proxy, …).
type RawConnector map[string]any

// Identifier is the connector's identifier.
func (r RawConnector) Identifier() string { return str(r, "identifier") }

// Scope is the connector's scope from its orgIdentifier/projectIdentifier.
func (r RawConnector) Scope() Scope {
	return Scope{Org: str(r, "orgIdentifier"), Project: str(r, "projectIdentifier")}
}

// Spec is the connector's spec object (nil when absent).
func (r RawConnector) Spec() map[string]any {
	m, _ := r["spec"].(map[string]any)
	return m
}

// Connectivity is Harness's last test of a connector.
type Connectivity struct {
	Status          string        `json:"status"` // SUCCESS, FAILURE, PARTIAL, UNKNOWN
	ErrorSummary    string        `json:"errorSummary,omitempty"`
	Errors          []ErrorDetail `json:"errors,omitempty"`
	TestedAt        int64         `json:"testedAt,omitempty"`     // Unix milliseconds
	LastTestedAt    int64         `json:"lastTestedAt,omitempty"` // Unix milliseconds
	LastConnectedAt int64         `json:"lastConnectedAt,omitempty"`
}

// ErrorDetail is one reason a test failed.
type ErrorDetail struct {
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	Code    int    `json:"code,omitempty"`
}

// ConnectorResponse is a connector with Harness's bookkeeping.
type ConnectorResponse struct {
	Connector      RawConnector  `json:"connector"`
	Status         *Connectivity `json:"status,omitempty"`
	CreatedAt      int64         `json:"createdAt,omitempty"`
	LastModifiedAt int64         `json:"lastModifiedAt,omitempty"`
	HarnessManaged bool          `json:"harnessManaged,omitempty"`
}

// GetConnectorRaw reads a connector. A missing one is an error for which
// IsNotFound is true (404, or 400 with a not-found code).
func (c *Client) GetConnectorRaw(ctx context.Context, scope Scope, id string) (*ConnectorResponse, error) {
	path := "/ng/api/connectors/" + pathEscape(id)
	data, err := c.do(ctx, request{method: "GET", path: path, id: id, query: scope.query()})
	if err != nil {
		return nil, err
	}
	var v ConnectorResponse
	if len(data) == 0 || string(data) == "null" {
		return nil, &Error{
			Call: "GET " + path, HTTPStatus: http.StatusNotFound, Code: "RESOURCE_NOT_FOUND",
			Message: "no connector " + id + " at " + scope.String(),
		}
	}
	if err := getJSON("GET "+path, data, &v); err != nil {
		return nil, err
	}
	if v.Connector == nil {
		return nil, &Error{
			Call: "GET " + path, HTTPStatus: http.StatusNotFound, Code: "RESOURCE_NOT_FOUND",
			Message: "no connector " + id + " at " + scope.String(),
		}
	}
	return &v, nil
}

// CreateConnector creates a connector from its JSON object (never retried).
// The scope comes from the object's orgIdentifier/projectIdentifier.
func (c *Client) CreateConnector(ctx context.Context, conn RawConnector) (*ConnectorResponse, error) {
	return c.writeConnector(ctx, "POST", conn)
}

// UpdateConnectorRaw replaces a connector with conn (PUT replaces every
// key: start from GetConnectorRaw's object, or use MergeConnector).
func (c *Client) UpdateConnectorRaw(ctx context.Context, conn RawConnector) (*ConnectorResponse, error) {
	return c.writeConnector(ctx, "PUT", conn)
}

func (c *Client) writeConnector(ctx context.Context, method string, conn RawConnector) (*ConnectorResponse, error) {
	if conn.Identifier() == "" {
		return nil, errors.New("connector has no identifier")
	}
	body, err := json.Marshal(map[string]any{"connector": conn})
	if err != nil {
		return nil, fmt.Errorf("cannot write the connector json: %w", err)
	}
	r := request{method: method, path: "/ng/api/connectors", id: conn.Identifier(), body: body, noRetry: method == "POST"}
	data, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := checkEntity(method+" "+r.path, data, "connector"); err != nil {
		return nil, err
	}
	var v ConnectorResponse
	_ = json.Unmarshal(data, &v)
	return &v, nil
}

// ownedTop and ownedSpec are the keys bbconnect's connector object sets; in
// a merge, one of them absent from the new object is removed, every other
// key Harness returned is kept.
var (
	ownedTop  = []string{"name", "identifier", "description", "orgIdentifier", "projectIdentifier", "tags", "type"}
	ownedSpec = []string{"url", "validationRepo", "authentication", "apiAccess", "delegateSelectors", "executeOnDelegate", "type"}
)

// MergeConnector is the object to PUT: existing (as Harness returned it)
// with every key bbconnect owns taken from desired (removed when desired
// lacks it) and every other key kept, at the top and in spec. Neither
// argument is changed.
func MergeConnector(existing, desired RawConnector) RawConnector {
	out := RawConnector(deepCopy(map[string]any(existing)))
	mergeKeys(out, desired, ownedTop)
	spec, _ := out["spec"].(map[string]any)
	if spec == nil {
		spec = map[string]any{}
	}
	mergeKeys(spec, desired.Spec(), ownedSpec)
	out["spec"] = spec
	return out
}

func mergeKeys(dst, src map[string]any, keys []string) {
	for _, k := range keys {
		if v, ok := src[k]; ok {
			dst[k] = deepCopyValue(v)
		} else {
			delete(dst, k)
		}
	}
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopy(t)
	case RawConnector:
		return deepCopy(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = deepCopyValue(x)
		}
		return out
	}
	return v
}

// TestResult is Harness's own test of a connector.
type TestResult struct {
	HTTPStatus   int
	Status       string // SUCCESS, FAILURE, PARTIAL, UNKNOWN
	ErrorSummary string
	Errors       []ErrorDetail
	TestedAt     time.Time
	DelegateID   string
	Refusal      *Error // set when the test failed as an error envelope (hint, explanation, cause)
}

// Passed reports a passing test: HTTP 200 and data.status SUCCESS.
func (t *TestResult) Passed() bool {
	return t != nil && t.HTTPStatus == http.StatusOK && t.Status == "SUCCESS"
}

// Test runs Harness's testConnection of connector id at scope, with the
// long timeout (the call is synchronous: a git ls-remote and an API call).
// A failed test is a result, not an error, in both shapes Harness uses
// (200 with data.status FAILURE, or a 400 error envelope); an error is a
// call Harness refused (bad key, no permission, no such connector, …).
func (c *Client) Test(ctx context.Context, scope Scope, id string) (*TestResult, error) {
	path := "/ng/api/connectors/testConnection/" + pathEscape(id)
	data, err := c.do(ctx, request{method: "POST", path: path, id: id, query: scope.query(), long: true})
	var he *Error
	if errors.As(err, &he) && he.HTTPStatus == http.StatusBadRequest && !he.NotFound() &&
		!strings.Contains(strings.ToLower(he.Summary()), "no connector") {
		msgs := append([]string{he.Summary()}, he.Messages...)
		return &TestResult{HTTPStatus: he.HTTPStatus, Status: "FAILURE", ErrorSummary: joinUnique(msgs), Refusal: he}, nil
	}
	if err != nil {
		return nil, err
	}
	var v struct {
		Status       string        `json:"status"`
		ErrorSummary string        `json:"errorSummary"`
		Errors       []ErrorDetail `json:"errors"`
		TestedAt     int64         `json:"testedAt"`
		DelegateID   string        `json:"delegateId"`
	}
	if err := getJSON("POST "+path, data, &v); err != nil {
		return nil, err
	}
	r := &TestResult{
		HTTPStatus: http.StatusOK, Status: wizard.OneLine(v.Status, maxText), ErrorSummary: wizard.OneLine(v.ErrorSummary, maxText),
		Errors: v.Errors, DelegateID: wizard.OneLine(v.DelegateID, maxText),
	}
	if v.TestedAt > 0 {
		r.TestedAt = time.UnixMilli(v.TestedAt).UTC()
	}
	if r.Status == "" {
		r.Status = "UNKNOWN"
	}
	return r, nil
}

// joinUnique joins the non-empty texts, each once, with "; ".
func joinUnique(ss []string) string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return strings.Join(out, "; ")
}

// ListConnectors lists the Bitbucket connectors of exactly one scope
// (Harness's listV2 never returns child scopes), every page.
func (c *Client) ListConnectors(ctx context.Context, scope Scope) ([]ConnectorResponse, error) {
	body := []byte(`{"filterType":"Connector","types":["Bitbucket"]}`)
	var out []ConnectorResponse
	r := request{method: "POST", path: "/ng/api/connectors/listV2", query: scope.query(), body: body}
	err := c.pages(ctx, r, func(item json.RawMessage) error {
		var v ConnectorResponse
		if err := getJSON("POST /ng/api/connectors/listV2", item, &v); err != nil {
			return err
		}
		if v.Connector != nil {
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// str is m[k] when it is a string.
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
