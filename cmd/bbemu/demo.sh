#!/bin/sh
# make demo: start the Bitbucket emulator (and its Harness stand-in), point
# bbconnect at it and open the wizard. The emulator's values come through a
# pipe (never a file); only URLs, paths and the Harness stand-in's fake demo
# key (HARNESS_PLATFORM_API_KEY) go into the environment; the Bitbucket demo
# credentials are printed for you to paste. Stopping the wizard stops the
# emulator.
#
# The Harness tour (h at the prompt, or BBCONNECT_DEMO=harness, which runs
# it without the wizard and without pausing): scan the stand-in's account
# for App Password connectors, import one, migrate it with rotate (new
# Harness secret, connector repointed, Harness's own test), scan again.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)

# A Linux shell with no session bus (SSH, containers) has no keychain, and
# bbconnect refuses to ask for a token without one. For the demo, start a
# throwaway GNOME Keyring on a private bus (its items vanish with the demo).
if [ "$(uname -s)" = Linux ] && [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${BBCONNECT_DEMO_KEYRING:-}" ] &&
	command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
	echo "demo: no D-Bus session here; using a throwaway GNOME Keyring for this demo"
	export BBCONNECT_DEMO_KEYRING=1
	exec dbus-run-session --dbus-daemon="$root/cmd/bbemu/quiet-dbus-daemon.sh" -- \
		sh "$root/keychain/testdata/with-secret-service.sh" sh "$0" "$@"
fi
bin=${BBCONNECT_DEMO_BIN:-"$root/bin"}
dir=${BBEMU_DIR:-"$root/bin/demo"}
demo_token= demo_email=
mkdir -p "$dir"
tmp=$(mktemp -d)
mkfifo "$tmp/out"

"$bin/bbemu" --dir "$dir/emu" --env >"$tmp/out" &
pid=$!
cleanup() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

exec 3<"$tmp/out"
ready=no
while IFS= read -r line <&3; do
	case $line in
	export\ *) eval "$line" ;;
	"# ready") ready=yes; break ;;
	"#") echo ;;
	"#"*) printf '%s\n' "${line#\# }" ;;
	esac
	case $line in
	*"API token (all scopes)"*) demo_token=${line##* } ;;
	*"username / email"*) demo_email=${line##* } ;;
	esac
done
if [ "$ready" != yes ]; then
	echo "demo: the emulator did not start (see the message above)" >&2
	exit 1
fi

# Keep the demo's profiles apart from real ones. With the throwaway keyring
# they go with it: a profile whose token is gone (and whose Data Center URL
# names a port of an earlier run) would only show "passed" and then fail.
if [ -n "${BBCONNECT_DEMO_KEYRING:-}" ]; then
	export XDG_CONFIG_HOME="$tmp/config"
	where="a folder of this run only (the keyring goes too)"
else
	export XDG_CONFIG_HOME="$dir/config"
	where="$XDG_CONFIG_HOME"
fi
printf '\nFor Bitbucket Cloud type https://bitbucket.org/acme as the URL: bitbucket.org\n'
printf 'is this emulator. Its https://127.0.0.1:PORT URLs are its Data Center.\n'
printf 'Connectors are saved in %s.\n' "$where"

# show runs one bbconnect command of the tour, echoed first; pause waits
# for enter on a terminal.
show() {
	printf '\n$ bbconnect %s\n' "$*"
	"$bin/bbconnect" "$@" || printf '(exit status %s)\n' "$?"
}
pause() {
	if [ -t 0 ] && [ "${BBCONNECT_DEMO:-}" != harness ]; then
		printf '\n[enter] next '
		read -r _
	fi
}
harness_tour() {
	printf '\nHarness tour: the stand-in account acme has Bitbucket connectors at every scope,\n'
	printf 'three of them still on App Passwords. bbconnect finds them, imports one and\n'
	printf 'migrates it to an API token in Harness, tested by Harness itself.\n'
	"$bin/bbconnect" delete bb_cloud_legacy --yes >/dev/null 2>&1 || true
	pause
	show harness scan
	pause
	show harness import bb_cloud_legacy
	pause
	printf '\n$ printf "%%s\\n" "$API_TOKEN" | bbconnect rotate bb_cloud_legacy --token-stdin --email %s --delete-old-secret\n' "$demo_email"
	printf '%s\n' "$demo_token" | "$bin/bbconnect" rotate bb_cloud_legacy --token-stdin --email "$demo_email" --delete-old-secret ||
		printf '(exit status %s)\n' "$?"
	pause
	show harness scan
}

if [ "${BBCONNECT_DEMO:-}" = harness ]; then
	harness_tour
	exit 0
fi
printf '\nCopy the values you need (e.g. the API token) first: the wizard takes the\nwhole screen.\n'
if [ -t 0 ]; then
	printf 'Press enter to open the wizard, or h then enter for the Harness tour first\n(scan, import and migrate an App Password connector); quit the wizard to stop the emulator. '
	read -r answer
	case $answer in
	h | H) harness_tour; pause ;;
	esac
fi
"$bin/bbconnect" "$@"
