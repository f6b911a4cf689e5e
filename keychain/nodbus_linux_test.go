package keychain

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests run the real go-keyring Secret Service backend in a child
// process (godbus caches its session-bus connection per process, so the
// environment must be set before first use) against broken D-Bus setups,
// and assert a clear reason, well under the timeout.

func TestNoDBusFailsFastAndClearly(t *testing.T) {
	dir := t.TempDir()
	_, busErr := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid()))
	tests := []struct {
		name string
		env  []string
		skip bool
	}{
		{"socket does not exist", []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(dir, "no-such-bus")}, false},
		{"address unset", nil, busErr == nil},
		{"autolaunch only", []string{"DBUS_SESSION_BUS_ADDRESS=autolaunch:"}, busErr == nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.skip {
				t.Skip("this machine has a session bus at /run/user/<uid>/bus, so an unset address still finds it")
			}
			res := runProbeHelper(t, "probe", append(tt.env, helperTimeoutEnv+"=3s"))
			if res.Reason != ReasonNoSessionBus {
				t.Fatalf("reason %q (%s), want %q", res.Reason, res.Error, ReasonNoSessionBus)
			}
			if res.Millis > 1000 {
				t.Fatalf("took %d ms; a missing bus must fail well under the 3 s timeout", res.Millis)
			}
			for _, want := range []string{"no d-bus session bus", "gnome-keyring", "dbus-run-session", "no plain-text fallback"} {
				if !strings.Contains(res.Explain, want) {
					t.Errorf("explanation lacks %q:\n%s", want, res.Explain)
				}
			}
		})
	}
}

// TestHungBusTimesOut points the bus address at a socket that accepts and
// never answers, which is what a wedged D-Bus looks like to a client.
func TestHungBusTimesOut(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("cannot listen on a unix socket here: %v", err)
	}
	defer func() { _ = l.Close() }()
	go func() {
		var held []net.Conn
		for {
			c, err := l.Accept()
			if err != nil {
				for _, c := range held {
					_ = c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	res := runProbeHelper(t, "probe", []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=" + sock, helperTimeoutEnv + "=300ms"})
	if res.Reason != ReasonTimeout {
		t.Fatalf("reason %q (%s), want %q", res.Reason, res.Error, ReasonTimeout)
	}
	if res.Millis < 250 || res.Millis > 2000 {
		t.Fatalf("took %d ms with a 300 ms timeout", res.Millis)
	}
}

const bareBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// TestBusWithoutSecretService starts a private session bus with no service
// directories, so nothing can provide org.freedesktop.secrets.
func TestBusWithoutSecretService(t *testing.T) {
	addr := startBus(t, false)
	res := runProbeHelper(t, "probe", []string{"DBUS_SESSION_BUS_ADDRESS=" + addr, helperTimeoutEnv + "=3s"})
	if res.Reason != ReasonNoSecretService {
		t.Fatalf("reason %q (%s), want %q", res.Reason, res.Error, ReasonNoSecretService)
	}
	if res.Millis > 1500 {
		t.Fatalf("took %d ms", res.Millis)
	}
	if !strings.Contains(res.Explain, "keepassxc") {
		t.Fatalf("explanation lacks the ways to get a secret service:\n%s", res.Explain)
	}
}
