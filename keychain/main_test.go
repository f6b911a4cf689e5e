package keychain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// helperEnv makes the test binary, re-executed by a test, act as a small
// program instead of running tests: it probes the system keychain (after
// an optional preparation step) and prints a helperResult as JSON.
const helperEnv = "BBCONNECT_KEYCHAIN_HELPER"

// helperTimeoutEnv sets the helper's per-call timeout.
const helperTimeoutEnv = "BBCONNECT_KEYCHAIN_HELPER_TIMEOUT"

type helperResult struct {
	Reason  Reason `json:"reason"`
	Error   string `json:"error"`
	Explain string `json:"explain"`
	Millis  int64  `json:"ms"`
}

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

func runHelper(mode string) int {
	if mode == "lock-then-probe" {
		// Lock the login collection of the private keyring this helper
		// runs under (see TestRealLockedCollection).
		out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets",
			"/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock",
			"array:objpath:/org/freedesktop/secrets/collection/login").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "lock: %v: %s\n", err, out)
			return 3
		}
	}
	timeout := DefaultTimeout
	if d, err := time.ParseDuration(os.Getenv(helperTimeoutEnv)); err == nil {
		timeout = d
	}
	k := New(withTimeout(timeout))
	start := time.Now()
	err := k.Probe(context.Background())
	res := helperResult{Millis: time.Since(start).Milliseconds()}
	if err != nil {
		res.Error, res.Explain = err.Error(), Explain(err)
		var ue *UnavailableError
		if errors.As(err, &ue) {
			res.Reason = ue.Reason
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 2
	}
	return 0
}

// runProbeHelper re-executes the test binary as the probe helper with env
// (on top of the current environment minus D-Bus and display variables)
// and returns what it printed. argv0 and args wrap the binary, e.g. in the
// with-secret-service script.
func runProbeHelper(t *testing.T, mode string, env []string, wrapper ...string) helperResult {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	argv := append(append([]string{}, wrapper...), exe, "-test.run=^$")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", helperEnv, helperTimeoutEnv:
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	// GORACE: the race runtime otherwise sleeps 1 s before every exit.
	cmd.Env = append(cmd.Env, helperEnv+"="+mode, "GORACE=atexit_sleep_ms=0")
	cmd.Env = append(cmd.Env, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper %v: %v\nstderr: %s", argv, err, stderr.String())
	}
	var res helperResult
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("helper output %q: %v\nstderr: %s", out, err, stderr.String())
	}
	return res
}
