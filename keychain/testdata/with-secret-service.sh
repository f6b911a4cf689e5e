#!/bin/sh
# with-secret-service.sh CMD [ARG...]
#
# Runs CMD with a real, unlocked Secret Service (gnome-keyring) on a private
# D-Bus session bus, for the keychain tests that need one:
#
#   dbus-run-session -- keychain/testdata/with-secret-service.sh go test -race -run Real ./keychain/...
#
# Without a session bus it re-runs itself under dbus-run-session. The keyring
# files live in a temporary directory removed on exit, so the user's own
# keyrings are never touched and a stale login.keyring with another password
# cannot leave the collection locked. The throwaway keyring password comes in
# on stdin, never as an argument. BBCONNECT_REAL_KEYRING=1 is exported so the
# tests that need the real keyring run instead of skipping.
set -eu

if [ "$#" -eq 0 ]; then
	echo "usage: $0 CMD [ARG...]" >&2
	exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "$0: $tool not found: apt-get install dbus gnome-keyring libsecret-tools" >&2
		exit 2
	fi
done
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	exec dbus-run-session -- sh "$0" "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbconnect-keyring.XXXXXX")
chmod 700 "$tmp"
cleanup() {
	if [ -n "${GNOME_KEYRING_PID:-}" ]; then
		kill "$GNOME_KEYRING_PID" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# gnome-keyring-daemon prints GNOME_KEYRING_CONTROL=... (and, with
# --daemonize, GNOME_KEYRING_PID=...); export what it prints.
out=$(printf 'bbconnect-test-keyring' |
	XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" \
		gnome-keyring-daemon --daemonize --unlock --components=secrets)
for line in $out; do
	case "$line" in
	GNOME_KEYRING_CONTROL=* | GNOME_KEYRING_PID=* | SSH_AUTH_SOCK=*)
		export "${line?}"
		;;
	esac
done

# Wait (up to ~5 s) until org.freedesktop.secrets answers.
i=0
while [ "$i" -lt 50 ]; do
	if dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
		grep -q 'boolean true'; then
		break
	fi
	i=$((i + 1))
	sleep 0.1
done

export BBCONNECT_REAL_KEYRING=1
export BBCONNECT_KEYRING_DATA="$tmp/data"
"$@"
