package emu

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
)

// maxSecretFile is the largest file secret the emulator takes.
const maxSecretFile = 512 << 10

// fileUpload is a multipart secret upload: the spec part (a full secret
// wrapper without a value) and the file part, if any.
type fileUpload struct {
	in      secretIn
	content []byte
	hasFile bool
}

// readUpload reads the multipart parts "spec" and "file". It answers
// when the request is not multipart, a part is too large or spec is not
// JSON.
func readUpload(w http.ResponseWriter, r *http.Request) (fileUpload, bool) {
	var up fileUpload
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		hError(w, http.StatusUnsupportedMediaType, "INVALID_REQUEST", "Content-Type must be multipart/form-data with the parts spec and file")
		return up, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSecretFile+maxHarnessBody)
	mr, err := r.MultipartReader()
	if err != nil {
		hInvalid(w, "Invalid request, the multipart body cannot be read")
		return up, false
	}
	var sawSpec bool
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			hInvalid(w, "Invalid request, the multipart body cannot be read")
			return up, false
		}
		switch part.FormName() {
		case "spec":
			b, err := io.ReadAll(io.LimitReader(part, maxHarnessBody))
			if err != nil || json.Unmarshal(b, &up.in) != nil {
				hFailure(w, "spec: not a secret in JSON", hFieldError{"spec", "not a secret in JSON"})
				return up, false
			}
			sawSpec = true
		case "file":
			b, err := io.ReadAll(io.LimitReader(part, maxSecretFile+1))
			if err != nil {
				hInvalid(w, "Invalid request, the file part cannot be read")
				return up, false
			}
			if len(b) > maxSecretFile {
				hInvalid(w, "Invalid request, the file is larger than 512 KiB")
				return up, false
			}
			up.content, up.hasFile = b, true
		}
		_ = part.Close()
	}
	if !sawSpec {
		hFailure(w, "spec: must not be null", hFieldError{"spec", "must not be null"})
		return up, false
	}
	return up, true
}

// fileManager reads the secret manager of a SecretFile spec.
func fileManager(w http.ResponseWriter, raw json.RawMessage) (string, bool) {
	var sp struct {
		SecretManagerIdentifier string `json:"secretManagerIdentifier"`
	}
	_ = json.Unmarshal(raw, &sp)
	return sp.SecretManagerIdentifier, secretManager(w, sp.SecretManagerIdentifier)
}

func (st *state) createFileSecret(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	sc, ok := st.queryScope(w, r)
	if !ok {
		return
	}
	up, ok := readUpload(w, r)
	if !ok {
		return
	}
	wire, ok := parseSecret(w, sc, up.in, "SecretFile")
	if !ok {
		return
	}
	if !up.hasFile || len(up.content) == 0 {
		hFailure(w, "file: must not be empty", hFieldError{"file", "must not be empty"})
		return
	}
	mgr, ok := fileManager(w, wire.Spec)
	if !ok || st.governed(w, r) {
		return
	}
	s := newSecret(wire, sc, h.millis())
	s.manager, s.value = mgr, up.content
	h.putSecret(w, s, true)
}

// updateFileSecret replaces a file secret's metadata and, when a file
// part is sent, its content (without one the old content stays).
func (st *state) updateFileSecret(w http.ResponseWriter, r *http.Request) {
	h := st.harness
	up, ok := readUpload(w, r)
	if !ok {
		return
	}
	old, wire, ok := st.existingSecret(w, r, up.in, "SecretFile")
	if !ok {
		return
	}
	mgr, ok := fileManager(w, wire.Spec)
	if !ok {
		return
	}
	if mgr != old.manager {
		hInvalid(w, msgCannotChange)
		return
	}
	if st.governed(w, r) {
		return
	}
	s := newSecret(wire, old.scope, h.millis())
	s.manager, s.value = mgr, old.value
	if up.hasFile && len(up.content) > 0 {
		s.value = up.content
	}
	h.putSecret(w, s, false)
}
