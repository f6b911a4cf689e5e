// Command benchstart prints the start-up and speed table of `make bench`:
// bbconnect's first screen on a silent and on an answering pseudo-terminal
// and its --version, side by side with `gh auth login` when gh is
// installed (skipped with a message otherwise), then the figures of the
// project's Go benchmarks (keystroke at 120x40, connection test and the
// 10,000-repository listing at 100 ms latency), the listing's peak RSS and
// the binary's size. Start-up times are medians of -runs runs, bbconnect
// and gh alternating so both see the same load.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == listChildArg {
		if err := listChild(); err != nil {
			fmt.Fprintln(os.Stderr, "benchstart:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchstart:", err)
		os.Exit(1)
	}
}

func run() error {
	bin := flag.String("bin", "bin/bbconnect", "the bbconnect binary")
	runs := flag.Int("runs", 7, "runs per start-up measurement (the median is shown)")
	benchOut := flag.String("gotest", "", "output of go test -bench to take the benchmark figures from")
	flag.Parse()
	if _, err := os.Stat(*bin); err != nil {
		return fmt.Errorf("%s not found: run make build first", *bin)
	}
	gh, ghErr := exec.LookPath("gh")
	t := &table{}
	if ghErr != nil {
		t.note("gh is not installed: the comparison with `gh auth login` is skipped (apt-get install gh, or brew install gh, to measure it)")
		gh = ""
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.note("no D-Bus session: bbconnect runs with BBCONNECT_KEYRING=mock (run make bench for a real Secret Service)")
	}
	if err := startup(t, *bin, gh, *runs); err != nil {
		return err
	}
	if *benchOut != "" {
		if err := goBenchRows(t, *benchOut); err != nil {
			return err
		}
	}
	if err := rssRow(t); err != nil {
		t.note("peak RSS of the listing not measured: " + err.Error())
	}
	if fi, err := os.Stat(*bin); err == nil {
		t.row("binary size", fmt.Sprintf("%.1f MB", float64(fi.Size())/1e6), "", "")
	}
	t.print(os.Stdout)
	return nil
}

// startup measures the first screen (silent and answering terminal) and
// --version of bbconnect and, when given, of gh.
func startup(t *table, bin, gh string, runs int) error {
	type measure struct {
		name  string
		ours  func() (time.Duration, error)
		their func() (time.Duration, error)
	}
	ms := []measure{
		{
			"first screen, silent terminal", func() (time.Duration, error) { return firstScreen(bin, nil, false, bbconnectMarkers) },
			func() (time.Duration, error) { return firstScreen(gh, []string{"auth", "login"}, false, ghMarkers) },
		},
		{
			"first screen, answering terminal", func() (time.Duration, error) { return firstScreen(bin, nil, true, bbconnectMarkers) },
			func() (time.Duration, error) { return firstScreen(gh, []string{"auth", "login"}, true, ghMarkers) },
		},
		{"--version", func() (time.Duration, error) { return version(bin) }, func() (time.Duration, error) { return version(gh) }},
	}
	for _, m := range ms {
		var ours, theirs []time.Duration
		var theirErr error
		for range runs {
			d, err := m.ours()
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			ours = append(ours, d)
			if gh != "" && theirErr == nil {
				d, err := m.their()
				if err != nil {
					theirErr = err
					continue
				}
				theirs = append(theirs, d)
			}
		}
		o := median(ours)
		switch {
		case gh == "":
			t.row(m.name, ms3(o), "", "")
		case theirErr != nil:
			t.row(m.name, ms3(o), "gh: "+theirErr.Error(), "")
		default:
			th := median(theirs)
			t.row(m.name, ms3(o), ms3(th), fmt.Sprintf("%.2f× gh's time", float64(o)/float64(th)))
		}
	}
	return nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms3(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
