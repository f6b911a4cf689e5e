package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake is a small in-memory Harness with the reference's bodies: secrets
// (values kept, never returned), connectors, organisations and projects,
// the two error envelopes and a request log.
type fake struct {
	t       testing.TB
	srv     *httptest.Server
	mu      sync.Mutex
	secrets map[string]map[string]any // scope key + "/" + id → secret object
	values  map[string]string         // scope key + "/" + id → value or file content
	conns   map[string]map[string]any // scope key + "/" + id → connector object
	status  map[string]map[string]any // connector last test
	orgs    []string
	projs   map[string][]string
	log     []fakeReq
	// notFound404 makes a missing connector a 404 instead of 400 RESOURCE_NOT_FOUND_EXCEPTION.
	notFound404 bool
	// testResult is what testConnection answers (nil: SUCCESS).
	testResult func(id string) (int, string)
	// hook runs first; true means it answered.
	hook func(w http.ResponseWriter, r *http.Request, body []byte) bool
	// latency is added to every call.
	latency time.Duration
}

type fakeReq struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

const fakeAccount = "acc123"

func newFake(t testing.TB) *fake {
	f := &fake{
		t: t, secrets: map[string]map[string]any{}, values: map[string]string{},
		conns: map[string]map[string]any{}, status: map[string]map[string]any{}, projs: map[string][]string{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) client(t testing.TB, key APIKey) *Client {
	t.Helper()
	c, err := New(Config{Endpoint: f.srv.URL + "/gateway", APIKey: key, Account: fakeAccount, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func scopeKey(q map[string][]string) string {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	return get("orgIdentifier") + "|" + get("projectIdentifier")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func ok(w http.ResponseWriter, data any) {
	writeJSON(w, 200, map[string]any{"status": "SUCCESS", "data": data, "metaData": nil, "correlationId": "c0ffee"})
}

func failure(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"status": "FAILURE", "code": code, "message": msg, "correlationId": "corr-1", "errors": []any{}})
}

func errorEnv(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{
		"status": "ERROR", "code": code, "message": nil, "correlationId": "corr-2",
		"detailedMessage": nil, "responseMessages": []any{map[string]any{"code": code, "level": "ERROR", "message": msg}}, "metadata": nil,
	})
}

func pageOf(items []any, q map[string][]string) map[string]any {
	idx, _ := strconv.Atoi(first(q["pageIndex"]))
	size, _ := strconv.Atoi(first(q["pageSize"]))
	if size <= 0 {
		size = 100
	}
	total := (len(items) + size - 1) / size
	lo, hi := min(idx*size, len(items)), min((idx+1)*size, len(items))
	return map[string]any{
		"content": items[lo:hi], "pageIndex": idx, "pageSize": size, "totalPages": total,
		"totalItems": len(items), "pageItemCount": hi - lo, "empty": hi == lo,
	}
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	f.log = append(f.log, fakeReq{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: string(body)})
	f.mu.Unlock()
	if f.latency > 0 {
		time.Sleep(f.latency)
	}
	if f.hook != nil && f.hook(w, r, body) {
		return
	}
	if r.Header.Get("x-api-key") == "" || r.Header.Get("x-api-key") == "bad" {
		failure(w, 401, "INVALID_TOKEN", "Token is not valid.")
		return
	}
	if first(r.URL.Query()["accountIdentifier"]) != fakeAccount {
		failure(w, 400, "INVALID_REQUEST", "accountIdentifier is wrong")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/gateway")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.route(w, r, path, body)
}

func (f *fake) route(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	q := r.URL.Query()
	sk := scopeKey(q)
	switch {
	case path == "/ng/api/organizations" && r.Method == "GET":
		var items []any
		for _, o := range f.orgs {
			items = append(items, map[string]any{"organization": map[string]any{"identifier": o, "name": o}})
		}
		ok(w, pageOf(items, q))
	case path == "/ng/api/projects" && r.Method == "GET":
		var items []any
		org := first(q["orgIdentifier"])
		for _, p := range f.projs[org] {
			items = append(items, map[string]any{"project": map[string]any{"orgIdentifier": org, "identifier": p, "name": p}})
		}
		ok(w, pageOf(items, q))
	case path == "/ng/api/user/currentUser":
		ok(w, map[string]any{"uuid": "u1", "name": "Dev One", "email": "dev@example.com"})
	case strings.HasPrefix(path, "/ng/api/v2/secrets"):
		f.secretRoute(w, r, strings.TrimPrefix(path, "/ng/api/v2/secrets"), sk, body)
	case strings.HasPrefix(path, "/ng/api/connectors"):
		f.connectorRoute(w, r, strings.TrimPrefix(path, "/ng/api/connectors"), sk, body)
	default:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, "<!DOCTYPE html><html><body>not found</body></html>")
	}
}

func (f *fake) secretRoute(w http.ResponseWriter, r *http.Request, rest, sk string, body []byte) {
	var obj map[string]any
	value := ""
	switch {
	case rest == "/files" || strings.HasPrefix(rest, "/files/"):
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			failure(w, 400, "INVALID_REQUEST", "not multipart: "+err.Error())
			return
		}
		var wrap map[string]map[string]any
		if err := json.Unmarshal([]byte(r.FormValue("spec")), &wrap); err != nil {
			failure(w, 400, "INVALID_REQUEST", "spec is not json")
			return
		}
		file, _, err := r.FormFile("file")
		if err != nil {
			failure(w, 400, "INVALID_REQUEST", "no file part")
			return
		}
		data, _ := io.ReadAll(file)
		obj, value = wrap["secret"], string(data)
		rest = strings.TrimPrefix(rest, "/files")
	case r.Method == "POST" || r.Method == "PUT":
		var wrap map[string]map[string]any
		if err := json.Unmarshal(body, &wrap); err != nil {
			failure(w, 400, "INVALID_REQUEST", "body is not json")
			return
		}
		obj = wrap["secret"]
		spec, _ := obj["spec"].(map[string]any)
		value, _ = spec["value"].(string)
		if spec != nil {
			delete(spec, "value")
		}
	}
	id := strings.TrimPrefix(rest, "/")
	if obj != nil {
		if scopeKey(map[string][]string{"orgIdentifier": {str(obj, "orgIdentifier")}, "projectIdentifier": {str(obj, "projectIdentifier")}}) != sk {
			failure(w, 400, "INVALID_REQUEST", "Invalid request, scope in payload and params do not match.")
			return
		}
		if id == "" {
			id = str(obj, "identifier")
		}
	}
	key := sk + "/" + id
	switch r.Method {
	case "GET":
		if s, found := f.secrets[key]; found {
			ok(w, map[string]any{"secret": s, "createdAt": 1, "updatedAt": 2, "draft": false})
		} else {
			ok(w, nil)
		}
	case "POST":
		if _, found := f.secrets[key]; found {
			errorEnv(w, 400, "DUPLICATE_FIELD", "Duplicate identifier, please try again with a new identifier")
			return
		}
		f.secrets[key], f.values[key] = obj, value
		ok(w, map[string]any{"secret": obj})
	case "PUT":
		old, found := f.secrets[key]
		if !found {
			failure(w, 400, "INVALID_REQUEST", "No such secret found, please check identifier/scope and try again.")
			return
		}
		if str(old, "type") != str(obj, "type") {
			failure(w, 400, "INVALID_REQUEST", "Cannot change organization, project, identifier, type or secret manager of a secret after creation.")
			return
		}
		f.secrets[key], f.values[key] = obj, value
		ok(w, map[string]any{"secret": obj})
	}
}

func (f *fake) connectorRoute(w http.ResponseWriter, r *http.Request, rest, sk string, body []byte) {
	q := r.URL.Query()
	switch {
	case rest == "/listV2" && r.Method == "POST":
		var items []any
		for k, c := range f.conns {
			if strings.HasPrefix(k, sk+"/") {
				items = append(items, map[string]any{"connector": c, "status": f.status[k]})
			}
		}
		ok(w, pageOf(items, q))
	case rest == "" && (r.Method == "POST" || r.Method == "PUT"):
		var wrap map[string]map[string]any
		if err := json.Unmarshal(body, &wrap); err != nil {
			failure(w, 400, "INVALID_REQUEST", "body is not json")
			return
		}
		c := wrap["connector"]
		key := str(c, "orgIdentifier") + "|" + str(c, "projectIdentifier") + "/" + str(c, "identifier")
		_, found := f.conns[key]
		if r.Method == "POST" && found {
			failure(w, 400, "INVALID_REQUEST", fmt.Sprintf("Connector: %s has been given an identifier: %s that already exists. Please enter a unique ID.", str(c, "name"), str(c, "identifier")))
			return
		}
		if r.Method == "PUT" && !found {
			failure(w, 400, "INVALID_REQUEST", "No connector exists with the  Identifier "+str(c, "identifier"))
			return
		}
		f.conns[key] = c
		ok(w, map[string]any{"connector": c, "createdAt": 1})
	case strings.HasPrefix(rest, "/testConnection/"):
		id := strings.TrimPrefix(rest, "/testConnection/")
		if _, found := f.conns[sk+"/"+id]; !found {
			failure(w, 400, "INVALID_REQUEST", "No connector found with identifier "+id)
			return
		}
		if f.testResult != nil {
			status, text := f.testResult(id)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, text)
			return
		}
		ok(w, map[string]any{"status": "SUCCESS", "testedAt": 1767225600000, "delegateId": "abc"})
	case r.Method == "GET":
		id := strings.TrimPrefix(rest, "/")
		c, found := f.conns[sk+"/"+id]
		switch {
		case found:
			ok(w, map[string]any{"connector": c, "status": f.status[sk+"/"+id], "createdAt": 1})
		case f.notFound404:
			errorEnv(w, 404, "RESOURCE_NOT_FOUND", "Connector "+id+" not found")
		default:
			errorEnv(w, 400, "RESOURCE_NOT_FOUND_EXCEPTION", "Connector with identifier ["+id+"] in project [] not found")
		}
	}
}

// requests is a copy of the log.
func (f *fake) requests() []fakeReq {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeReq(nil), f.log...)
}
