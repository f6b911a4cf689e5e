package main

import (
	"errors"
	"os"
	"syscall"
)

// maxRSSKB is the peak resident set of a finished child, in KiB.
func maxRSSKB(ps *os.ProcessState) (int64, error) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, errors.New("no resource usage for the child")
	}
	return ru.Maxrss, nil
}
