#!/bin/sh
# make demo: start the Bitbucket emulator, point bbconnect at it and open the
# wizard. The emulator's values come through a pipe (never a file) and only
# URLs and paths go into the environment; the demo credentials are printed
# for you to paste. Stopping the wizard stops the emulator.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${BBEMU_DIR:-"$root/bin/demo"}
mkdir -p "$dir"
tmp=$(mktemp -d)
mkfifo "$tmp/out"

"$root/bin/bbemu" --dir "$dir/emu" --env >"$tmp/out" &
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
done
if [ "$ready" != yes ]; then
	echo "demo: the emulator did not start (see the message above)" >&2
	exit 1
fi

# Keep the demo's profiles apart from real ones.
export XDG_CONFIG_HOME="$dir/config"
printf '\nOpening the wizard; paste the values above. Quit it to stop the emulator.\n\n'
"$root/bin/bbconnect" "$@"
