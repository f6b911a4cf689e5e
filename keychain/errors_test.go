package keychain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/bbconnect/bbconnect/wizard"
)

// The texts below are the ones go-keyring, godbus and the Secret Service
// daemons produce (see the issues cited in reasonOf).
func TestReasonOf(t *testing.T) {
	tests := []struct {
		err  error
		want Reason
	}{
		{errors.New("The name org.freedesktop.secrets was not provided by any .service files"), ReasonNoSecretService},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown", Body: []any{"whatever"}}, ReasonNoSecretService},
		{errors.New("dial unix /run/user/1000/bus: connect: no such file or directory"), ReasonNoSessionBus},
		{errors.New("dbus: couldn't determine address of session bus"), ReasonNoSessionBus},
		{errors.New(`exec: "dbus-launch": executable file not found in $PATH`), ReasonNoSessionBus},
		{extErr("dbus-launch: Autolaunch error: X11 initialization failed."), ReasonNoSessionBus},
		{errors.New("dial unix /tmp/dbus-x: connect: connection refused"), ReasonNoSessionBus},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ReasonLocked},
		{errors.New("Object does not exist at path \u201c/org/freedesktop/secrets/collection/login\u201d"), ReasonLocked},
		{dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}, ReasonLocked},
		{extErr("User interaction is not allowed."), ReasonLocked},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.AccessDenied", Body: []any{"Rejected send message"}}, ReasonDenied},
		{errors.New("prompt dismissed"), ReasonDenied},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.NoReply"}, ReasonTimeout},
		{extErr("Did not receive a reply."), ReasonTimeout},
		{fmt.Errorf("wrapped: %w", dbus.Error{Name: "org.freedesktop.DBus.Error.NameHasNoOwner"}), ReasonNoSecretService},
		{errors.New("exit status 44"), ReasonUnknown},
	}
	for _, tt := range tests {
		if got := reasonOf(tt.err); got != tt.want {
			t.Errorf("reasonOf(%q) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestUnavailableErrorText(t *testing.T) {
	reasons := []Reason{
		ReasonNoSessionBus, ReasonNoSecretService, ReasonLocked, ReasonTimeout, ReasonDenied,
		ReasonUnsupported, ReasonMismatch, ReasonUnknown,
	}
	seen := map[string]bool{}
	for _, r := range reasons {
		e := &UnavailableError{Reason: r, Op: "store", Item: "c/password", Err: errors.New("cause")}
		msg := e.Error()
		if seen[msg] {
			t.Errorf("%s: message not distinct: %q", r, msg)
		}
		seen[msg] = true
		if msg == "" || msg != strings.TrimSpace(msg) || strings.HasSuffix(msg, ".") {
			t.Errorf("%s: badly shaped message %q", r, msg)
		}
		if first := msg[:1]; first != strings.ToLower(first) {
			t.Errorf("%s: message should start lowercase: %q", r, msg)
		}
		if !strings.Contains(msg, "c/password") {
			t.Errorf("%s: message does not name the item: %q", r, msg)
		}
		if len(e.Help()) == 0 {
			t.Errorf("%s: no help", r)
		}
		if !errors.Is(e, e.Err) {
			t.Errorf("%s: Unwrap lost the cause", r)
		}
	}
	if Explain(nil) != "" || Explain(errors.New("x")) != "x" {
		t.Fatal("Explain of plain errors")
	}
	if isUnavailable(errors.New("x")) || !isUnavailable(fmt.Errorf("w: %w", &UnavailableError{})) {
		t.Fatal("IsUnavailable")
	}
}

func TestClassifyKeepsContextErrors(t *testing.T) {
	for _, err := range []error{context.Canceled, fmt.Errorf("w: %w", context.DeadlineExceeded)} {
		if got := classify(err, "read", "c/x", ""); !errors.Is(got, err) || isUnavailable(got) {
			t.Errorf("classify(%v) = %v", err, got)
		}
	}
}

func FuzzReasonOfText(f *testing.F) {
	for _, s := range []string{
		"The name org.freedesktop.secrets was not provided by any .service files",
		"dial unix /run/user/1000/bus: connect: no such file or directory",
		"failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'",
		"org.freedesktop.DBus.Error.AccessDenied", "", "exit status 1", "\xff\xfe",
	} {
		f.Add(s, "tok")
	}
	f.Fuzz(func(t *testing.T, text, secret string) {
		r := reasonOfText(text)
		if r == "" {
			t.Fatal("empty reason")
		}
		// Case does not change the reason.
		if reasonOfText(strings.ToLower(text)) != r {
			t.Fatalf("case changed the reason of %q", text)
		}
		// A classified error never shows the secret in its cause.
		err := classify(errors.New(text), "store", "c/password", secret)
		var ue *UnavailableError
		if !errors.As(err, &ue) {
			if errors.Is(err, ErrNotFound) || errors.Is(err, ErrTooBig) {
				return
			}
			t.Fatalf("classify(%q) = %v", text, err)
		}
		if secret == "" || strings.Contains(wizard.Redacted, secret) || strings.Contains(withheldText, secret) {
			return
		}
		if strings.Contains(ue.Err.Error(), secret) {
			t.Fatalf("secret %q shown in %q", secret, ue.Err.Error())
		}
	})
}

// extErr makes an error with a text some other program wrote, capitals and
// full stop included.
func extErr(text string) error { return errors.New(text) }

// A Secret Service whose daemon is gone is said to be not running, with
// how to start it, never that an unlock prompt may be waiting.
func TestDeadDaemonText(t *testing.T) {
	e := &UnavailableError{Reason: ReasonNoSecretService, Op: "probe", Err: errDaemonGone}
	text := Explain(e)
	for _, want := range []string{"keyring daemon is not running", "gnome-keyring-daemon --start"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "unlock prompt") {
		t.Errorf("a dead daemon is not an unlock prompt:\n%s", text)
	}
	var ue *UnavailableError
	if !errors.As((&Keychain{backend: goKeyring{}}).timedOut(), &ue) || ue.Reason != ReasonTimeout {
		t.Error("a backend that cannot look closer times out plainly")
	}
}

// isUnavailable reports whether err says the keychain cannot be used.
func isUnavailable(err error) bool {
	var ue *UnavailableError
	return errors.As(err, &ue)
}

// withTimeout bounds each call by d; production keeps DefaultTimeout.
func withTimeout(d time.Duration) Option { return func(k *Keychain) { k.timeout = d } }
