package main

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// The fixed inputs of a recording: with them two runs draw the same screens.
const (
	// fixedNow is the wizard's and the emulator's clock (BBCONNECT_NOW).
	fixedNow = "2026-11-22T09:00:00Z"
	// fixedElapsed is every duration the connection test shows.
	fixedElapsed = "12ms"
	// Host names as a user types them; BBCONNECT_CONNECT_TO sends their
	// traffic to the emulator on loopback.
	cloudHost = "bitbucket.org"
	apiHost   = "api.bitbucket.org"
	dcHost    = "bitbucket.example.com"
	dcSSHPort = "7999"
	// harnessHost is Harness SaaS, whose default URL the wizard offers;
	// its traffic goes to the emulator's Harness stand-in.
	harnessHost = "app.harness.io"
)

// keys are fixed SSH keys (made once with ssh-keygen, fake, only valid
// against the emulator): the emulator's host key and demo keys, so every
// fingerprint on screen is the same on every run, and the key the
// ssh-keygen stand-in "generates".
//
//go:embed testdata/keys
var keys embed.FS

// world is one recording's emulator, keyring, home folder and environment.
type world struct {
	srv  *emu.Server
	kr   *keyring
	home string
	env  []string
}

// newWorld starts the emulator in work with the fixed keys and clock and
// returns the environment bbconnect runs with.
func newWorld(work string) (*world, error) {
	emuDir := filepath.Join(work, "emu")
	home := filepath.Join(work, "home")
	sshDir := filepath.Join(home, ".ssh")
	for _, d := range []string{filepath.Join(emuDir, "ssh"), sshDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	// The emulator keeps its SSH keys in its folder's ssh/.
	for _, name := range []string{"ssh_host_ed25519_key", "demo_rsa", "unregistered_rsa", "demo_ed25519"} {
		if err := copyKey(name, filepath.Join(emuDir, "ssh", name)); err != nil {
			return nil, err
		}
	}
	// The demo key where a user keeps keys: its path shows as ~/.ssh/….
	if err := copyKey("demo_rsa", filepath.Join(sshDir, "bitbucket_rsa")); err != nil {
		return nil, err
	}
	if err := homeFiles(home); err != nil {
		return nil, err
	}
	now, err := time.Parse(time.RFC3339, fixedNow)
	if err != nil {
		return nil, err
	}
	srv, err := emu.Start(emu.Options{
		Dir: emuDir, Now: func() time.Time { return now },
		Hosts: []string{cloudHost, apiHost, dcHost, harnessHost}, CertsAtClock: true,
	})
	if err != nil {
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	kr, err := startKeyring()
	if err != nil {
		_ = srv.Close()
		return nil, err
	}
	w := &world{srv: srv, kr: kr, home: home}
	// bitbucket.org's key is on record; bitbucket.example.com's is not, so
	// the Data Center SSH test asks to trust it.
	kh := filepath.Join(sshDir, "known_hosts")
	line := cloudHost + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(srv.HostKey))) + "\n"
	if err := os.WriteFile(kh, []byte(line), 0o600); err != nil {
		w.close()
		return nil, err
	}
	stub, err := keygenStub(work)
	if err != nil {
		w.close()
		return nil, err
	}
	loop := func(u string) string { return strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://") }
	harnessAddr, _, _ := strings.Cut(loop(srv.HarnessTLSURL), "/")
	connectTo := conntest.FormatConnectTo(map[string]string{
		cloudHost + ":443": loop(srv.CloudURL), apiHost + ":443": loop(srv.CloudAPIURL), cloudHost + ":22": srv.SSHAddr,
		dcHost + ":443": loop(srv.DCURL), dcHost + ":" + dcSSHPort: srv.SSHAddr, harnessHost + ":443": harnessAddr,
	})
	w.env = []string{
		"HOME=" + home, "BBCONNECT_CONFIG_DIR=" + filepath.Join(home, ".config"),
		"PATH=" + stub + string(os.PathListSeparator) + os.Getenv("PATH"),
		"LANG=C.UTF-8", "TERM=xterm-256color", "COLORTERM=truecolor",
		"DBUS_SESSION_BUS_ADDRESS=" + kr.addr, "BBCONNECT_NOW=" + fixedNow, "BBCONNECT_ELAPSED=" + fixedElapsed,
		"BBCONNECT_STEADY_CURSOR=1", conntest.EnvConnectTo + "=" + connectTo,
		conntest.EnvCAFile + "=" + srv.CAFile, conntest.EnvKnownHosts + "=" + kh,
	}
	return w, nil
}

func (w *world) close() {
	_ = w.srv.Close()
	w.kr.close()
}

func copyKey(name, to string) error {
	b, err := fs.ReadFile(keys, "testdata/keys/"+name)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o600)
}

// keygenStub writes an ssh-keygen stand-in into work/bin: it asks what
// ssh-keygen asks and "generates" the fixed key, so the public key on
// screen is the same on every run. Only the recording's PATH has it.
func keygenStub(work string) (string, error) {
	dir := filepath.Join(work, "bin")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	priv, pub := filepath.Join(dir, "generated_rsa"), filepath.Join(dir, "generated_rsa.pub")
	if err := copyKey("generated_rsa", priv); err != nil {
		return "", err
	}
	if err := copyKey("generated_rsa.pub", pub); err != nil {
		return "", err
	}
	script := `#!/bin/sh
# ssh-keygen stand-in for the screenshots: the fixed key, the same prompts.
label= path=
while [ $# -gt 0 ]; do
	case "$1" in -C) label=$2; shift ;; -f) path=$2; shift ;; esac
	shift
done
echo "Generating public/private rsa key pair."
printf "Enter passphrase (empty for no passphrase): "; read -r _
printf "\nEnter same passphrase again: "; read -r _
echo
cp '` + priv + `' "$path" && chmod 600 "$path"
printf '%s %s\n' "$(cut -d' ' -f1,2 '` + pub + `')" "$label" > "$path.pub"
echo "Your identification has been saved in $path"
echo "Your public key has been saved in $path.pub"
`
	return dir, os.WriteFile(filepath.Join(dir, "ssh-keygen"), []byte(script), 0o700) //nolint:gosec // an executable stand-in
}
