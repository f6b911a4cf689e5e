package emu

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Which fault kinds reach which side.
var (
	bitbucketFaultKinds = []FaultKind{FaultRateLimit, FaultServerError, FaultHang, FaultDCAnonymous, FaultSSHHostKeyChanged}
	harnessFaultKinds   = []FaultKind{
		FaultRateLimit, FaultServerError, FaultHang, FaultHarnessNotFound404, FaultHarnessGovernance, FaultHarnessHTML,
		FaultHarnessTestError, FaultHarnessTestBlocked,
	}
)

// FaultSpecHelp describes ParseFault's syntax (for --help).
const FaultSpecHelp = `KIND[,first=N][,percent=P][,status=CODE][,path=/prefix]
  first=N     only the first N matching requests (default: every one until the emulator stops)
  percent=P   P% of the matching requests, spread evenly (1-99)
  status=CODE server-error: 500 (default; a Harness error envelope) or 502/503/504 (an HTML page);
              html: the status of the HTML page (default 200)
  path=/p     only requests whose path starts with /p (Harness: without /gateway, e.g. /ng/api/connectors)`

// ParseFault reads a fault from the command line, e.g.
// "rate-limit,first=3", "server-error,status=503,percent=20" or
// "not-found-404". For the Harness stand-in (harness true) the path is
// put under "harness:" so the fault reaches only Harness calls.
func ParseFault(spec string, harness bool) (Fault, error) {
	kinds := bitbucketFaultKinds
	if harness {
		kinds = harnessFaultKinds
	}
	parts := strings.Split(spec, ",")
	f := Fault{Kind: FaultKind(strings.TrimSpace(parts[0]))}
	if !slices.Contains(kinds, f.Kind) {
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = string(k)
		}
		return Fault{}, fmt.Errorf("unknown fault %q: use one of %s", f.Kind, strings.Join(names, ", "))
	}
	for _, p := range parts[1:] {
		key, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			return Fault{}, fmt.Errorf("fault option %q: write key=value (first, percent, status or path)", p)
		}
		if key == "path" {
			if !strings.HasPrefix(val, "/") && !strings.HasPrefix(val, "ssh:") {
				return Fault{}, fmt.Errorf("fault path %q: start it with /", val)
			}
			f.Path = val
			continue
		}
		n, err := strconv.Atoi(val)
		if err != nil {
			return Fault{}, fmt.Errorf("fault option %s=%q: give a number", key, val)
		}
		switch key {
		case "first":
			f.Times = n
		case "percent":
			f.Percent = n
		case "status":
			f.Status = n
		default:
			return Fault{}, fmt.Errorf("unknown fault option %q: use first, percent, status or path", key)
		}
	}
	if err := checkFault(f); err != nil {
		return Fault{}, err
	}
	if harness {
		f.Path = harnessFaultPrefix + f.Path
	}
	return f, nil
}

func checkFault(f Fault) error {
	switch {
	case f.Times < 0:
		return errors.New("fault option first must be 1 or more")
	case f.Percent < 0 || f.Percent > 99:
		return errors.New("fault option percent must be between 1 and 99")
	case f.Status != 0 && f.Kind != FaultServerError && f.Kind != FaultHarnessHTML:
		return fmt.Errorf("fault option status applies to server-error and html, not %s", f.Kind)
	case f.Status != 0 && f.Kind == FaultServerError && (f.Status < 500 || f.Status > 599):
		return errors.New("fault option status must be a 5xx code for server-error")
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return errors.New("fault option status must be an HTTP status code")
	}
	return nil
}
