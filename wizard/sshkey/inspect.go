package sshkey

import (
	"bytes"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"golang.org/x/crypto/ssh"
)

// MaxKeySize is the largest key file read. A 16384-bit RSA key in PEM is
// about 12 KiB; anything bigger is not a key.
const MaxKeySize = 64 << 10

// Kind is what a key file holds.
type Kind int

// The kinds of key file. Only PEMRSA is accepted: Harness needs an RSA key
// in PEM ("BEGIN RSA PRIVATE KEY") format.
const (
	NotAKey   Kind = iota // not an SSH key at all (or damaged)
	PEMRSA                // RSA private key in PEM format: accepted
	OpenSSH               // any key in OpenSSH format: refused, convertible when RSA
	PublicKey             // a public key given instead of the private one
	OtherPEM              // a PEM private key Harness does not take: EC, DSA, PKCS#8
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case PEMRSA:
		return "pem rsa private key"
	case OpenSSH:
		return "openssh private key"
	case PublicKey:
		return "public key"
	case OtherPEM:
		return "other pem key"
	}
	return "not a key"
}

// Info is what Inspect found out about a key file.
type Info struct {
	Kind          Kind
	Type          string      // SSH key type, e.g. "ssh-rsa", "ssh-ed25519"; "" when unknown
	Encrypted     bool        // the private key needs a passphrase
	Bits          int         // RSA modulus size; 0 when unknown or not RSA
	Fingerprint   string      // "SHA256:…"; "" when the public half is unknown
	AuthorizedKey string      // "ssh-rsa AAAA… comment"; "" when the public half is unknown
	TooOpen       bool        // the file is readable or writable by group or others
	Mode          fs.FileMode // permission bits of the file (Inspect only)
}

// Error is why a key is refused, with the command that fixes it when there is one.
type Error struct {
	Kind Kind
	Msg  string // lowercase, says what is wrong and what to do
	Fix  string // a command to copy and run, or ""
}

// Error returns the message.
func (e *Error) Error() string { return e.Msg }

// keyAlgoDSA is the SSH type of DSA keys, named here only to refuse them.
const keyAlgoDSA = "ssh-dss"

// placeholder names a key read from bytes, not a file (the tests' InspectBytes).
const placeholder = "KEYFILE"

// Inspect reads the key file at path (at most MaxKeySize bytes) and says
// what it is. The error, an *Error for a readable file, says what is wrong and
// what to do: an OpenSSH key gets the conversion command, a public key the
// hint to pick the file without .pub, a key readable by others the chmod
// command (not checked on Windows). An encrypted PEM RSA key is accepted with
// Encrypted set: a passphrase will be needed. When path.pub exists it fills
// in what an encrypted key does not show. A leading ~ is expanded.
func Inspect(path string) (Info, error) {
	path = ExpandHome(path)
	data, mode, err := readKey(path)
	if err != nil {
		return Info{}, err
	}
	info, err := inspect(data, path)
	info.Mode = mode.Perm()
	info.TooOpen = runtime.GOOS != "windows" && mode.Perm()&0o077 != 0
	if info.Kind != PublicKey && info.Kind != NotAKey {
		fillFromPub(&info, path)
	}
	if err != nil {
		return info, err
	}
	if info.TooOpen {
		return info, &Error{
			Kind: info.Kind,
			Msg:  fmt.Sprintf("%s can be read by other users (mode %04o): run: %s", path, info.Mode, ChmodCommand(path)),
			Fix:  ChmodCommand(path),
		}
	}
	return info, nil
}

// subject names the key at the start of a message: its path, or "the key".
func subject(name string) string {
	if name == placeholder {
		return "the key"
	}
	return name
}

// readKey reads a regular file of at most MaxKeySize bytes.
func readKey(path string) ([]byte, fs.FileMode, error) {
	if strings.TrimSpace(path) == "" {
		return nil, 0, errors.New("no key file given: enter the path of your private key, e.g. ~/.ssh/id_rsa")
	}
	f, err := os.Open(path) // #nosec G304 -- the user chooses their own key file.
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, 0, fmt.Errorf("%s does not exist: check the path, or create a key with ssh-keygen", path)
		case errors.Is(err, fs.ErrPermission):
			return nil, 0, fmt.Errorf("%s cannot be read (permission denied): check the file's owner and mode", path)
		}
		return nil, 0, fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, 0, fmt.Errorf("%s is a folder: choose the private key file inside it, e.g. id_rsa", path)
	}
	if !st.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s is not a regular file: choose the private key file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxKeySize+1))
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if len(data) > MaxKeySize {
		return nil, 0, fmt.Errorf("%s is larger than %d KiB: that is not an ssh key, choose the private key file", path, MaxKeySize>>10)
	}
	return data, st.Mode(), nil
}

// inspect classifies data; name is the path or the placeholder.
func inspect(data []byte, name string) (Info, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Info{}, &Error{Msg: subject(name) + " is empty: choose the private key file"}
	}
	if block, _ := pem.Decode(data); block != nil {
		return inspectPEM(block, data, name)
	}
	if info, ok := inspectPublic(trimmed); ok {
		return info, &Error{Kind: PublicKey, Msg: subject(name) + " is a public key; choose the private key (the file without .pub)"}
	}
	if bytes.HasPrefix(trimmed, []byte("PuTTY-User-Key-File-")) {
		return Info{}, &Error{Msg: subject(name) + " is a putty key: in puttygen use conversions > export openssh key (not the new file format) and choose the exported file"}
	}
	return Info{}, &Error{Msg: subject(name) + " is not an ssh private key: choose the private key file, e.g. ~/.ssh/id_rsa"}
}

// inspectPEM classifies a PEM block.
func inspectPEM(block *pem.Block, data []byte, name string) (Info, error) {
	switch block.Type {
	case "RSA PRIVATE KEY":
		return inspectPEMRSA(data, name)
	case "OPENSSH PRIVATE KEY":
		return inspectOpenSSH(data, name)
	case "PRIVATE KEY":
		info := Info{Kind: OtherPEM}
		if key, err := ssh.ParseRawPrivateKey(data); err == nil {
			setPublic(&info, key, "")
		}
		if info.Type == ssh.KeyAlgoRSA {
			return info, &Error{Kind: OtherPEM, Msg: subject(name) + " is an rsa key in pkcs#8 format (begin private key); harness needs pem (begin rsa private key): back it up, then run: " + ConvertCommand(name), Fix: ConvertCommand(name)}
		}
		return info, &Error{Kind: OtherPEM, Msg: subject(name) + " is a pkcs#8 " + typeWord(info.Type) + "key; harness needs an rsa key in pem format: " + newKeyHint()}
	case "ENCRYPTED PRIVATE KEY":
		return Info{Kind: OtherPEM, Encrypted: true}, &Error{Kind: OtherPEM, Msg: subject(name) + " is an encrypted pkcs#8 key; harness needs pem (begin rsa private key): back it up, then run: " + ConvertCommand(name), Fix: ConvertCommand(name)}
	case "EC PRIVATE KEY":
		info := Info{Kind: OtherPEM, Type: "ecdsa", Encrypted: isEncrypted(block)}
		if key, err := ssh.ParseRawPrivateKey(data); err == nil {
			setPublic(&info, key, "")
		}
		return info, &Error{Kind: OtherPEM, Msg: subject(name) + " is an ecdsa key; harness needs an rsa key in pem format: " + newKeyHint()}
	case "DSA PRIVATE KEY":
		return Info{Kind: OtherPEM, Type: keyAlgoDSA, Encrypted: isEncrypted(block)}, &Error{Kind: OtherPEM, Msg: subject(name) + " is a dsa key, which bitbucket no longer accepts: " + newKeyHint()}
	case "PUBLIC KEY", "RSA PUBLIC KEY", "SSH2 PUBLIC KEY":
		return Info{Kind: PublicKey}, &Error{Kind: PublicKey, Msg: subject(name) + " is a public key; choose the private key (the file without .pub)"}
	case "CERTIFICATE":
		return Info{}, &Error{Msg: subject(name) + " is an x.509 certificate, not an ssh key: choose the private key file, e.g. ~/.ssh/id_rsa"}
	}
	return Info{}, &Error{Msg: fmt.Sprintf("%s holds a pem %q block, not an ssh private key: choose the private key file", subject(name), strings.ToLower(block.Type))}
}

// inspectPEMRSA checks an RSA PEM key: the accepted kind.
func inspectPEMRSA(data []byte, name string) (Info, error) {
	info := Info{Kind: PEMRSA, Type: ssh.KeyAlgoRSA}
	key, err := ssh.ParseRawPrivateKey(data)
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		info.Encrypted = true
		return info, nil
	case err != nil:
		return Info{}, &Error{Msg: subject(name) + " looks like an rsa key but is damaged: choose another key, or " + newKeyHint()}
	}
	setPublic(&info, key, "")
	return info, nil
}

// inspectOpenSSH reads what it can of an OpenSSH-format key.
func inspectOpenSSH(data []byte, name string) (Info, error) {
	info := Info{Kind: OpenSSH}
	key, err := ssh.ParseRawPrivateKey(data)
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		info.Encrypted = true
		if missing.PublicKey != nil {
			setPublicKey(&info, missing.PublicKey, "")
		}
	case err == nil:
		setPublic(&info, key, "")
	default:
		return Info{Kind: OpenSSH}, &Error{Kind: OpenSSH, Msg: subject(name) + " is an openssh key that cannot be read (damaged or an unsupported type): choose another key, or " + newKeyHint()}
	}
	if info.Type == ssh.KeyAlgoRSA {
		return info, &Error{Kind: OpenSSH, Msg: subject(name) + " is in openssh format; harness needs pem: back it up, then run: " + ConvertCommand(name), Fix: ConvertCommand(name)}
	}
	return info, &Error{Kind: OpenSSH, Msg: subject(name) + " is an openssh " + typeWord(info.Type) + "key; harness needs an rsa key in pem format: " + newKeyHint()}
}

// inspectPublic recognises an authorized_keys line or an RFC 4716 public key.
func inspectPublic(data []byte) (Info, bool) {
	if pub, comment, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
		info := Info{Kind: PublicKey}
		setPublicKey(&info, pub, comment)
		return info, true
	}
	if bytes.HasPrefix(data, []byte("---- BEGIN SSH2 PUBLIC KEY ----")) {
		return Info{Kind: PublicKey}, true
	}
	return Info{}, false
}

// setPublic fills the public fields from a parsed private key.
func setPublic(info *Info, key any, comment string) {
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		return
	}
	setPublicKey(info, signer.PublicKey(), comment)
}

// setPublicKey fills the public fields from a public key.
func setPublicKey(info *Info, pub ssh.PublicKey, comment string) {
	info.Type = pub.Type()
	info.Fingerprint = ssh.FingerprintSHA256(pub)
	info.AuthorizedKey = authorizedLine(pub, comment)
	info.Bits = rsaBits(pub)
}

// fillFromPub completes info from path.pub: the comment always, the whole
// public half when the private key did not show it. A .pub that does not
// match the private key is ignored.
func fillFromPub(info *Info, path string) {
	pub, comment, ok := readPub(path + ".pub")
	if !ok {
		return
	}
	switch {
	case info.Fingerprint == "":
		if info.Type != "" && info.Type != pub.Type() {
			return
		}
		setPublicKey(info, pub, comment)
	case info.Fingerprint == ssh.FingerprintSHA256(pub):
		info.AuthorizedKey = authorizedLine(pub, comment)
	}
}

// readPub reads an authorized_keys line from a small file.
func readPub(path string) (ssh.PublicKey, string, bool) {
	f, err := os.Open(path) // #nosec G304 -- the .pub beside the user's key.
	if err != nil {
		return nil, "", false
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(io.LimitReader(f, MaxKeySize))
	if err != nil {
		return nil, "", false
	}
	pub, comment, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		return nil, "", false
	}
	return pub, comment, true
}

// authorizedLine is "type base64 comment" without a trailing newline.
func authorizedLine(pub ssh.PublicKey, comment string) string {
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	if c := strings.TrimSpace(comment); c != "" {
		line += " " + c
	}
	return line
}

// rsaBits is the modulus size of an RSA public key, else 0.
func rsaBits(pub ssh.PublicKey) int {
	cpk, ok := pub.(ssh.CryptoPublicKey)
	if !ok {
		return 0
	}
	if k, ok := cpk.CryptoPublicKey().(*rsa.PublicKey); ok && k.N != nil {
		return k.N.BitLen()
	}
	return 0
}

func isEncrypted(block *pem.Block) bool {
	return strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED")
}

// typeWord turns an SSH key type into a word for messages, with a trailing space.
func typeWord(t string) string {
	switch {
	case t == "":
		return ""
	case strings.Contains(t, "ed25519"):
		return "ed25519 "
	case strings.Contains(t, "ecdsa"):
		return "ecdsa "
	case t == ssh.KeyAlgoRSA:
		return "rsa "
	case t == keyAlgoDSA:
		return "dsa "
	}
	return ""
}

// newKeyHint tells how to make a key Harness takes.
func newKeyHint() string {
	return "create one with: ssh-keygen -t rsa -b 4096 -m PEM -f NEWFILE"
}
