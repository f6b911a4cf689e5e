// Package cli is the bbconnect command line: cobra commands in the shape
// of cli/cli (NewCmdX(f) + XOptions + xRun), an IOStreams value with a
// Test constructor, and the exit statuses in one place (exit.go).
//
// The Factory holds only infrastructure: the streams, the environment,
// the clock, the folder of the saved connectors, the keychain and the
// wizard's runner (package wire). The commands call the domain packages
// themselves: conntest for the live test (its configuration comes from
// the environment and the flags, so tests point it at the local
// emulator), sshkey, export, keychain/rotate, and the Harness client.
// Secrets come from standard input or the environment, never from a flag
// value, and never reach an error, a log or an argument list.
package cli
