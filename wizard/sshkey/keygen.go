// Package sshkey handles the SSH key of an SSH connector: it builds the
// ssh-keygen command that makes a key Harness accepts (RSA in PEM format),
// inspects a key file the user points at and says what is wrong with it,
// loads the key for the live SSH test and tells where in Bitbucket to add
// the public half.
//
// The private key stays a file the user owns. Nothing here writes a key,
// and no passphrase ever goes on a command line: ssh-keygen asks for it on
// the terminal itself.
package sshkey

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Program is the name of the OpenSSH key tool.
const Program = "ssh-keygen"

// KeygenArgs is the argument list, program name first, that makes a 4096-bit
// RSA key in PEM format at path with label as its comment. ssh-keygen asks
// for the passphrase itself.
func KeygenArgs(label, path string) []string {
	return []string{Program, "-t", "rsa", "-b", "4096", "-m", "PEM", "-C", label, "-f", path}
}

// KeygenCommand is KeygenArgs quoted for a POSIX shell, for display and copying.
func KeygenCommand(label, path string) string {
	return shellJoin(KeygenArgs(label, path))
}

// ConvertCommand is the command that rewrites the private key at path in
// place in PEM format, keeping its passphrase (ssh-keygen asks for it). The
// key should be backed up first: the file is overwritten.
func ConvertCommand(path string) string {
	return shellJoin([]string{Program, "-p", "-m", "PEM", "-f", path})
}

// ChmodCommand is the command that makes the key at path readable by its
// owner only.
func ChmodCommand(path string) string {
	return shellJoin([]string{"chmod", "600", path})
}

// ExpandHome replaces a leading "~" or "~/" (or "~\\" on Windows) with the
// user's home folder, as a shell would; other paths come back unchanged.
// Spaces around the path are dropped.
func ExpandHome(path string) string { return ExpandHomeIn("", path) }

// ExpandHomeIn is ExpandHome with home as the home folder ("" is the
// user's), for a wizard that shows paths under a home of its own.
func ExpandHomeIn(home, path string) string {
	path = strings.TrimSpace(path)
	if path != "~" && !strings.HasPrefix(path, "~/") && !strings.HasPrefix(path, "~"+string(filepath.Separator)) {
		return path
	}
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return path
	}
	return filepath.Join(home, path[1:])
}

// KeygenCmd returns the ssh-keygen process that makes a new key at path,
// ready to hand to tea.ExecProcess: its standard input, output and error are
// left for the caller to set. The passphrase is never an argument:
// ssh-keygen asks for it on the terminal. The child gets a small allowlisted
// environment, so no token the parent process holds in its environment
// reaches it.
//
// A leading ~ in path is expanded (ExpandHome). It refuses when path or
// path.pub already exists (ssh-keygen would
// overwrite or stop to ask) and creates the key's folder (mode 0700) when it
// is missing.
func KeygenCmd(ctx context.Context, label, path string) (*exec.Cmd, error) {
	path = ExpandHome(path)
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("key path is empty: choose where to save the new key, e.g. ~/.ssh/bbconnect_rsa")
	}
	if strings.ContainsAny(label, "\n\r") {
		return nil, errors.New("key label has a line break: use a single line, e.g. your email")
	}
	for _, p := range []string{path, path + ".pub"} {
		if _, err := os.Lstat(p); err == nil {
			return nil, fmt.Errorf("%s already exists: choose another file name, or use the existing key", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot check %s: %w", p, err)
		}
	}
	bin, err := exec.LookPath(Program)
	if err != nil {
		return nil, errors.New("ssh-keygen was not found: install OpenSSH (on windows, the OpenSSH client feature or git for windows) and retry")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create %s: %w", dir, err)
		}
	}
	args := KeygenArgs(label, path)
	cmd := exec.CommandContext(ctx, bin, args[1:]...) // #nosec G204 -- fixed program, arguments are data, no shell.
	cmd.Env = childEnv(os.Environ())
	return cmd, nil
}

// DefaultKeyPath is where a new key for the connector goes by default:
// HOME/.ssh/bbconnect_<id>_rsa, the id reduced to file-name-safe characters.
func DefaultKeyPath(home, connectorID string) string {
	var b strings.Builder
	for _, r := range connectorID {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	id := strings.Trim(b.String(), "_-")
	if id == "" {
		id = "connector"
	}
	return filepath.Join(home, ".ssh", "bbconnect_"+id+"_rsa")
}

// WhereToAdd says where in Bitbucket the public key is pasted: for Cloud the
// personal SSH keys page, for Data Center the account SSH keys page under
// serverBase (e.g. https://bitbucket.example.com or .../bitbucket; a /scm/
// path and what follows it are dropped, so a clone URL works too).
func WhereToAdd(cloud bool, serverBase string) string {
	if cloud {
		return "Bitbucket Cloud: Personal settings > SSH keys > Add key, at " + AddKeyURL(true, "")
	}
	return "Bitbucket Data Center: Manage account > SSH keys > Add key, at " + AddKeyURL(false, serverBase)
}

// AddKeyURL is the page where the public key is added. For Data Center an
// empty serverBase gives a placeholder host; a base without a scheme is
// taken as https.
func AddKeyURL(cloud bool, serverBase string) string {
	if cloud {
		return "https://bitbucket.org/account/settings/ssh-keys/"
	}
	base := strings.TrimSpace(serverBase)
	hostAt := 0
	if i := strings.Index(base, "://"); i >= 0 {
		hostAt = i + len("://")
	}
	if i := strings.Index(base[hostAt:]+"/", "/scm/"); i >= 0 {
		base = base[:hostAt+i]
	}
	base = strings.TrimRight(base, "/")
	if base == "" {
		base = "https://YOUR-BITBUCKET-SERVER"
	}
	if !strings.Contains(base, "://") {
		base = "https://" + base
	}
	return base + "/plugins/servlet/ssh/account/keys"
}

// envAllow lists the variables ssh-keygen may need: where it runs, the
// terminal, the locale and, on Windows, the system folders.
var envAllow = map[string]bool{
	"PATH": true, "HOME": true, "USER": true, "LOGNAME": true, "SHELL": true,
	"TERM": true, "COLORTERM": true, "LANG": true, "LANGUAGE": true, "TZ": true, "TMPDIR": true,
	"SYSTEMROOT": true, "WINDIR": true, "COMSPEC": true, "PATHEXT": true, "USERPROFILE": true,
	"HOMEDRIVE": true, "HOMEPATH": true, "TEMP": true, "TMP": true, "USERNAME": true,
}

// childEnv keeps the allowlisted variables of env (and the LC_* locale ones).
func childEnv(env []string) []string {
	out := make([]string, 0, len(envAllow))
	for _, kv := range env {
		name, _, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		up := strings.ToUpper(name)
		if envAllow[up] || strings.HasPrefix(up, "LC_") {
			out = append(out, kv)
		}
	}
	return out
}

// shellJoin quotes each word for a POSIX shell where needed and joins them.
func shellJoin(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = shellQuote(w)
	}
	return strings.Join(q, " ")
}

// shellQuote returns w unchanged when it only holds characters a shell
// leaves alone, and single-quoted otherwise.
func shellQuote(w string) string {
	if w == "" {
		return "''"
	}
	if rest, ok := strings.CutPrefix(w, "~/"); ok && rest != "" {
		return "~/" + shellQuote(rest) // keep ~ where the shell expands it
	}
	if strings.IndexFunc(w, unsafeRune) < 0 {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'"'"'`) + "'"
}

// unsafeRune reports whether a shell could give r a meaning.
func unsafeRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("@%+=:,./_-", r)
}

// NotAccepted begins the connection test's diagnosis of a key the server
// refused (not added to the account), so that a screen can offer to add it.
const NotAccepted = "ssh key not accepted"
