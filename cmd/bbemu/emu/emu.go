// Package emu is a local Bitbucket emulator for tests, benchmarks, demos and
// screenshots. On loopback it serves a Bitbucket Cloud 2.0 and Data Center
// 1.0 REST subset with the real response and error shapes, git over smart
// HTTP through the real `git http-backend`, git over SSH through the real
// `git-upload-pack`, and TLS with its own CA. It knows each credential type
// and its rules, adds latency on request and injects faults.
//
// Every credential it hands out is fake, random per start and only valid
// against the emulator. No secret is ever written to a file, logged, put in
// a URL or passed to a child process.
package emu

import (
	"crypto/subtle"
	"time"

	"golang.org/x/crypto/ssh"
)

// Options configures Start.
type Options struct {
	Dir        string           // working dir for bare repos, CA, keys, known_hosts; a temp dir when ""
	Now        func() time.Time // clock for App Password dates and token expiry (time.Now when nil)
	Latency    time.Duration    // added to every HTTP request and SSH session
	ExtraRepos int              // extra generated repositories in the Cloud workspace and the DC project (pagination)
	DCContext  string           // Data Center context path, e.g. "/bitbucket" ("" = none)

	// The Harness stand-in: how many organisations it seeds (3 when 0),
	// projects per organisation (5 when 0), and the delay added to each of
	// its calls.
	HarnessOrgs     int
	HarnessProjects int
	HarnessLatency  time.Duration
	// Hosts are extra names the server certificate is valid for (e.g.
	// "bitbucket.org", "api.bitbucket.org", "bitbucket.example.com"), for
	// a client that sends those names' traffic here (the testing aid
	// BBCONNECT_CONNECT_TO): its URLs and TLS checks then read as a real
	// user's would.
	Hosts []string
	// CertsAtClock dates the certificates by Now instead of the real time,
	// so their dates read the same on every run (pinned screenshots). Only
	// a client that checks them at the same clock (bbconnect with
	// BBCONNECT_NOW) trusts them then.
	CertsAtClock bool
}

// Server is a running emulator. Its fields are read-only after Start. The
// methods of a Server that Start did not make do nothing.
type Server struct {
	CloudURL       string // "https://127.0.0.1:P": stands in for https://bitbucket.org (git smart HTTP: CloudURL+"/ws/repo.git")
	CloudAPIURL    string // "https://127.0.0.1:Q": stands in for https://api.bitbucket.org (paths /2.0/…)
	DCURL          string // "https://127.0.0.1:R[/context]": /scm/PRJ/repo.git and /rest/api/1.0/…
	SSHAddr        string // "127.0.0.1:S": git over SSH for both editions (Cloud "ws/repo.git", DC "/prj/repo.git")
	MismatchURL    string // HTTPS listener whose certificate names another host (hostname-mismatch tests); serves the Cloud API
	RefusedAddr    string // "127.0.0.1:N": a loopback port nothing listens on (connection-refused tests)
	CAFile         string // PEM of the emulator's own CA (certs for 127.0.0.1 and localhost)
	KnownHostsFile string // known_hosts line(s) for the SSH host key, as "[127.0.0.1]:S ssh-ed25519 …"
	HostKey        ssh.PublicKey
	Demo           Demo

	HarnessURL    string // "http://127.0.0.1:H/gateway": the Harness Platform API stand-in (HARNESS_ENDPOINT); paths /ng/api/… also without /gateway
	HarnessTLSURL string // the same stand-in over HTTPS (certificate from CAFile)
	Harness       HarnessDemo

	st *state
}

// Demo holds the demo identities and credentials. Every value is fake and
// only valid against this emulator.
type Demo struct {
	Workspace              string    `json:"workspace"`                 // Cloud workspace slug
	Repo                   string    `json:"repo"`                      // Cloud repo slug with commits on main (and tag v1.0.0)
	EmptyRepo              string    `json:"empty_repo"`                // a Cloud repo with no commits
	OtherRepo              string    `json:"other_repo"`                // a Cloud repo with commits that RepoAccessToken cannot see
	Username               string    `json:"username"`                  // Cloud Bitbucket username of the demo user
	Email                  string    `json:"email"`                     // Atlassian account email of the demo user
	APIToken               string    `json:"api_token"`                 // API token with every scope the Harness page requires (ATATT3x… style)
	APITokenNext           string    `json:"api_token_next"`            // a second API token with every scope, to rotate to (expires with APIToken)
	APITokenMissingScopes  string    `json:"api_token_missing_scopes"`  // API token lacking read:user:bitbucket and write:webhook:bitbucket
	APITokenExpired        string    `json:"api_token_expired"`         // expired API token (401 "Token is invalid, expired, or not supported…")
	APITokenNoScopes       string    `json:"api_token_no_scopes"`       // API token made without scopes (the classic button): the same 401, for REST and git
	APITokenExpires        time.Time `json:"api_token_expires"`         // when APIToken and APITokenMissingScopes expire (per Options.Now)
	AccessToken            string    `json:"access_token"`              // workspace access token (Bearer; git user x-token-auth) (ATCTT3xFfGN0… style)
	RepoAccessToken        string    `json:"repo_access_token"`         // repository access token for Repo (cannot list the workspace)
	AppPassword            string    `json:"app_password"`              // App Password (ATBB…): works only before wizard.AppPasswordRemoved per Now; 401 during brownout windows (00/06/12/18 UTC, 15 min) after the cutoff
	DCProject              string    `json:"dc_project"`                // Data Center project key
	DCRepo                 string    `json:"dc_repo"`                   // Data Center repo slug with commits on main
	DCUser                 string    `json:"dc_user"`                   // Data Center user slug
	DCToken                string    `json:"dc_token"`                  // DC personal HTTP access token (Basic user:token or Bearer)
	DCProjectToken         string    `json:"dc_project_token"`          // DC project token for DCProject (Bearer only; Basic is refused)
	SSHKeyPath             string    `json:"ssh_key_path"`              // PEM RSA private key file registered for SSH (user git)
	UnregisteredSSHKeyPath string    `json:"unregistered_ssh_key_path"` // PEM RSA key NOT registered (publickey denied)
	OpenSSHKeyPath         string    `json:"openssh_key_path"`          // registered ed25519 key in OpenSSH format (what Harness refuses; for detection tests)
}

// FaultKind names a failure the emulator can inject.
type FaultKind string

// The injectable faults. Other failures need no injection: wrong
// credentials, missing scopes, expired tokens, unknown repositories, App
// Password dates (Options.Now), an untrusted CA (do not trust CAFile), a
// hostname mismatch (MismatchURL), connection refused (RefusedAddr), an
// unknown SSH host key (empty known_hosts) and an unregistered SSH key
// (Demo.UnregisteredSSHKeyPath).
const (
	FaultRateLimit         FaultKind = "rate-limit"           // 429 text/plain "Rate limit for this resource has been exceeded", no Retry-After
	FaultServerError       FaultKind = "server-error"         // 500 (or Fault.Status, e.g. 502)
	FaultHang              FaultKind = "hang"                 // accept, never answer (until the client gives up or Close)
	FaultDCAnonymous       FaultKind = "dc-anonymous"         // DC serves an unknown Bearer token as anonymous (no X-AUSERNAME) instead of 401
	FaultSSHHostKeyChanged FaultKind = "ssh-host-key-changed" // the SSH server presents a different host key

	// Harness stand-in only (Path "harness:…"); rate-limit, server-error
	// and hang apply there too.
	FaultHarnessNotFound404 FaultKind = "not-found-404"       // a missing connector, organisation or project answers 404 instead of 400 RESOURCE_NOT_FOUND_EXCEPTION
	FaultHarnessGovernance  FaultKind = "governance"          // a create or update answers 200 with data.governanceMetadata and no entity (an OPA policy denied it); nothing is stored
	FaultHarnessHTML        FaultKind = "html"                // an HTML page (Status, 200 when 0), as from a wrong base URL, a proxy or a WAF
	FaultHarnessTestError   FaultKind = "test-error-envelope" // a failing testConnection answers 400 with Harness's hint chain (code HINT) instead of 200 with data.status FAILURE
	FaultHarnessTestBlocked FaultKind = "test-blocked"        // testConnection fails as when Harness cannot reach Bitbucket (an IP allowlist, a delegate without a route), whatever the credentials
)

// Fault is one injected failure. Path is a prefix of the request path
// (HTTP: the URL path, including any DC context; SSH: "ssh:" followed by the
// repository path as the client sent it, e.g. "ssh:acme/repo.git"; at the
// SSH handshake the path is "ssh:"; the Harness stand-in: "harness:"
// followed by the URL path without any /gateway prefix, e.g.
// "harness:/ng/api/connectors"). "" matches every Bitbucket request; only a
// Path starting with "harness:" reaches the Harness stand-in.
type Fault struct {
	Kind    FaultKind
	Path    string // prefix match, "" = all of Bitbucket
	Times   int    // how many matching requests it affects; 0 = until cleared
	Status  int    // FaultServerError (500 when 0) and FaultHarnessHTML (200 when 0): the status to answer
	Percent int    // 1–99: affects that share of the matching requests, spread evenly; 0 = every one
}

// RequestLog is one request as the emulator saw it: never the credential.
// Tests use it to prove that secrets only travel in headers, never in URLs.
type RequestLog struct {
	Time     time.Time
	Listener string // "cloud", "api", "dc", "mismatch", "ssh" or "harness"
	Method   string // HTTP method, or "SSH" with Path the command's repository
	Path     string // URL path
	Query    string // raw query string
	Auth     string // "Basic", "Bearer", "publickey", "x-api-key" or "" (anonymous)
	User     string // the Basic or SSH user name (not a secret), "" otherwise
	CredType string // the recognised credential, e.g. "api_token" (Harness: "pat" or "sat"), "" when none
	Status   int    // HTTP status; SSH: the exit status, 255 when the handshake or key was refused
	// Leaked is set when a secret the emulator knows (a credential, a
	// Harness API key or secret value) was in the path or query; the log
	// shows [REDACTED] in its place.
	Leaked bool
}

// Start creates the working directory's repositories, keys and
// certificates (reusing what a previous run left in Dir), starts every
// listener on 127.0.0.1 and returns when all of them accept connections.
func Start(opts Options) (*Server, error) { return start(opts) }

// Close stops every listener, ends hanging requests and removes the working
// directory when Start created it.
func (s *Server) Close() error {
	if s == nil || s.st == nil {
		return nil
	}
	return s.st.close()
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	if s != nil && s.st != nil {
		s.st.faults.add(f)
	}
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	if s != nil && s.st != nil {
		s.st.faults.clear()
	}
}

// SetLatency sets the delay added to every HTTP request and SSH session.
func (s *Server) SetLatency(d time.Duration) {
	if s != nil && s.st != nil {
		s.st.latency.Store(int64(d))
	}
}

// SetHarnessLatency sets the delay added to every call of the Harness
// stand-in (on top of SetLatency's).
func (s *Server) SetHarnessLatency(d time.Duration) {
	if s != nil && s.st != nil && s.st.harness != nil {
		s.st.harness.latency.Store(int64(d))
	}
}

// HarnessSecretIs reports whether the Harness stand-in holds the secret
// id at the scope (org and project "" for the account, project "" for an
// organisation) with exactly value (a text secret's value or a file
// secret's content). Tests use it to prove a push or a rotation reached
// Harness; no API call ever returns a value.
func (s *Server) HarnessSecretIs(org, project, id, value string) bool {
	if s == nil || s.st == nil || s.st.harness == nil {
		return false
	}
	h := s.st.harness
	h.mu.RLock()
	defer h.mu.RUnlock()
	sec := h.secrets[hKey{scope: hScope{org: org, project: project}, id: id}]
	return sec != nil && sec.value != nil && subtle.ConstantTimeCompare(sec.value, []byte(value)) == 1
}

// AddSSHKey registers another public key for the SSH user git.
func (s *Server) AddSSHKey(pub ssh.PublicKey) {
	if s != nil && s.st != nil {
		s.st.addKey(pub)
	}
}

// Requests returns a copy of the request log, oldest first (the last
// 10,000 requests).
func (s *Server) Requests() []RequestLog {
	if s == nil || s.st == nil {
		return nil
	}
	return s.st.log.all()
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	if s != nil && s.st != nil {
		s.st.log.reset()
	}
}
