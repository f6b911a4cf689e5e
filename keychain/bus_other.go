//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package keychain

// preflight has nothing to check where go-keyring does not use D-Bus.
func preflight() error { return nil }

// diagnoseTimeout has nothing to look at where go-keyring does not use
// D-Bus: a timeout stays a timeout.
func diagnoseTimeout() *UnavailableError { return nil }
