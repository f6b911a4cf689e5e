//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keychain

import (
	"errors"
	"fmt"
	"os"
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

func where() string {
	return "the secret service keyring (gnome keyring, keepassxc, ...), service " + Service
}
