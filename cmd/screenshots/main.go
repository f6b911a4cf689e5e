// Command screenshots regenerates the onboarding pictures in screenshots/:
// it starts the local Bitbucket emulator, runs the real bbconnect binary in
// a tmux session at 80x24, walks the wizard, and renders each screen to PNG
// at 1x and 2x, dark and light, with a plain-text twin for diffs and screen
// readers, an animated GIF of a first-time setup and the accessible mode's
// transcript. The same inputs give the same bytes: a fixed clock, fixed
// keys, real-looking host names (BBCONNECT_CONNECT_TO) and pinned durations.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("out", "screenshots", "folder for the pictures, text twins and walkthrough")
	bin := flag.String("bin", "bin/bbconnect", "the bbconnect binary to photograph")
	dark := flag.Bool("dark-only", false, "skip the light variant (faster while working on the screens)")
	flag.Parse()
	if _, err := exec.LookPath("tmux"); err != nil {
		return errors.New("tmux is not installed: apt-get install tmux (or brew install tmux)")
	}
	binAbs, err := filepath.Abs(*bin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(binAbs); err != nil {
		return fmt.Errorf("%s not found: run make build first", *bin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	pals := []palette{darkPalette, lightPalette}
	if *dark {
		pals = pals[:1]
	}
	set, err := generate(ctx, binAbs, pals)
	if err != nil {
		return err
	}
	n, err := set.write(*out)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %d files to %s\n", n, *out)
	return nil
}
