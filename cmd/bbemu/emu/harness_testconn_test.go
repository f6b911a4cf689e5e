package emu

import (
	"os"
	"strings"
	"testing"
	"time"
)

// testConn runs Harness's test of id at scope and returns data.
func testConn(t *testing.T, id, scope string) map[string]any {
	t.Helper()
	r := hcall(t, srv, "demo", "POST", "/ng/api/connectors/testConnection/"+id+scope, nil)
	wantOK(t, r)
	return r.data()
}

func wantTest(t *testing.T, d map[string]any, status, summary string) {
	t.Helper()
	if d["status"] != status || d["testedAt"] == nil {
		t.Fatalf("test status %v, want %s: %v", d["status"], status, d)
	}
	if status == "SUCCESS" {
		if d["errorSummary"] != nil {
			t.Errorf("a passing test has an errorSummary: %v", d["errorSummary"])
		}
		return
	}
	errs, _ := d["errors"].([]any)
	if s, _ := d["errorSummary"].(string); !strings.Contains(s, summary) || len(errs) == 0 {
		t.Errorf("errorSummary %q (want %q), errors %v", d["errorSummary"], summary, errs)
	}
}

func TestHarnessTestSeeded(t *testing.T) {
	p := func(org, project string) string {
		return acc + "&orgIdentifier=" + org + "&projectIdentifier=" + project
	}
	cases := []struct{ id, scope, status string }{
		{"bb_cloud_workspace", acc, "SUCCESS"},
		{"bb_cloud_legacy", acc, "SUCCESS"},
		{"bb_datacenter", acc + "&orgIdentifier=default", "SUCCESS"},
		{"bb_platform_http", acc + "&orgIdentifier=platform", "SUCCESS"},
		{"bb_payments_legacy", acc + "&orgIdentifier=payments", "SUCCESS"},
		{"bb_web_app_password", p("default", "web"), "SUCCESS"},
		{"bb_web_ssh", p("default", "web"), "SUCCESS"},
		{"bb_api_http_only", p("default", "api"), "SUCCESS"},
		{"bb_platform_access_token", p("platform", "web"), "SUCCESS"},
		{"bb_mobile_wrong_token", p("payments", "mobile"), "FAILURE"},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			wantTest(t, testConn(t, c.id, c.scope), c.status, msgCheckCreds)
			got := hcall(t, srv, "demo", "GET", "/ng/api/connectors/"+c.id+c.scope, nil)
			if st := got.data()["status"].(map[string]any); st["status"] != c.status || st["testedAt"] == nil {
				t.Errorf("stored status: %v", st)
			}
		})
	}
	// After the removal date the App Password connectors fail Harness's test.
	setClock(t, time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
	wantTest(t, testConn(t, "bb_web_app_password", p("default", "web")), "FAILURE", msgCheckCreds)
	wantTest(t, testConn(t, "bb_cloud_workspace", acc), "SUCCESS", "")
}

func TestHarnessTestFollowsPushedToken(t *testing.T) {
	delConnector(t, "bb_pushed", infra)
	delSecret(t, "bb_pushed_token", infra)
	wantOK(t, hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, textSecret("bb_pushed_token", "payments", "infra", srv.Demo.APIToken)))
	wantOK(t, hcall(t, srv, "demo", "POST", "/ng/api/connectors"+acc, bbConnector("bb_pushed", "payments", "infra", "bb_pushed_token")))
	wantTest(t, testConn(t, "bb_pushed", infra), "SUCCESS", "")
	first := hcall(t, srv, "demo", "GET", "/ng/api/connectors/bb_pushed"+infra, nil).data()["status"].(map[string]any)

	// A wrong token pushed to Harness fails Harness's test.
	wantOK(t, hcall(t, srv, "demo", "PUT", "/ng/api/v2/secrets/bb_pushed_token"+infra, textSecret("bb_pushed_token", "payments", "infra", "ATATT3xWrongToken")))
	d := testConn(t, "bb_pushed", infra)
	wantTest(t, d, "FAILURE", "Please check your credentials")
	if reason := d["errors"].([]any)[0].(map[string]any)["reason"].(string); !strings.Contains(reason, "https://bitbucket.org/acme/harness-demo.git") {
		t.Errorf("reason names the connector's URL: %q", reason)
	}
	listed := hcall(t, srv, "demo", "POST", "/ng/api/connectors/listV2"+infra, map[string]any{"filterType": "Connector", "types": []string{"Bitbucket"}})
	st := listed.content()[0]["status"].(map[string]any)
	if st["status"] != "FAILURE" || st["lastConnectedAt"] != first["lastConnectedAt"] || !strings.Contains(st["errorSummary"].(string), "credentials") {
		t.Errorf("listV2 status after a failing test: %v (first %v)", st, first)
	}

	// An expired token fails; the right one passes again.
	wantOK(t, hcall(t, srv, "demo", "PUT", "/ng/api/v2/secrets/bb_pushed_token"+infra, textSecret("bb_pushed_token", "payments", "infra", srv.Demo.APITokenExpired)))
	wantTest(t, testConn(t, "bb_pushed", infra), "FAILURE", msgCheckCreds)
	wantOK(t, hcall(t, srv, "demo", "PUT", "/ng/api/v2/secrets/bb_pushed_token"+infra, textSecret("bb_pushed_token", "payments", "infra", srv.Demo.APIToken)))
	wantTest(t, testConn(t, "bb_pushed", infra), "SUCCESS", "")

	// The Atlassian email as the git username fails the git check only.
	withEmail := bbConnector("bb_pushed", "payments", "infra", "bb_pushed_token")
	spec(withEmail)["authentication"].(map[string]any)["spec"].(map[string]any)["spec"].(map[string]any)["username"] = srv.Demo.Email
	wantOK(t, hcall(t, srv, "demo", "PUT", "/ng/api/connectors"+acc, withEmail))
	d = testConn(t, "bb_pushed", infra)
	wantTest(t, d, "FAILURE", msgCheckCreds)
	if n := len(d["errors"].([]any)); n != 1 {
		t.Errorf("%d errors, want the git check's only: %v", n, d["errors"])
	}
}

// sshConnector is the reference's example B (Cloud, SSH, Repo).
func sshConnector(id, url, keyRef string) map[string]any {
	return map[string]any{"connector": map[string]any{
		"name": id, "identifier": id, "type": "Bitbucket", "orgIdentifier": "payments", "projectIdentifier": "infra",
		"spec": map[string]any{
			"url": url, "type": "Repo", "executeOnDelegate": true,
			"authentication": map[string]any{"type": "Ssh", "spec": map[string]any{"sshKeyRef": keyRef}},
		},
	}}
}

func TestHarnessTestSSH(t *testing.T) {
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	delSecret(t, "bb_ssh_pem", infra)
	delSecret(t, "bb_ssh_cred", infra)
	delConnector(t, "bb_ssh_cloud", infra)
	delConnector(t, "bb_ssh_dc", infra)
	wantOK(t, upload(t, srv, "POST", "/ng/api/v2/secrets/files"+infra, fileSpec("bb_ssh_pem", "payments", "infra"), read(srv.Demo.SSHKeyPath)))
	wantOK(t, hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, sshKeySecret("bb_ssh_cred", "payments", "infra", "bb_ssh_pem", "")))
	wantOK(t, hcall(t, srv, "demo", "POST", "/ng/api/connectors"+acc, sshConnector("bb_ssh_cloud", "git@bitbucket.org:acme/harness-demo.git", "bb_ssh_cred")))
	wantOK(t, hcall(t, srv, "demo", "POST", "/ng/api/connectors"+acc, sshConnector("bb_ssh_dc", "ssh://git@"+srv.SSHAddr+"/demo/harness-demo.git", "bb_ssh_cred")))
	d := testConn(t, "bb_ssh_cloud", infra)
	wantTest(t, d, "SUCCESS", "")
	if d["delegateId"] != harnessDelegate {
		t.Errorf("executeOnDelegate connector tested without a delegate id: %v", d)
	}
	wantTest(t, testConn(t, "bb_ssh_dc", infra), "SUCCESS", "")

	put := func(key []byte) {
		wantOK(t, upload(t, srv, "PUT", "/ng/api/v2/secrets/files/bb_ssh_pem"+infra, fileSpec("bb_ssh_pem", "payments", "infra"), key))
	}
	put(read(srv.Demo.UnregisteredSSHKeyPath))
	wantTest(t, testConn(t, "bb_ssh_cloud", infra), "FAILURE", msgCheckCreds)
	put(read(srv.Demo.OpenSSHKeyPath))
	wantTest(t, testConn(t, "bb_ssh_cloud", infra), "FAILURE", "PEM")
	put(read(srv.Demo.SSHKeyPath))
	wantOK(t, hcall(t, srv, "demo", "PUT", "/ng/api/connectors"+acc, sshConnector("bb_ssh_cloud", "git@bitbucket.org:acme/no-such-repo.git", "bb_ssh_cred")))
	wantTest(t, testConn(t, "bb_ssh_cloud", infra), "FAILURE", msgNoRepo)
}

func TestSplitSSH(t *testing.T) {
	for in, want := range map[string][2]string{
		"git@bitbucket.org:acme/repo.git":          {"bitbucket.org", "acme/repo.git"},
		"ssh://git@127.0.0.1:2222/demo/r.git":      {"127.0.0.1:2222", "/demo/r.git"},
		"git@bitbucket.example.com:7999/PRJ/r.git": {"bitbucket.example.com:7999", "/PRJ/r.git"},
	} {
		host, path, ok := splitSSH(in)
		if !ok || host != want[0] || path != want[1] {
			t.Errorf("splitSSH(%q) = %q %q %v", in, host, path, ok)
		}
	}
	for _, in := range []string{"https://bitbucket.org/acme/repo.git", "no-colon", "a:b@c"} {
		if _, _, ok := splitSSH(in); ok {
			t.Errorf("splitSSH(%q) took it as SSH", in)
		}
	}
}
