// Package wizard is the domain of bbconnect: the Bitbucket connector model
// that mirrors the Harness connector settings, the rules that validate it,
// URL building and parsing, the App Password timeline and the required
// API-token scopes.
//
// It imports nothing from the terminal UI. The TUI, the non-interactive
// command line and the tests all drive the same rules from here.
package wizard
