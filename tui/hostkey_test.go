package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
	"github.com/bbconnect/bbconnect/wizard/sshkey"
)

const unknownFP = "SHA256:q3VjDD5RZfb1jOAx0l4hRmxbKp2E7nBrvU0XN+d8Sxs"

// hostKeyTester fails git read access with an unknown host key unless the
// run trusts unknownFP.
type hostKeyTester struct {
	mu      sync.Mutex
	trusted []string
}

func (h *hostKeyTester) Plan(wizard.Connector) []string {
	return []string{"reach git host", "git read access"}
}

func (h *hostKeyTester) Run(ctx context.Context, c wizard.Connector, s Secrets, progress func(conntest.Event)) conntest.Report {
	return h.run(c, "", progress)
}

func (h *hostKeyTester) RunWithHostKey(_ context.Context, c wizard.Connector, _ Secrets, fp string, progress func(conntest.Event)) conntest.Report {
	h.mu.Lock()
	h.trusted = append(h.trusted, fp)
	h.mu.Unlock()
	return h.run(c, fp, progress)
}

func (h *hostKeyTester) run(c wizard.Connector, fp string, progress func(conntest.Event)) conntest.Report {
	r := conntest.Report{OK: true}
	for _, name := range h.Plan(c) {
		progress(conntest.Event{Name: name})
		ch := conntest.Check{Name: name, Status: conntest.Pass, Diagnosis: "ok"}
		if name == "git read access" && fp != unknownFP {
			ch = conntest.Check{
				Name: name, Status: conntest.Fail, HostKeyFingerprint: unknownFP,
				Diagnosis: "ssh host key unknown: bitbucket.example.com:7999 presented " + unknownFP + ", which is not in known_hosts",
				Fix:       "compare " + unknownFP + " with the fingerprint your bitbucket admin publishes, then accept it",
			}
			r.OK = false
		}
		progress(conntest.Event{Name: name, Done: true, Check: ch})
		r.Checks = append(r.Checks, ch)
	}
	return r
}

// plainHostKeyTester reports the unknown key but cannot trust it.
type plainHostKeyTester struct{ h hostKeyTester }

func (p *plainHostKeyTester) Plan(c wizard.Connector) []string { return p.h.Plan(c) }

func (p *plainHostKeyTester) Run(ctx context.Context, c wizard.Connector, s Secrets, progress func(conntest.Event)) conntest.Report {
	return p.h.Run(ctx, c, s, progress)
}

func TestHostKeyConfirmAndRerun(t *testing.T) {
	t.Parallel()
	pemKey, _ := keyFiles(t)
	f := newFakes()
	h := &hostKeyTester{}
	deps := f.deps(t.TempDir())
	deps.Tester = h
	c := dcSSH(pemKey)
	d := newDriver(t, Options{Deps: deps, Initial: &c})
	d.mustTitle("Review")
	d.enter()
	waitFor(t, d, "the test failed")
	d.mustSee("! unknown ssh host key of bitbucket.example.com:7999:", "    "+unknownFP, "press a to trust it for this run and test again")
	d.mustSee("a trust host key")
	if len(h.trusted) != 0 {
		t.Fatal("trusted before the user said so")
	}
	d.typ("a")
	waitFor(t, d, "the connection works")
	d.mustSee("✓ ssh host key of bitbucket.example.com:7999 trusted (this run only):", "    "+unknownFP)
	d.mustNotSee("press a to trust")
	if len(h.trusted) != 1 || h.trusted[0] != unknownFP {
		t.Fatalf("trusted = %v", h.trusted)
	}
	if got := d.m.c.st.hostKey; got != (trustedHostKey{host: "bitbucket.example.com:7999", fingerprint: unknownFP}) {
		t.Fatalf("state keeps %+v", got)
	}
	// r re-runs with the trusted key.
	d.typ("r")
	waitFor(t, d, "the connection works")
	if len(h.trusted) != 2 {
		t.Fatalf("retry did not trust the key: %v", h.trusted)
	}
	d.enter()
	d.mustTitle("Saved")
	d.mustSee("! ssh host key of bitbucket.example.com:7999 confirmed by its fingerprint:", "    "+unknownFP+" (this run only)",
		"add it to ~/.ssh/known_hosts so that later tests trust it")
}

func TestHostKeyNotOfferedWithoutSupport(t *testing.T) {
	t.Parallel()
	pemKey, _ := keyFiles(t)
	f := newFakes()
	deps := f.deps(t.TempDir())
	deps.Tester = &plainHostKeyTester{}
	c := dcSSH(pemKey)
	d := newDriver(t, Options{Deps: deps, Initial: &c})
	d.enter()
	waitFor(t, d, "the test failed")
	d.mustNotSee("press a to trust", "trust host key")
	d.typ("a")
	d.mustSee("the test failed")
	if d.m.c.st.hostKey != (trustedHostKey{}) {
		t.Fatal("a trusted the key")
	}
}

func TestTrustedKeyOnlyForItsHost(t *testing.T) {
	t.Parallel()
	st := newState(nil, &Deps{})
	st.hostKey = trustedHostKey{host: "bitbucket.example.com:7999", fingerprint: unknownFP}
	tests := map[string]struct {
		conn wizard.Connection
		url  string
		want string
	}{
		"same host":       {wizard.SSH, "ssh://git@bitbucket.example.com:7999/PROJ/repo.git", unknownFP},
		"same host, case": {wizard.SSH, "ssh://git@Bitbucket.Example.com:7999/", unknownFP},
		"other port":      {wizard.SSH, "ssh://git@bitbucket.example.com:22/PROJ/repo.git", ""},
		"other host":      {wizard.SSH, "ssh://git@git.example.com:7999/PROJ/repo.git", ""},
		"http":            {wizard.HTTP, "https://bitbucket.example.com/scm/PROJ/repo.git", ""},
		"no url":          {wizard.SSH, "", ""},
	}
	for name, tt := range tests {
		c := wizard.NewConnector()
		c.Edition, c.Connection, c.URL = wizard.DataCenter, tt.conn, tt.url
		if got := st.trustedKeyFor(c); got != tt.want {
			t.Errorf("%s: trusted = %q, want %q", name, got, tt.want)
		}
	}
}

// TestPublicKeyNoteKeepsUnderscores: the public-key note shows the key's
// file name as written (huh renders _ as italics in note descriptions, which
// turned demo_rsa.pub into demorsa.pub), with the home folder as ~.
func TestPublicKeyNoteKeepsUnderscores(t *testing.T) {
	t.Parallel()
	pemKey, _ := keyFiles(t)
	data, err := os.ReadFile(pemKey)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakes()
	home := t.TempDir()
	key := filepath.Join(home, ".ssh", "demo_rsa")
	if err := os.MkdirAll(filepath.Dir(key), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c := dcSSH("")
	d := newDriver(t, Options{Deps: f.deps(home), Initial: &c})
	d.typ("3")
	d.enter()
	d.typ("~/.ssh/demo_rsa")
	d.enter()
	d.mustSee("Add the public key to Bitbucket")
	d.mustSeeText("it is also in ~/.ssh/demo_rsa.pub when that file exists")
	// No italics (or any other markup) either.
	if raw := d.m.View(); strings.Contains(raw, "\x1b[3m") {
		t.Fatalf("the note has italics: %q", raw)
	}
}

func TestPublicKeyNoteAccessibleKeepsUnderscores(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	pemKey, _ := keyFiles(t)
	data, err := os.ReadFile(pemKey)
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(t.TempDir(), "my_demo_rsa")
	if err := os.WriteFile(key, data, 0o600); err != nil {
		t.Fatal(err)
	}
	input := strings.Join([]string{
		"DC B", "", "", "",
		"2", "2", "2", // data center, repository, ssh
		"ssh://git@bitbucket.example.com:7999/PROJ/repo.git",
		"1", key,
		"n",          // api access off
		"1", "", "1", // platform, no CA, account scope
		"", "y", // run the test, save
	}, "\n") + "\n"
	var out strings.Builder
	_, _ = Run(context.Background(), Options{Deps: newFakes().deps(t.TempDir()), Accessible: true, In: strings.NewReader(input), Out: &out})
	if got := ansi.Strip(out.String()); !strings.Contains(got, key+".pub") {
		t.Fatalf("output lacks %s.pub:\n%s", key, got)
	}
}

func TestTildeHome(t *testing.T) {
	t.Parallel()
	tests := []struct{ home, path, want string }{
		{"/home/jo", "/home/jo/.config/bbconnect/a.json", "~/.config/bbconnect/a.json"},
		{"/home/jo/", "/home/jo/x", "~/x"},
		{"/home/jo", "/home/jo", "~"},
		{"/home/jo", "/home/joe/x", "/home/joe/x"},
		{"/home/jo", "/etc/x", "/etc/x"},
		{"/home/jo", "relative/x", "relative/x"},
		{"/home/jo", "", ""},
		{"", "/home/jo/x", "/home/jo/x"},
		{"/", "/etc/x", "/etc/x"},
		{"/home/jo", "/home/jo/../x", "/home/jo/../x"},
	}
	for _, tt := range tests {
		if got := tildeHome(tt.home, tt.path); got != filepath.FromSlash(tt.want) && got != tt.want {
			t.Errorf("tildeHome(%q, %q) = %q, want %q", tt.home, tt.path, got, tt.want)
		}
	}
}

// FuzzTildeHome: a path shown with ~ expands back to the same file.
func FuzzTildeHome(f *testing.F) {
	for _, s := range [][2]string{{"/home/jo", "/home/jo/.ssh/id_rsa"}, {"/home/jo", "/etc"}, {"/", "/x"}, {"", "a"}, {"/h", "/h"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, home, p string) {
		got := tildeHome(home, p)
		if got == p {
			return
		}
		if !strings.HasPrefix(got, "~") || !filepath.IsAbs(home) {
			t.Fatalf("tildeHome(%q, %q) = %q", home, p, got)
		}
		if back := sshkey.ExpandHomeIn(home, got); filepath.Clean(back) != filepath.Clean(p) {
			t.Fatalf("tildeHome(%q, %q) = %q expands to %q", home, p, got, back)
		}
	})
}

func TestSavedAndReviewShowHomeAsTilde(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	f := newFakes()
	c := dcSSH(filepath.Join(home, ".ssh", "id_rsa"))
	c.CAFile = filepath.Join(home, "certs", "ca.pem")
	d := newDriver(t, Options{Deps: f.deps(home), Initial: &c})
	d.mustTitle("Review")
	d.mustSee("SSH key:         ~/.ssh/id_rsa", "CA bundle:       ~/certs/ca.pem")
	d.mustNotSee(home)
	cfg := filepath.Join(home, ".config", "bbconnect")
	s := newSaved(d.m.c, saveOutcome{
		conn: c, profilePath: filepath.Join(cfg, "dc_two.json"), exportPath: filepath.Join(cfg, "dc_two.harness.yaml"),
	})
	v := ansi.Strip(s.View())
	for _, want := range []string{"Profile:   ~/.config/bbconnect/dc_two.json", "Export:    ~/.config/bbconnect/dc_two.harness.yaml"} {
		if !strings.Contains(v, want) {
			t.Errorf("saved lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, home) {
		t.Errorf("saved shows the home folder:\n%s", v)
	}
}
