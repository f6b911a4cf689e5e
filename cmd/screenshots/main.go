// Command screenshots regenerates the onboarding pictures in screenshots/:
// it starts the local Bitbucket emulator, runs the real bbconnect binary in
// a tmux session at 80x24, walks the wizard, and renders each screen to PNG
// (and a plain-text twin for diffs and screen readers).
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}
