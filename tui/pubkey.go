package tui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

// The public key of an SSH connector is shown on its own, outside the
// form, so that copying it from the screen picks up no focus bar; c copies
// it to the clipboard with OSC 52 (which works over SSH too) and w writes
// it to KEY.pub.

// pubKeyKeys are the public key page's own keys.
var pubKeyKeys = struct{ Copy, Write key.Binding }{
	Copy:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy key")),
	Write: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write .pub")),
}

// osc52Copy puts s on the clipboard of the terminal out with OSC 52.
func osc52Copy(out io.Writer) func(string) error {
	return func(s string) error {
		if out == nil {
			return errors.New("no terminal to copy to")
		}
		termenv.NewOutput(out).Copy(s)
		return nil
	}
}

// pubKeyPath is where the public half of the key file goes.
func pubKeyPath(st *state) string { return sshkey.ExpandHomeIn(st.home, st.c.SSHKeyPath) + ".pub" }

// pubKeyBlock is the public key as a block of its own, with its keys:
// broken at exactly width columns (the screen would break it at the space
// after the key type), with nothing before or after it on its lines.
func pubKeyBlock(st *state, width int, note string) string {
	pub := strings.TrimSpace(st.keyInfo.AuthorizedKey)
	if pub == "" {
		return ""
	}
	var b strings.Builder
	if width > 0 {
		pub = ansi.Hardwrap(pub, width, false)
	}
	b.WriteString("\n" + pub + "\n\n")
	// One line at 80 columns, so that it stays on a 24-line screen under
	// the key.
	b.WriteString("c copies it (OSC 52) · w writes it to " + tildeHome(st.home, pubKeyPath(st)))
	if note != "" {
		b.WriteString("\n" + note)
	}
	return b.String()
}

// pubKeyKey handles c and w on the public key page.
func pubKeyKey(st *state, copyFn func(string) error, k tea.KeyMsg) (string, bool) {
	pub := strings.TrimSpace(st.keyInfo.AuthorizedKey)
	switch {
	case pub == "":
		return "", false
	case key.Matches(k, pubKeyKeys.Copy):
		if err := copyFn(pub + "\n"); err != nil {
			return "✗ not copied: " + err.Error(), true
		}
		return "✓ sent to the clipboard (if your terminal allows OSC 52; else copy the line above)", true
	case key.Matches(k, pubKeyKeys.Write):
		return writePubKey(st, pub), true
	}
	return "", false
}

// writePubKey writes the public key next to the private one, never over
// another key.
func writePubKey(st *state, pub string) string {
	path := pubKeyPath(st)
	shown := tildeHome(st.home, path)
	if old, err := os.ReadFile(path); err == nil {
		if strings.TrimSpace(string(old)) == pub || strings.HasPrefix(strings.TrimSpace(string(old)), pubKeyOnly(pub)) {
			return "✓ " + shown + " already holds this key"
		}
		return "✗ " + shown + " holds another key: not overwritten"
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pub-*")
	if err != nil {
		return fmt.Sprintf("✗ cannot write %s: %v", shown, cleanErr(err))
	}
	_, werr := tmp.WriteString(pub + "\n")
	cerr := tmp.Close()
	if werr == nil && cerr == nil {
		werr = os.Chmod(tmp.Name(), 0o644) //nolint:gosec // a public key is meant to be read
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil || cerr != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Sprintf("✗ cannot write %s: %v", shown, cleanErr(errors.Join(werr, cerr)))
	}
	return "✓ wrote " + shown
}

// pubKeyOnly is "TYPE BASE64" of an authorized_keys line (no comment).
func pubKeyOnly(line string) string {
	f := strings.Fields(line)
	if len(f) < 2 {
		return line
	}
	return f[0] + " " + f[1]
}

// cleanErr drops the path from a file error (the message names it).
func cleanErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// pubKeyPage wires the block and its keys into a step's form for the
// public key note.
func pubKeyPage(spec *stepForm, st *state, pub huh.Field) {
	note := ""
	spec.extra = func(focused huh.Field, width int) string {
		if focused != pub {
			return ""
		}
		return pubKeyBlock(st, width, note)
	}
	spec.keys = func(c *common, focused huh.Field, k tea.KeyMsg) bool {
		if focused != pub {
			return false
		}
		n, ok := pubKeyKey(st, c.copy, k)
		if ok {
			note = n
		}
		return ok
	}
	spec.help = func(focused huh.Field) []key.Binding {
		if focused != pub {
			return nil
		}
		return []key.Binding{pubKeyKeys.Copy, pubKeyKeys.Write}
	}
}
