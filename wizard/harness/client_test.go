package harness

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseEndpoint(t *testing.T) {
	good := map[string]string{
		"":                                   DefaultEndpoint,
		"https://app.harness.io/gateway/":    "https://app.harness.io/gateway",
		"https://harness.example.com":        "https://harness.example.com",
		"http://127.0.0.1:8181":              "http://127.0.0.1:8181",
		"http://localhost:9/gateway":         "http://localhost:9/gateway",
		"http://[::1]:9":                     "http://[::1]:9",
		"  https://app3.harness.io/gateway ": "https://app3.harness.io/gateway",
	}
	for in, want := range good {
		u, err := ParseEndpoint(in)
		if err != nil || u.String() != want {
			t.Errorf("ParseEndpoint(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	bad := map[string]string{
		"http://app.harness.io":             "not https",
		"https://user:pw@app.harness.io":    "user or password",
		"https://app.harness.io/?key=x":     "query",
		"ftp://app.harness.io":              "not a url",
		"app.harness.io":                    "not a url",
		"https://app.harness.io/#frag":      "fragment",
		"http://localhost.evil.example.com": "not https",
	}
	for in, want := range bad {
		_, err := ParseEndpoint(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseEndpoint(%q) = %v, want %q", in, err, want)
		}
		if err != nil && (strings.Contains(err.Error(), "pw@") || strings.Contains(err.Error(), "key=x")) {
			t.Errorf("error echoes a credential: %v", err)
		}
	}
}

func TestNewAccount(t *testing.T) {
	c, err := New(Config{APIKey: "pat.AcC-1_x.tok.secretpart"})
	if err != nil || c.Account() != "AcC-1_x" || c.Endpoint() != DefaultEndpoint {
		t.Fatalf("pat: %v %v", c, err)
	}
	c, err = New(Config{APIKey: "sat.svcacc.tok.s", Account: "override"})
	if err != nil || c.Account() != "override" {
		t.Fatalf("override: %v", err)
	}
	for _, cfg := range []Config{
		{APIKey: "opaque-key"},
		{},
		{APIKey: "pat.a.b.c d"},
		{APIKey: "pat.a.b.c", Account: "bad/acc"},
		{APIKey: "pat.a.b.c", Endpoint: "http://example.com"},
		{APIKey: "pat.a.b.c", CAFile: "/nonexistent/ca.pem"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%v) accepted", cfg)
		} else if strings.Contains(err.Error(), string(cfg.APIKey)) && cfg.APIKey != "" {
			t.Errorf("error shows the key: %v", err)
		}
	}
	if !APIKey("pat.a.b.c").Personal() || APIKey("sat.a.b.c").Personal() || APIKey("pat.a.b").Account() != "" {
		t.Error("key helpers")
	}
}

func TestKeyNeverFormats(t *testing.T) {
	const key = "pat.acc.tok.SECRETSECRET"
	cfg := Config{APIKey: key}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		if s := fmt.Sprintf(verb, cfg); strings.Contains(s, "SECRETSECRET") || strings.Contains(s, fmt.Sprintf("%x", "SECRETSECRET")) {
			t.Errorf("%s shows the key: %s", verb, s)
		}
	}
	ts := TextSecret{SecretMeta: SecretMeta{ID: "x"}, Value: "SECRETSECRET"}
	if s := fmt.Sprintf("%v %+v %#v", ts, ts, ts); strings.Contains(s, "SECRETSECRET") {
		t.Errorf("text secret shows its value: %s", s)
	}
	fs := FileSecret{SecretMeta: SecretMeta{ID: "x"}, Content: []byte("SECRETSECRET")}
	if s := fmt.Sprintf("%v %+v %#v", fs, fs, fs); strings.Contains(s, "SECRETSECRET") {
		t.Errorf("file secret shows its content: %s", s)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{EnvEndpoint: " http://127.0.0.1:1 ", EnvAccount: "acc", EnvAPIKey: "pat.acc.t.s\n"}
	cfg := ConfigFromEnv(func(k string) string { return env[k] })
	if cfg.Endpoint != "http://127.0.0.1:1" || cfg.Account != "acc" || cfg.APIKey != "pat.acc.t.s" {
		t.Fatalf("%+v", cfg)
	}
}

func TestHeadersAndQuery(t *testing.T) {
	f := newFake(t)
	f.orgs = []string{"default"}
	c := f.client(t, "pat.acc123.tok.s")
	id, err := c.Verify(context.Background())
	if err != nil || id.User == nil || id.User.Name != "Dev One" || id.Account != fakeAccount {
		t.Fatalf("verify: %+v %v", id, err)
	}
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].Path != "/gateway/ng/api/organizations" || !strings.Contains(reqs[0].Query, "pageSize=1") ||
		reqs[1].Path != "/gateway/ng/api/user/currentUser" {
		t.Fatalf("calls %+v", reqs)
	}
	h := reqs[0].Header
	if h.Get("x-api-key") != "pat.acc123.tok.s" || h.Get("Authorization") != "" || h.Get("Harness-Account") != fakeAccount {
		t.Fatalf("headers %v", h)
	}
	// A service account token proves itself without currentUser.
	f2 := newFake(t)
	c2 := f2.client(t, "sat.acc123.tok.s")
	if id, err := c2.Verify(context.Background()); err != nil || id.User != nil || len(f2.requests()) != 1 {
		t.Fatalf("sat verify %v %v", id, err)
	}
	// A bad key is a 401 naming the call.
	_, err = f.client(t, "bad").Verify(context.Background())
	if !isUnauthorized(err) || !strings.Contains(err.Error(), "GET /ng/api/organizations: 401 INVALID_TOKEN") {
		t.Fatalf("bad key: %v", err)
	}
}

func TestRetryBackoff(t *testing.T) {
	f := newFake(t)
	f.orgs = []string{"o1"}
	fails := 2
	f.hook = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if fails > 0 {
			fails--
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		return false
	}
	var calls []Call
	ctx := WithObserver(context.Background(), func(c Call) { calls = append(calls, c) })
	orgs, err := f.client(t, "k").ListOrganizations(ctx)
	if err != nil || len(orgs) != 1 || len(calls) != 1 || calls[0].Tries != 3 || calls[0].Status != 200 {
		t.Fatalf("orgs %v err %v calls %+v", orgs, err, calls)
	}

	// Always 503: 1 try + 3 retries, then the error.
	f.hook = func(w http.ResponseWriter, r *http.Request, _ []byte) bool { w.WriteHeader(503); return true }
	calls = nil
	_, err = f.client(t, "k").ListOrganizations(ctx)
	if err == nil || calls[0].Tries != 4 || !strings.Contains(err.Error(), "503") {
		t.Fatalf("503: %v %+v", err, calls)
	}

	// A create POST is never retried.
	f.hook = func(w http.ResponseWriter, r *http.Request, _ []byte) bool { w.WriteHeader(429); return true }
	calls = nil
	err = f.client(t, "k").CreateTextSecret(ctx, Scope{}, TextSecret{SecretMeta: SecretMeta{ID: "s"}, Value: "v"})
	if err == nil || len(calls) != 1 || calls[0].Tries != 1 {
		t.Fatalf("create retried: %v %+v", err, calls)
	}
	_, err = f.client(t, "k").CreateConnector(ctx, RawConnector{"identifier": "c", "type": "Bitbucket"})
	if err == nil || calls[1].Tries != 1 {
		t.Fatalf("connector create retried: %+v", calls)
	}
}

func TestBackoffCancelled(t *testing.T) {
	f := newFake(t)
	f.hook = func(w http.ResponseWriter, r *http.Request, _ []byte) bool { w.WriteHeader(429); return true }
	c, _ := New(Config{Endpoint: f.srv.URL, APIKey: "k", Account: fakeAccount, Backoff: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListOrganizations(ctx)
	if err == nil || time.Since(start) > 5*time.Second || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
}

func TestHTMLAndNonJSONAnswers(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "k")
	_, err := c.CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Unknown path: the fake answers with an HTML 404, as a wrong base URL does.
	_, err = c.do(context.Background(), request{method: "GET", path: "/nope"})
	if err == nil || !strings.Contains(err.Error(), "wrong base url or a proxy answered") {
		t.Fatalf("html: %v", err)
	}
	f.hook = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		_, _ = w.Write([]byte("<!doctype html><p>login</p>"))
		return true
	}
	_, err = c.CurrentUser(context.Background())
	if err == nil || !strings.Contains(err.Error(), "html page") {
		t.Fatalf("html 200: %v", err)
	}
}

func TestTransportErrorHasNoQuery(t *testing.T) {
	c, _ := New(Config{Endpoint: "http://127.0.0.1:1", APIKey: "pat.acc.t.s", Timeout: time.Second})
	_, err := c.GetSecret(context.Background(), Scope{Org: "o"}, "sec")
	if err == nil || strings.Contains(err.Error(), "accountIdentifier") || strings.Contains(err.Error(), "127.0.0.1:1/") ||
		!strings.Contains(err.Error(), "GET /ng/api/v2/secrets/sec") {
		t.Fatalf("%v", err)
	}
}
