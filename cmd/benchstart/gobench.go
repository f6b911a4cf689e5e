package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// benchLine is one result line of go test -bench: name, then value/unit pairs.
type benchLine struct {
	name    string
	metrics map[string]float64
}

func readBench(path string) ([]benchLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []benchLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 4 || !strings.HasPrefix(fs[0], "Benchmark") {
			continue
		}
		bl := benchLine{name: stripProcs(fs[0]), metrics: map[string]float64{}}
		for i := 2; i+1 < len(fs); i += 2 {
			if v, err := strconv.ParseFloat(fs[i], 64); err == nil {
				bl.metrics[fs[i+1]] = v
			}
		}
		out = append(out, bl)
	}
	return out, sc.Err()
}

// stripProcs drops the -GOMAXPROCS suffix: "BenchmarkX/a-2" is "BenchmarkX/a".
func stripProcs(name string) string {
	if i := strings.LastIndex(name, "-"); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

// goBenchRows adds the rows taken from the Go benchmarks.
func goBenchRows(t *table, path string) error {
	lines, err := readBench(path)
	if err != nil {
		return err
	}
	get := func(name, unit string) (float64, bool) {
		for _, l := range lines {
			if l.name == name {
				v, ok := l.metrics[unit]
				return v, ok
			}
		}
		return 0, false
	}
	heaviest, worst := "", 0.0
	for _, l := range lines {
		if strings.HasPrefix(l.name, "BenchmarkKeystroke/") && l.metrics["ns/op"] > worst {
			heaviest, worst = strings.TrimPrefix(l.name, "BenchmarkKeystroke/"), l.metrics["ns/op"]
		}
	}
	if heaviest != "" {
		t.row("keystroke Update+View, 120x40 ("+heaviest+", the heaviest)", fmt.Sprintf("%.2f ms", worst/1e6), "", "")
	}
	if run, ok := get("BenchmarkRunWithLatency", "run-ms"); ok {
		slow, _ := get("BenchmarkRunWithLatency", "slowest-check-ms")
		t.row("connection test at 100 ms latency: whole vs slowest check", fmt.Sprintf("%.0f ms vs %.0f ms", run, slow), "",
			fmt.Sprintf("%.2f× the slowest check", run/slow))
	}
	conc, ok1 := get("BenchmarkListReposConcurrent/latency=100ms", "list-ms")
	seq, ok2 := get("BenchmarkListReposNextLinks/latency=100ms", "list-ms")
	if ok1 && ok2 {
		t.row("10,000 repositories at 100 ms latency: concurrent vs next links", fmt.Sprintf("%.2f s vs %.2f s", conc/1000, seq/1000), "",
			fmt.Sprintf("%.1f× faster", seq/conc))
	}
	if heaviest == "" && !ok1 {
		t.note("no benchmark figures found in " + path)
	}
	return nil
}
