package emu

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// hres is one Harness answer as a test reads it.
type hres struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// data returns the envelope's data as an object.
func (r hres) data() map[string]any {
	d, _ := r.body["data"].(map[string]any)
	return d
}

// content returns a page's items.
func (r hres) content() []map[string]any {
	var out []map[string]any
	items, _ := r.data()["content"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		out = append(out, m)
	}
	return out
}

// hcall sends one call to s's Harness stand-in with key (the demo key
// when "demo") and a JSON body when body is not nil.
func hcall(t *testing.T, s *Server, key, method, path string, body any) hres {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.HarnessURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return hsend(t, s, key, req)
}

func hsend(t *testing.T, s *Server, key string, req *http.Request) hres {
	t.Helper()
	if key == "demo" {
		key = s.Harness.APIKey
	}
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	res, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := hres{status: res.StatusCode, header: res.Header, raw: string(b)}
	_ = json.Unmarshal(b, &out.body)
	return out
}

// upload sends a multipart file secret (no file part when file is nil).
func upload(t *testing.T, s *Server, method, path string, spec any, file []byte) hres {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := mw.WriteField("spec", string(b)); err != nil {
		t.Fatal(err)
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "id_rsa")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, s.HarnessURL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return hsend(t, s, "demo", req)
}

// wantError checks an ERROR envelope (responseMessages) with status and
// code, and that the message contains msg.
func wantError(t *testing.T, r hres, status int, code, msg string) {
	t.Helper()
	if r.status != status || r.body["status"] != "ERROR" || r.body["code"] != code {
		t.Fatalf("want %d ERROR %s, got %d %s", status, code, r.status, r.raw)
	}
	m, _ := r.body["message"].(string)
	rm, _ := r.body["responseMessages"].([]any)
	if !strings.Contains(m, msg) || len(rm) == 0 || r.body["correlationId"] == "" {
		t.Fatalf("want message with %q, responseMessages and correlationId, got %s", msg, r.raw)
	}
}

// wantFailure checks a FAILURE envelope (errors[].fieldId) for field.
func wantFailure(t *testing.T, r hres, field string) {
	t.Helper()
	errs, _ := r.body["errors"].([]any)
	if r.status != http.StatusBadRequest || r.body["status"] != "FAILURE" || r.body["code"] != "INVALID_REQUEST" || len(errs) == 0 {
		t.Fatalf("want 400 FAILURE INVALID_REQUEST with errors, got %d %s", r.status, r.raw)
	}
	if got := errs[0].(map[string]any)["fieldId"]; got != field {
		t.Fatalf("fieldId %v, want %s: %s", got, field, r.raw)
	}
}

// wantOK checks a 200 SUCCESS envelope.
func wantOK(t *testing.T, r hres) {
	t.Helper()
	if r.status != http.StatusOK || r.body["status"] != "SUCCESS" || r.body["correlationId"] == "" {
		t.Fatalf("want 200 SUCCESS, got %d %s", r.status, r.raw)
	}
}

const acc = "?accountIdentifier=acme"

func TestHarnessAuth(t *testing.T) {
	orgs := "/ng/api/organizations" + acc
	wantError(t, hcall(t, srv, "", "GET", orgs, nil), 401, "INVALID_TOKEN", "Token is not valid")
	wantError(t, hcall(t, srv, "pat.acme.nope.nope", "GET", orgs, nil), 401, "INVALID_TOKEN", "Token is not valid")
	wantError(t, hcall(t, srv, srv.Harness.ExpiredAPIKey, "GET", orgs, nil), 401, "EXPIRED_TOKEN", "expired")
	wantError(t, hcall(t, srv, "demo", "GET", "/ng/api/organizations?accountIdentifier=other", nil), 401, "INVALID_TOKEN", "other")
	wantFailure(t, hcall(t, srv, "demo", "GET", "/ng/api/organizations", nil), "accountIdentifier")

	ro := srv.Harness.ReadOnlyAPIKey
	wantOK(t, hcall(t, srv, ro, "GET", orgs, nil))
	wantOK(t, hcall(t, srv, ro, "POST", "/ng/api/connectors/listV2"+acc, map[string]any{"filterType": "Connector"}))
	wantError(t, hcall(t, srv, ro, "POST", "/ng/api/v2/secrets"+acc, textSecret("ro_denied", "", "", "x")), 403, "NG_ACCESS_DENIED", "core_secret_edit")
	wantError(t, hcall(t, srv, ro, "DELETE", "/ng/api/connectors/bb_cloud_legacy"+acc, nil), 403, "NG_ACCESS_DENIED", "core_connector_delete")

	me := hcall(t, srv, "demo", "GET", "/ng/api/user/currentUser"+acc, nil)
	wantOK(t, me)
	if me.data()["email"] != srv.Demo.Email || me.data()["defaultAccountId"] != "acme" {
		t.Errorf("currentUser: %s", me.raw)
	}
	wantError(t, hcall(t, srv, srv.Harness.ServiceAccountKey, "GET", "/ng/api/user/currentUser"+acc, nil), 400, "INVALID_REQUEST", "USER")
	wantOK(t, hcall(t, srv, srv.Harness.ServiceAccountKey, "GET", orgs, nil))
	if !strings.HasPrefix(srv.Harness.APIKey, "pat.acme.") || strings.Count(srv.Harness.APIKey, ".") != 3 {
		t.Errorf("api key %q is not pat.<account>.<id>.<secret>", "pat.acme.…")
	}
}

func TestHarnessOrgsAndProjects(t *testing.T) {
	r := hcall(t, srv, "demo", "GET", "/ng/api/organizations"+acc+"&pageIndex=1&pageSize=2", nil)
	wantOK(t, r)
	d := r.data()
	if d["totalItems"] != 3.0 || d["totalPages"] != 2.0 || d["pageIndex"] != 1.0 || d["pageItemCount"] != 1.0 || d["empty"] != false {
		t.Errorf("page fields: %s", r.raw)
	}
	if org := r.content()[0]["organization"].(map[string]any); org["identifier"] != "payments" {
		t.Errorf("second page: %v", org)
	}
	r = hcall(t, srv, "demo", "GET", "/ng/api/projects"+acc+"&orgIdentifier=platform", nil)
	if len(r.content()) != 5 || r.content()[0]["project"].(map[string]any)["orgIdentifier"] != "platform" {
		t.Errorf("projects of platform: %s", r.raw)
	}
	r = hcall(t, srv, "demo", "GET", "/ng/api/projects"+acc, nil)
	if r.data()["totalItems"] != 15.0 {
		t.Errorf("projects of every org: %v", r.data()["totalItems"])
	}
	wantOK(t, hcall(t, srv, "demo", "GET", "/ng/api/projects/mobile"+acc+"&orgIdentifier=payments", nil))
	wantError(t, hcall(t, srv, "demo", "GET", "/ng/api/projects"+acc+"&orgIdentifier=nope", nil), 400, "RESOURCE_NOT_FOUND_EXCEPTION", "nope")
	wantError(t, hcall(t, srv, "demo", "GET", "/ng/api/organizations/nope"+acc, nil), 400, "RESOURCE_NOT_FOUND_EXCEPTION", "nope")
	wantFailure(t, hcall(t, srv, "demo", "GET", "/ng/api/organizations"+acc+"&pageSize=0", nil), "pageSize")
	empty := hcall(t, srv, "demo", "GET", "/ng/api/organizations"+acc+"&pageIndex=9", nil)
	if empty.data()["empty"] != true || len(empty.content()) != 0 || !strings.Contains(empty.raw, `"content":[]`) {
		t.Errorf("page past the end: %s", empty.raw)
	}
}

func TestHarnessBigSeed(t *testing.T) {
	s, err := Start(Options{Dir: t.TempDir(), HarnessOrgs: 50, HarnessProjects: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	r := hcall(t, s, "demo", "GET", "/ng/api/organizations"+acc+"&pageSize=1000", nil)
	if r.data()["totalItems"] != 50.0 || r.data()["pageSize"] != 100.0 || len(r.content()) != 50 {
		t.Fatalf("orgs: %v %v %d", r.data()["totalItems"], r.data()["pageSize"], len(r.content()))
	}
	if id := r.content()[49]["organization"].(map[string]any)["identifier"]; id != "org_50" {
		t.Errorf("last org %v, want org_50", id)
	}
	r = hcall(t, s, "demo", "GET", "/ng/api/projects"+acc+"&orgIdentifier=org_50&pageSize=7&pageIndex=2", nil)
	if r.data()["totalItems"] != 20.0 || r.data()["totalPages"] != 3.0 || len(r.content()) != 6 {
		t.Errorf("projects page 3 of org_50: %s", r.raw)
	}
	if s.Harness.Orgs != 50 || s.Harness.ProjectsPerOrg != 20 {
		t.Errorf("demo: %+v", s.Harness)
	}
}

func TestHarnessBaseURLs(t *testing.T) {
	for _, base := range []string{srv.HarnessURL, strings.TrimSuffix(srv.HarnessURL, "/gateway")} {
		req, _ := http.NewRequest("GET", base+"/ng/api/organizations"+acc, nil)
		wantOK(t, hsend(t, srv, "demo", req))
	}
	req, _ := http.NewRequest("GET", strings.TrimSuffix(srv.HarnessURL, "/gateway")+"/api/organizations"+acc, nil)
	r := hsend(t, srv, "demo", req)
	if r.status != 404 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(r.raw, "<html") {
		t.Errorf("wrong base URL: %d %s", r.status, r.header.Get("Content-Type"))
	}
	wantError(t, hcall(t, srv, "demo", "GET", "/ng/api/nothing-here"+acc, nil), 404, "RESOURCE_NOT_FOUND", "404")
	tls := httpClient(t, srv)
	res, err := tls.Get(srv.HarnessTLSURL + "/ng/api/organizations" + acc)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("https listener without a key: %d", res.StatusCode)
	}
}
