package emu

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestRestartReusesDir: a second start on the same Dir keeps the SSH host
// key, the CA and the repositories (same commit), with fresh secrets.
func TestRestartReusesDir(t *testing.T) {
	dir := t.TempDir()
	a, err := Start(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	caA, err := os.ReadFile(a.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	headA := a.st.cat.cloudRepo(a.Demo.Workspace, a.Demo.Repo).head
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("Close removed a caller's dir: %v", err)
	}
	b, err := Start(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	caB, err := os.ReadFile(b.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.HostKey.Marshal(), b.HostKey.Marshal()) {
		t.Error("host key changed across restarts")
	}
	if !bytes.Equal(caA, caB) {
		t.Error("CA changed across restarts")
	}
	if headB := b.st.cat.cloudRepo(b.Demo.Workspace, b.Demo.Repo).head; headB != headA || len(headA) != 40 {
		t.Errorf("repo head %q then %q", headA, headB)
	}
	if a.Demo.APIToken == b.Demo.APIToken {
		t.Error("secrets are not fresh per start")
	}
	if headA != srv.st.cat.cloudRepo(srv.Demo.Workspace, srv.Demo.Repo).head {
		t.Error("commit ids differ between working dirs")
	}
}

func TestTempDirRemovedOnClose(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := s.st.dir
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s left behind: %v", dir, err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestDCContextAndManyRepos(t *testing.T) {
	s, err := Start(Options{Dir: t.TempDir(), DCContext: "bitbucket/", ExtraRepos: 10000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if !strings.HasSuffix(s.DCURL, "/bitbucket") {
		t.Fatalf("DCURL %q lacks the context", s.DCURL)
	}
	old := srv
	srv = s // the helpers talk to srv
	t.Cleanup(func() { srv = old })
	d := s.Demo
	if res := get(t, s.DCURL+"/rest/api/1.0/application-properties", anon); res.status != 200 {
		t.Errorf("under context: %d", res.status)
	}
	root := strings.TrimSuffix(s.DCURL, "/bitbucket")
	if res := get(t, root+"/rest/api/1.0/application-properties", anon); res.status != 404 {
		t.Errorf("outside context: %d", res.status)
	}
	if res := get(t, root+"/bitbucketx/rest/api/1.0/application-properties", anon); res.status != 404 {
		t.Errorf("context prefix without slash: %d", res.status)
	}
	p := decode[dcPageBody](t, get(t, s.DCURL+"/rest/api/1.0/projects/DEMO/repos?start=9990&limit=100", bearerAuth(d.DCToken)).body)
	if len(p.Values) != 11 || !p.IsLastPage {
		t.Errorf("last DC page: %d values, last=%v", len(p.Values), p.IsLastPage)
	}
	cp := decode[cloudPageBody](t, get(t, s.CloudAPIURL+"/2.0/repositories/acme?pagelen=100&page=101", basic(d.Email, d.APIToken)).body)
	if cp.Size != 10003 || len(cp.Values) != 3 || cp.Next != "" {
		t.Errorf("last Cloud page: size %d, %d values, next %q", cp.Size, len(cp.Values), cp.Next)
	}
	out, err := gitLsRemote(t, s.DCURL+"/scm/demo/"+d.DCRepo+".git", gitCreds{user: d.DCUser, secret: d.DCToken})
	if err != nil {
		t.Fatalf("git under context: %v\n%s", err, out)
	}
	wantMain(t, out)
}

func TestStartRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{{ExtraRepos: -1}, {DCContext: "/bit bucket"}, {DCContext: "/../x"}} {
		if s, err := Start(o); err == nil {
			_ = s.Close()
			t.Errorf("Start(%+v) succeeded", o)
		}
	}
}

// BenchmarkStartReuse measures a start on a reused Dir with 10,000 extra
// repositories: the case `make demo` and the test suites hit.
func BenchmarkStartReuse(b *testing.B) {
	dir := b.TempDir()
	s, err := Start(Options{Dir: dir, ExtraRepos: 10000})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		s, err := Start(Options{Dir: dir, ExtraRepos: 10000})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCloudRepoPage measures one 100-repository page of a 10,000
// repository workspace.
func BenchmarkCloudRepoPage(b *testing.B) {
	s, err := Start(Options{Dir: b.TempDir(), ExtraRepos: 10000})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	client := httpClient(b, s)
	req, err := http.NewRequest(http.MethodGet, s.CloudAPIURL+"/2.0/repositories/acme?pagelen=100&page=50", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.SetBasicAuth(s.Demo.Email, s.Demo.APIToken)
	b.ResetTimer()
	for b.Loop() {
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
	}
}

func TestZeroServerMethodsDoNothing(t *testing.T) {
	var s Server
	s.Inject(Fault{Kind: FaultHang})
	s.ClearFaults()
	s.SetLatency(0)
	s.AddSSHKey(nil)
	s.ResetRequests()
	s.SetHarnessLatency(0)
	if s.Requests() != nil || s.Close() != nil || s.HarnessSecretIs("", "", "x", "") {
		t.Error("zero Server did something")
	}
}
