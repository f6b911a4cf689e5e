package emu

import (
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"
)

// textSecret is the reference's SecretText body.
func textSecret(id, org, project, value string) map[string]any {
	s := map[string]any{
		"type": "SecretText", "name": "bb " + id, "identifier": id, "tags": map[string]string{"managed-by": "bbcli"},
		"spec": map[string]any{"secretManagerIdentifier": "harnessSecretManager", "valueType": "Inline", "value": value},
	}
	if org != "" {
		s["orgIdentifier"] = org
	}
	if project != "" {
		s["projectIdentifier"] = project
	}
	return map[string]any{"secret": s}
}

// fileSpec is the reference's SecretFile spec part.
func fileSpec(id, org, project string) map[string]any {
	return map[string]any{"secret": map[string]any{
		"type": "SecretFile", "name": "bb ssh key", "identifier": id, "orgIdentifier": org, "projectIdentifier": project,
		"spec": map[string]any{"secretManagerIdentifier": "harnessSecretManager"},
	}}
}

// sshKeySecret is the reference's SSHKey credential.
func sshKeySecret(id, org, project, key, pass string) map[string]any {
	cred := map[string]any{"userName": "git", "key": key}
	if pass != "" {
		cred["encryptedPassphrase"] = pass
	}
	return map[string]any{"secret": map[string]any{
		"type": "SSHKey", "name": "bb ssh", "identifier": id, "orgIdentifier": org, "projectIdentifier": project,
		"spec": map[string]any{"port": 22, "auth": map[string]any{"type": "SSH", "spec": map[string]any{
			"credentialType": "KeyReference", "spec": cred,
		}}},
	}}
}

// The empty project payments/infra is where these tests create things.
const infra = acc + "&orgIdentifier=payments&projectIdentifier=infra"

func delSecret(t *testing.T, id, scope string) {
	t.Helper()
	t.Cleanup(func() { hcall(t, srv, "demo", "DELETE", "/ng/api/v2/secrets/"+id+scope, nil) })
}

func TestHarnessTextSecret(t *testing.T) {
	const value = "ATATT-text-secret-value-0123456789"
	delSecret(t, "bb_text", infra)
	r := hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, textSecret("bb_text", "payments", "infra", value))
	wantOK(t, r)
	sec := r.data()["secret"].(map[string]any)
	if sec["identifier"] != "bb_text" || sec["spec"].(map[string]any)["value"] != nil || strings.Contains(r.raw, value) {
		t.Fatalf("create answer: %s", r.raw)
	}
	got := hcall(t, srv, "demo", "GET", "/ng/api/v2/secrets/bb_text"+infra, nil)
	wantOK(t, got)
	if strings.Contains(got.raw, value) || got.data()["secret"].(map[string]any)["projectIdentifier"] != "infra" {
		t.Errorf("get: %s", got.raw)
	}
	missing := hcall(t, srv, "demo", "GET", "/ng/api/v2/secrets/nope"+infra, nil)
	if wantOK(t, missing); missing.body["data"] != nil || !strings.Contains(missing.raw, `"data":null`) {
		t.Errorf("missing secret: %s", missing.raw)
	}

	wantError(t, hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, textSecret("bb_text", "payments", "infra", value)), 400, "DUPLICATE_FIELD", "bb_text")
	wantError(t, hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, textSecret("bb_other", "payments", "", value)), 400, "INVALID_REQUEST",
		"scope in payload and params do not match")
	wantFailure(t, hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, textSecret("bb_empty", "payments", "infra", "")), "value")
	wantFailure(t, hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, textSecret("1bad", "payments", "infra", "x")), "identifier")
	wantError(t, hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, fileSpec("bb_f", "payments", "infra")), 400, "INVALID_REQUEST", "SecretFile")

	free := hcall(t, srv, "demo", "GET", "/ng/api/v2/secrets/validateUniqueIdentifier/bb_text"+infra, nil)
	if free.body["data"] != false {
		t.Errorf("validateUniqueIdentifier of a taken id: %s", free.raw)
	}
	if r := hcall(t, srv, "demo", "GET", "/ng/api/v2/secrets/validateUniqueIdentifier/bb_free"+infra, nil); r.body["data"] != true {
		t.Errorf("validateUniqueIdentifier of a free id: %s", r.raw)
	}

	if !srv.HarnessSecretIs("payments", "infra", "bb_text", value) {
		t.Error("HarnessSecretIs does not see the created value")
	}
	wantOK(t, hcall(t, srv, "demo", "PUT", "/ng/api/v2/secrets/bb_text"+infra, textSecret("bb_text", "payments", "infra", value+"-new")))
	if !srv.HarnessSecretIs("payments", "infra", "bb_text", value+"-new") || srv.HarnessSecretIs("payments", "infra", "bb_text", value) ||
		srv.HarnessSecretIs("payments", "", "bb_text", value+"-new") {
		t.Errorf("PUT did not rotate the value")
	}
	moved := textSecret("bb_text", "payments", "data", value)
	wantError(t, hcall(t, srv, "demo", "PUT", "/ng/api/v2/secrets/bb_text"+infra, moved), 400, "INVALID_REQUEST", "Cannot change organization, project")
	renamed := textSecret("bb_text2", "payments", "infra", value)
	wantError(t, hcall(t, srv, "demo", "PUT", "/ng/api/v2/secrets/bb_text"+infra, renamed), 400, "INVALID_REQUEST", "Cannot change")
	wantError(t, hcall(t, srv, "demo", "PUT", "/ng/api/v2/secrets/nope"+infra, textSecret("nope", "payments", "infra", value)), 400, "INVALID_REQUEST",
		"No such secret found, please check identifier/scope and try again.")

	list := hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets/list"+infra, map[string]any{"secretTypes": []string{"SecretText"}, "searchTerm": "text"})
	if len(list.content()) != 1 || strings.Contains(list.raw, value) {
		t.Errorf("list: %s", list.raw)
	}
	del := hcall(t, srv, "demo", "DELETE", "/ng/api/v2/secrets/bb_text"+infra, nil)
	if del.body["data"] != true {
		t.Errorf("delete: %s", del.raw)
	}
	if del := hcall(t, srv, "demo", "DELETE", "/ng/api/v2/secrets/bb_text"+infra, nil); del.body["data"] != false {
		t.Errorf("second delete: %s", del.raw)
	}
}

func TestHarnessFileAndSSHKeySecrets(t *testing.T) {
	pem, err := os.ReadFile(srv.Demo.SSHKeyPath)
	if err != nil {
		t.Fatal(err)
	}
	delSecret(t, "bb_key_pem", infra) // cleanups run last-in first-out: the credential goes first
	delSecret(t, "bb_cred", infra)
	files := "/ng/api/v2/secrets/files" + infra
	wantFailure(t, upload(t, srv, "POST", files, fileSpec("bb_key_pem", "payments", "infra"), nil), "file")
	r := upload(t, srv, "POST", files, fileSpec("bb_key_pem", "payments", "infra"), pem)
	wantOK(t, r)
	if strings.Contains(r.raw, "PRIVATE KEY") || r.data()["secret"].(map[string]any)["type"] != "SecretFile" {
		t.Fatalf("file secret answer: %s", r.raw)
	}
	wantError(t, upload(t, srv, "POST", files, fileSpec("bb_key_pem", "payments", "infra"), pem), 400, "DUPLICATE_FIELD", "bb_key_pem")
	wantError(t, upload(t, srv, "POST", files, fileSpec("bb_key2", "payments", ""), pem), 400, "INVALID_REQUEST", "scope in payload")
	req, _ := http.NewRequest("POST", srv.HarnessURL+files, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	if r := hsend(t, srv, "demo", req); r.status != http.StatusUnsupportedMediaType {
		t.Errorf("json to the files endpoint: %d", r.status)
	}

	// PUT without a file keeps the content; with one replaces it.
	wantOK(t, upload(t, srv, "PUT", "/ng/api/v2/secrets/files/bb_key_pem"+infra, fileSpec("bb_key_pem", "payments", "infra"), nil))
	hs := srv.st.harness
	stored := func() []byte {
		hs.mu.RLock()
		defer hs.mu.RUnlock()
		return hs.secrets[hKey{hScope{"payments", "infra"}, "bb_key_pem"}].value
	}
	if !bytes.Equal(stored(), pem) {
		t.Error("a PUT without a file part changed the content")
	}
	wantOK(t, upload(t, srv, "PUT", "/ng/api/v2/secrets/files/bb_key_pem"+infra, fileSpec("bb_key_pem", "payments", "infra"), []byte("new")))
	if string(stored()) != "new" {
		t.Error("a PUT with a file part kept the old content")
	}
	wantOK(t, upload(t, srv, "PUT", "/ng/api/v2/secrets/files/bb_key_pem"+infra, fileSpec("bb_key_pem", "payments", "infra"), pem))
	wantError(t, upload(t, srv, "PUT", "/ng/api/v2/secrets/files/nope"+infra, fileSpec("nope", "payments", "infra"), pem), 400, "INVALID_REQUEST", "No such secret found")

	post := func(body map[string]any) hres { return hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, body) }
	wantError(t, post(sshKeySecret("bb_cred", "payments", "infra", "missing_pem", "")), 400, "INVALID_REQUEST",
		"No such secret found 'missing_pem', please check identifier/scope and try again.")
	wantError(t, post(sshKeySecret("bb_cred", "payments", "infra", "account.bb_api_token", "")), 400, "INVALID_REQUEST", "No such secret found 'account.bb_api_token'")
	r = post(sshKeySecret("bb_cred", "payments", "infra", "bb_key_pem", ""))
	wantOK(t, r)
	cred := r.data()["secret"].(map[string]any)["spec"].(map[string]any)["auth"].(map[string]any)["spec"].(map[string]any)
	if cred["credentialType"] != "KeyReference" || cred["spec"].(map[string]any)["key"] != "bb_key_pem" {
		t.Errorf("SSHKey answer: %s", r.raw)
	}
	wantError(t, hcall(t, srv, "demo", "DELETE", "/ng/api/v2/secrets/bb_key_pem"+infra, nil), 400, "ENTITY_REFERENCE_EXCEPTION", "secret bb_cred")
	list := hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets/list"+infra, map[string]any{"secretTypes": []string{"SSHKey"}})
	if len(list.content()) != 1 {
		t.Errorf("list SSHKey: %s", list.raw)
	}
}

func TestHarnessSeededSecretsHideValues(t *testing.T) {
	for _, scope := range []string{acc, acc + "&orgIdentifier=default", acc + "&orgIdentifier=default&projectIdentifier=web"} {
		r := hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets/list"+scope, nil)
		if len(r.content()) == 0 {
			t.Errorf("no seeded secrets at %s", scope)
		}
		for _, v := range []string{srv.Demo.APIToken, srv.Demo.AppPassword, srv.Demo.DCToken, "PRIVATE KEY"} {
			if strings.Contains(r.raw, v) {
				t.Errorf("a secret value is in the list at %s", scope)
			}
		}
	}
}
