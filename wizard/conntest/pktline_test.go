package conntest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const (
	oidA = "1111111111111111111111111111111111111111"
	oidB = "2222222222222222222222222222222222222222"
	zero = "0000000000000000000000000000000000000000"
)

// encodeAdv builds a ref advertisement: HEAD, branches, tags (each tag
// also peeled), with the given default branch as symref.
func encodeAdv(branches, tags int, def string, smartHTTP bool) string {
	var b strings.Builder
	if smartHTTP {
		b.WriteString(pktLine("# service=git-upload-pack\n"))
		b.WriteString("0000")
	}
	caps := "multi_ack thin-pack side-band side-band-64k ofs-delta shallow no-progress include-tag agent=git/2.43"
	if def != "" {
		caps = "symref=HEAD:refs/heads/" + def + " " + caps
	}
	if branches == 0 && tags == 0 {
		b.WriteString(pktLine(zero + " capabilities^{}\x00" + caps + "\n"))
		b.WriteString("0000")
		return b.String()
	}
	b.WriteString(pktLine(oidA + " HEAD\x00" + caps + "\n"))
	for i := range branches {
		b.WriteString(pktLine(fmt.Sprintf("%s refs/heads/b%d\n", oidA, i)))
	}
	for i := range tags {
		b.WriteString(pktLine(fmt.Sprintf("%s refs/tags/v%d\n", oidB, i)))
		b.WriteString(pktLine(fmt.Sprintf("%s refs/tags/v%d^{}\n", oidA, i)))
	}
	b.WriteString("0000")
	return b.String()
}

func TestParseAdvertisement(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		http      bool
		refs      int
		branches  int
		tags      int
		def       string
		empty     bool
		errSubstr string
	}{
		{name: "http with symref", in: encodeAdv(2, 1, "main", true), http: true, refs: 3, branches: 2, tags: 1, def: "main"},
		{name: "ssh with symref", in: encodeAdv(1, 0, "develop", false), refs: 1, branches: 1, def: "develop"},
		{name: "no symref falls back to HEAD's branch", in: encodeAdv(1, 2, "", false), refs: 3, branches: 1, tags: 2, def: "b0"},
		{name: "empty repository", in: encodeAdv(0, 0, "", true), http: true, empty: true},
		{name: "empty bare flush", in: "0000", empty: true},
		{name: "version 1 line", in: pktLine("version 1\n") + encodeAdv(1, 0, "main", false), refs: 1, branches: 1, def: "main"},
		{name: "missing service header", in: encodeAdv(1, 0, "main", false), http: true, errSubstr: "service header"},
		{name: "wrong service", in: pktLine("# service=git-receive-pack\n") + "0000", http: true, errSubstr: "service"},
		{name: "protocol v2", in: pktLine("version 2\n") + "0000", errSubstr: "protocol"},
		{name: "ERR line", in: pktLine("ERR access denied\n"), errSubstr: "access denied"},
		{name: "truncated", in: "00ff" + oidA, errSubstr: "truncated"},
		{name: "bad length", in: "zzzz", errSubstr: "length"},
		{name: "length too small", in: "0003", errSubstr: "length"},
		{name: "eof before flush", in: pktLine(oidA + " refs/heads/main\n"), errSubstr: "closed the stream early"},
		{name: "bad oid", in: pktLine("xyz refs/heads/main\n") + "0000", errSubstr: "malformed"},
		{name: "html page", in: "<html><body>login</body></html>", errSubstr: "length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseAdvertisement(strings.NewReader(tt.in), tt.http)
			if tt.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errSubstr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if a.Refs != tt.refs || a.Branches != tt.branches || a.Tags != tt.tags || a.DefaultBranch != tt.def || a.Empty() != tt.empty {
				t.Fatalf("got %+v, want refs=%d branches=%d tags=%d def=%q empty=%v", a, tt.refs, tt.branches, tt.tags, tt.def, tt.empty)
			}
		})
	}
}

func TestRemoteErrorIsTyped(t *testing.T) {
	_, err := ParseAdvertisement(strings.NewReader(pktLine("ERR repo \x1b[31mgone\n")), false)
	var re *RemoteError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *RemoteError", err)
	}
	if strings.ContainsRune(re.Msg, 0x1b) {
		t.Fatalf("control characters kept: %q", re.Msg)
	}
}

func FuzzParseAdvertisement(f *testing.F) {
	f.Add([]byte(encodeAdv(2, 1, "main", true)), true)
	f.Add([]byte(encodeAdv(0, 0, "", false)), false)
	f.Add([]byte(pktLine("ERR x\n")), false)
	f.Add([]byte("0000"), false)
	f.Add([]byte("00041234"), true)
	f.Fuzz(func(t *testing.T, data []byte, http bool) {
		a, err := ParseAdvertisement(strings.NewReader(string(data)), http)
		if err != nil {
			return
		}
		if a.Refs < 0 || a.Branches+a.Tags > a.Refs || a.Empty() != (a.Refs == 0) {
			t.Fatalf("inconsistent advertisement %+v", a)
		}
	})
}

func FuzzAdvertisementRoundTrip(f *testing.F) {
	f.Add(uint8(2), uint8(1), "main", true)
	f.Add(uint8(0), uint8(0), "", false)
	f.Add(uint8(1), uint8(3), "feature/x", false)
	f.Fuzz(func(t *testing.T, branches, tags uint8, def string, http bool) {
		if strings.ContainsAny(def, " \x00\n") || !isPrintable(def) {
			def = "main"
		}
		in := encodeAdv(int(branches), int(tags), def, http)
		a, err := ParseAdvertisement(strings.NewReader(in), http)
		if err != nil {
			t.Fatalf("parse of a valid advertisement failed: %v", err)
		}
		want := int(branches) + int(tags)
		if a.Refs != want || a.Branches != int(branches) || a.Tags != int(tags) {
			t.Fatalf("got %+v for %d branches, %d tags", a, branches, tags)
		}
		if want > 0 && def != "" && a.DefaultBranch != def {
			t.Fatalf("default branch %q, want %q", a.DefaultBranch, def)
		}
	})
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r < 0x21 || r == 0x7f || r == 0xfffd {
			return false
		}
	}
	return true
}

// FuzzClean: a server text comes out as valid UTF-8 with no control
// character (C0, DEL, C1), at most n runes plus the ellipsis.
// pktLine encodes one pkt-line, for tests.
func pktLine(s string) string { return fmt.Sprintf("%04x%s", len(s)+4, s) }
