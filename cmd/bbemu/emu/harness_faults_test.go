package emu

import (
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// harnessFault injects a fault parsed from the command-line syntax and
// clears every fault at the end of the test.
func harnessFault(t *testing.T, spec string) {
	t.Helper()
	f, err := ParseFault(spec, true)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(f)
	t.Cleanup(srv.ClearFaults)
}

const orgsPath = "/ng/api/organizations" + acc

func TestHarnessFaultRateLimit(t *testing.T) {
	harnessFault(t, "rate-limit,first=2")
	for i := range 3 {
		r := hcall(t, srv, "demo", "GET", orgsPath, nil)
		if i < 2 && (r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "") {
			t.Fatalf("call %d: %d, Retry-After %q", i, r.status, r.header.Get("Retry-After"))
		}
		if i == 2 {
			wantOK(t, r)
		}
	}
	srv.ClearFaults()
	harnessFault(t, "rate-limit,percent=30")
	limited := 0
	for range 20 {
		if hcall(t, srv, "demo", "GET", orgsPath, nil).status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited != 6 {
		t.Errorf("percent=30 limited %d of 20 calls, want 6", limited)
	}
}

func TestHarnessFaultServerErrorAndHTML(t *testing.T) {
	harnessFault(t, "server-error,first=1")
	wantError(t, hcall(t, srv, "demo", "GET", orgsPath, nil), 500, "UNKNOWN_ERROR", "went wrong")
	harnessFault(t, "server-error,status=503,first=1,path=/ng/api/connectors")
	wantOK(t, hcall(t, srv, "demo", "GET", orgsPath, nil))
	r := hcall(t, srv, "demo", "GET", "/ng/api/connectors/bb_cloud_legacy"+acc, nil)
	if r.status != 503 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("503: %d %s", r.status, r.header.Get("Content-Type"))
	}
	harnessFault(t, "html,first=1")
	r = hcall(t, srv, "demo", "GET", orgsPath, nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || r.body != nil {
		t.Errorf("html fault: %d %s", r.status, r.raw)
	}
}

func TestHarnessFaultNotFound404(t *testing.T) {
	harnessFault(t, "not-found-404")
	wantError(t, hcall(t, srv, "demo", "GET", "/ng/api/connectors/nope"+acc, nil), 404, "RESOURCE_NOT_FOUND", "nope")
	srv.ClearFaults()
	wantError(t, hcall(t, srv, "demo", "GET", "/ng/api/connectors/nope"+acc, nil), 400, "RESOURCE_NOT_FOUND_EXCEPTION", "nope")
}

func TestHarnessFaultGovernance(t *testing.T) {
	delSecret(t, "bb_governed", infra)
	harnessFault(t, "governance,first=1")
	r := hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, textSecret("bb_governed", "payments", "infra", "value-governed"))
	wantOK(t, r)
	if r.data()["governanceMetadata"] == nil || r.data()["secret"] != nil {
		t.Fatalf("governance answer: %s", r.raw)
	}
	if got := hcall(t, srv, "demo", "GET", "/ng/api/v2/secrets/bb_governed"+infra, nil); got.body["data"] != nil {
		t.Errorf("a governed create stored the secret: %s", got.raw)
	}
	harnessFault(t, "governance,first=1,path=/ng/api/connectors")
	r = hcall(t, srv, "demo", "POST", "/ng/api/connectors"+acc, bbConnector("bb_governed", "payments", "infra", "account.bb_api_token"))
	if wantOK(t, r); r.data()["connector"] != nil || r.data()["governanceMetadata"] == nil {
		t.Errorf("governed connector: %s", r.raw)
	}
	wantError(t, hcall(t, srv, "demo", "GET", "/ng/api/connectors/bb_governed"+infra, nil), 400, "RESOURCE_NOT_FOUND_EXCEPTION", "bb_governed")
}

func TestHarnessFaultTestErrorEnvelope(t *testing.T) {
	scope := acc + "&orgIdentifier=payments&projectIdentifier=mobile"
	harnessFault(t, "test-error-envelope,first=1")
	r := hcall(t, srv, "demo", "POST", "/ng/api/connectors/testConnection/bb_mobile_wrong_token"+scope, nil)
	wantError(t, r, 400, "HINT", "credentials")
	if !strings.Contains(r.raw, `"code":"INVALID_CREDENTIAL"`) || !strings.Contains(r.raw, msgCheckCreds) {
		t.Errorf("hint chain: %s", r.raw)
	}
	got := hcall(t, srv, "demo", "GET", "/ng/api/connectors/bb_mobile_wrong_token"+scope, nil)
	if got.data()["status"].(map[string]any)["status"] != "FAILURE" {
		t.Errorf("the failed test is not stored: %s", got.raw)
	}
	wantTest(t, testConn(t, "bb_mobile_wrong_token", scope), "FAILURE", msgCheckCreds) // first=1: back to 200
}

func TestHarnessFaultsStayOnTheirSide(t *testing.T) {
	srv.Inject(Fault{Kind: FaultRateLimit}) // Bitbucket-wide
	t.Cleanup(srv.ClearFaults)
	wantOK(t, hcall(t, srv, "demo", "GET", orgsPath, nil))
	srv.ClearFaults()
	harnessFault(t, "rate-limit")
	if r := get(t, srv.CloudAPIURL+"/2.0/repositories/acme", anon); r.status == http.StatusTooManyRequests {
		t.Error("a Harness fault reached Bitbucket")
	}
}

func TestHarnessLatency(t *testing.T) {
	srv.SetHarnessLatency(120 * time.Millisecond)
	t.Cleanup(func() { srv.SetHarnessLatency(0) })
	began := time.Now()
	wantOK(t, hcall(t, srv, "demo", "GET", orgsPath, nil))
	if took := time.Since(began); took < 120*time.Millisecond {
		t.Errorf("call took %s with 120ms latency", took)
	}
}

// TestHarnessLatencyIsConcurrent checks the latency is per call, not a
// queue: 40 calls at once with 100ms each take far less than 4s (the
// scan benchmark's concurrency depends on it).
func TestHarnessLatencyIsConcurrent(t *testing.T) {
	srv.SetHarnessLatency(100 * time.Millisecond)
	t.Cleanup(func() { srv.SetHarnessLatency(0) })
	began := time.Now()
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, srv.HarnessURL+"/ng/api/connectors/listV2"+acc+"&orgIdentifier=default",
				strings.NewReader(`{"filterType":"Connector","types":["Bitbucket"]}`))
			req.Header.Set("x-api-key", srv.Harness.APIKey)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = res.Body.Close()
		})
	}
	wg.Wait()
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("40 concurrent calls with 100ms latency took %s", took)
	}
}

func TestParseFault(t *testing.T) {
	f, err := ParseFault("server-error,status=503,first=2,percent=10,path=/ng/api/connectors", true)
	want := Fault{Kind: FaultServerError, Status: 503, Times: 2, Percent: 10, Path: "harness:/ng/api/connectors"}
	if err != nil || f != want {
		t.Errorf("ParseFault = %+v, %v", f, err)
	}
	if f, err := ParseFault("hang,path=/2.0/user", false); err != nil || f.Path != "/2.0/user" {
		t.Errorf("bitbucket hang: %+v %v", f, err)
	}
	for _, bad := range []string{
		"", "nope", "governance", "rate-limit,first", "rate-limit,first=x", "rate-limit,percent=100",
		"rate-limit,status=500", "server-error,status=404", "rate-limit,path=ng", "rate-limit,color=red",
	} {
		if _, err := ParseFault(bad, false); err == nil {
			t.Errorf("ParseFault(%q) took it", bad)
		}
	}
	if _, err := ParseFault("dc-anonymous", true); err == nil {
		t.Error("a Bitbucket-only fault was taken for Harness")
	}
}

// TestHarnessCanary sets a canary as the Harness key and as every kind of
// secret value, then reads everything back: the canary appears in no
// answer and no log entry; sent in a URL it is redacted and flagged.
func TestHarnessCanary(t *testing.T) {
	const canary = "CANARY-7f3c9a1e-harness-secret"
	srv.ResetRequests()
	r := hcall(t, srv, canary, "GET", orgsPath, nil)
	wantError(t, r, 401, "INVALID_TOKEN", "Token")
	pem, err := os.ReadFile(srv.Demo.SSHKeyPath)
	if err != nil {
		t.Fatal(err)
	}
	delSecret(t, "bb_canary_file", infra)
	delSecret(t, "bb_canary_pass", infra)
	delSecret(t, "bb_canary", infra)
	delSecret(t, "bb_canary_ssh", infra)
	delConnector(t, "bb_canary_conn", infra)
	answers := []hres{
		r,
		hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, textSecret("bb_canary", "payments", "infra", canary)),
		hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, textSecret("bb_canary_pass", "payments", "infra", canary)),
		upload(t, srv, "POST", "/ng/api/v2/secrets/files"+infra, fileSpec("bb_canary_file", "payments", "infra"), append(pem, canary...)),
		hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets"+infra, sshKeySecret("bb_canary_ssh", "payments", "infra", "bb_canary_file", "bb_canary_pass")),
		hcall(t, srv, "demo", "PUT", "/ng/api/v2/secrets/bb_canary"+infra, textSecret("bb_canary", "payments", "infra", canary+"2")),
		hcall(t, srv, "demo", "POST", "/ng/api/connectors"+acc, bbConnector("bb_canary_conn", "payments", "infra", "bb_canary")),
		hcall(t, srv, "demo", "POST", "/ng/api/connectors/testConnection/bb_canary_conn"+infra, nil),
		hcall(t, srv, "demo", "GET", "/ng/api/connectors/bb_canary_conn"+infra, nil),
		hcall(t, srv, "demo", "POST", "/ng/api/v2/secrets/list"+infra, nil),
		hcall(t, srv, "demo", "GET", "/ng/api/v2/secrets/bb_canary"+infra, nil),
		hcall(t, srv, "demo", "GET", "/ng/api/v2/secrets/bb_canary_file"+infra, nil),
		hcall(t, srv, "demo", "GET", "/ng/api/v2/secrets/bb_canary_ssh"+infra, nil),
		hcall(t, srv, "demo", "POST", "/ng/api/connectors/listV2"+infra, map[string]any{"filterType": "Connector"}),
	}
	for i, a := range answers {
		if i > 0 && a.status != http.StatusOK {
			t.Errorf("answer %d: %d %s", i, a.status, a.raw)
		}
		if strings.Contains(a.raw, canary) || strings.Contains(a.raw, srv.Harness.APIKey) {
			t.Errorf("answer %d holds a secret: %s", i, a.raw)
		}
	}
	if d := answers[7].data(); d["status"] != "FAILURE" {
		t.Errorf("a canary token passed Harness's test: %v", d)
	}
	for _, e := range srv.Requests() {
		line := e.Path + "?" + e.Query + " " + e.User + " " + e.Auth
		if strings.Contains(line, canary) || strings.Contains(line, srv.Harness.APIKey) || e.Leaked {
			t.Errorf("log entry holds a secret: %+v", e)
		}
	}
	// A client that puts a secret in a URL is caught, not logged.
	hcall(t, srv, "demo", "GET", "/ng/api/v2/secrets/bb_canary"+infra+"&value="+canary+"2", nil)
	e := lastRequest(t, "/gateway/ng/api/v2/secrets/bb_canary")
	if !e.Leaked || strings.Contains(e.Query, canary) || !strings.Contains(e.Query, "[REDACTED]") {
		t.Errorf("secret in a URL: %+v", e)
	}
}
