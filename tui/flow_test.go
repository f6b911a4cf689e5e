package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// recorder wraps the root model and keeps its last screen, ANSI stripped,
// so a teatest flow can read whole screens rather than the byte stream.
type recorder struct {
	*Model
	mu   sync.Mutex
	last string
}

func (r *recorder) Init() tea.Cmd {
	cmd := r.Model.Init()
	r.record()
	return cmd
}

func (r *recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.Model.Update(msg)
	r.record()
	return r, cmd
}

func (r *recorder) record() {
	s := ansi.Strip(r.View())
	r.mu.Lock()
	r.last = s
	r.mu.Unlock()
}

func (r *recorder) screen() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// flow drives a teatest program at 80x24 with plain keys.
type flow struct {
	t   *testing.T
	tm  *teatest.TestModel
	rec *recorder
	// subst replaces run-dependent text (temp folders) in goldens.
	subst *strings.Replacer
}

// wait blocks until the screen shows text and has stopped changing.
func (f *flow) wait(text string) string { return f.settle(text, 10*time.Millisecond, 1) }

// settle waits until the screen shows text and stays the same for the
// given number of checks, every interval.
func (f *flow) settle(text string, every time.Duration, checks int) string {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	prev, same := "", 0
	for time.Now().Before(deadline) {
		s := f.rec.screen()
		if strings.Contains(s, text) && s == prev {
			if same++; same >= checks {
				return s
			}
		} else {
			same = 0
		}
		prev = s
		time.Sleep(every)
	}
	f.t.Fatalf("screen never showed %q:\n%s", text, f.rec.screen())
	return ""
}

// golden waits for the step's title and, when first is given, for its
// first field to have the focus, then compares the screen with its golden file.
func (f *flow) golden(name, title, first string) {
	f.t.Helper()
	want := "bbconnect › " + title
	if first != "" {
		f.focus(first)
		want = "┃ " + first
	}
	s := f.settle(want, 25*time.Millisecond, 2)
	f.t.Run(name, func(t *testing.T) { golden.RequireEqual(t, []byte(goldenText(f.subst.Replace(s)))) })
}

// goldenText drops trailing blanks, which depend on the longest line.
func goldenText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func (f *flow) typ(s string) {
	for _, r := range s {
		f.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// paste sends s as one bracketed paste.
func (f *flow) paste(s string) {
	f.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
}

func (f *flow) key(k tea.KeyType, waitFor string) {
	f.tm.Send(tea.KeyMsg{Type: k})
	if waitFor != "" {
		f.wait(waitFor)
	}
}

// enterTo presses enter and waits for text.
func (f *flow) enterTo(text string) { f.key(tea.KeyEnter, text) }

// focus waits until the field titled title has the focus (huh moves the
// focus in a command, so keys sent before it arrive would go astray).
func (f *flow) focus(title string) { f.t.Helper(); f.wait("┃ " + title) }

// enterFocus presses enter and waits for the field titled title to have the focus.
func (f *flow) enterFocus(title string) {
	f.t.Helper()
	f.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	f.focus(title)
}

// TestFlows creates one connector of every edition x connection from the
// keyboard, comparing every step's first screen and the export with golden
// files (go test ./tui -run TestFlows -update rewrites them).
func TestFlows(t *testing.T) {
	pemKey, _ := keyFiles(t)
	keyDir := pemKey[:strings.LastIndex(pemKey, "/")]
	tests := map[string]func(f *flow){
		"cloud_http": func(f *flow) {
			f.typ("Cloud HTTP")
			f.wait("made from the name: Cloud_HTTP")
			f.enterFocus("Id")
			f.enterFocus("Description")
			f.enterFocus("Tags")
			f.typ("team:platform")
			f.enterTo("● Details")
			f.golden("02_details", "Details", "Bitbucket edition")
			f.enterFocus("URL type")
			f.enterFocus("Connection type")
			f.enterFocus("Account URL")
			f.typ("https://bitbucket.org/acme")
			f.wait("saved as: https://bitbucket.org/acme")
			f.enterFocus("Test repository")
			f.typ("widgets")
			f.wait("test uses: https://bitbucket.org/acme/widgets.git")
			f.enterTo("● Credentials")
			f.golden("03_credentials", "Credentials", "Password kind")
			f.enterFocus("Scopes to give the API token")
			f.enterFocus("Username")
			f.typ("jdoe")
			f.enterFocus("API token")
			f.typ("ATATT3xTOKEN")
			f.enterFocus("API token expires")
			f.golden("03b_token_expiry", "Credentials", "API token expires")
			f.enterTo("● API access")
			f.golden("04_api_access", "API access", "Enable API access?")
			f.typ("y")
			f.focus("API authentication")
			f.enterFocus("Email")
			f.typ("jdoe@example.com")
			f.enterFocus("Use the API token you typed in Credentials?")
			f.typ("y")
			f.wait("● Connectivity")
			f.golden("05_connectivity", "Connectivity", "Connectivity mode")
			f.enterFocus("Harness scope")
			f.enterTo("● Review")
		},
		"cloud_ssh": func(f *flow) {
			f.typ("Cloud SSH")
			f.wait("made from the name: Cloud_SSH")
			f.enterFocus("Id")
			f.enterFocus("Description")
			f.enterFocus("Tags")
			f.enterTo("● Details")
			f.golden("02_details", "Details", "Bitbucket edition")
			f.enterFocus("URL type")
			f.key(tea.KeyDown, "> Repository")
			f.enterFocus("Connection type")
			f.key(tea.KeyDown, "> SSH")
			f.enterFocus("Repository URL")
			f.typ("git@bitbucket.org:acme/widgets.git")
			f.wait("saved as: git@bitbucket.org:acme/widgets.git")
			f.enterTo("● Credentials")
			f.golden("03_credentials", "Credentials", "SSH key")
			f.enterFocus("Private key file")
			f.typ(pemKey)
			f.wait("✓ pem rsa key")
			f.enterFocus("Add the public key to Bitbucket")
			f.enterTo("● API access")
			f.golden("04_api_access", "API access", "Enable API access?")
			f.typ("n")
			f.wait("● Connectivity")
			f.golden("05_connectivity", "Connectivity", "Connectivity mode")
			f.enterFocus("Harness scope")
			f.key(tea.KeyDown, "> Organisation")
			f.enterFocus("Organisation identifier")
			f.typ("default")
			f.enterTo("● Review")
		},
		"dc_http": func(f *flow) {
			f.typ("DC HTTP")
			f.wait("made from the name: DC_HTTP")
			f.enterFocus("Id")
			f.enterFocus("Description")
			f.enterFocus("Tags")
			f.enterTo("● Details")
			f.golden("02_details", "Details", "Bitbucket edition")
			f.key(tea.KeyDown, "> Bitbucket Data Center")
			f.enterFocus("URL type")
			f.enterFocus("Connection type")
			f.enterFocus("Account URL")
			f.typ("https://bitbucket.example.com/scm/")
			f.wait("saved as: https://bitbucket.example.com/scm")
			f.enterFocus("Test repository")
			f.typ("PROJ/repo")
			f.wait("test uses: https://bitbucket.example.com/scm/PROJ/repo.git")
			f.enterTo("● Credentials")
			f.golden("03_credentials", "Credentials", "Password kind")
			f.enterFocus("Username")
			f.typ("jdoe")
			f.enterFocus("HTTP access token")
			f.typ("BBDC-TOKEN")
			f.enterTo("● API access")
			f.golden("04_api_access", "API access", "Enable API access?")
			f.typ("y")
			f.focus("API authentication")
			f.enterFocus("Use the HTTP access token you typed in Credentials?")
			f.typ("y")
			f.wait("● Connectivity")
			f.golden("05_connectivity", "Connectivity", "Connectivity mode")
			f.key(tea.KeyDown, "> Connect through a Harness Delegate")
			f.enterFocus("Delegate selectors")
			f.typ("k8s")
			f.enterFocus("CA bundle (optional)")
			f.enterFocus("Harness scope")
			f.key(tea.KeyDown, "> Organisation")
			f.key(tea.KeyDown, "> Project")
			f.enterFocus("Organisation identifier")
			f.typ("default")
			f.enterFocus("Project identifier")
			f.typ("payments")
			f.enterTo("● Review")
		},
		"dc_ssh": func(f *flow) {
			f.typ("DC SSH")
			f.wait("made from the name: DC_SSH")
			f.enterFocus("Id")
			f.enterFocus("Description")
			f.enterFocus("Tags")
			f.enterTo("● Details")
			f.golden("02_details", "Details", "Bitbucket edition")
			f.enterFocus("URL type")
			f.enterFocus("Connection type")
			f.enterFocus("Account URL")
			// A pasted clone URL fills edition and connection, and splits the
			// repository off into the test repository.
			f.paste("ssh://git@bitbucket.example.com:7999/PROJ/repo.git")
			f.wait("from the pasted URL")
			f.focus("Account URL")
			f.enterFocus("Test repository")
			f.wait("test uses: ssh://git@bitbucket.example.com:7999/PROJ/repo.git")
			f.enterTo("● Credentials")
			f.golden("03_credentials", "Credentials", "SSH key")
			f.enterFocus("Private key file")
			f.typ(pemKey)
			f.wait("✓ pem rsa key")
			f.enterFocus("Add the public key to Bitbucket")
			f.enterTo("● API access")
			f.golden("04_api_access", "API access", "Enable API access?")
			f.typ("y")
			f.focus("API authentication")
			f.enterFocus("Access token")
			f.typ("BBDC-API-TOKEN")
			f.enterTo("● Connectivity")
			f.golden("05_connectivity", "Connectivity", "Connectivity mode")
			f.enterFocus("CA bundle (optional)")
			f.enterFocus("Harness scope")
			f.enterTo("● Review")
		},
	}
	for name, steps := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fk := newFakes()
			rec := &recorder{Model: newModel(Options{Deps: fk.deps(t.TempDir()), Width: 80, Height: 24}, nil)}
			tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(80, 24))
			f := &flow{t: t, tm: tm, rec: rec, subst: strings.NewReplacer(keyDir, "$KEYS")}
			f.golden("01_overview", "Overview", "Name")
			steps(f)
			f.golden("06_review", "Review", "")
			f.enterTo("the connection works")
			f.golden("07_test", "Connection test", "")
			f.enterTo("● Saved")
			f.golden("08_saved", "Saved", "")
			f.key(tea.KeyEnter, "")
			fm, ok := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*recorder)
			if !ok {
				t.Fatal("final model is not the wizard")
			}
			r, err := fm.result()
			if err != nil || !r.Saved {
				t.Fatalf("not saved: %+v, %v", r, err)
			}
			t.Run("export", func(t *testing.T) { golden.RequireEqual(t, r.YAML) })
			if fk.exports.len() != 1 || len(fk.profiles.saved) != 1 {
				t.Fatal("export or profile not written")
			}
		})
	}
}
