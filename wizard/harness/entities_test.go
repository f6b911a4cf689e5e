package harness

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

var bg = context.Background()

func TestUpsertTextSecret(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "k")
	sc := Scope{Org: "default", Project: "web"}
	s := TextSecret{SecretMeta: SecretMeta{ID: "bb_api_token", Name: "bb api token"}, Value: "ATATT1"}
	if act, err := c.UpsertTextSecret(bg, sc, s); err != nil || act != Created {
		t.Fatalf("create: %v %v", act, err)
	}
	var body map[string]map[string]any
	reqs := f.requests()
	post := reqs[len(reqs)-1]
	if post.Method != "POST" || post.Path != "/gateway/ng/api/v2/secrets" || !strings.Contains(post.Query, "projectIdentifier=web") {
		t.Fatalf("post %+v", post)
	}
	_ = json.Unmarshal([]byte(post.Body), &body)
	want := map[string]any{"secretManagerIdentifier": "harnessSecretManager", "valueType": "Inline", "value": "ATATT1"}
	if body["secret"]["type"] != "SecretText" || !reflect.DeepEqual(body["secret"]["spec"], want) ||
		body["secret"]["orgIdentifier"] != "default" || body["secret"]["projectIdentifier"] != "web" {
		t.Fatalf("body %s", post.Body)
	}
	// The second upsert updates, keeping the secret manager Harness has.
	f.mu.Lock()
	f.secrets["default|web/bb_api_token"]["spec"] = map[string]any{"secretManagerIdentifier": "vault1", "valueType": "Inline"}
	f.mu.Unlock()
	s.Value = "ATATT2"
	if act, err := c.UpsertTextSecret(bg, sc, s); err != nil || act != Updated {
		t.Fatalf("update: %v %v", act, err)
	}
	reqs = f.requests()
	put := reqs[len(reqs)-1]
	if put.Method != "PUT" || put.Path != "/gateway/ng/api/v2/secrets/bb_api_token" || !strings.Contains(put.Body, `"vault1"`) ||
		f.values["default|web/bb_api_token"] != "ATATT2" {
		t.Fatalf("put %+v", put)
	}
	// A GET never returns the value.
	got, err := c.GetSecret(bg, sc, "bb_api_token")
	if err != nil || got == nil || strings.Contains(string(got.Spec), "ATATT") || got.SecretManager() != "vault1" {
		t.Fatalf("get %+v %v", got, err)
	}
	// Missing: 200 with data null.
	if got, err := c.GetSecret(bg, sc, "nope"); got != nil || err != nil {
		t.Fatalf("missing: %v %v", got, err)
	}
	// An empty value is refused before any call.
	if _, err := c.UpsertTextSecret(bg, sc, TextSecret{SecretMeta: SecretMeta{ID: "empty"}}); err == nil {
		t.Fatal("empty value accepted")
	}
}

func TestUpsertSecretRaceAndTypeClash(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "k")
	// Another writer creates the secret between our GET and POST.
	raced := false
	f.hook = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method == "POST" && !raced {
			raced = true
			f.mu.Lock()
			f.secrets["|/tok"] = map[string]any{"type": "SecretText", "identifier": "tok"}
			f.mu.Unlock()
			errorEnv(w, 400, "DUPLICATE_FIELD", "Duplicate identifier")
			return true
		}
		return false
	}
	act, err := c.UpsertTextSecret(bg, Scope{}, TextSecret{SecretMeta: SecretMeta{ID: "tok"}, Value: "v"})
	if err != nil || act != Updated {
		t.Fatalf("race: %v %v", act, err)
	}
	f.hook = nil
	f.mu.Lock()
	f.secrets["|/file"] = map[string]any{"type": "SecretFile", "identifier": "file"}
	f.mu.Unlock()
	_, err = c.UpsertTextSecret(bg, Scope{}, TextSecret{SecretMeta: SecretMeta{ID: "file"}, Value: "v"})
	if err == nil || !strings.Contains(err.Error(), "is a SecretFile, not a SecretText") {
		t.Fatalf("type clash: %v", err)
	}
}

func TestFileSecretAndSSHCredential(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "k")
	sc := Scope{Org: "default"}
	pem := []byte("-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n")
	fs := FileSecret{SecretMeta: SecretMeta{ID: "bb_ssh_key_pem"}, FileName: "id_rsa", Content: pem}
	for _, want := range []Action{Created, Updated} {
		if act, err := c.UpsertFileSecret(bg, sc, fs); err != nil || act != want {
			t.Fatalf("file: %v %v", act, err)
		}
	}
	if f.values["default|/bb_ssh_key_pem"] != string(pem) {
		t.Fatal("file content not uploaded")
	}
	reqs := f.requests()
	put := reqs[len(reqs)-1]
	if put.Path != "/gateway/ng/api/v2/secrets/files/bb_ssh_key_pem" || !strings.HasPrefix(put.Header.Get("Content-Type"), "multipart/form-data") {
		t.Fatalf("file put %+v", put)
	}
	cred := SSHCredential{SecretMeta: SecretMeta{ID: "bb_ssh"}, KeyRef: "org.bb_ssh_key_pem", PassphraseRef: "org.bb_pass"}
	if act, err := c.UpsertSSHCredential(bg, sc, cred); err != nil || act != Created {
		t.Fatalf("ssh: %v %v", act, err)
	}
	got, _ := json.Marshal(f.secrets["default|/bb_ssh"]["spec"])
	want := `{"auth":{"spec":{"credentialType":"KeyReference","spec":{"encryptedPassphrase":"org.bb_pass","key":"org.bb_ssh_key_pem","userName":"git"}},"type":"SSH"},"port":22}`
	if string(got) != want {
		t.Fatalf("ssh spec\n got %s\nwant %s", got, want)
	}
}

func connectorObj(id string, extra map[string]any) RawConnector {
	spec := map[string]any{
		"url": "https://bitbucket.org/ws", "validationRepo": "repo.git", "type": "Account",
		"authentication": map[string]any{"type": "Http", "spec": map[string]any{
			"type": "UsernamePassword",
			"spec": map[string]any{"username": "dev", "passwordRef": "account.bb_password"},
		}},
		"executeOnDelegate": false,
	}
	for k, v := range extra {
		spec[k] = v
	}
	return RawConnector{"name": id, "identifier": id, "type": "Bitbucket", "spec": spec}
}

func TestUpsertConnectorBothNotFoundShapes(t *testing.T) {
	for _, notFound404 := range []bool{false, true} {
		f := newFake(t)
		f.notFound404 = notFound404
		c := f.client(t, "k")
		act, resp, err := c.UpsertConnector(bg, connectorObj("bb", nil))
		if err != nil || act != Created || resp.Connector.Identifier() != "bb" {
			t.Fatalf("404=%v: %v %v", notFound404, act, err)
		}
		_, err = c.GetConnectorRaw(bg, Scope{}, "other")
		if !IsNotFound(err) {
			t.Fatalf("404=%v: %v", notFound404, err)
		}
	}
}

func TestUpsertConnectorMergesRawSpec(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "k")
	// Harness holds keys bbconnect does not set (proxy, a future key) and executeOnDelegate.
	f.conns["|/bb"] = connectorObj("bb", map[string]any{
		"proxy": true, "futureKey": map[string]any{"x": 1.0},
		"delegateSelectors": []any{"old"}, "executeOnDelegate": true,
	})
	f.conns["|/bb"]["gitDetails"] = map[string]any{"branch": "main"}
	desired := connectorObj("bb", nil)
	desired["spec"].(map[string]any)["url"] = "https://bitbucket.org/ws2"
	act, _, err := c.UpsertConnector(bg, desired)
	if err != nil || act != Updated {
		t.Fatalf("%v %v", act, err)
	}
	got := f.conns["|/bb"]
	spec := got["spec"].(map[string]any)
	if spec["proxy"] != true || spec["futureKey"] == nil || got["gitDetails"] == nil {
		t.Fatalf("unknown keys lost: %v", got)
	}
	if spec["url"] != "https://bitbucket.org/ws2" || spec["executeOnDelegate"] != false || spec["delegateSelectors"] != nil {
		t.Fatalf("owned keys not replaced: %v", spec)
	}
	// The merge does not change its arguments.
	if desired.Spec()["proxy"] != nil {
		t.Fatal("desired changed")
	}
	// A race on create (INVALID_REQUEST "already exists") becomes an update.
	f.hook = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/connectors/race") {
			f.hook = nil
			errorEnv(w, 400, "RESOURCE_NOT_FOUND_EXCEPTION", "not found")
			f.mu.Lock()
			f.conns["|/race"] = connectorObj("race", nil)
			f.mu.Unlock()
			return true
		}
		return false
	}
	if act, _, err := c.UpsertConnector(bg, connectorObj("race", nil)); err != nil || act != Updated {
		t.Fatalf("race: %v %v", act, err)
	}
}

func TestGovernanceBlocked(t *testing.T) {
	f := newFake(t)
	f.hook = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method == "POST" {
			ok(w, map[string]any{"connector": nil, "governanceMetadata": map[string]any{"status": "error", "message": "policy bb-deny"}})
			return true
		}
		return false
	}
	_, err := f.client(t, "k").CreateConnector(bg, connectorObj("bb", nil))
	if err == nil || !strings.Contains(err.Error(), "GOVERNANCE_BLOCKED") || !strings.Contains(err.Error(), "policy bb-deny") {
		t.Fatalf("%v", err)
	}
	err = f.client(t, "k").CreateTextSecret(bg, Scope{}, TextSecret{SecretMeta: SecretMeta{ID: "s"}, Value: "v"})
	if err == nil || !strings.Contains(err.Error(), "policy") {
		t.Fatalf("secret: %v", err)
	}
}

func TestConnectionTestShapes(t *testing.T) {
	f := newFake(t)
	f.conns["default|/bb"] = connectorObj("bb", nil)
	c := f.client(t, "k")
	sc := Scope{Org: "default"}
	r, err := c.Test(bg, sc, "bb")
	if err != nil || !r.Passed() || r.DelegateID != "abc" || r.TestedAt.IsZero() {
		t.Fatalf("pass: %+v %v", r, err)
	}
	f.testResult = func(string) (int, string) {
		return 200, `{"status":"SUCCESS","data":{"status":"FAILURE","errorSummary":"Please check your credentials (potential token expiration issue)","errors":[{"reason":"not authorized","message":"x","code":400}],"testedAt":1767225600000,"delegateId":"abc"}}`
	}
	r, err = c.Test(bg, sc, "bb")
	if err != nil || r.Passed() || r.Status != "FAILURE" || !strings.Contains(r.ErrorSummary, "check your credentials") || len(r.Errors) != 1 {
		t.Fatalf("200 failure: %+v %v", r, err)
	}
	f.testResult = func(string) (int, string) {
		return 400, `{"status":"ERROR","code":"SCM_UNAUTHORIZED","message":"","correlationId":"k","responseMessages":[{"code":"HINT","level":"INFO","message":"Please check your credentials"},{"code":"EXPLANATION","level":"INFO","message":"not authorized"}]}`
	}
	r, err = c.Test(bg, sc, "bb")
	if err != nil || r.Passed() || r.ErrorSummary != "Please check your credentials; not authorized" || r.Refusal == nil {
		t.Fatalf("400 envelope: %+v %v", r, err)
	}
	f.testResult = func(string) (int, string) { return 200, `{"status":"SUCCESS","data":{"status":"PARTIAL"}}` }
	if r, _ := c.Test(bg, sc, "bb"); r.Passed() {
		t.Fatal("PARTIAL passed")
	}
	// A missing connector and a bad key are errors, not test results.
	if _, err := c.Test(bg, sc, "missing"); err == nil {
		t.Fatal("missing connector is a result")
	}
	if _, err := f.client(t, "bad").Test(bg, sc, "bb"); !isUnauthorized(err) {
		t.Fatalf("bad key: %v", err)
	}
}

func TestListConnectorsPages(t *testing.T) {
	f := newFake(t)
	for i := range 250 {
		id := "c" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		f.conns["o|/"+id] = connectorObj(id, nil)
		f.conns["o|/"+id]["orgIdentifier"] = "o"
	}
	var calls []Call
	ctx := WithObserver(bg, func(c Call) { calls = append(calls, c) })
	list, err := f.client(t, "k").ListConnectors(ctx, Scope{Org: "o"})
	if err != nil || len(list) != 250 || len(calls) != 3 {
		t.Fatalf("%d connectors, %d calls, %v", len(list), len(calls), err)
	}
	for _, r := range f.requests() {
		if r.Body != `{"filterType":"Connector","types":["Bitbucket"]}` {
			t.Fatalf("body %s", r.Body)
		}
	}
}
