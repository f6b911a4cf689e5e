package emu

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/ssh"
)

// The SSH key endpoints: a key added through the Cloud or Data Center API
// is accepted by the SSH server from then on (this run), so a key the
// wizard generated works end to end.

// keyIDs numbers the added keys.
var keyIDs atomic.Int64

// addKeyBody reads a JSON body of at most 16 KiB into v.
func addKeyBody(r *http.Request, v any) error {
	return json.NewDecoder(io.LimitReader(r.Body, 16<<10)).Decode(v)
}

// registerKey parses an authorized_keys line and registers it; it reports
// false for a line that is not a public key, and already for a key that
// was registered before.
func (st *state) registerKey(line string) (pub ssh.PublicKey, comment string, ok, already bool) {
	pub, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(line)))
	if err != nil {
		return nil, "", false, false
	}
	st.keysMu.Lock()
	defer st.keysMu.Unlock()
	k := string(pub.Marshal())
	if st.keys[k] {
		return pub, comment, true, true
	}
	st.keys[k] = true
	return pub, comment, true, false
}

// cloudAddSSHKey is POST /2.0/users/{selected_user}/ssh-keys: the user
// (by UUID, username or account id) must be the caller.
func (st *state) cloudAddSSHKey(w http.ResponseWriter, r *http.Request) {
	if _, ok := st.cloudRequire(w, r, "write:ssh-key:bitbucket", "account:write", true); !ok {
		return
	}
	me := st.userJSON(r)
	if u := r.PathValue("user"); u != me["uuid"] && u != me["username"] && u != me["account_id"] {
		writeCloudError(w, http.StatusForbidden, "You may not add SSH keys for another user.", nil)
		return
	}
	var body struct {
		Key   string `json:"key"`
		Label string `json:"label"`
	}
	if err := addKeyBody(r, &body); err != nil {
		writeCloudError(w, http.StatusBadRequest, "Bad request: the body is not JSON.", nil)
		return
	}
	pub, comment, ok, already := st.registerKey(body.Key)
	switch {
	case !ok:
		writeCloudError(w, http.StatusBadRequest, "key: Invalid SSH key.", nil)
		return
	case already:
		writeCloudError(w, http.StatusBadRequest, "key: Someone has already registered that SSH key.", nil)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"type": "ssh_key", "uuid": fakeUUID("key" + ssh.FingerprintSHA256(pub)), "key": strings.TrimSpace(body.Key),
		"label": body.Label, "comment": comment, "created_on": st.now().UTC().Format("2006-01-02T15:04:05.000000+00:00"),
		"owner": me,
	})
}

// dcAddSSHKey is POST /rest/ssh/1.0/keys: the key goes to the personal
// token's user; project and repository tokens are refused.
func (st *state) dcAddSSHKey(w http.ResponseWriter, r *http.Request) {
	c, ok := st.dcRequireUser(w, r)
	if !ok {
		return
	}
	if c.kind != kindDCPersonal {
		writeDCError(w, http.StatusUnauthorized, "You are not permitted to access this resource", excAuthz)
		return
	}
	var body struct {
		Text  string `json:"text"`
		Label string `json:"label"`
	}
	if err := addKeyBody(r, &body); err != nil {
		writeDCError(w, http.StatusBadRequest, "The request body is not valid JSON.", "")
		return
	}
	_, comment, ok, already := st.registerKey(body.Text)
	switch {
	case !ok:
		writeDCError(w, http.StatusBadRequest, "The SSH key is invalid.", "")
		return
	case already:
		writeDCError(w, http.StatusConflict, "This SSH key is already in use.", "")
		return
	}
	label := body.Label
	if label == "" {
		label = comment
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": keyIDs.Add(1), "text": strings.TrimSpace(body.Text), "label": label})
}
