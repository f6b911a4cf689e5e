// Package profile keeps saved connectors ("profiles"): one JSON file per
// connector in os.UserConfigDir()/bbconnect/, holding the settings and the
// token metadata (kind, created, expires, last rotated) and the last test
// result, never a secret value. Files are 0600 in a 0700 folder, written
// atomically (temp file, fsync, rename), and carry a schema version. A file
// that is corrupt or from a newer bbconnect is reported and never
// overwritten.
//
// JSON rather than YAML: it needs only the standard library, has no
// implicit typing (YAML reads "no", "on" or "1e3" as other things), is what
// `bbconnect list --json` prints anyway, and its strict grammar makes a
// truncated or hand-mangled file fail loudly instead of half-loading.
package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/bbconnect/bbconnect/keychain/lock"
	"github.com/bbconnect/bbconnect/wizard"
)

// Schema is the profile format version this build writes and the newest it
// reads.
const Schema = 1

// Profile is one saved connector.
type Profile struct {
	Schema    int                             `json:"schema"`
	Connector wizard.Connector                `json:"connector"`
	Tokens    map[wizard.SecretSlot]TokenMeta `json:"tokens,omitempty"`
	LastTest  *TestResult                     `json:"last_test,omitempty"`
	Harness   *HarnessLink                    `json:"harness,omitempty"`
	Created   time.Time                       `json:"created"`
	Updated   time.Time                       `json:"updated"`
}

// TokenMeta describes one stored secret without its value.
type TokenMeta struct {
	// Kind is the kind of token: a wizard.PasswordKind value ("api-token",
	// "access-token", "app-password", "http-access-token") or
	// KindSSHPassphrase. See KindOf.
	Kind        string    `json:"kind"`
	Created     time.Time `json:"created"`
	Expires     time.Time `json:"expires,omitzero"`
	LastRotated time.Time `json:"last_rotated,omitzero"`
}

// TestResult is the outcome of the last live connection test.
type TestResult struct {
	At      time.Time `json:"at"`
	OK      bool      `json:"ok"`
	Summary string    `json:"summary"`
}

// ID is the connector's Id, which names the file.
func (p Profile) ID() string { return p.Connector.ID }

// ErrExists is matched (errors.Is) by Create's error for an Id already saved.
var ErrExists = errors.New("connector id already saved")

// ErrExportName is matched (errors.Is) by Create's error for an Id whose
// exports would clash with a saved connector's ("x$y" beside "x_y").
var ErrExportName = errors.New("connector id exports like a saved one")

// ErrNotExist is matched by the error for an Id with no profile.
var ErrNotExist = errors.New("no saved connector")

// CorruptError reports a profile file that cannot be read as a profile.
type CorruptError struct {
	Path string
	Err  error
}

// Error says which file, what is wrong, and that it is left alone.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("profile %s is unreadable (%v): fix or remove the file; bbconnect leaves it as it is", e.Path, e.Err)
}

// Unwrap returns the parse error.
func (e *CorruptError) Unwrap() error { return e.Err }

// NewerSchemaError reports a profile written by a newer bbconnect.
type NewerSchemaError struct {
	Path   string
	Schema int
}

// Error says which file and what to do.
func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("profile %s was written by a newer bbconnect (schema %d; this one reads up to %d): upgrade bbconnect; the file is left as it is",
		e.Path, e.Schema, Schema)
}

// Store is the folder of profiles. Now is the clock (time.Now when nil).
type Store struct {
	Dir string
	Now func() time.Time
	// LockWait is how long Lock waits for another process (see Lock).
	LockWait time.Duration
	// Owner says what this process is doing ("bbconnect rotate"), for the
	// message of a process that finds a connector locked. Never a secret.
	Owner string
	// OnLockWait, when set, is called once when Lock starts to wait for
	// another process, with who holds the lock.
	OnLockWait func(lock.Owner)
}

func (s Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// checkFileID says whether an Id can name a file: 1 to 128 bytes of the
// Harness identifier alphabet, no separators, no dots. Create also applies
// wizard.ValidateID; reading and deleting accept any file-safe Id so a
// profile saved under older rules can still be removed.
func checkFileID(id string) error {
	if !wizard.Word(id, 128, wizard.IsIDByte, wizard.IsIDByte) {
		return fmt.Errorf("%q is not a connector id: ids use letters, digits, _ and $", id)
	}
	return nil
}

// CheckID says whether id can be a saved connector's Id (the file-safe
// alphabet; see wizard.ValidateID for the rules of new Ids).
func CheckID(id string) error { return checkFileID(id) }

// Path is the file of id's profile.
func (s Store) Path(id string) string { return filepath.Join(s.Dir, id+".json") }

// JournalPath is the file where a rotation of id keeps its progress (see
// package rotate). It lives beside the profile so Remove can clean it up.
func (s Store) JournalPath(id string) string { return filepath.Join(s.Dir, id+JournalSuffix) }

// JournalSuffix ends the name of every rotation journal file.
const JournalSuffix = ".rotate.json"

// Encode renders p as the bytes of its file.
func Encode(p Profile) ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("cannot encode profile %s: %w", p.ID(), err)
	}
	return append(b, '\n'), nil
}

// Parse reads a profile file's bytes. path is only used in errors. It
// returns a *NewerSchemaError for a schema above Schema and a
// *CorruptError for anything else it cannot accept.
func Parse(data []byte, path string) (Profile, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Profile{}, &CorruptError{Path: path, Err: errors.New("the file is empty")}
	}
	var raw json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return Profile{}, &CorruptError{Path: path, Err: jsonErr(err)}
	}
	if dec.More() {
		return Profile{}, &CorruptError{Path: path, Err: errors.New("extra data after the profile")}
	}
	var head struct {
		Schema *int `json:"schema"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return Profile{}, &CorruptError{Path: path, Err: jsonErr(err)}
	}
	switch {
	case head.Schema == nil:
		return Profile{}, &CorruptError{Path: path, Err: errors.New("no schema version")}
	case *head.Schema > Schema:
		return Profile{}, &NewerSchemaError{Path: path, Schema: *head.Schema}
	case *head.Schema < 1:
		return Profile{}, &CorruptError{Path: path, Err: fmt.Errorf("schema %d is not a version", *head.Schema)}
	}
	var p Profile
	if err := json.Unmarshal(raw, &p); err != nil {
		return Profile{}, &CorruptError{Path: path, Err: jsonErr(err)}
	}
	if err := checkFileID(p.Connector.ID); err != nil {
		return Profile{}, &CorruptError{Path: path, Err: errors.New("the connector id is missing or invalid")}
	}
	for slot := range p.Tokens {
		if slot == "" {
			return Profile{}, &CorruptError{Path: path, Err: errors.New("a token has no slot name")}
		}
	}
	return p, nil
}

func jsonErr(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid json at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("field %q has the wrong type", te.Field)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("the file ends too early (truncated)")
	}
	return err
}

// Load reads id's profile.
func (s Store) Load(id string) (Profile, error) {
	if err := checkFileID(id); err != nil {
		return Profile{}, err
	}
	path := s.Path(id)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Profile{}, notExist(id)
	}
	if err != nil {
		return Profile{}, fmt.Errorf("cannot read profile %s: %w", path, err)
	}
	p, err := Parse(data, path)
	if err != nil {
		return Profile{}, err
	}
	if p.Connector.ID != id {
		return Profile{}, &CorruptError{Path: path, Err: fmt.Errorf("it holds connector %q, not %q", p.Connector.ID, id)}
	}
	return p, nil
}

func notExist(id string) error {
	return fmt.Errorf("%w %q: bbconnect list shows the saved ones", ErrNotExist, id)
}

// Exists reports whether id has a profile file (readable or not).
func (s Store) Exists(id string) bool {
	if checkFileID(id) != nil {
		return false
	}
	_, err := os.Lstat(s.Path(id))
	return err == nil
}
