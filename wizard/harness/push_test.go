package harness

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bbconnect/bbconnect/wizard"
)

const canary = "CANARYcanary0123456789xyz"

func httpConnector() wizard.Connector {
	c := wizard.NewConnector()
	c.Name, c.ID = "bb web", "bb_web"
	c.URL, c.TestRepo, c.Username = "https://bitbucket.org/ws", "repo", "dev"
	c.APIAccess, c.APIEmail = wizard.APIEmailAPIToken, "dev@example.com"
	c.Scope, c.Org, c.Project = wizard.ScopeProject, "default", "web"
	return c
}

func sshConnector() wizard.Connector {
	c := wizard.NewConnector()
	c.Name, c.ID = "bb ssh", "bb_ssh"
	c.Connection, c.URL, c.TestRepo = wizard.SSH, "git@bitbucket.org:ws/", "repo.git"
	c.SSHKeyPath = "/home/dev/.ssh/id_bb"
	c.Scope, c.Org = wizard.ScopeOrg, "default"
	return c
}

func TestPushHTTPThenAgain(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "k")
	in := PushInput{Connector: httpConnector(), Secrets: wizard.Secrets{Password: "pw1", APIToken: "api1"}}
	res, err := c.Push(bg, in)
	if err != nil || !res.Test.Passed() || res.Connector != Created {
		t.Fatalf("%+v %v", res, err)
	}
	if got := strings.Join(res.SecretIDs(), ","); got != "bb_web_password,bb_web_api_token" {
		t.Fatalf("secret ids %s", got)
	}
	var seq []string
	for _, call := range res.Calls {
		seq = append(seq, fmt.Sprintf("%s %s %d", call.Method, call.Path, call.Status))
	}
	want := []string{
		"GET /ng/api/v2/secrets/bb_web_password 200", "POST /ng/api/v2/secrets 200",
		"GET /ng/api/v2/secrets/bb_web_api_token 200", "POST /ng/api/v2/secrets 200",
		"GET /ng/api/connectors/bb_web 400", "POST /ng/api/connectors 200",
		"POST /ng/api/connectors/testConnection/bb_web 200",
	}
	if strings.Join(seq, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls\n%s", strings.Join(seq, "\n"))
	}
	conn := f.conns["default|web/bb_web"]
	auth, _ := json.Marshal(conn["spec"].(map[string]any)["authentication"])
	if !strings.Contains(string(auth), `"passwordRef":"bb_web_password"`) || f.values["default|web/bb_web_api_token"] != "api1" {
		t.Fatalf("connector %s", auth)
	}
	// A second push updates every entity, never fails as a duplicate.
	in.Secrets.Password = "pw2"
	res, err = c.Push(bg, in)
	if err != nil || res.Connector != Updated || res.Secrets[0].Action != Updated || f.values["default|web/bb_web_password"] != "pw2" {
		t.Fatalf("second push %+v %v", res, err)
	}
}

func TestPushSSH(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "k")
	pem := []byte("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n")
	res, err := c.Push(bg, PushInput{Connector: sshConnector(), SSHKeyPEM: pem, Secrets: wizard.Secrets{SSHPassphrase: "pp"}})
	if err != nil || !res.Test.Passed() {
		t.Fatalf("%+v %v", res, err)
	}
	if got := strings.Join(res.SecretIDs(), ","); got != "bb_ssh_ssh_key_pem,bb_ssh_ssh_key_passphrase,bb_ssh_ssh_key" {
		t.Fatalf("ids %s", got)
	}
	if f.values["default|/bb_ssh_ssh_key_pem"] != string(pem) || f.values["default|/bb_ssh_ssh_key_passphrase"] != "pp" {
		t.Fatal("key or passphrase not uploaded")
	}
	cred, _ := json.Marshal(f.secrets["default|/bb_ssh_ssh_key"])
	for _, want := range []string{`"type":"SSHKey"`, `"userName":"git"`, `"port":22`, `"key":"org.bb_ssh_ssh_key_pem"`, `"encryptedPassphrase":"org.bb_ssh_ssh_key_passphrase"`} {
		if !strings.Contains(string(cred), want) {
			t.Errorf("credential %s lacks %s", cred, want)
		}
	}
	spec, _ := json.Marshal(f.conns["default|/bb_ssh"]["spec"])
	if !strings.Contains(string(spec), `"sshKeyRef":"org.bb_ssh_ssh_key"`) {
		t.Fatalf("connector spec %s", spec)
	}
	// No key bytes: refused before any call.
	n := len(f.requests())
	if _, err := c.Push(bg, PushInput{Connector: sshConnector()}); err == nil || len(f.requests()) != n {
		t.Fatalf("empty key: %v", err)
	}
}

func TestPushDryRunOnlyReads(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "k")
	f.secrets["default|web/bb_web_password"] = map[string]any{"type": "SecretText", "identifier": "bb_web_password"}
	res, err := c.Push(bg, PushInput{Connector: httpConnector(), Secrets: wizard.Secrets{Password: canary, APIToken: canary}, DryRun: true})
	if err != nil || res.Test != nil || res.Connector != PlannedCreate || res.Secrets[0].Action != PlannedUpdate || res.Secrets[1].Action != PlannedCreate {
		t.Fatalf("%+v %v", res, err)
	}
	for _, r := range f.requests() {
		if r.Method != "GET" || strings.Contains(r.Body, canary) {
			t.Fatalf("dry run wrote: %+v", r)
		}
	}
	var planned []string
	for _, call := range res.Calls {
		if call.Status == 0 {
			planned = append(planned, call.Method+" "+call.Path+" "+call.ID)
		}
	}
	want := "PUT /ng/api/v2/secrets/bb_web_password bb_web_password,POST /ng/api/v2/secrets bb_web_api_token,POST /ng/api/connectors bb_web,POST /ng/api/connectors/testConnection/bb_web bb_web"
	if strings.Join(planned, ",") != want {
		t.Fatalf("planned %q", planned)
	}
}

func TestPushMissingSecretValue(t *testing.T) {
	f := newFake(t)
	_, err := f.client(t, "k").Push(bg, PushInput{Connector: httpConnector(), Secrets: wizard.Secrets{Password: "p"}})
	if err == nil || !strings.Contains(err.Error(), "no api access token stored for bb_web") || len(f.requests()) != 0 {
		t.Fatalf("%v", err)
	}
}

// The canary, set as the Harness key and as every secret, travels only in
// the x-api-key header and in request bodies: never in a URL, a query, a
// call record, a result or an error, even when Harness quotes it back.
func TestPushCanaryNeverLeaks(t *testing.T) {
	f := newFake(t)
	c := f.client(t, canary)
	in := PushInput{Connector: httpConnector(), Secrets: wizard.Secrets{Password: canary, APIToken: canary}}
	var observed []Call
	ctx := WithObserver(bg, func(call Call) { observed = append(observed, call) })
	res, err := c.Push(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, s string) {
		t.Helper()
		if strings.Contains(s, canary) || strings.Contains(s, url.QueryEscape(canary)[:10]) && strings.Contains(s, "CANARY") {
			t.Errorf("canary in %s: %s", what, s)
		}
	}
	out, _ := json.Marshal(res)
	check("result", string(out))
	check("observed calls", fmt.Sprintf("%+v", observed))
	inBody := 0
	for _, r := range f.requests() {
		check("path", r.Path)
		check("query", r.Query)
		for k, vs := range r.Header {
			if k != "X-Api-Key" {
				check("header "+k, strings.Join(vs, ","))
			}
		}
		if strings.Contains(r.Body, canary) {
			inBody++
		}
	}
	if inBody != 2 {
		t.Errorf("canary in %d bodies, want the 2 secret creates", inBody)
	}
	// Harness quoting the value back in an error: the error redacts it.
	f.hook = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method == "PUT" {
			failure(w, 400, "INVALID_REQUEST", "bad value "+canary+" in "+string(body))
			return true
		}
		return false
	}
	res, err = c.Push(ctx, in)
	if err == nil {
		t.Fatal("no error")
	}
	check("error", err.Error())
	check("error %+v", fmt.Sprintf("%+v %#v", err, err))
	out, _ = json.Marshal(res)
	check("result", string(out))
}
