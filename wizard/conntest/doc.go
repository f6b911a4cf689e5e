// Package conntest is the live connection test of a Bitbucket connector:
// independent checks (reach, git read access, API access, scopes,
// visibility, credential age) run in parallel, each under its own timeout
// and one overall deadline, and each ends pass, warn, fail or skipped with
// a one-line diagnosis and the fix. It also lists the repositories a
// credential sees, for the wizard's repository picker.
//
// Secrets travel only in request headers or the SSH handshake: never in a
// URL, an argument list, a log line or an error. Git is spoken in-process
// (smart-HTTP and SSH ref advertisements); no git subprocess is started.
package conntest
