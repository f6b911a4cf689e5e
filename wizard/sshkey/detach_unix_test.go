//go:build unix

package sshkey

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in a new session, without a controlling terminal, so
// ssh-keygen reads passphrases from standard input even when the tests run
// in a terminal.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
