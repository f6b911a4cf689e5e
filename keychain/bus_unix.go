//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keychain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/godbus/dbus/v5"
)

// preflight refuses at once when there is no D-Bus session bus to dial. It
// looks where godbus looks (DBUS_SESSION_BUS_ADDRESS, then
// /run/user/<uid>/bus and /run/user/<uid>/dbus-session) but, unlike
// godbus, never autolaunches a bus with dbus-launch: such a private bus has
// no unlocked keyring, leaves a daemon behind and, with D-Bus activation,
// ends in an unlock prompt nobody sees.
func preflight() error {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	dir := fmt.Sprintf("/run/user/%d", os.Getuid())
	for _, f := range []string{dir + "/bus", dir + "/dbus-session"} {
		if _, err := os.Stat(f); err == nil {
			return nil
		}
	}
	return &UnavailableError{
		Reason: ReasonNoSessionBus,
		Err:    errors.New("DBUS_SESSION_BUS_ADDRESS is not set and " + dir + "/bus does not exist"),
	}
}

// secretsName is the Secret Service's well-known D-Bus name.
const secretsName = "org.freedesktop.secrets"

// diagnoseTimeout looks at the session bus after a call timed out: when
// nothing owns org.freedesktop.secrets, the keyring daemon is not running
// (it died, and D-Bus is still trying to start one, or cannot), which is
// not an unlock prompt. It returns nil when it cannot tell (a bus that
// does not answer either) or the name is owned. Bounded by half a second;
// it never activates a service (NameHasOwner does not).
func diagnoseTimeout() *UnavailableError {
	if preflight() != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	owned := make(chan bool, 1)
	go func() {
		conn, err := dbus.SessionBusPrivate(dbus.WithContext(ctx))
		if err != nil {
			return
		}
		defer conn.Close()
		if conn.Auth(nil) != nil || conn.Hello() != nil {
			return
		}
		var has bool
		if conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&has) == nil {
			owned <- has
		}
	}()
	select {
	case has := <-owned:
		if has {
			return nil
		}
		return &UnavailableError{
			Reason: ReasonNoSecretService,
			Err:    errDaemonGone,
		}
	case <-ctx.Done():
		return nil
	}
}
