package tui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// fakeStartup answers each Check with the next of errs (the last one
// repeats); with block set, a Check waits until the test ends.
type fakeStartup struct {
	mu    sync.Mutex
	calls int
	errs  []error
	notes []string
	block chan struct{}
}

func (f *fakeStartup) Begin() {}

func (f *fakeStartup) Check(ctx context.Context) ([]string, error) {
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if len(f.errs) == 0 {
		return f.notes, nil
	}
	err := f.errs[min(f.calls, len(f.errs))-1]
	return f.notes, err
}

func (f *fakeStartup) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

var errNoKeychain = errors.New("no usable keychain: the os keychain is locked\nto get a working keychain:\n  - unlock it")

// TestFirstScreenDoesNotWaitForKeychain: the wizard draws its first screen
// while the keychain check runs; only the Credentials step waits for it,
// and says so; esc goes back, nothing typed lost.
func TestFirstScreenDoesNotWaitForKeychain(t *testing.T) {
	t.Parallel()
	st := &fakeStartup{block: make(chan struct{})}
	t.Cleanup(func() { close(st.block) })
	deps := newFakes().deps(t.TempDir())
	deps.Startup = st
	d := newDriver(t, Options{Deps: deps})
	d.mustTitle("Overview")
	d.typ("Keep me")
	d.m.c.st.c.URL, d.m.c.st.c.TestRepo = "https://bitbucket.org/acme", "widgets.git"
	d.enter(4)
	d.mustTitle("Details")
	for range 6 {
		if strings.Contains(d.title(), "Keychain") {
			break
		}
		d.enter()
	}
	d.mustTitle("Keychain")
	d.mustSee("Checking the OS keychain")
	d.key(tea.KeyEsc)
	d.mustTitle("Details")
	if d.m.c.st.c.Name != "Keep me" {
		t.Fatalf("name = %q", d.m.c.st.c.Name)
	}
	d.enter(5)
	d.mustTitle("Keychain")
	d.send(startupMsg{})
	d.mustTitle("Credentials")
}

// TestKeychainFailureSaidBeforeCredentials: a keychain that fails is named,
// with how to fix it, before any secret is asked; r checks again and the
// wizard goes on with what was typed.
func TestKeychainFailureSaidBeforeCredentials(t *testing.T) {
	t.Parallel()
	st := &fakeStartup{errs: []error{errNoKeychain, errNoKeychain, nil}, notes: nil}
	deps := newFakes().deps(t.TempDir())
	deps.Startup = st
	c := cloudHTTP()
	d := newDriver(t, Options{Deps: deps, Initial: &c})
	d.mustTitle("Review") // an edit's first screen: nothing asked yet
	d.typ("3")
	d.mustTitle("Keychain")
	d.mustSeeText("the os keychain is locked")
	d.mustSee("unlock it", "Nothing you typed is lost", "r retry")
	if st.count() != 2 {
		t.Fatalf("%d checks, want 2 (start, then on the way to Credentials)", st.count())
	}
	d.typ("r")
	d.mustTitle("Credentials")
	if d.m.c.st.c.Username != "jdoe" {
		t.Fatalf("username = %q", d.m.c.st.c.Username)
	}
}

// TestPickerErrandWaitsForKeychain: a picker errand reads secrets, so it
// waits for the check; what the check recovered is said.
func TestPickerErrandWaitsForKeychain(t *testing.T) {
	t.Parallel()
	f := pickerFakes(t)
	st := &fakeStartup{block: make(chan struct{})}
	t.Cleanup(func() { close(st.block) })
	deps := f.deps(t.TempDir())
	deps.Startup = st
	d := newDriver(t, Options{Deps: deps, Mode: ModePicker})
	d.mustSee("> cloud_one")
	d.enter() // edit
	d.mustTitle("Keychain")
	d.send(startupMsg{notes: []string{"unfinished rotation of cloud_one rolled back"}})
	d.mustTitle("Review")
	d.mustSee("! unfinished rotation of cloud_one rolled back")
}

// TestAccessibleKeychainFailure: line by line, the failure is printed
// before Credentials and the user checks again.
func TestAccessibleKeychainFailure(t *testing.T) {
	// Not parallel: Run sets the process-wide Lip Gloss renderer.
	st := &fakeStartup{errs: []error{errNoKeychain, nil}}
	deps := newFakes().deps(t.TempDir())
	deps.Startup = st
	input := strings.Join([]string{
		"Cloud A", "", "", "", // overview
		"1", "1", "1", "https://bitbucket.org/acme", "widgets", // details
		"y", // check the keychain again
	}, "\n") + "\n"
	var out bytes.Buffer
	_, err := Run(context.Background(), Options{Deps: deps, Accessible: true, In: strings.NewReader(input), Out: &out})
	if err == nil {
		t.Fatal("the input ended, yet Run returned no error")
	}
	got := out.String()
	for _, want := range []string{"✗ no usable keychain: the os keychain is locked", "Nothing you typed is lost", "Check the keychain again?", "Password kind"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if i, j := strings.Index(got, "the os keychain is locked"), strings.Index(got, "Password kind"); i < 0 || j < i {
		t.Errorf("the failure does not come before Credentials:\n%s", got)
	}
}
