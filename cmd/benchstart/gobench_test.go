package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The table takes its figures from go test -bench output.
func TestGoBenchRows(t *testing.T) {
	out := `goos: linux
BenchmarkKeystroke/details-url-2   	     200	   8491269 ns/op	  1024 B/op	  10 allocs/op
BenchmarkKeystroke/scopes-2        	     200	  26611914 ns/op
BenchmarkRunWithLatency-2   	       3	 412000000 ns/op	       408.0 run-ms	       401.0 run/slowest	       400.0 slowest-check-ms	      1500 sum-of-checks-ms
BenchmarkListReposConcurrent/latency=100ms-2   1   1900000000 ns/op   1900 list-ms   10003 repos/op
BenchmarkListReposNextLinks/latency=100ms-2    1  10100000000 ns/op  10100 list-ms   10003 repos/op
`
	p := filepath.Join(t.TempDir(), "bench.txt")
	if err := os.WriteFile(p, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	tb := &table{}
	if err := goBenchRows(tb, p); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	tb.print(&b)
	for _, want := range []string{"(scopes, the heaviest)", "26.61 ms", "408 ms vs 400 ms", "1.02× the slowest check", "1.90 s vs 10.10 s", "5.3× faster"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
