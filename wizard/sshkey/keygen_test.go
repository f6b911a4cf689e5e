package sshkey

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestKeygenArgs(t *testing.T) {
	got := KeygenArgs("me@example.com", "/home/me/.ssh/bb_rsa")
	want := []string{"ssh-keygen", "-t", "rsa", "-b", "4096", "-m", "PEM", "-C", "me@example.com", "-f", "/home/me/.ssh/bb_rsa"}
	if !slices.Equal(got, want) {
		t.Fatalf("KeygenArgs = %q, want %q", got, want)
	}
	for _, a := range got {
		if a == "-N" || a == "-P" {
			t.Fatalf("KeygenArgs carries a passphrase flag %q", a)
		}
	}
}

func TestKeygenCommandQuoting(t *testing.T) {
	tests := []struct {
		label, path, want string
	}{
		{"me@example.com", "/home/me/.ssh/bb_rsa", "ssh-keygen -t rsa -b 4096 -m PEM -C me@example.com -f /home/me/.ssh/bb_rsa"},
		{"bbconnect my conn", "/tmp/a b/k", "ssh-keygen -t rsa -b 4096 -m PEM -C 'bbconnect my conn' -f '/tmp/a b/k'"},
		{"it's", "/k", `ssh-keygen -t rsa -b 4096 -m PEM -C 'it'"'"'s' -f /k`},
		{"", "/k$HOME", "ssh-keygen -t rsa -b 4096 -m PEM -C '' -f '/k$HOME'"},
		{"a;rm -rf /", "`x`", "ssh-keygen -t rsa -b 4096 -m PEM -C 'a;rm -rf /' -f '`x`'"},
		{"l", "~/.ssh/my key", "ssh-keygen -t rsa -b 4096 -m PEM -C l -f ~/'.ssh/my key'"},
		{"l", "~/.ssh/k", "ssh-keygen -t rsa -b 4096 -m PEM -C l -f ~/.ssh/k"},
		{"l", "~x", "ssh-keygen -t rsa -b 4096 -m PEM -C l -f '~x'"},
	}
	for _, tt := range tests {
		if got := KeygenCommand(tt.label, tt.path); got != tt.want {
			t.Errorf("KeygenCommand(%q, %q) = %s, want %s", tt.label, tt.path, got, tt.want)
		}
	}
}

// TestShellQuoteRoundTrip runs the quoted words through a real shell.
func TestShellQuoteRoundTrip(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this system: quoting round trip skipped")
	}
	words := []string{"plain", "", "with space", "it's", `dq"`, "$HOME", "`id`", "a\\b", "tab\there", "ünï"}
	script := "printf '%s\\n' " + shellJoin(words)
	out, err := exec.Command(sh, "-c", script).Output() // #nosec G204 -- test of our own quoting.
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if !slices.Equal(got, words) {
		t.Fatalf("shell saw %q, want %q", got, words)
	}
}

func TestConvertAndChmodCommand(t *testing.T) {
	if got, want := ConvertCommand("/home/me/.ssh/id_rsa"), "ssh-keygen -p -m PEM -f /home/me/.ssh/id_rsa"; got != want {
		t.Errorf("ConvertCommand = %s, want %s", got, want)
	}
	if got, want := ConvertCommand("/my keys/id"), "ssh-keygen -p -m PEM -f '/my keys/id'"; got != want {
		t.Errorf("ConvertCommand = %s, want %s", got, want)
	}
	if got, want := ChmodCommand("/k"), "chmod 600 /k"; got != want {
		t.Errorf("ChmodCommand = %s, want %s", got, want)
	}
}

func TestDefaultKeyPath(t *testing.T) {
	tests := []struct{ id, want string }{
		{"Bitbucket_Cloud", "bbconnect_Bitbucket_Cloud_rsa"},
		{"a$b", "bbconnect_a_b_rsa"},
		{"../../etc/passwd", "bbconnect_etc_passwd_rsa"},
		{"", "bbconnect_connector_rsa"},
		{"$$", "bbconnect_connector_rsa"},
	}
	for _, tt := range tests {
		got := DefaultKeyPath("/home/me", tt.id)
		want := filepath.Join("/home/me", ".ssh", tt.want)
		if got != want {
			t.Errorf("DefaultKeyPath(%q) = %s, want %s", tt.id, got, want)
		}
	}
}

func TestWhereToAdd(t *testing.T) {
	tests := []struct {
		cloud bool
		base  string
		want  []string
	}{
		{true, "", []string{"Personal settings > SSH keys", "https://bitbucket.org/account/settings/ssh-keys/"}},
		{true, "https://ignored.example.com", []string{"https://bitbucket.org/account/settings/ssh-keys/"}},
		{false, "https://bitbucket.example.com/", []string{"Manage account > SSH keys", "https://bitbucket.example.com/plugins/servlet/ssh/account/keys"}},
		{false, "https://example.com/bitbucket", []string{"https://example.com/bitbucket/plugins/servlet/ssh/account/keys"}},
		{false, "bitbucket.example.com", []string{"https://bitbucket.example.com/plugins/servlet/ssh/account/keys"}},
		{false, "", []string{"https://YOUR-BITBUCKET-SERVER/plugins/servlet/ssh/account/keys"}},
		{false, "https://bitbucket.example.com/ctx/scm/PROJ/repo.git", []string{"https://bitbucket.example.com/ctx/plugins/servlet/ssh/account/keys"}},
		{false, "https://bitbucket.example.com/scm", []string{"https://bitbucket.example.com/plugins/servlet/ssh/account/keys"}},
		{false, "http://scm/", []string{"http://scm/plugins/servlet/ssh/account/keys"}},
	}
	for _, tt := range tests {
		got := WhereToAdd(tt.cloud, tt.base)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("WhereToAdd(%v, %q) = %q, want it to contain %q", tt.cloud, tt.base, got, w)
			}
		}
	}
}

func TestKeygenCmdRefuses(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "id_rsa")
	if err := os.WriteFile(existing, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	pubOnly := filepath.Join(dir, "half")
	if err := os.WriteFile(pubOnly+".pub", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, label, path, want string
	}{
		{"exists", "l", existing, "already exists"},
		{"pub exists", "l", pubOnly, "half.pub already exists"},
		{"empty path", "l", " ", "key path is empty"},
		{"label newline", "a\nb", filepath.Join(dir, "new"), "line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, err := KeygenCmd(context.Background(), tt.label, tt.path)
			if err == nil || cmd != nil {
				t.Fatalf("KeygenCmd = %v, %v; want a refusal", cmd, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestKeygenCmdEnvironment(t *testing.T) {
	keys(t) // skips without ssh-keygen
	t.Setenv("BBCONNECT_TOKEN", "s3cret-token-value")
	t.Setenv("BITBUCKET_API_TOKEN", "s3cret-token-value")
	t.Setenv("LC_ALL", "C")
	path := filepath.Join(t.TempDir(), "sub", "k")
	cmd, err := KeygenCmd(context.Background(), "label", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range cmd.Env {
		if strings.Contains(kv, "s3cret") {
			t.Errorf("child environment carries a secret: %s", kv)
		}
	}
	if !slices.ContainsFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, "PATH=") }) {
		t.Error("child environment lost PATH")
	}
	if !slices.Contains(cmd.Env, "LC_ALL=C") {
		t.Error("child environment lost the locale")
	}
	if !slices.Equal(cmd.Args[1:], KeygenArgs("label", path)[1:]) {
		t.Errorf("args = %q", cmd.Args)
	}
	if cmd.Stdin != nil || cmd.Stdout != nil || cmd.Stderr != nil {
		t.Error("stdio must be left for the caller")
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		t.Fatalf("key folder not created: %v", err)
	} else if runtime.GOOS != "windows" && st.Mode().Perm() != 0o700 {
		t.Errorf("key folder mode %o, want 0700", st.Mode().Perm())
	}
}

// TestKeygenCmdRuns runs the real ssh-keygen the way the wizard does, with
// empty passphrases typed on its standard input, and checks the new key is
// one Inspect accepts.
func TestKeygenCmdRuns(t *testing.T) {
	keys(t) // skips without ssh-keygen
	if runtime.GOOS == "windows" {
		t.Skip("ssh-keygen on windows reads the console, not standard input")
	}
	path := filepath.Join(t.TempDir(), "new_rsa")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, err := KeygenCmd(ctx, "bbconnect-test", path)
	if err != nil {
		t.Fatal(err)
	}
	detach(cmd) // no controlling terminal: ssh-keygen reads the passphrase from stdin
	cmd.Stdin = strings.NewReader("\n\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	info, err := Inspect(path)
	if err != nil {
		t.Fatalf("Inspect(new key): %v", err)
	}
	if info.Kind != PEMRSA || info.Encrypted || info.Bits != 4096 || info.TooOpen {
		t.Fatalf("new key: %+v", info)
	}
	if !strings.HasSuffix(info.AuthorizedKey, " bbconnect-test") {
		t.Errorf("authorized key %q lacks the label", info.AuthorizedKey)
	}
	if _, err := KeygenCmd(ctx, "again", path); err == nil {
		t.Error("KeygenCmd must refuse to overwrite the new key")
	}
}

func TestExpandHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	tests := []struct{ in, want string }{
		{"~", home},
		{"~/.ssh/id_rsa", filepath.Join(home, ".ssh", "id_rsa")},
		{"~other/x", "~other/x"},
		{"/abs/~/x", "/abs/~/x"},
		{"rel", "rel"},
		{" ~/k ", filepath.Join(home, "k")},
	}
	for _, tt := range tests {
		if got := ExpandHome(tt.in); got != tt.want {
			t.Errorf("ExpandHome(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	other := t.TempDir()
	if got := ExpandHomeIn(other, "~/k"); got != filepath.Join(other, "k") {
		t.Errorf("ExpandHomeIn = %q", got)
	}
}

func TestInspectExpandsHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	data, err := os.ReadFile(key(t, "rsa_pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "k"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if info, err := Inspect("~/k"); err != nil || info.Kind != PEMRSA {
		t.Fatalf("Inspect(~/k) = %+v, %v", info, err)
	}
	if _, err := Signer("~/k", nil); err != nil {
		t.Fatalf("Signer(~/k): %v", err)
	}
	cmd, err := KeygenCmd(context.Background(), "l", "~/new/k")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cmd.Args[len(cmd.Args)-1], filepath.Join(home, "new", "k"); got != want {
		t.Fatalf("KeygenCmd path %q, want %q", got, want)
	}
	if _, err := KeygenCmd(context.Background(), "l", "~/k"); err == nil {
		t.Fatal("KeygenCmd(~/k) must see the existing key")
	}
}
