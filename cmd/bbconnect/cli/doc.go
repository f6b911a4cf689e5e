// Package cli is the bbconnect command line: cobra commands in the shape
// of cli/cli (NewCmdX(f, runF) + XOptions + xRun), an IOStreams value with
// a Test constructor, and the exit statuses in one place (exit.go).
//
// The commands reach the keychain, the saved connectors, the export, the
// live connection test and the wizard only through the Factory, whose
// services package wire fills in; a service left nil is reported as not
// available, never pretended. Secrets come from standard input or the
// environment, never from a flag value, and never reach an error, a log
// or an argument list.
package cli
