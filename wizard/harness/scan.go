package harness

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultScanWorkers bounds the calls a scan has in flight.
const DefaultScanWorkers = 8

// The scan verdicts.
const (
	// VerdictAppPassword is Http + UsernamePassword with API access
	// "Username and App Password" (UsernameToken): an App Password for sure.
	VerdictAppPassword = "app-password"
	// VerdictUnknown is a Cloud connector with Http + UsernamePassword and no
	// API access: the password may be an App Password, and Harness never
	// shows secret values.
	VerdictUnknown = "unknown"
	// VerdictOK is anything else (Data Center never had App Passwords).
	VerdictOK = "ok"
)

// Finding is one Bitbucket connector a scan found.
type Finding struct {
	Identifier string    `json:"identifier"`
	Name       string    `json:"name"`
	Org        string    `json:"org"`
	Project    string    `json:"project"`
	URL        string    `json:"url"`
	Auth       string    `json:"auth"`       // Http/UsernamePassword or Ssh
	APIAccess  string    `json:"api_access"` // UsernameToken, EmailAndApiToken, AccessToken, OAuth or ""
	Verdict    string    `json:"verdict"`
	LastTest   string    `json:"last_test"` // Harness's last test: SUCCESS, FAILURE, … or ""
	TestedAt   time.Time `json:"-"`
}

// Scope is where the connector lives.
func (f Finding) Scope() Scope { return Scope{Org: f.Org, Project: f.Project} }

// ScanOptions narrows and tunes a scan.
type ScanOptions struct {
	Org      string // only this organisation and its projects
	Project  string // only this project (needs Org)
	Workers  int    // calls in flight (default DefaultScanWorkers; 1 is one scope at a time)
	Progress func(done, total int)
}

// ScopeError is a scope a scan could not list; the rest of the scan goes on.
type ScopeError struct {
	Scope Scope
	Err   error
}

func (e *ScopeError) Error() string { return e.Scope.String() + ": " + e.Err.Error() }

func (e *ScopeError) Unwrap() error { return e.Err }

// Scan lists every Bitbucket connector of the account (or of opts.Org, or
// of one project), visiting each scope since a listing returns only the
// scope asked, with at most opts.Workers calls in flight (429s back off in
// the client). It returns the findings sorted by org, project and
// identifier, plus the scopes it could not list (their errors joined); an
// error that ends the whole scan (the orgs cannot be listed, the context
// ends) comes back alone.
func (c *Client) Scan(ctx context.Context, opts ScanOptions) ([]Finding, error) {
	if opts.Project != "" && opts.Org == "" {
		return nil, errors.New("--project needs --org: a project lives in an organisation")
	}
	s := &scanner{c: c, opts: opts, sem: make(chan struct{}, max(opts.Workers, 1))}
	if opts.Workers <= 0 {
		s.sem = make(chan struct{}, DefaultScanWorkers)
	}
	switch {
	case opts.Project != "":
		s.scope(ctx, Scope{Org: opts.Org, Project: opts.Project})
	case opts.Org != "":
		s.org(ctx, opts.Org)
	default:
		s.scope(ctx, Scope{})
		var orgs []Organization
		err := s.run(ctx, func() (err error) { orgs, err = c.ListOrganizations(ctx); return err })
		if err != nil {
			s.wg.Wait()
			return nil, err
		}
		for _, o := range orgs {
			s.org(ctx, o.Identifier)
		}
	}
	s.wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sortFindings(s.found)
	return s.found, errors.Join(s.errs...)
}

// scanner is one scan's shared state.
type scanner struct {
	c     *Client
	opts  ScanOptions
	sem   chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	found []Finding
	errs  []error
	done  int
	total int
}

// run makes one bounded call.
func (s *scanner) run(ctx context.Context, fn func() error) error {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.sem }()
	return fn()
}

// org lists an organisation's connectors and, once its projects are known,
// each project's, all in the background.
func (s *scanner) org(ctx context.Context, org string) {
	s.scope(ctx, Scope{Org: org})
	s.add(1)
	s.wg.Go(func() {
		var projects []Project
		err := s.run(ctx, func() (err error) { projects, err = s.c.ListProjects(ctx, org); return err })
		s.finish(Scope{Org: org}, nil, err)
		for _, p := range projects {
			s.scope(ctx, Scope{Org: org, Project: p.Identifier})
		}
	})
}

// scope lists one scope's connectors in the background.
func (s *scanner) scope(ctx context.Context, sc Scope) {
	s.add(1)
	s.wg.Go(func() {
		var list []ConnectorResponse
		err := s.run(ctx, func() (err error) { list, err = s.c.ListConnectors(ctx, sc); return err })
		s.finish(sc, list, err)
	})
}

func (s *scanner) add(n int) {
	s.mu.Lock()
	s.total += n
	s.mu.Unlock()
}

func (s *scanner) finish(sc Scope, list []ConnectorResponse, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done++
	if err != nil && ctxErr(err) == nil {
		s.errs = append(s.errs, &ScopeError{Scope: sc, Err: err})
	}
	for _, r := range list {
		s.found = append(s.found, Classify(sc, r))
	}
	if s.opts.Progress != nil {
		s.opts.Progress(s.done, s.total)
	}
}

func ctxErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// Classify turns a listed connector into a finding with its verdict. The
// scope is the listing's, used when the object does not name its own.
func Classify(sc Scope, r ConnectorResponse) Finding {
	conn := r.Connector
	f := Finding{
		Identifier: str(conn, "identifier"), Name: str(conn, "name"),
		Org: str(conn, "orgIdentifier"), Project: str(conn, "projectIdentifier"),
	}
	if f.Org == "" && f.Project == "" {
		f.Org, f.Project = sc.Org, sc.Project
	}
	spec := conn.Spec()
	f.URL = str(spec, "url")
	auth, _ := spec["authentication"].(map[string]any)
	authType := str(auth, "type")
	authSpec, _ := auth["spec"].(map[string]any)
	credType := ""
	if authType == "Http" {
		credType = str(authSpec, "type")
	}
	f.Auth = authType
	if credType != "" {
		f.Auth += "/" + credType
	}
	api, _ := spec["apiAccess"].(map[string]any)
	f.APIAccess = str(api, "type")
	if r.Status != nil {
		f.LastTest = r.Status.Status
		if ms := max(r.Status.TestedAt, r.Status.LastTestedAt); ms > 0 {
			f.TestedAt = time.UnixMilli(ms).UTC()
		}
	}
	httpPassword := authType == "Http" && credType == "UsernamePassword"
	switch {
	case httpPassword && f.APIAccess == "UsernameToken":
		f.Verdict = VerdictAppPassword
	case httpPassword && f.APIAccess == "" && isCloudURL(f.URL):
		f.Verdict = VerdictUnknown
	default:
		f.Verdict = VerdictOK
	}
	return f
}

// isCloudURL reports whether a connector URL is on bitbucket.org.
func isCloudURL(raw string) bool {
	raw = strings.TrimSpace(raw)
	host := ""
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		host = u.Hostname()
	} else if at := strings.Index(raw, "@"); at >= 0 { // git@bitbucket.org:ws/
		host, _, _ = strings.Cut(raw[at+1:], ":")
		host, _, _ = strings.Cut(host, "/")
	}
	host = strings.ToLower(host)
	return host == "bitbucket.org" || host == "www.bitbucket.org"
}

// sortFindings orders by org, project, identifier (account scope first).
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Org != b.Org {
			return a.Org < b.Org
		}
		if a.Project != b.Project {
			return a.Project < b.Project
		}
		return a.Identifier < b.Identifier
	})
}
