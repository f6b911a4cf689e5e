#!/bin/sh
# The demo's private D-Bus daemon, for dbus-run-session --dbus-daemon: as
# root, dbus-daemon tries to raise its file descriptor limit and warns
# ("Failed to set fd limit") when it may not. The demo's throwaway bus
# needs no more descriptors, so its messages are not shown; exec keeps the
# daemon's pid, which dbus-run-session stops when the demo ends.
exec dbus-daemon "$@" 2>/dev/null
