package tui

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"golang.org/x/crypto/ssh"

	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// testNow is the fixed clock of every test: App Passwords are removed.
var testNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func init() {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
}

// memProfiles is an in-memory ProfileStore.
type memProfiles struct {
	mu    sync.Mutex
	items []Profile
	saved []wizard.Connector
	metas []SaveMeta
}

func (p *memProfiles) List() ([]Profile, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Profile(nil), p.items...), nil
}

func (p *memProfiles) Save(c wizard.Connector, meta SaveMeta) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.saved = append(p.saved, c)
	p.metas = append(p.metas, meta)
	return "/profiles/" + c.ID + ".json", nil
}

func (p *memProfiles) Delete(id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, it := range p.items {
		if it.Connector.ID == id {
			p.items = append(p.items[:i], p.items[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("no profile %s", id)
}

// memSecrets is an in-memory SecretStore.
type memSecrets struct {
	mu sync.Mutex
	m  map[string]string
}

func newMemSecrets() *memSecrets { return &memSecrets{m: map[string]string{}} }

func (s *memSecrets) Set(id string, slot wizard.SecretSlot, v string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[id+"/"+string(slot)] = v
	return "keychain bbconnect/" + id + "/" + string(slot), nil
}

func (s *memSecrets) Get(id string, slot wizard.SecretSlot) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[id+"/"+string(slot)]
	if !ok {
		return "", fmt.Errorf("not found")
	}
	return v, nil
}

func (s *memSecrets) Delete(id string, slot wizard.SecretSlot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id+"/"+string(slot))
	return nil
}

func (s *memSecrets) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// memExports is an in-memory ExportWriter.
type memExports struct {
	mu   sync.Mutex
	data map[string][]byte
}

func (e *memExports) WriteExport(id string, data []byte) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.data == nil {
		e.data = map[string][]byte{}
	}
	e.data[id] = data
	return "/exports/" + id + ".yaml", nil
}

func (e *memExports) len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.data)
}

// fakeTester reports the checks it is given; fail names a check to fail,
// with diag as its diagnosis ("401 unauthorized" when empty), which
// conntest.FixField routes to a field.
type fakeTester struct {
	mu      sync.Mutex
	fail    string
	diag    string
	runs    int
	secrets []Secrets
}

func (f *fakeTester) Plan(wizard.Connector) []string {
	return []string{"reach git host", "git read access", "api access"}
}

func (f *fakeTester) Run(_ context.Context, c wizard.Connector, s Secrets, progress func(conntest.Event)) conntest.Report {
	f.mu.Lock()
	f.runs++
	f.secrets = append(f.secrets, s)
	fail, diag := f.fail, f.diag
	f.mu.Unlock()
	if diag == "" {
		diag = "401 unauthorized"
	}
	r := conntest.Report{OK: true}
	for _, name := range f.Plan(c) {
		progress(conntest.Event{Name: name})
		ch := conntest.Check{Name: name, Status: conntest.Pass, Diagnosis: "ok", DurationMS: 12}
		if name == fail {
			ch = conntest.Check{Name: name, Status: conntest.Fail, Diagnosis: diag, Fix: "check the token"}
			r.OK = false
		}
		progress(conntest.Event{Name: name, Done: true, Check: ch})
		r.Checks = append(r.Checks, ch)
	}
	return r
}

// fakes bundles the in-memory services.
type fakes struct {
	profiles *memProfiles
	secrets  *memSecrets
	exports  *memExports
	tester   *fakeTester
	rotator  *fakeRotator
}

func newFakes() *fakes {
	return &fakes{profiles: &memProfiles{}, secrets: newMemSecrets(), exports: &memExports{}, tester: &fakeTester{}, rotator: &fakeRotator{}}
}

func (f *fakes) deps(home string) Deps {
	return Deps{
		Now:      func() time.Time { return testNow },
		Profiles: f.profiles, Secrets: f.secrets, Exports: f.exports, Tester: f.tester,
		Rotator: f.rotator, Home: home,
	}
}

// driver runs a Model without a program: every message goes through Update
// and the commands it returns run until they settle, as huh's own tests do.
type driver struct {
	t      testing.TB
	m      *Model
	frames []string
	quit   bool
}

func newDriver(t testing.TB, opts Options) *driver {
	t.Helper()
	if opts.Width == 0 {
		opts.Width, opts.Height = 80, 24
	}
	var profiles []Profile
	if opts.Mode == ModePicker && opts.Deps.Profiles != nil {
		profiles, _ = opts.Deps.Profiles.List()
	}
	d := &driver{t: t, m: newModel(opts, profiles)}
	d.run(d.m.Init(), 0)
	d.send(tea.WindowSizeMsg{Width: opts.Width, Height: opts.Height})
	return d
}

// driverWait is how long the driver waits for a command's message before
// it takes the command for a timer (a spinner's tick, 83 ms or more) and
// drops it. 15 ms dropped real work too under -race on a busy 2-core
// machine (a navigation message never arrived; CI saw
// TestTestScreenAddsRefusedKey stay on Review); 50 ms stays below every
// tick the wizard uses.
const driverWait = 50 * time.Millisecond

func (d *driver) send(msg tea.Msg) { d.process(msg, 0) }

func (d *driver) process(msg tea.Msg, depth int) {
	if depth > 40 {
		return
	}
	if _, ok := msg.(tea.QuitMsg); ok {
		d.quit = true
		return
	}
	_, cmd := d.m.Update(msg)
	d.frames = append(d.frames, d.m.View())
	d.run(cmd, depth)
	if depth == 0 && len(d.m.queue.keys) > 0 {
		// Keys still wait for a focus move whose message the driver
		// dropped (a slow machine): deliver them, as the root's timer
		// would.
		d.process(flushKeysMsg{gen: d.m.queue.gen}, depth+1)
	}
}

func (d *driver) run(cmd tea.Cmd, depth int) {
	for _, next := range runCmd(cmd, 0, driverWait) {
		d.process(next, depth+1)
	}
}

// typ types s as one burst of runes (a paste when it has several).
func (d *driver) typ(s string) { d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }

// typeSlow types s one key at a time.
func (d *driver) typeSlow(s string) {
	for _, r := range s {
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func (d *driver) key(t tea.KeyType, n ...int) {
	times := 1
	if len(n) > 0 {
		times = n[0]
	}
	for i := 0; i < times; i++ {
		d.send(tea.KeyMsg{Type: t})
	}
}

func (d *driver) enter(n ...int) { d.key(tea.KeyEnter, n...) }

func (d *driver) screen() string { return ansi.Strip(d.m.View()) }

// mustSee fails unless the screen shows every text.
func (d *driver) mustSee(texts ...string) {
	d.t.Helper()
	scr := d.screen()
	for _, s := range texts {
		if !strings.Contains(scr, s) {
			d.t.Fatalf("screen does not show %q:\n%s", s, scr)
		}
	}
}

// mustSeeText fails unless the screen shows text, however it is wrapped.
func (d *driver) mustSeeText(text string) {
	d.t.Helper()
	squash := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "┃", "")), "") }
	if !strings.Contains(squash(d.screen()), squash(text)) {
		d.t.Fatalf("screen does not show %q:\n%s", text, d.screen())
	}
}

// mustNotSee fails if the screen shows any text.
func (d *driver) mustNotSee(texts ...string) {
	d.t.Helper()
	scr := d.screen()
	for _, s := range texts {
		if strings.Contains(scr, s) {
			d.t.Fatalf("screen shows %q:\n%s", s, scr)
		}
	}
}

// title is the screen's first line.
func (d *driver) title() string {
	return strings.TrimSpace(strings.SplitN(d.screen(), "\n", 2)[0])
}

func (d *driver) mustTitle(want string) {
	d.t.Helper()
	if got := d.title(); got != "bbconnect › "+want {
		d.t.Fatalf("title = %q, want %q:\n%s", got, want, d.screen())
	}
}

// blinkPC identifies the cursor's blink command, which only waits for
// the next blink: the driver drops it rather than waiting.
var blinkPC = func() uintptr {
	c := cursor.New()
	return reflect.ValueOf(c.BlinkCmd()).Pointer()
}()

// runCmd runs cmd, and the commands of batches inside it, each in its own
// goroutine, and returns the messages that arrived within wait of the
// goroutines starting; ticks that would wait longer are dropped.
func runCmd(cmd tea.Cmd, depth int, wait time.Duration) []tea.Msg {
	if cmd == nil || depth > 4 || reflect.ValueOf(cmd).Pointer() == blinkPC {
		return nil
	}
	started := make(chan struct{})
	ch := make(chan tea.Msg, 1)
	go func() {
		close(started)
		ch <- cmd()
	}()
	<-started
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(wait):
		return nil
	}
	var cmds []tea.Cmd
	if batch, ok := msg.(tea.BatchMsg); ok {
		cmds = batch
	} else if v := reflect.ValueOf(msg); v.IsValid() && v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		// tea.Sequence's message: its commands, in order.
		for i := 0; i < v.Len(); i++ {
			c, _ := v.Index(i).Interface().(tea.Cmd)
			cmds = append(cmds, c)
		}
	} else {
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	}
	results := make([][]tea.Msg, len(cmds))
	done := make(chan int, len(cmds))
	for i, c := range cmds {
		go func() {
			results[i] = runCmd(c, depth+1, wait)
			done <- i
		}()
	}
	for range cmds {
		<-done
	}
	var out []tea.Msg
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// keyFiles writes a PEM RSA key, an OpenSSH key and returns their paths.
func keyFiles(t testing.TB) (pemRSA, openSSH string) {
	t.Helper()
	dir := t.TempDir()
	rk, err := rsa.GenerateKey(rand.Reader, 1024) // #nosec G403 -- test-only key, size irrelevant.
	if err != nil {
		t.Fatal(err)
	}
	pemRSA = filepath.Join(dir, "id_rsa")
	block := &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}
	if err := os.WriteFile(pemRSA, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	ob, err := ssh.MarshalPrivateKey(rk, "test")
	if err != nil {
		t.Fatal(err)
	}
	openSSH = filepath.Join(dir, "id_openssh")
	if err := os.WriteFile(openSSH, pem.EncodeToMemory(ob), 0o600); err != nil {
		t.Fatal(err)
	}
	return pemRSA, openSSH
}

// saveMsgFromTest puts m on the test screen and returns the message that
// accepts it: the save starts.
func saveMsgFromTest(m *Model) tea.Msg {
	m.nav.at, m.shown = placeTest, placeTest
	return navMsg{from: placeTest, in: navInput{ev: evNext}}
}
