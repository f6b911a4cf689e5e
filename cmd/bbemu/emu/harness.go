package emu

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// The Harness stand-in serves the Harness Platform API subset bbconnect
// uses (../shared/reference/harness-api.md) on its own loopback port:
// organisations, projects, the current user, secrets v2 (text, file,
// SSHKey), Bitbucket connectors and their test connection, with Harness's
// envelopes, status codes and error codes. Secret values are kept in
// memory for the test connection and never returned by any read.

// HarnessDemo is the Harness stand-in's demo account: its id, its API keys
// (all fake, random on every start) and the size of its seed.
type HarnessDemo struct {
	AccountID         string `json:"account_id"`
	APIKey            string `json:"api_key"`             // personal access token pat.<account>.<tokenId>.<secret> with every permission
	ReadOnlyAPIKey    string `json:"read_only_api_key"`   // personal access token that may only read: writes answer 403 NG_ACCESS_DENIED
	ServiceAccountKey string `json:"service_account_key"` // service account token sat.<account>.<tokenId>.<secret> with every permission (user/currentUser refuses it)
	ExpiredAPIKey     string `json:"expired_api_key"`     // answers 401 EXPIRED_TOKEN
	UserEmail         string `json:"user_email"`          // the user of the personal access tokens
	Orgs              int    `json:"orgs"`                // seeded organisations
	ProjectsPerOrg    int    `json:"projects_per_org"`    // seeded projects in each organisation
}

const (
	harnessAccount     = "acme"
	harnessFaultPrefix = "harness:"
	harnessUserName    = "Demo User"
	defaultHarnessOrgs = 3
	defaultHarnessProj = 5
	maxHarnessBody     = 1 << 20
	harnessPageMax     = 100
)

// apiKey is what a Harness API key may do.
type apiKey struct {
	kind    string // "pat" or "sat"
	write   bool
	expired bool
}

// newAPIKey makes a token shaped like Harness's: kind.account.tokenId.secret.
func newAPIKey(kind, account string) string {
	return kind + "." + account + "." + randString(24) + "." + randString(20)
}

// harnessHandler routes the Harness API. Each route names the permission a
// write needs ("" for reads).
func (st *state) harnessHandler() http.Handler {
	h := st.harness
	mux := http.NewServeMux()
	route := func(pattern, perm, resource string, fn http.HandlerFunc) {
		mux.Handle(pattern, h.guard(perm, resource, fn))
	}
	route("GET /ng/api/organizations", "", "", st.listOrgs)
	route("GET /ng/api/organizations/{org}", "", "", st.getOrg)
	route("GET /ng/api/projects", "", "", st.listProjects)
	route("GET /ng/api/projects/{project}", "", "", st.getProject)
	route("GET /ng/api/user/currentUser", "", "", st.currentUser)

	route("GET /ng/api/v2/secrets/validateUniqueIdentifier/{id}", "", "", st.secretIDFree)
	route("POST /ng/api/v2/secrets/list", "", "", st.listSecrets)
	route("GET /ng/api/v2/secrets/{id}", "", "", st.getSecret)
	route("POST /ng/api/v2/secrets", "core_secret_edit", "secret", st.createSecret)
	route("PUT /ng/api/v2/secrets/{id}", "core_secret_edit", "secret", st.updateSecret)
	route("POST /ng/api/v2/secrets/files", "core_secret_edit", "secret", st.createFileSecret)
	route("PUT /ng/api/v2/secrets/files/{id}", "core_secret_edit", "secret", st.updateFileSecret)
	route("DELETE /ng/api/v2/secrets/{id}", "core_secret_delete", "secret", st.deleteSecret)

	route("GET /ng/api/connectors/validateUniqueIdentifier", "", "", st.connectorIDFree)
	route("POST /ng/api/connectors/listV2", "", "", st.listConnectors)
	route("GET /ng/api/connectors/{id}", "", "", st.getConnector)
	route("POST /ng/api/connectors", "core_connector_edit", "connector", st.createConnector)
	route("PUT /ng/api/connectors", "core_connector_edit", "connector", st.updateConnector)
	route("DELETE /ng/api/connectors/{id}", "core_connector_delete", "connector", st.deleteConnector)
	route("POST /ng/api/connectors/testConnection/{id}", "", "", st.testConnector)

	mux.HandleFunc("/ng/api/", func(w http.ResponseWriter, _ *http.Request) {
		hError(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", "HTTP 404 Not Found")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := harnessPath(r.URL.Path)
		if !ok {
			writeHTML(w, http.StatusNotFound)
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path, u.RawPath = p, ""
		r2.URL = &u
		mux.ServeHTTP(w, r2)
	})
}

// harnessPath strips an optional /gateway prefix; ok is false outside
// /ng/api/ (a wrong base URL gets the web app's HTML page).
func harnessPath(p string) (string, bool) {
	if rest, ok := strings.CutPrefix(p, "/gateway"); ok && strings.HasPrefix(rest, "/ng/api/") {
		return rest, true
	}
	return p, strings.HasPrefix(p, "/ng/api/")
}

// guard authenticates the x-api-key header, requires accountIdentifier
// and checks a write permission.
func (h *harnessState) guard(perm, resource string, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := h.keys[r.Header.Get("x-api-key")]
		switch {
		case k == nil:
			hError(w, http.StatusUnauthorized, "INVALID_TOKEN", "Token is not valid.")
			return
		case k.expired:
			hError(w, http.StatusUnauthorized, "EXPIRED_TOKEN", "Token has expired.")
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.credType = k.kind
		}
		acc := r.URL.Query().Get("accountIdentifier")
		if acc == "" {
			hFailure(w, "accountIdentifier: must not be null", hFieldError{"accountIdentifier", "must not be null"})
			return
		}
		if acc != h.account {
			hError(w, http.StatusUnauthorized, "INVALID_TOKEN", "Token is not valid for account "+acc+".")
			return
		}
		if perm != "" && !k.write {
			hError(w, http.StatusForbidden, "NG_ACCESS_DENIED", "Missing permission "+perm+" on "+resource)
			return
		}
		next(w, r)
	})
}

// harnessWrap adds to every Harness call: the log entry (secrets
// redacted), latency and the injected faults.
func (st *state) harnessWrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		defer func() {
			path, leakP := st.redact(r.URL.Path)
			query, leakQ := st.redact(r.URL.RawQuery)
			e := RequestLog{
				Time: time.Now(), Listener: "harness", Method: r.Method, Path: path, Query: query,
				CredType: rec.credType, Status: rec.status, Leaked: leakP || leakQ,
			}
			if r.Header.Get("x-api-key") != "" {
				e.Auth = "x-api-key"
			}
			st.log.add(e)
		}()
		if !st.sleep(r.Context()) || !st.sleepFor(r.Context(), time.Duration(st.harness.latency.Load())) {
			return
		}
		p, _ := harnessPath(r.URL.Path)
		if f, ok := st.faults.take(harnessFaultPrefix+p, FaultHang, FaultRateLimit, FaultServerError, FaultHarnessHTML); ok {
			st.serveHarnessFault(rec, r, f)
			return
		}
		h.ServeHTTP(rec, r)
	})
}

// serveHarnessFault answers with an injected fault, as Harness's gateway
// would: 429 without Retry-After, 500 as an error envelope, other 5xx and
// the HTML fault as HTML pages.
func (st *state) serveHarnessFault(w http.ResponseWriter, r *http.Request, f Fault) {
	switch f.Kind {
	case FaultHang:
		st.hang(r)
	case FaultRateLimit:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte("Too Many Requests\n"))
	case FaultServerError:
		switch f.Status {
		case 0, http.StatusInternalServerError:
			hError(w, http.StatusInternalServerError, "UNKNOWN_ERROR", "Oops, something went wrong on our end. Please contact Harness Support.")
		default:
			writeHTML(w, f.Status)
		}
	case FaultHarnessHTML:
		code := f.Status
		if code == 0 {
			code = http.StatusOK
		}
		writeHTML(w, code)
	}
}

// writeHTML writes the page a browser route of the web app (or a proxy)
// answers: what a client sees with a wrong base URL.
func writeHTML(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Harness</title></head>" +
		"<body><noscript>You need to enable JavaScript to run this app.</noscript><div id=\"react-root\"></div></body></html>\n"))
}

// hFieldError is one entry of a FAILURE envelope's errors.
type hFieldError struct {
	FieldID string `json:"fieldId"`
	Error   string `json:"error"`
}

type hResponseMessage struct {
	Code         string   `json:"code"`
	Level        string   `json:"level"`
	Message      string   `json:"message"`
	Exception    any      `json:"exception"`
	FailureTypes []string `json:"failureTypes"`
}

// hErrorBody is the ERROR envelope (Harness exceptions).
type hErrorBody struct {
	Status           string             `json:"status"`
	Code             string             `json:"code"`
	Message          string             `json:"message"`
	CorrelationID    string             `json:"correlationId"`
	DetailedMessage  any                `json:"detailedMessage"`
	ResponseMessages []hResponseMessage `json:"responseMessages"`
	Metadata         any                `json:"metadata"`
}

// hFailureBody is the FAILURE envelope (request validation).
type hFailureBody struct {
	Status        string        `json:"status"`
	Code          string        `json:"code"`
	Message       string        `json:"message"`
	CorrelationID string        `json:"correlationId"`
	Errors        []hFieldError `json:"errors"`
}

type hOKBody struct {
	Status        string `json:"status"`
	Data          any    `json:"data"`
	MetaData      any    `json:"metaData"`
	CorrelationID string `json:"correlationId"`
}

// hOK writes the SUCCESS envelope around data.
func hOK(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, hOKBody{Status: "SUCCESS", Data: data, CorrelationID: correlationID()})
}

// hError writes the ERROR envelope.
func hError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, hErrorBody{
		Status: "ERROR", Code: code, Message: msg, CorrelationID: correlationID(),
		ResponseMessages: []hResponseMessage{{Code: code, Level: "ERROR", Message: msg, FailureTypes: []string{}}},
	})
}

// hFailure writes the FAILURE envelope (400 INVALID_REQUEST).
func hFailure(w http.ResponseWriter, msg string, errs ...hFieldError) {
	writeJSON(w, http.StatusBadRequest, hFailureBody{
		Status: "FAILURE", Code: "INVALID_REQUEST", Message: msg, CorrelationID: correlationID(), Errors: errs,
	})
}

// hInvalid writes 400 INVALID_REQUEST in the ERROR envelope.
func hInvalid(w http.ResponseWriter, msg string) {
	hError(w, http.StatusBadRequest, "INVALID_REQUEST", msg)
}

// hNotFound writes a not-found answer: 400 RESOURCE_NOT_FOUND_EXCEPTION,
// or 404 RESOURCE_NOT_FOUND when the not-found-404 fault is set.
func (st *state) hNotFound(w http.ResponseWriter, r *http.Request, msg string) {
	p, _ := harnessPath(r.URL.Path)
	if _, ok := st.faults.take(harnessFaultPrefix+p, FaultHarnessNotFound404); ok {
		hError(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", msg)
		return
	}
	hError(w, http.StatusBadRequest, "RESOURCE_NOT_FOUND_EXCEPTION", msg)
}

// governed reports whether the governance fault blocks this create or
// update, and then answers 200 with governanceMetadata and no entity.
func (st *state) governed(w http.ResponseWriter, r *http.Request) bool {
	p, _ := harnessPath(r.URL.Path)
	if _, ok := st.faults.take(harnessFaultPrefix+p, FaultHarnessGovernance); !ok {
		return false
	}
	hOK(w, map[string]any{"governanceMetadata": map[string]any{
		"id": correlationID(), "deny": true, "status": "error",
		"message": "Policy set 'bitbucket-connectors' denied this change",
		"details": []map[string]any{{
			"policySetId": "bitbucket_connectors", "policySetName": "bitbucket-connectors", "deny": true, "status": "error",
			"policyMetadata": []map[string]any{{"policyName": "no-app-passwords", "status": "error", "denyMessages": []string{"App Password connectors are not allowed"}}},
		}},
	}})
	return true
}

// decodeBody reads a JSON body of at most maxHarnessBody bytes into v,
// answering the FAILURE envelope when it cannot. It never echoes the body.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxHarnessBody))
	if err := dec.Decode(v); err != nil {
		hFailure(w, "Unable to process JSON: the request body is not valid JSON for this call",
			hFieldError{"body", "not valid JSON"})
		return false
	}
	return true
}

// correlationID is a fresh request id like Harness's.
func correlationID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	s := hex.EncodeToString(b)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
