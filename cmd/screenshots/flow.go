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

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
)

const (
	width, height = 80, 24
	wait          = 10 * time.Second
)

// shooter walks the wizard and saves numbered screens.
type shooter struct {
	t   *term
	out string
	n   int
}

func run() error {
	out := flag.String("out", "screenshots", "folder for the PNG and text screens")
	bin := flag.String("bin", "bin/bbconnect", "the bbconnect binary to photograph")
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
	work, err := os.MkdirTemp("", "bbconnect-shots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	srv, err := emu.Start(emu.Options{Dir: filepath.Join(work, "emu")})
	if err != nil {
		return fmt.Errorf("start the emulator: %w", err)
	}
	defer srv.Close()
	if err := os.MkdirAll(*out, 0o755); err != nil { //nolint:gosec // pictures for the docs
		return err
	}
	env := []string{
		"HOME=" + work, "BBCONNECT_CONFIG_DIR=" + filepath.Join(work, ".config"),
		"BBCONNECT_KEYRING=mock", "BBCONNECT_NOW=2026-11-22", "TERM=xterm-256color", "COLORTERM=truecolor",
		"BBCONNECT_CLOUD_URL=" + srv.CloudURL, "BBCONNECT_CLOUD_API_URL=" + srv.CloudAPIURL,
		"BBCONNECT_CLOUD_SSH=" + srv.SSHAddr, "BBCONNECT_CA_FILE=" + srv.CAFile,
		"BBCONNECT_KNOWN_HOSTS=" + srv.KnownHostsFile,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	t, err := startTerm(ctx, fmt.Sprintf("bbconnect-shots-%d", os.Getpid()), width, height, env, binAbs)
	if err != nil {
		return err
	}
	defer t.close()
	s := &shooter{t: t, out: *out}
	if err := s.cloudSetup(ctx, srv.Demo); err != nil {
		return err
	}
	t.close()
	// A second run opens on the picker of saved connectors; a new Data
	// Center connector then shows a URL problem caught with its fix.
	t, err = startTerm(ctx, fmt.Sprintf("bbconnect-shots2-%d", os.Getpid()), width, height, env, binAbs)
	if err != nil {
		return err
	}
	defer t.close()
	s.t = t
	if err := s.pickerAndDataCenter(ctx); err != nil {
		return err
	}
	fmt.Printf("wrote %d screens to %s\n", s.n, *out)
	return nil
}

// cloudSetup walks a Bitbucket Cloud HTTP account connector with API access
// through every step, photographing each.
func (s *shooter) cloudSetup(ctx context.Context, d emu.Demo) error {
	steps := []func() error{
		func() error { return s.at(ctx, "Name") },
		func() error { return s.t.typeText(ctx, "Bitbucket Cloud") },
		func() error { return s.shot(ctx, "overview", "Bitbucket_Cloud") },
		func() error { return s.t.keys(ctx, "Enter", "Enter", "Enter", "Enter") },
		func() error { return s.at(ctx, "Bitbucket edition", "Enter") },
		func() error { return s.at(ctx, "URL type", "Enter") },
		func() error { return s.at(ctx, "Connection type", "Enter") },
		func() error { return s.at(ctx, "Account URL") },
		func() error { return s.t.typeText(ctx, "https://bitbucket.org/"+d.Workspace+"/") },
		func() error { return s.shot(ctx, "details", "saved as: https://bitbucket.org/"+d.Workspace) },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.at(ctx, "Test repository") },
		func() error { return s.t.typeText(ctx, d.Repo) },
		func() error { return s.shot(ctx, "test-repository", d.Repo+".git") },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.at(ctx, "Password kind") },
		func() error { return s.shot(ctx, "password-kind", "App Password") },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.shot(ctx, "scopes", "Scopes to give the API token") },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.at(ctx, "Username") },
		func() error { return s.t.typeText(ctx, d.Username) },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.at(ctx, "API token") },
		func() error { return s.t.pasteSecret(ctx, d.APIToken) },
		func() error { return s.shot(ctx, "credentials", "API token") },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.at(ctx, "API token expires", "Enter") }, // one year from today
		func() error { return s.at(ctx, "Enable API access?", "y") },
		func() error { return s.at(ctx, "API authentication", "Enter") },
		func() error { return s.at(ctx, "Email") },
		func() error { return s.t.typeText(ctx, d.Email) },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.at(ctx, "Use the API token you typed in Credentials?") },
		func() error { return s.shot(ctx, "api-access", "Use the API token you typed in Credentials?") },
		func() error { return s.t.keys(ctx, "y") },
		func() error { return s.at(ctx, "Connectivity mode") },
		func() error { return s.shot(ctx, "connectivity", "Connectivity mode") },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.at(ctx, "Harness scope", "Enter") },
		func() error { return s.shot(ctx, "review", "bbconnect › Review") },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.shot(ctx, "connection-test", "press enter to save") },
		func() error { return s.t.keys(ctx, "Enter") },
		func() error { return s.shot(ctx, "saved", "enter ends the wizard") },
		func() error { return s.t.keys(ctx, "Enter") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// pickerAndDataCenter photographs the picker, then the Details step
// catching a Data Center URL with an extra segment before the project.
func (s *shooter) pickerAndDataCenter(ctx context.Context) error {
	steps := []func() error{
		func() error { return s.shot(ctx, "picker", "Bitbucket_Cloud") },
		func() error { return s.t.keys(ctx, "n") },
		func() error { return s.at(ctx, "Name") },
		func() error { return s.t.typeText(ctx, "Bitbucket DC") },
		func() error { return s.t.keys(ctx, "Enter", "Enter", "Enter", "Enter") },
		func() error { return s.at(ctx, "Bitbucket edition", "Down", "Enter") },
		func() error { return s.at(ctx, "URL type", "Down", "Enter") },
		func() error { return s.at(ctx, "Connection type", "Enter") },
		func() error { return s.at(ctx, "Repository URL") },
		func() error { return s.t.typeText(ctx, "https://bitbucket.example.com/scm/team/PLAT/app.git") },
		func() error { return s.shot(ctx, "datacenter-extra-segment", "extra segment") },
		func() error { return s.t.keys(ctx, "C-c") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// at waits until the focused field is title (the focus bar "┃ title"),
// then sends keys.
func (s *shooter) at(ctx context.Context, title string, keys ...string) error {
	if err := s.t.waitFor(ctx, "┃ "+title, wait); err != nil {
		return err
	}
	return s.t.keys(ctx, keys...)
}

// shot waits for text, then writes NN-name.png and NN-name.txt.
func (s *shooter) shot(ctx context.Context, name, text string) error {
	if err := s.t.waitFor(ctx, text, 30*time.Second); err != nil {
		return err
	}
	time.Sleep(150 * time.Millisecond) // the last keystroke's redraw
	raw, err := s.t.capture(ctx)
	if err != nil {
		return err
	}
	s.n++
	base := filepath.Join(s.out, fmt.Sprintf("%02d-%s", s.n, name))
	scr := parseANSI(raw, width, height)
	f, err := os.Create(base + ".png")
	if err != nil {
		return err
	}
	if err := scr.writePNG(f); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.WriteFile(base+".txt", []byte(scr.plain()), 0o644) //nolint:gosec // pictures for the docs
}
