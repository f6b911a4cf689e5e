package wizard

// This file is the URL contract. The implementation (normalising, building
// the test URL, parsing pasted clone URLs, catching Data Center extra
// segments) lives in the url_*.go files.

// ParsedURL is what a pasted clone or browser URL implies.
//
// A ParsedURL returned by ParseCloneURL renders back with String, and
// ParseCloneURL(p.String()) == p for every such p whose PasswordDropped is
// false (String never renders a password).
type ParsedURL struct {
	Edition     Edition
	Connection  Connection
	Scheme      string // "https", "http", "ssh" (scp-style is reported as "ssh")
	Host        string // without port
	Port        string // "" when default
	ContextPath string // Data Center context path before /scm, e.g. "/bitbucket"; "" otherwise
	Owner       string // Cloud workspace or Data Center project key ("" when the URL names neither)
	Repo        string // repository slug without .git ("" for account URLs)
	User        string // user named in the URL (never a password: passwords are dropped)
	SCPStyle    bool   // git@host:path form

	// Extra holds the Data Center path segments found between /scm (or
	// the start of an SSH path) and the project, joined with "/", e.g.
	// "DESCRIPTOR" in /scm/DESCRIPTOR/PROJECT/REPO.git. Harness API calls
	// fail with them; validation proposes the URL without them.
	Extra string
	// PasswordDropped is true when the pasted URL carried a password,
	// which was dropped and is kept nowhere.
	PasswordDropped bool
}
