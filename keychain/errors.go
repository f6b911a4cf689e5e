package keychain

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/godbus/dbus/v5"
	gokeyring "github.com/zalando/go-keyring"

	"github.com/bbconnect/bbconnect/wizard"
)

// ErrNotFound is the sentinel for an item the keychain does not hold. Errors
// from Get and Delete wrap it; test with errors.Is.
var ErrNotFound = errors.New("keychain item not found")

// ErrTooBig is returned when the keychain refuses a secret for its size.
var ErrTooBig = errors.New("the secret is too large for the os keychain; check that only the token was pasted")

// errDaemonGone is the cause of a ReasonNoSecretService found after a
// timeout: the daemon that owned org.freedesktop.secrets is gone.
var errDaemonGone = errors.New("the keyring daemon is not running: nothing owns org.freedesktop.secrets on the session bus (it may have stopped or crashed)")

// Reason says why the OS keychain cannot be used.
type Reason string

// The reasons an UnavailableError gives.
const (
	ReasonNoSessionBus    Reason = "no-session-bus"    // no D-Bus session bus, or its socket is gone
	ReasonNoSecretService Reason = "no-secret-service" // a bus, but nothing owns org.freedesktop.secrets
	ReasonLocked          Reason = "locked"            // the collection is locked or missing and was not unlocked
	ReasonTimeout         Reason = "timed-out"         // no answer within the timeout (often: an unlock prompt nobody sees)
	ReasonDenied          Reason = "denied"            // access refused, or the unlock prompt was dismissed
	ReasonUnsupported     Reason = "unsupported"       // no keychain for this operating system
	ReasonMismatch        Reason = "mismatch"          // the probe read back a different value than it wrote
	ReasonUnknown         Reason = "unknown"           // anything else the keychain said
)

// UnavailableError reports that the OS keychain cannot be used, with the
// reason in words a user can act on and, through Help, the ways to get a
// working keychain on this system. It never holds a secret value.
type UnavailableError struct {
	Reason Reason
	Op     string // "store", "read", "delete" or "probe"
	Item   string // the item's user name, e.g. "my_conn/password"; "" for the probe
	// Err is the underlying error, its text redacted of the secret.
	Err error
}

// Error is one line: what failed and why.
func (e *UnavailableError) Error() string {
	what := "the os keychain"
	if e.Item != "" {
		what = fmt.Sprintf("the os keychain (%s %s)", e.Op, e.Item)
	}
	switch e.Reason {
	case ReasonNoSessionBus:
		return what + " is unreachable: no d-bus session bus (DBUS_SESSION_BUS_ADDRESS is unset or its socket is gone)"
	case ReasonNoSecretService:
		if errors.Is(e.Err, errDaemonGone) {
			return what + " is unreachable: the keyring daemon is not running (nothing owns org.freedesktop.secrets on the d-bus session)"
		}
		return what + " is unreachable: no secret service (org.freedesktop.secrets) runs on the d-bus session"
	case ReasonLocked:
		return what + " is locked: unlock your login keyring and retry"
	case ReasonTimeout:
		return what + " did not answer in time: it may be waiting for an unlock prompt on another screen"
	case ReasonDenied:
		return what + " refused access: allow it in the keychain prompt or settings and retry"
	case ReasonUnsupported:
		return fmt.Sprintf("%s is not supported on %s", what, runtime.GOOS)
	case ReasonMismatch:
		return what + " returned a different value than was stored: check the keychain for conflicting items"
	}
	if e.Err != nil {
		return what + " failed: " + e.Err.Error()
	}
	return what + " failed"
}

// Unwrap returns the underlying (redacted) error.
func (e *UnavailableError) Unwrap() error { return e.Err }

// Help lists, most specific first, what the user can do to get a working
// keychain on this operating system. bbconnect never falls back to a file.
func (e *UnavailableError) Help() []string {
	var h []string
	switch e.Reason {
	case ReasonLocked:
		h = append(h, lockedHelp())
	case ReasonNoSecretService:
		h = append(h, "if your keyring daemon stopped or crashed, start it again (gnome-keyring-daemon --start --components=secrets) or log out and back in")
	case ReasonTimeout:
		h = append(h, "an unlock prompt may be open on the desktop: answer it, or unlock the keyring first, then retry")
	case ReasonDenied:
		h = append(h, "answer the keychain's prompt with allow (or unlock), then retry")
	case ReasonMismatch:
		h = append(h, "remove stale bbconnect items with your keychain tool (for example: secret-tool clear service bbconnect) and retry")
	}
	h = append(h, osHelp()...)
	return append(h, "bbconnect keeps tokens only in the os keychain: there is no plain-text fallback")
}

// Explain renders err for a terminal: the error, then, for an error with
// help (an UnavailableError), the ways to get a keychain, one per line.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var h interface{ Help() []string }
	if !errors.As(err, &h) {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(err.Error())
	b.WriteString("\nto get a working keychain:")
	for _, h := range h.Help() {
		b.WriteString("\n  - ")
		b.WriteString(h)
	}
	return b.String()
}

func lockedHelp() string {
	switch runtime.GOOS {
	case "darwin":
		return "unlock the login keychain: security unlock-keychain login.keychain-db"
	case "windows":
		return "sign in to windows interactively so credential manager is available"
	}
	return "unlock the login keyring (seahorse, or: gnome-keyring-daemon --unlock) or create a default keyring"
}

func osHelp() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{
			"bbconnect uses the macos login keychain; over ssh it stays locked until: security unlock-keychain login.keychain-db",
		}
	case "windows":
		return []string{
			"bbconnect uses windows credential manager; run it in your own logon session, not as a service account",
		}
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return []string{
			"install and run a secret service: gnome-keyring (apt install gnome-keyring) or keepassxc with its secret service integration on",
			"on a server or over ssh, give this shell a session bus and an unlocked keyring: dbus-run-session -- bash, then gnome-keyring-daemon --unlock --components=secrets (type a keyring password, then ctrl-d), then run bbconnect",
			"on wsl: the same as a server, or use the windows build of bbconnect with windows credential manager",
		}
	}
	return []string{"use bbconnect on linux (secret service), macos (keychain) or windows (credential manager)"}
}

// classify turns an error from go-keyring into ErrNotFound, ErrTooBig or an
// *UnavailableError, with the secret (when given) removed from any text.
func classify(err error, op, item, secret string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, gokeyring.ErrNotFound), errors.Is(err, ErrNotFound):
		return &notFoundError{item: item}
	case errors.Is(err, gokeyring.ErrSetDataTooBig), errors.Is(err, ErrTooBig):
		return ErrTooBig
	}
	var ue *UnavailableError
	if errors.As(err, &ue) {
		out := *ue
		if out.Op == "" {
			out.Op, out.Item = op, item
		}
		out.Err = redact(out.Err, secret)
		return &out
	}
	return &UnavailableError{Reason: reasonOf(err), Op: op, Item: item, Err: redact(err, secret)}
}

// reasonOf maps D-Bus error names and the texts go-keyring and godbus are
// known to produce (see zalando/go-keyring#14, cli/cli#8954, gh's and GCM's
// issue trackers) to a Reason.
func reasonOf(err error) Reason {
	if errors.Is(err, gokeyring.ErrUnsupportedPlatform) {
		return ReasonUnsupported
	}
	var de dbus.Error
	if errors.As(err, &de) {
		switch de.Name {
		case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner":
			return ReasonNoSecretService
		case "org.freedesktop.Secret.Error.IsLocked", "org.freedesktop.DBus.Error.UnknownObject",
			"org.freedesktop.Secret.Error.NoSuchObject", "org.freedesktop.DBus.Error.UnknownMethod":
			return ReasonLocked
		case "org.freedesktop.DBus.Error.AccessDenied", "org.freedesktop.DBus.Error.AuthFailed":
			return ReasonDenied
		case "org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout", "org.freedesktop.DBus.Error.TimedOut":
			return ReasonTimeout
		}
	}
	return reasonOfText(err.Error())
}

// reasonOfText classifies by message text only; it is what reasonOf falls
// back to and what the fuzz test exercises.
func reasonOfText(s string) Reason {
	t := strings.ToLower(s)
	has := func(subs ...string) bool {
		for _, sub := range subs {
			if strings.Contains(t, sub) {
				return true
			}
		}
		return false
	}
	switch {
	case has("unsupported platform"):
		return ReasonUnsupported
	case has("org.freedesktop.secrets was not provided", "serviceunknown", "name has no owner",
		"was not provided by any .service files", "the name org.freedesktop.secrets"):
		return ReasonNoSecretService
	case has("dbus_session_bus_address", "couldn't determine address of session bus", "dbus-launch",
		"autolaunch", "/bus: connect", "dial unix", "connection refused", "no such file or directory",
		"connection closed", "broken pipe", "connection reset", "unable to autolaunch", "x11 initialization failed"):
		return ReasonNoSessionBus
	case has("failed to unlock correct collection", "islocked", "is locked", "object does not exist at path",
		"no such object", "collection/login", "user interaction is not allowed", "keychain is locked"):
		return ReasonLocked
	case has("accessdenied", "access denied", "permission denied", "not authorized", "dismissed", "rejected"):
		return ReasonDenied
	case has("timeout", "timed out", "noreply", "did not receive a reply"):
		return ReasonTimeout
	}
	return ReasonUnknown
}

// notFoundError names the missing item and matches ErrNotFound.
type notFoundError struct{ item string }

func (e *notFoundError) Error() string {
	return fmt.Sprintf("no keychain item %s under service %s", e.item, Service)
}

func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

const withheldText = "keychain error (text withheld: it contained the secret)"

// redact returns err, or when its text contains secret, an error with the
// same text redacted by wizard.Redact. The original is then dropped so
// nothing can unwrap to the secret; a text that still holds the secret
// (one too short to redact) is withheld.
func redact(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	s := wizard.Redact(err.Error(), secret)
	if strings.Contains(s, secret) {
		return errors.New(withheldText)
	}
	return errors.New(s)
}
