package cli

import "bytes"

// BufferStreams returns streams backed by buffers, none of them a terminal,
// and the buffers: what to read as stdin, and what was written to stdout and
// stderr. Tests flip the terminal flags with SetStdinTTY and SetStdoutTTY.
func BufferStreams() (ios *IOStreams, stdin, stdout, stderr *bytes.Buffer) {
	stdin, stdout, stderr = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: stdin, Out: stdout, ErrOut: stderr}, stdin, stdout, stderr
}
