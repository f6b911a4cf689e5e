package conntest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/wizard"
)

// hugeCloud is a hostile Cloud API: it claims claimed repositories in
// pages of 100 whose names are nameBytes long (100 x 39 KB = 3.9 MB a
// page), with numeric next links (concurrent paging) or, with sizeless,
// cursor links only (next-link paging). It counts requests and bytes.
type hugeCloud struct {
	claimed   int
	nameBytes int
	perPage   int // values a page (default 100)
	sizeless  bool
	delay     time.Duration
	requests  atomic.Int64
	written   atomic.Int64
}

func (h *hugeCloud) start(t *testing.T) *httptest.Server {
	t.Helper()
	var ts *httptest.Server
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.requests.Add(1)
		if h.delay > 0 {
			select {
			case <-time.After(h.delay):
			case <-r.Context().Done():
				return
			}
		}
		page := 1
		_, _ = fmt.Sscan(r.URL.Query().Get("page"), &page)
		name := strings.Repeat("n", h.nameBytes)
		per := h.perPage
		if per == 0 {
			per = 100
		}
		var b strings.Builder
		fmt.Fprintf(&b, `{"pagelen":%d,`, per)
		if !h.sizeless {
			fmt.Fprintf(&b, `"size":%d,"page":%d,`, h.claimed, page)
		}
		fmt.Fprintf(&b, `"next":"%s/2.0/repositories/ws?pagelen=100&page=%d","values":[`, ts.URL, page+1)
		for i := range per {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"slug":"r%d-%d","name":"%s","workspace":{"slug":"ws"},"mainbranch":{"name":"main"}}`, page, i, name)
		}
		b.WriteString(`]}`)
		n, _ := w.Write([]byte(b.String()))
		h.written.Add(int64(n))
	}))
	t.Cleanup(ts.Close)
	return ts
}

func hugeConnector() wizard.Connector {
	return withAccessTokenAPI(cloudAccount(&emu.Server{Demo: emu.Demo{Workspace: "ws"}}, ""), false)
}

// retained is how many bytes of strings the listing keeps.
func retained(repos []Repo) int {
	n := 0
	for _, r := range repos {
		n += len(r.Owner) + len(r.Slug) + len(r.Name)
	}
	return n
}

// A server claiming 100 million repositories in 3.9 MB pages: the
// listing stops at its limits, says what was cut, reads a bounded number
// of pages and bytes and keeps short strings only.
func TestListReposBoundedAgainstHugeServer(t *testing.T) {
	lim := listLimits{repos: 300, pages: 2_000, pageBytes: 4 << 20, bytes: 512 << 20, field: 256}
	for _, mode := range []struct {
		name      string
		sizeless  bool
		workers   int
		nameBytes int
	}{{"concurrent", false, 8, 39_000}, {"next links", true, 1, 4_000}} {
		t.Run(mode.name, func(t *testing.T) {
			h := &hugeCloud{claimed: 100_000_000, nameBytes: mode.nameBytes, sizeless: mode.sizeless}
			ts := h.start(t)
			cfg := Config{CloudAPIURL: ts.URL, PageWorkers: mode.workers, Deadline: 60 * time.Second}
			repos, st, err := listRepos(context.Background(), hugeConnector(), Secrets{APIToken: "tok-123456"}, cfg, lim)
			var cut *CutError
			if !errors.As(err, &cut) {
				t.Fatalf("err = %v, want a CutError", err)
			}
			if len(repos) != lim.repos || cut.Listed != lim.repos {
				t.Fatalf("got %d repos (cut says %d), want %d", len(repos), cut.Listed, lim.repos)
			}
			msg := err.Error()
			if !strings.Contains(msg, "listed the first 300 repositories only") {
				t.Fatalf("message %q", msg)
			}
			if !mode.sizeless && !strings.Contains(msg, "100,000,000") {
				t.Fatalf("message does not say what the server claims: %q", msg)
			}
			// 3 pages hold 300 repositories; the concurrent listing asks
			// no page it will not keep.
			if st.Pages > 3 || h.requests.Load() > 3 {
				t.Fatalf("%d pages read, %d requests served: want at most 3", st.Pages, h.requests.Load())
			}
			if st.Bytes > int64(st.Pages)*lim.pageBytes {
				t.Fatalf("read %d bytes in %d pages", st.Bytes, st.Pages)
			}
			if n := retained(repos); n > lim.repos*(2*lim.field+40) {
				t.Fatalf("the listing keeps %d bytes of strings for %d repositories", n, len(repos))
			}
		})
	}
}

// The default limits stop a listing that claims 100 million repositories
// at 50,000.
func TestListReposDefaultLimit(t *testing.T) {
	h := &hugeCloud{claimed: 100_000_000, nameBytes: 1, perPage: 1000}
	ts := h.start(t)
	repos, st, err := listRepos(context.Background(), hugeConnector(), Secrets{APIToken: "tok-123456"},
		Config{CloudAPIURL: ts.URL, Deadline: 60 * time.Second}, defaultLimits)
	var cut *CutError
	if !errors.As(err, &cut) || len(repos) != MaxListedRepos {
		t.Fatalf("got %d repos, err %v", len(repos), err)
	}
	if st.Pages != MaxListedRepos/1000 || !strings.Contains(err.Error(), "first 50,000 repositories") {
		t.Fatalf("%d pages; %v", st.Pages, err)
	}
}

// A page over the byte limit and a listing over the byte budget stop
// the listing where they are, with what came before.
func TestListReposByteLimits(t *testing.T) {
	h := &hugeCloud{claimed: 100_000_000, nameBytes: 39_000, sizeless: true}
	ts := h.start(t)
	cfg := Config{CloudAPIURL: ts.URL, PageWorkers: 1, Deadline: 60 * time.Second}
	c, s := hugeConnector(), Secrets{APIToken: "tok-123456"}

	small := listLimits{repos: 50_000, pages: 2_000, pageBytes: 1 << 20, bytes: 512 << 20, field: 256}
	repos, st, err := listRepos(context.Background(), c, s, cfg, small)
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") || len(repos) != 0 || st.Pages != 1 {
		t.Fatalf("over-large page: %d repos, %d pages, err %v", len(repos), st.Pages, err)
	}
	if st.Bytes > small.pageBytes {
		t.Fatalf("read %d bytes of a page limited to %d", st.Bytes, small.pageBytes)
	}

	budget := listLimits{repos: 50_000, pages: 2_000, pageBytes: 4 << 20, bytes: 6 << 20, field: 256}
	repos, st, err = listRepos(context.Background(), c, s, cfg, budget)
	if err == nil || !strings.Contains(err.Error(), "larger than 6 MiB") {
		t.Fatalf("budget: err %v", err)
	}
	if len(repos) == 0 || len(repos)%100 != 0 || st.Bytes > budget.bytes {
		t.Fatalf("budget: %d repos, %d bytes read", len(repos), st.Bytes)
	}
}

// A Data Center server whose nextPageStart never ends stops at the limit.
func TestListReposDataCenterEndless(t *testing.T) {
	var requests atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		start := 0
		_, _ = fmt.Sscan(r.URL.Query().Get("start"), &start)
		var vals []string
		for i := range 1000 {
			vals = append(vals, fmt.Sprintf(`{"slug":"r%d","name":"R","project":{"key":"P"}}`, start+i))
		}
		w.Header().Set("X-AUSERNAME", "bot")
		fmt.Fprintf(w, `{"isLastPage":false,"nextPageStart":%d,"values":[%s]}`, start+1000, strings.Join(vals, ","))
	}))
	t.Cleanup(ts.Close)
	c := wizard.NewConnector()
	c.ID, c.Name, c.Edition, c.URLType = "dc", "dc", wizard.DataCenter, wizard.Account
	c.URL, c.Connection, c.PasswordKind, c.Username = ts.URL+"/scm/p/", wizard.HTTP, wizard.HTTPAccessToken, "bot"
	c.APIAccess, c.APITokenSameAsPassword = wizard.APIAccessToken, true
	lim := listLimits{repos: 5_500, pages: 2_000, pageBytes: 4 << 20, bytes: 512 << 20, field: 256}
	repos, _, err := listRepos(context.Background(), c, Secrets{Password: "tok-123456"}, Config{Deadline: 30 * time.Second}, lim)
	var cut *CutError
	if !errors.As(err, &cut) || len(repos) != 5_500 || requests.Load() != 6 {
		t.Fatalf("%d repos in %d requests, err %v", len(repos), requests.Load(), err)
	}
}

// The timeout error says how long the listing ran, not how long its last
// page waited.
func TestListReposTimeoutSaysRealElapsed(t *testing.T) {
	h := &hugeCloud{claimed: 100_000_000, nameBytes: 4, sizeless: true, delay: 120 * time.Millisecond}
	ts := h.start(t)
	deadline := 500 * time.Millisecond
	cfg := Config{CloudAPIURL: ts.URL, PageWorkers: 1, Deadline: deadline}
	_, _, err := listRepos(context.Background(), hugeConnector(), Secrets{APIToken: "tok-123456"}, cfg, defaultLimits)
	if err == nil {
		t.Fatal("no error")
	}
	m := regexp.MustCompile(`timed out after ([0-9.]+m?s)`).FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("err = %v", err)
	}
	d, perr := time.ParseDuration(m[1])
	if perr != nil || d < deadline || d > 5*deadline {
		t.Fatalf("says %s for a %s deadline: %v", m[1], deadline, err)
	}
	if !strings.Contains(err.Error(), "pages") {
		t.Fatalf("err does not say how far it got: %v", err)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 50000: "50,000", 100000000: "100,000,000", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
