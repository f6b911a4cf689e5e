package conntest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bbconnect/bbconnect/wizard"
)

// maxPktLen is the largest pkt-line git allows, length prefix included.
const maxPktLen = 65520

// Advertisement is what a git server advertises before a fetch (protocol
// v0/v1): how many refs, the default branch and the capabilities.
type Advertisement struct {
	Refs          int      // refs advertised, HEAD and peeled tags not counted
	Branches      int      // refs under refs/heads/
	Tags          int      // refs under refs/tags/ (peeled entries not counted)
	DefaultBranch string   // from symref=HEAD:refs/heads/X, or the branch HEAD points at; "" when unknown
	Capabilities  []string // from the first line
}

// Empty reports whether the repository advertised no refs at all.
func (a Advertisement) Empty() bool { return a.Refs == 0 }

// RemoteError is an "ERR" pkt-line the server sent instead of refs.
type RemoteError struct{ Msg string }

// Error renders the server's message, cleaned of control characters.
func (e *RemoteError) Error() string { return "server said: " + e.Msg }

// errNotAdvertisement is returned for anything that is not a ref advertisement.
var errNotAdvertisement = errors.New("not a git ref advertisement")

// ParseAdvertisement reads a git ref advertisement in pkt-line format from
// r up to the flush-pkt that ends it. With smartHTTP it first expects the
// "# service=git-upload-pack" header of the smart-HTTP info/refs answer.
// An empty repository ("capabilities^{}" only, or a bare flush) gives an
// Advertisement with no refs.
func ParseAdvertisement(r io.Reader, smartHTTP bool) (Advertisement, error) {
	br := bufio.NewReader(r)
	var a Advertisement
	buf := make([]byte, maxPktLen)
	first := true
	var headOID, headCandidate string
	for {
		line, flush, err := readPkt(br, buf)
		if err != nil {
			return a, err
		}
		if smartHTTP {
			smartHTTP = false
			if flush || !strings.HasPrefix(line, "# service=") {
				return a, fmt.Errorf("%w: missing the smart-http service header", errNotAdvertisement)
			}
			if svc := strings.TrimPrefix(line, "# service="); svc != "git-upload-pack" {
				return a, fmt.Errorf("%w: service %q", errNotAdvertisement, wizard.OneLine(svc, 40))
			}
			// A flush follows the header; some servers omit it.
			if b, perr := br.Peek(4); perr == nil && string(b) == "0000" {
				_, _ = br.Discard(4)
			}
			continue
		}
		if flush {
			break
		}
		if strings.HasPrefix(line, "ERR ") {
			return a, &RemoteError{Msg: wizard.OneLine(strings.TrimPrefix(line, "ERR "), 200)}
		}
		if first && strings.HasPrefix(line, "version ") {
			if line != "version 1" {
				return a, fmt.Errorf("%w: protocol %q", errNotAdvertisement, wizard.OneLine(line, 20))
			}
			continue
		}
		ref := line
		if first {
			var caps string
			ref, caps, _ = strings.Cut(line, "\x00")
			a.Capabilities = strings.Fields(caps)
			a.DefaultBranch = symrefHead(a.Capabilities)
		}
		first = false
		oid, name, ok := strings.Cut(ref, " ")
		if !ok || !isOID(oid) || name == "" || strings.ContainsAny(name, " \x00") {
			return a, fmt.Errorf("%w: malformed ref line", errNotAdvertisement)
		}
		switch {
		case name == "capabilities^{}":
		case strings.HasSuffix(name, "^{}"):
		case name == "HEAD":
			headOID = oid
		default:
			a.Refs++
			if b, isBranch := strings.CutPrefix(name, "refs/heads/"); isBranch {
				a.Branches++
				if headCandidate == "" && oid == headOID {
					headCandidate = b
				}
			} else if strings.HasPrefix(name, "refs/tags/") {
				a.Tags++
			}
		}
	}
	if a.DefaultBranch == "" {
		a.DefaultBranch = headCandidate
	}
	return a, nil
}

// readPkt reads one pkt-line; flush reports a "0000".
func readPkt(br *bufio.Reader, buf []byte) (line string, flush bool, err error) {
	if _, err = io.ReadFull(br, buf[:4]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return "", false, fmt.Errorf("%w: the server closed the stream early", errNotAdvertisement)
		}
		return "", false, err
	}
	n, perr := strconv.ParseUint(string(buf[:4]), 16, 16)
	switch {
	case perr != nil:
		return "", false, fmt.Errorf("%w: bad pkt-line length", errNotAdvertisement)
	case n == 0:
		return "", true, nil
	case n < 4 || n > maxPktLen:
		return "", false, fmt.Errorf("%w: pkt-line length %d", errNotAdvertisement, n)
	}
	if _, err = io.ReadFull(br, buf[4:n]); err != nil {
		return "", false, fmt.Errorf("%w: truncated pkt-line", errNotAdvertisement)
	}
	return strings.TrimSuffix(string(buf[4:n]), "\n"), false, nil
}

// symrefHead returns X from a "symref=HEAD:refs/heads/X" capability.
func symrefHead(caps []string) string {
	for _, c := range caps {
		if b, ok := strings.CutPrefix(c, "symref=HEAD:refs/heads/"); ok {
			return b
		}
	}
	return ""
}

func isOID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
