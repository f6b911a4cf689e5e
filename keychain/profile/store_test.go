package profile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testStore(t *testing.T) Store {
	t.Helper()
	return Store{Dir: filepath.Join(t.TempDir(), "bbconnect"), Now: func() time.Time { return t0 }}
}

func cloudConnector(id string) wizard.Connector {
	c := wizard.NewConnector()
	c.Name, c.ID = "Cloud "+id, id
	c.URL = "https://bitbucket.org/acme"
	c.TestRepo = "widgets.git"
	c.Username = "alice"
	c.APIAccess, c.APIEmail, c.APITokenSameAsPassword = wizard.APIEmailAPIToken, "alice@example.com", true
	c.Org, c.Project = "default", "proj"
	return c
}

func newProfile(t *testing.T, id string) Profile {
	t.Helper()
	c := cloudConnector(id)
	toks, err := SavedTokens(c, nil, c.SecretSlots(), nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	return Profile{Connector: c, Tokens: toks}
}

func TestCreateLoadRoundTrip(t *testing.T) {
	s := testStore(t)
	p := newProfile(t, "acme_cloud")
	saved, err := s.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Schema != Schema || !saved.Created.Equal(t0) || !saved.Updated.Equal(t0) {
		t.Fatalf("saved = %+v", saved)
	}
	got, err := s.Load("acme_cloud")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Encode(saved)
	b, _ := Encode(got)
	if string(a) != string(b) {
		t.Fatalf("loaded differs:\n%s\n%s", a, b)
	}
	if got.Tokens[wizard.SlotPassword].Kind != "api-token" || !got.Tokens[wizard.SlotPassword].Expires.Equal(t0.AddDate(1, 0, 0)) {
		t.Fatalf("token meta = %+v", got.Tokens)
	}
	if runtime.GOOS != "windows" {
		assertMode(t, s.Dir, 0o700)
		assertMode(t, s.Path("acme_cloud"), 0o600)
	}
	assertNoTempFiles(t, s.Dir)
	if !s.Exists("acme_cloud") || s.Exists("other") || s.Exists("../x") {
		t.Fatal("Exists")
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Fatalf("%s has mode %o, want %o", path, fi.Mode().Perm(), want)
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Fatalf("temp file left behind: %s", e.Name())
		}
	}
}

func TestCreateNarrowsFolderMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes on windows")
	}
	s := testStore(t)
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(s.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(newProfile(t, "c1")); err != nil {
		t.Fatal(err)
	}
	assertMode(t, s.Dir, 0o700)
}

func TestCreateRefuses(t *testing.T) {
	s := testStore(t)
	if _, err := s.Create(newProfile(t, "Taken")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id, want string
		exists   bool
	}{
		{"Taken", "already saved", true},
		{"taken", "taken by", true},
		{"", "id is empty", false},
		{"has-hyphen", "no hyphens", false},
		{"../escape", "letters, digits", false},
		{"1abc", "must not start with a digit", false},
		{"status", "reserves", false},
	}
	for _, tt := range tests {
		_, err := s.Create(newProfile(t, tt.id))
		if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, ErrExists) != tt.exists {
			t.Errorf("Create(%q) = %v; want %q (exists %v)", tt.id, err, tt.want, tt.exists)
		}
	}
	ps, errs := s.List()
	if len(ps) != 1 || len(errs) != 0 {
		t.Fatalf("List after refusals = %d profiles, %v", len(ps), errs)
	}
	assertNoTempFiles(t, s.Dir)
}

func TestCreateRaceOneWins(t *testing.T) {
	s := testStore(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Create(newProfile(t, "same"))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, ErrExists):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d creates succeeded, want exactly 1", ok)
	}
}

func TestSave(t *testing.T) {
	s := testStore(t)
	p, err := s.Create(newProfile(t, "c1"))
	if err != nil {
		t.Fatal(err)
	}
	later := t0.Add(48 * time.Hour)
	s.Now = func() time.Time { return later }
	p.Connector.Description = "changed"
	p.Created = time.Time{} // Save keeps the file's Created whatever it is given
	saved, err := s.Save(p)
	if err != nil {
		t.Fatal(err)
	}
	if !saved.Created.Equal(t0) || !saved.Updated.Equal(later) {
		t.Fatalf("created %v updated %v", saved.Created, saved.Updated)
	}
	got, err := s.Load("c1")
	if err != nil || got.Connector.Description != "changed" {
		t.Fatalf("Load = %+v, %v", got.Connector, err)
	}
	if _, err := s.Save(newProfile(t, "never_created")); !errors.Is(err, ErrNotExist) {
		t.Fatalf("Save of an unknown id = %v, want ErrNotExist", err)
	}
	if _, err := s.RecordTest(context.Background(), "c1", TestResult{OK: true, Summary: "3 repositories visible"}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Load("c1")
	if got.LastTest == nil || !got.LastTest.OK || !got.LastTest.At.Equal(later) {
		t.Fatalf("LastTest = %+v", got.LastTest)
	}
	assertNoTempFiles(t, s.Dir)
}

func TestCorruptAndNewerAreReportedNotOverwritten(t *testing.T) {
	s := testStore(t)
	if _, err := s.Create(newProfile(t, "good")); err != nil {
		t.Fatal(err)
	}
	wrong := newProfile(t, "wrong_name")
	wrong.Schema = Schema
	good, _ := Encode(wrong)
	files := map[string]struct {
		data  string
		newer bool
		want  string
	}{
		"garbage":    {"not json at all", false, "not valid json"},
		"truncated":  {`{"schema": 1, "connector": {"id": "truncated"`, false, "truncated"},
		"noschema":   {`{"connector": {"id": "noschema"}}`, false, "no schema"},
		"zeroschema": {`{"schema": 0, "connector": {"id": "zeroschema"}}`, false, "not a version"},
		"wrongtype":  {`{"schema": 1, "connector": {"id": 5}}`, false, "wrong type"},
		"trailing":   {`{"schema": 1, "connector": {"id": "trailing"}} {}`, false, "extra data"},
		"mismatch":   {string(good), false, `holds connector "wrong_name"`},
		"future":     {`{"schema": 99, "connector": {"id": "future"}, "new_field": true}`, true, "newer bbconnect (schema 99"},
	}
	for id, f := range files {
		if err := os.WriteFile(s.Path(id), []byte(f.data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Files that are not profiles are ignored by List.
	for _, name := range []string{".tmp-good.json-123", "good.rotate.json", "notes.txt", "bad name.json"} {
		if err := os.WriteFile(filepath.Join(s.Dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(s.Dir, "dir.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	ps, errs := s.List()
	if len(ps) != 1 || ps[0].ID() != "good" {
		t.Fatalf("List profiles = %v", ps)
	}
	if len(errs) != len(files) {
		t.Fatalf("List errors = %d (%v), want %d", len(errs), errs, len(files))
	}
	for id, f := range files {
		_, err := s.Load(id)
		var ce *CorruptError
		var ne *NewerSchemaError
		switch {
		case f.newer && !errors.As(err, &ne):
			t.Errorf("%s: %v, want NewerSchemaError", id, err)
		case !f.newer && !errors.As(err, &ce):
			t.Errorf("%s: %v, want CorruptError", id, err)
		case !strings.Contains(err.Error(), f.want) || !strings.Contains(err.Error(), s.Path(id)):
			t.Errorf("%s: %q lacks %q or the path", id, err, f.want)
		}
		// Save refuses to overwrite it, and the bytes stay as they were.
		p := newProfile(t, id)
		if _, err := s.Save(p); err == nil {
			t.Errorf("%s: Save overwrote it", id)
		}
		if _, err := s.Create(p); !errors.Is(err, ErrExists) {
			t.Errorf("%s: Create = %v, want ErrExists", id, err)
		}
		b, _ := os.ReadFile(s.Path(id))
		if string(b) != f.data {
			t.Errorf("%s: file changed to %q", id, b)
		}
	}
}

func TestListMissingFolder(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "none")}
	ps, errs := s.List()
	if ps != nil || errs != nil {
		t.Fatalf("List = %v, %v", ps, errs)
	}
	if _, err := s.Load("x"); !errors.Is(err, ErrNotExist) {
		t.Fatalf("Load = %v", err)
	}
}

func TestListSorted(t *testing.T) {
	s := testStore(t)
	for _, id := range []string{"zeta", "Alpha", "mid"} {
		if _, err := s.Create(newProfile(t, id)); err != nil {
			t.Fatal(err)
		}
	}
	ps, errs := s.List()
	if len(errs) != 0 || len(ps) != 3 || ps[0].ID() != "Alpha" || ps[1].ID() != "mid" || ps[2].ID() != "zeta" {
		t.Fatalf("List = %v, %v", ps, errs)
	}
}

func TestDelete(t *testing.T) {
	s := testStore(t)
	if _, err := s.Create(newProfile(t, "c1")); err != nil {
		t.Fatal(err)
	}
	path, err := s.Delete("c1")
	if err != nil || path != s.Path("c1") {
		t.Fatalf("Delete = %q, %v", path, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file still there: %v", err)
	}
	if _, err := s.Delete("c1"); !errors.Is(err, ErrNotExist) {
		t.Fatalf("second Delete = %v", err)
	}
	if _, err := s.Delete("../../etc/passwd"); err == nil || errors.Is(err, ErrNotExist) {
		t.Fatalf("Delete of a path = %v", err)
	}
	// The Id is free again.
	if _, err := s.Create(newProfile(t, "c1")); err != nil {
		t.Fatal(err)
	}
}

func FuzzParse(f *testing.F) {
	p := Profile{
		Schema: 1, Connector: cloudConnector("fuzz"), Created: t0, Updated: t0,
		Tokens:   map[wizard.SecretSlot]TokenMeta{wizard.SlotPassword: {Kind: "api-token", Created: t0, Expires: t0.AddDate(1, 0, 0)}},
		LastTest: &TestResult{At: t0, OK: false, Summary: "401"},
	}
	good, err := Encode(p)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(good), "", "{}", `{"schema":1}`, `{"schema":2}`, `{"schema":1,"connector":{"id":"a"},"tokens":{"":{}}}`, `[1]`, `{"schema":"1"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.json")
		if err != nil {
			var ce *CorruptError
			var ne *NewerSchemaError
			if !errors.As(err, &ce) && !errors.As(err, &ne) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		// What parses re-encodes and parses to the same bytes.
		b1, err := Encode(p)
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		p2, err := Parse(b1, "fuzz.json")
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b1, err)
		}
		b2, _ := Encode(p2)
		if string(b1) != string(b2) {
			t.Fatalf("round trip differs:\n%s\n%s", b1, b2)
		}
	})
}

// Ids that export to the same secret ids and Terraform name ("x$y" and
// "x_y") cannot both be saved.
func TestCreateRefusesSameExportName(t *testing.T) {
	s := testStore(t)
	if _, err := s.Create(newProfile(t, "x_y")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"x$y", "X$Y"} {
		_, err := s.Create(newProfile(t, id))
		if !errors.Is(err, ErrExportName) || errors.Is(err, ErrExists) {
			t.Fatalf("Create(%q) = %v, want ErrExportName", id, err)
		}
		for _, want := range []string{`"x_y"`, "x_y_password", "terraform name", "pick another id"} {
			if !strings.Contains(strings.ToLower(err.Error()), want) {
				t.Errorf("Create(%q): %q lacks %q", id, err, want)
			}
		}
	}
	if other, ok := s.SameExportName("x$y"); !ok || other != "x_y" {
		t.Fatalf("SameExportName = %q %v", other, ok)
	}
	if _, ok := s.SameExportName("x_y"); ok {
		t.Fatal("an id clashes with itself")
	}
	if _, err := s.Create(newProfile(t, "x$z")); err != nil {
		t.Fatalf("an unrelated id: %v", err)
	}
}
