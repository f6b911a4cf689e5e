package keychain

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// activatingBusConfig is a private session bus whose only service file
// (in %s) claims to start org.freedesktop.secrets but never does: what a
// keyring daemon that died and is not restarted looks like while D-Bus
// waits for the activation.
const activatingBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <servicedir>%s</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// startBus starts a private dbus-daemon and returns its address. With
// activating set, its only service file claims to start
// org.freedesktop.secrets but never does (activatingBusConfig); without,
// it has no service directory at all (bareBusConfig).
func startBus(t *testing.T, activating bool) string {
	t.Helper()
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon not installed (apt-get install dbus)")
	}
	dir := t.TempDir()
	config := fmt.Sprintf(bareBusConfig, filepath.Join(dir, "bus"))
	if activating {
		services := filepath.Join(dir, "services")
		if err := os.MkdirAll(services, 0o700); err != nil {
			t.Fatal(err)
		}
		// Activation runs this "daemon", which never claims the name.
		svc := "[D-BUS Service]\nName=org.freedesktop.secrets\nExec=/bin/sleep 60\n"
		if err := os.WriteFile(filepath.Join(services, "org.freedesktop.secrets.service"), []byte(svc), 0o600); err != nil {
			t.Fatal(err)
		}
		config = fmt.Sprintf(activatingBusConfig, filepath.Join(dir, "bus"), services)
	}
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(daemon, "--config-file="+conf, "--nofork", "--print-address")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start dbus-daemon: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addrc := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		addrc <- strings.TrimSpace(line)
	}()
	select {
	case addr := <-addrc:
		if addr == "" {
			t.Fatal("dbus-daemon printed no address")
		}
		return addr
	case <-time.After(10 * time.Second):
		t.Fatal("dbus-daemon did not print its address")
	}
	return ""
}

// hasSecretsOwner asks the bus whether org.freedesktop.secrets is owned.
func hasSecretsOwner(t *testing.T, addr string) bool {
	t.Helper()
	cmd := exec.Command("dbus-send", "--bus="+addr, "--print-reply", "--dest=org.freedesktop.DBus", "/",
		"org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("dbus-send: %v: %s", err, out)
	}
	return strings.Contains(string(out), "boolean true")
}

// TestRealDeadKeyringDaemon runs a real gnome-keyring on a private bus,
// kills it (kill -9) and probes again while D-Bus waits for a replacement
// that never comes: the probe must say the secret service is not running,
// not that it may be waiting for an unlock prompt.
func TestRealDeadKeyringDaemon(t *testing.T) {
	needRealKeyring(t)
	gkd, err := exec.LookPath("gnome-keyring-daemon")
	if err != nil {
		t.Skip("gnome-keyring-daemon not installed")
	}
	if _, err := exec.LookPath("dbus-send"); err != nil {
		t.Skip("dbus-send not installed")
	}
	addr := startBus(t, true)
	data := t.TempDir()
	daemon := exec.Command(gkd, "--foreground", "--unlock", "--components=secrets")
	daemon.Env = []string{
		"DBUS_SESSION_BUS_ADDRESS=" + addr, "HOME=" + data,
		"XDG_DATA_HOME=" + filepath.Join(data, "data"), "XDG_RUNTIME_DIR=" + filepath.Join(data, "run"),
		"PATH=" + os.Getenv("PATH"),
	}
	if err := os.MkdirAll(filepath.Join(data, "run"), 0o700); err != nil {
		t.Fatal(err)
	}
	daemon.Stdin = strings.NewReader("bbconnect-test-keyring")
	if err := daemon.Start(); err != nil {
		t.Skipf("cannot start gnome-keyring-daemon: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = daemon.Wait(); close(exited) }()
	t.Cleanup(func() { _ = daemon.Process.Kill(); <-exited })
	for i := 0; !hasSecretsOwner(t, addr); i++ {
		if i > 100 {
			t.Fatal("gnome-keyring-daemon did not take org.freedesktop.secrets")
		}
		time.Sleep(50 * time.Millisecond)
	}
	env := []string{"DBUS_SESSION_BUS_ADDRESS=" + addr, helperTimeoutEnv + "=1s"}
	if res := runProbeHelper(t, "probe", env); res.Error != "" {
		t.Fatalf("probe with the daemon running: %s", res.Error)
	}

	if err := daemon.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	if hasSecretsOwner(t, addr) {
		t.Fatal("org.freedesktop.secrets still owned after the kill")
	}
	res := runProbeHelper(t, "probe", env)
	if res.Reason != ReasonNoSecretService {
		t.Fatalf("reason %q (%s), want %q", res.Reason, res.Error, ReasonNoSecretService)
	}
	if strings.Contains(res.Explain, "unlock prompt") || !strings.Contains(res.Error, "not running") {
		t.Fatalf("a dead daemon is explained as:\n%s", res.Explain)
	}
	if !strings.Contains(res.Explain, "gnome-keyring-daemon --start") {
		t.Fatalf("explanation lacks how to start the daemon again:\n%s", res.Explain)
	}
	if res.Millis > 3000 {
		t.Fatalf("took %d ms with a 1 s timeout", res.Millis)
	}
}
