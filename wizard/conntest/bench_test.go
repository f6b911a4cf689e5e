package conntest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/wizard"
)

// BenchmarkRunWithLatency measures the whole test against its slowest
// check with latency on every request: checks run in parallel, so the
// whole run should cost about the slowest check, not the sum.
func BenchmarkRunWithLatency(b *testing.B) {
	s := server(b)
	d := s.Demo
	s.SetLatency(benchLatency)
	c := withEmailAPI(cloudHTTP(s, wizard.APIToken, d.Username), d.Email, true)
	sec := Secrets{Password: d.APIToken}
	cfg := cfgFor(s)
	cfg.TokenExpires = d.APITokenExpires
	var whole, slowest, sum time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		r := Run(context.Background(), c, sec, cfg, nil)
		whole += time.Since(start)
		if !r.OK {
			b.Fatalf("run failed:\n%s", dump(r))
		}
		var mx int64
		for _, ch := range r.Checks {
			mx = max(mx, ch.DurationMS)
			sum += time.Duration(ch.DurationMS) * time.Millisecond
		}
		slowest += time.Duration(mx) * time.Millisecond
		n++
	}
	ms := func(d time.Duration) float64 { return float64(d.Milliseconds()) / float64(n) }
	b.ReportMetric(ms(whole), "run-ms")
	b.ReportMetric(ms(slowest), "slowest-check-ms")
	b.ReportMetric(ms(sum), "sum-of-checks-ms")
	b.ReportMetric(float64(whole)/float64(slowest), "run/slowest")
}

// benchLatency is added to every request in the latency benchmarks: a
// far-away Bitbucket.
const benchLatency = 100 * time.Millisecond

// bigExtra is the size of the listing benchmarks' workspace.
const bigExtra = 10000

var (
	bigOnce sync.Once
	bigSrv  *emu.Server
	bigErr  error
)

func bigServer(b *testing.B) *emu.Server {
	b.Helper()
	bigOnce.Do(func() {
		bigSrv, bigErr = emu.Start(emu.Options{Now: clockNow, ExtraRepos: bigExtra})
		if bigErr == nil {
			cleanups = append(cleanups, func() { _ = bigSrv.Close() })
		}
	})
	if bigErr != nil {
		b.Skipf("the emulator cannot start here: %v", bigErr)
	}
	return bigSrv
}

// benchList lists the 10,003 repositories of the big workspace with
// workers pages at a time (1: following next links), at two latencies.
func benchList(b *testing.B, workers int) {
	s := bigServer(b)
	d := s.Demo
	c := withEmailAPI(cloudAccount(s, ""), d.Email, true)
	sec := Secrets{Password: d.APIToken}
	for _, lat := range []time.Duration{0, benchLatency} {
		b.Run("latency="+lat.String(), func(b *testing.B) {
			s.SetLatency(lat)
			defer s.SetLatency(0)
			cfg := cfgFor(s)
			cfg.PageWorkers = workers
			cfg.Deadline = time.Minute
			for b.Loop() {
				repos, err := ListRepos(context.Background(), c, sec, cfg)
				if err != nil {
					b.Fatal(err)
				}
				if len(repos) != 3+bigExtra {
					b.Fatalf("listed %d repos", len(repos))
				}
			}
			b.ReportMetric(float64(3+bigExtra), "repos/op")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "list-ms")
		})
	}
}

func BenchmarkListReposConcurrent(b *testing.B) { benchList(b, DefaultPageWorkers) }

func BenchmarkListReposNextLinks(b *testing.B) { benchList(b, 1) }
