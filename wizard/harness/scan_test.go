package harness

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// seedScan puts orgs × projects in f, with at every scope one connector of
// each kind: App Password, Cloud Http without API access, Data Center Http
// without API access, Cloud with an API token, SSH.
func seedScan(f *fake, orgs, projects int, kinds bool) {
	add := func(org, proj, id string, extra func(spec map[string]any)) {
		c := connectorObj(id, nil)
		if org != "" {
			c["orgIdentifier"] = org
		}
		if proj != "" {
			c["projectIdentifier"] = proj
		}
		if extra != nil {
			extra(c["spec"].(map[string]any))
		}
		f.conns[org+"|"+proj+"/"+id] = c
		f.status[org+"|"+proj+"/"+id] = map[string]any{"status": "SUCCESS", "testedAt": 1767225600000}
	}
	seed := func(org, proj string) {
		add(org, proj, "app_pw", func(s map[string]any) {
			s["apiAccess"] = map[string]any{"type": "UsernameToken", "spec": map[string]any{"username": "dev", "tokenRef": "x"}}
		})
		if !kinds {
			return
		}
		add(org, proj, "cloud_plain", nil)
		add(org, proj, "dc_plain", func(s map[string]any) { s["url"] = "https://bitbucket.example.com/scm/" })
		add(org, proj, "api_token", func(s map[string]any) {
			s["apiAccess"] = map[string]any{"type": "EmailAndApiToken", "spec": map[string]any{"email": "d@e.com", "tokenRef": "x"}}
		})
		add(org, proj, "ssh", func(s map[string]any) {
			s["url"] = "git@bitbucket.org:ws/"
			s["authentication"] = map[string]any{"type": "Ssh", "spec": map[string]any{"sshKeyRef": "k"}}
		})
	}
	seed("", "")
	for o := range orgs {
		org := fmt.Sprintf("org%02d", o)
		f.orgs = append(f.orgs, org)
		seed(org, "")
		for p := range projects {
			proj := fmt.Sprintf("proj%02d", p)
			f.projs[org] = append(f.projs[org], proj)
			seed(org, proj)
		}
	}
}

func TestScanEveryScope(t *testing.T) {
	f := newFake(t)
	seedScan(f, 3, 5, true)
	// Every third distinct request is rate limited once, on its first
	// attempt: the scan backs off and goes on. (Counting calls globally made
	// one request's retries land on multiples of three under concurrency and
	// run out of retries now and then.)
	var mu sync.Mutex
	seen := map[string]int{}
	f.hook = func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		key := r.Method + " " + r.URL.String() + " " + string(body)
		mu.Lock()
		defer mu.Unlock()
		first := seen[key] == 0
		seen[key]++
		if first && len(seen)%3 == 0 {
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		return false
	}
	var progress atomic.Int64
	found, err := f.client(t, "k").Scan(bg, ScanOptions{Progress: func(done, total int) { progress.Store(int64(done*1000 + total)) }})
	if err != nil {
		t.Fatal(err)
	}
	scopes := 1 + 3 + 15
	if len(found) != scopes*5 {
		t.Fatalf("%d findings, want %d", len(found), scopes*5)
	}
	// 19 connector listings + 3 project listings.
	if p := progress.Load(); p != 22*1000+22 {
		t.Fatalf("progress %d", p)
	}
	verdicts := map[string]string{"app_pw": VerdictAppPassword, "cloud_plain": VerdictUnknown, "dc_plain": VerdictOK, "api_token": VerdictOK, "ssh": VerdictOK}
	for _, fd := range found {
		if fd.Verdict != verdicts[fd.Identifier] || fd.LastTest != "SUCCESS" || fd.TestedAt.IsZero() {
			t.Errorf("%+v", fd)
		}
	}
	first, last := found[0], found[len(found)-1]
	if first.Org != "" || first.Identifier != "api_token" || last.Org != "org02" || last.Project != "proj04" || last.Identifier != "ssh" {
		t.Fatalf("not sorted: %+v … %+v", first, last)
	}
	if found[0].Auth != "Http/UsernamePassword" || found[4].Auth != "Ssh" || found[1].APIAccess != "UsernameToken" {
		t.Fatalf("auth kinds %+v", found[:5])
	}
}

func TestScanNarrowed(t *testing.T) {
	f := newFake(t)
	seedScan(f, 3, 5, false)
	c := f.client(t, "k")
	found, err := c.Scan(bg, ScanOptions{Org: "org01"})
	if err != nil || len(found) != 6 || found[0].Org != "org01" || found[0].Project != "" {
		t.Fatalf("--org: %d %v", len(found), err)
	}
	found, err = c.Scan(bg, ScanOptions{Org: "org01", Project: "proj03"})
	if err != nil || len(found) != 1 || found[0].Project != "proj03" {
		t.Fatalf("--project: %+v %v", found, err)
	}
	if _, err := c.Scan(bg, ScanOptions{Project: "p"}); err == nil || !strings.Contains(err.Error(), "needs --org") {
		t.Fatalf("project without org: %v", err)
	}
}

func TestScanPartialFailure(t *testing.T) {
	f := newFake(t)
	seedScan(f, 2, 2, false)
	f.hook = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.URL.Query().Get("projectIdentifier") == "proj01" && r.URL.Query().Get("orgIdentifier") == "org01" {
			failure(w, 403, "NG_ACCESS_DENIED", "Missing permission core_connector_view")
			return true
		}
		return false
	}
	found, err := f.client(t, "k").Scan(bg, ScanOptions{})
	if len(found) != 1+2+4-1 || err == nil || !strings.Contains(err.Error(), "project org01/proj01: harness POST /ng/api/connectors/listV2: 403 NG_ACCESS_DENIED") {
		t.Fatalf("%d %v", len(found), err)
	}
	// The organisations cannot be listed: the scan ends.
	f.hook = func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if strings.HasSuffix(r.URL.Path, "/organizations") {
			failure(w, 401, "INVALID_TOKEN", "Token is not valid.")
			return true
		}
		return false
	}
	if found, err := f.client(t, "k").Scan(bg, ScanOptions{}); found != nil || !isUnauthorized(err) {
		t.Fatalf("%v %v", found, err)
	}
}

func TestScanCancelled(t *testing.T) {
	f := newFake(t)
	seedScan(f, 5, 5, false)
	f.latency = 20 * time.Millisecond
	ctx, cancel := context.WithTimeout(bg, 30*time.Millisecond)
	defer cancel()
	if _, err := f.client(t, "k").Scan(ctx, ScanOptions{}); err == nil {
		t.Fatal("cancelled scan succeeded")
	}
}

func TestClassify(t *testing.T) {
	cases := map[string]string{
		"https://bitbucket.org/ws":            VerdictUnknown,
		"https://BITBUCKET.org":               VerdictUnknown,
		"https://bitbucket.example.com/scm/":  VerdictOK,
		"https://notbitbucket.org/x":          VerdictOK,
		"https://bitbucket.org.evil.com/x":    VerdictOK,
		"git@bitbucket.org:ws/":               VerdictUnknown,
		"https://user@bitbucket.org/ws/r.git": VerdictUnknown,
	}
	for u, want := range cases {
		c := connectorObj("x", map[string]any{"url": u})
		if got := Classify(Scope{Org: "o"}, ConnectorResponse{Connector: c}); got.Verdict != want || got.Org != "o" {
			t.Errorf("%s: %+v", u, got)
		}
	}
}

// BenchmarkScan walks 50 orgs × 20 projects with 50 ms per call, with the
// default bound and one scope at a time. Run with -benchtime=1x: the
// sequential walk takes about a minute.
func BenchmarkScan(b *testing.B) {
	f := newFake(b)
	seedScan(f, 50, 20, false)
	f.latency = 50 * time.Millisecond
	c := f.client(b, "k")
	for _, tc := range []struct {
		name    string
		workers int
	}{{"concurrent", DefaultScanWorkers}, {"sequential", 1}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				found, err := c.Scan(bg, ScanOptions{Workers: tc.workers})
				if err != nil || len(found) != 1+50+1000 {
					b.Fatalf("%d %v", len(found), err)
				}
			}
		})
	}
}
