package sshkey

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestInspectFixtures(t *testing.T) {
	tests := []struct {
		name      string
		kind      Kind
		typ       string
		encrypted bool
		bits      int
		wantErr   string // "" when accepted
		wantFix   bool
		wantFP    bool
	}{
		{"rsa_pem", PEMRSA, "ssh-rsa", false, 1024, "", false, true},
		{"rsa_pem_enc", PEMRSA, "ssh-rsa", true, 1024, "", false, true}, // public half from .pub
		{"rsa_openssh", OpenSSH, "ssh-rsa", false, 1024, "is in openssh format; harness needs pem: back it up, then run: ssh-keygen -p -m PEM -f ", true, true},
		{"rsa_openssh_enc", OpenSSH, "ssh-rsa", true, 1024, "is in openssh format; harness needs pem", true, true},
		{"rsa_pkcs8", OtherPEM, "ssh-rsa", false, 1024, "pkcs#8", true, true},
		{"ed25519", OpenSSH, "ssh-ed25519", false, 0, "is an openssh ed25519 key; harness needs an rsa key in pem format: create one with: ssh-keygen -t rsa -b 4096 -m PEM", false, true},
		{"ed25519_enc", OpenSSH, "ssh-ed25519", true, 0, "openssh ed25519 key", false, true},
		{"ecdsa", OpenSSH, "ecdsa-sha2-nistp256", false, 0, "openssh ecdsa key", false, true},
		{"ecdsa_pem", OtherPEM, "ecdsa-sha2-nistp256", false, 0, "is an ecdsa key; harness needs an rsa key", false, true},
		{"ecdsa_pkcs8_enc", OtherPEM, "", true, 0, "encrypted pkcs#8", true, true}, // public half from .pub
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := key(t, tt.name)
			info, err := Inspect(path)
			checkInfo(t, info, err, tt.kind, tt.typ, tt.encrypted, tt.bits, tt.wantErr)
			if tt.wantErr != "" {
				var ke *Error
				if !errors.As(err, &ke) || ke.Kind != tt.kind {
					t.Fatalf("error %v is not an *Error of kind %v", err, tt.kind)
				}
				if (ke.Fix != "") != tt.wantFix {
					t.Errorf("Fix = %q, want fix: %v", ke.Fix, tt.wantFix)
				}
				if ke.Fix != "" && ke.Fix != ConvertCommand(path) {
					t.Errorf("Fix = %q, want %q", ke.Fix, ConvertCommand(path))
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name the file", err)
				}
			}
			if tt.wantFP != (info.Fingerprint != "") {
				t.Fatalf("fingerprint %q, want one: %v", info.Fingerprint, tt.wantFP)
			}
			if info.Fingerprint != "" {
				if want := keygenFingerprint(t, path+".pub"); info.Fingerprint != want {
					t.Errorf("fingerprint %s, ssh-keygen says %s", info.Fingerprint, want)
				}
				if want := "fixture-" + tt.name; !strings.HasSuffix(info.AuthorizedKey, " "+want) {
					t.Errorf("authorized key %q lacks the comment %q from .pub", info.AuthorizedKey, want)
				}
			}
			if info.Mode != 0o600 || info.TooOpen {
				t.Errorf("mode %o too open %v", info.Mode, info.TooOpen)
			}
		})
	}
}

func TestInspectPublicKeyFile(t *testing.T) {
	for _, name := range []string{"rsa_pem", "ed25519"} {
		info, err := Inspect(key(t, name) + ".pub")
		checkInfo(t, info, err, PublicKey, "", false, -1, "is a public key; choose the private key (the file without .pub)")
		if info.Fingerprint == "" {
			t.Errorf("%s.pub: no fingerprint", name)
		}
	}
}

func checkInfo(t *testing.T, info Info, err error, kind Kind, typ string, encrypted bool, bits int, wantErr string) {
	t.Helper()
	if wantErr == "" && err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if wantErr != "" {
		if err == nil {
			t.Fatalf("no error, want %q", wantErr)
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error %q does not contain %q", err, wantErr)
		}
		if msg := err.Error(); msg != strings.ToLower(msg[:1])+msg[1:] {
			t.Errorf("error %q does not start lowercase", msg)
		}
	}
	if info.Kind != kind {
		t.Errorf("kind %v, want %v", info.Kind, kind)
	}
	if typ != "" && info.Type != typ {
		t.Errorf("type %q, want %q", info.Type, typ)
	}
	if info.Encrypted != encrypted {
		t.Errorf("encrypted %v, want %v", info.Encrypted, encrypted)
	}
	if bits >= 0 && info.Bits != bits {
		t.Errorf("bits %d, want %d", info.Bits, bits)
	}
}

// keygenFingerprint asks the real ssh-keygen for a public key's SHA256 fingerprint.
func keygenFingerprint(t *testing.T, pub string) string {
	t.Helper()
	out, err := exec.Command(Program, "-l", "-E", "sha256", "-f", pub).Output() // #nosec G204 -- test.
	if err != nil {
		t.Fatalf("ssh-keygen -l %s: %v", pub, err)
	}
	fields := strings.Fields(string(out))
	if len(fields) < 2 {
		t.Fatalf("ssh-keygen -l: %q", out)
	}
	return fields[1]
}

func TestInspectEncryptedWithoutPub(t *testing.T) {
	path := copyKey(t, "rsa_pem_enc", 0o600, false)
	info, err := Inspect(path)
	checkInfo(t, info, err, PEMRSA, "ssh-rsa", true, 0, "")
	if info.Fingerprint != "" || info.AuthorizedKey != "" {
		t.Errorf("an encrypted pem key alone cannot show its public half: %+v", info)
	}
}

func TestInspectMismatchedPub(t *testing.T) {
	path := copyKey(t, "rsa_pem", 0o600, false)
	other, err := os.ReadFile(key(t, "rsa_openssh") + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".pub", other, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := Inspect(path)
	checkInfo(t, info, err, PEMRSA, "ssh-rsa", false, 1024, "")
	if want := keygenFingerprint(t, key(t, "rsa_pem")+".pub"); info.Fingerprint != want {
		t.Errorf("fingerprint %s, want the private key's %s", info.Fingerprint, want)
	}
	if strings.Contains(info.AuthorizedKey, "fixture-") {
		t.Errorf("took the comment of a .pub that does not match: %q", info.AuthorizedKey)
	}
}

func TestInspectFileProblems(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope"), "does not exist: check the path"},
		{"folder", dir, "is a folder: choose the private key file inside it"},
		{"empty path", "", "no key file given"},
		{"empty file", write("empty", nil, 0o600), "is empty"},
		{"blank file", write("blank", []byte(" \n\t\n"), 0o600), "is empty"},
		{"too large", write("big", bytes.Repeat([]byte("a"), MaxKeySize+1), 0o600), "is larger than 64 KiB"},
		{"garbage", write("garbage", []byte("hello world\n"), 0o600), "is not an ssh private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Inspect(%q) error %v, want %q", tt.path, err, tt.want)
			}
		})
	}
}

func TestInspectTooOpen(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes are not checked on windows")
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o666} {
		path := copyKey(t, "rsa_pem", mode, true)
		info, err := Inspect(path)
		if !info.TooOpen || info.Mode != mode {
			t.Errorf("mode %o: info %+v", mode, info)
		}
		var ke *Error
		if !errors.As(err, &ke) || ke.Fix != "chmod 600 "+path || !strings.Contains(err.Error(), "run: chmod 600 "+path) {
			t.Errorf("mode %o: error %v", mode, err)
		}
		if info.Kind != PEMRSA || info.Fingerprint == "" {
			t.Errorf("mode %o: key not read: %+v", mode, info)
		}
	}
	for _, mode := range []os.FileMode{0o600, 0o400, 0o700} {
		path := copyKey(t, "rsa_pem", mode, false)
		if info, err := Inspect(path); err != nil || info.TooOpen {
			t.Errorf("mode %o: %+v %v", mode, info, err)
		}
	}
}

func TestInspectBytes(t *testing.T) {
	pub, err := os.ReadFile(key(t, "rsa_pem") + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	ssh2, err := exec.Command(Program, "-e", "-f", key(t, "rsa_pem")+".pub").Output() // #nosec G204 -- test.
	if err != nil {
		t.Fatal(err)
	}
	pemRSA, err := os.ReadFile(key(t, "rsa_pem"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		kind Kind
		want string
	}{
		{"pem rsa", pemRSA, PEMRSA, ""},
		{"pem rsa crlf", bytes.ReplaceAll(pemRSA, []byte("\n"), []byte("\r\n")), PEMRSA, ""},
		{"pem rsa with leading text", append([]byte("my key:\n"), pemRSA...), PEMRSA, ""},
		{"authorized line", pub, PublicKey, "the key is a public key"},
		{"ssh2 public", ssh2, PublicKey, "is a public key"},
		{"pem public", []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), PublicKey, "is a public key"},
		{"certificate", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), NotAKey, "x.509 certificate"},
		{"dsa", []byte("-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n"), OtherPEM, "dsa key"},
		{"damaged rsa", []byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"), NotAKey, "damaged"},
		{"damaged openssh", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), OpenSSH, "cannot be read"},
		{"other pem", []byte("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"), NotAKey, `pem "foo" block`},
		{"putty", []byte("PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n"), NotAKey, "putty key"},
		{"garbage", []byte("\x00\x01\x02"), NotAKey, "the key is not an ssh private key"},
		{"empty", nil, NotAKey, "the key is empty"},
		{"huge", bytes.Repeat([]byte{'A'}, MaxKeySize+1), NotAKey, "larger than 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := InspectBytes(tt.data)
			if info.Kind != tt.kind {
				t.Errorf("kind %v, want %v", info.Kind, tt.kind)
			}
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{PEMRSA: "pem rsa private key", OpenSSH: "openssh private key", PublicKey: "public key", OtherPEM: "other pem key", NotAKey: "not a key", Kind(42): "not a key"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func TestSigner(t *testing.T) {
	tests := []struct {
		name, key, pass, want string
	}{
		{"plain", "rsa_pem", "", ""},
		{"plain ignores passphrase", "rsa_pem", "whatever", ""},
		{"encrypted", "rsa_pem_enc", testPassphrase, ""},
		{"encrypted no passphrase", "rsa_pem_enc", "", "is protected by a passphrase: enter it"},
		{"encrypted wrong passphrase", "rsa_pem_enc", "wrong-passphrase", "wrong passphrase for"},
		{"openssh refused", "rsa_openssh", "", "is in openssh format"},
		{"ed25519 refused", "ed25519", "", "harness needs an rsa key"},
		{"public refused", "rsa_pem.pub", "", "is a public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := key(t, tt.key)
			s, err := Signer(path, []byte(tt.pass))
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error %v, want %q", err, tt.want)
				}
				if tt.pass != "" && strings.Contains(err.Error(), tt.pass) {
					t.Fatalf("error %q shows the passphrase", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := ssh.FingerprintSHA256(s.PublicKey()), keygenFingerprint(t, path+".pub"); got != want {
				t.Errorf("signer key %s, want %s", got, want)
			}
			data := []byte("challenge")
			sig, err := s.Sign(nil, data)
			if err == nil {
				err = s.PublicKey().Verify(data, sig)
			}
			if err != nil {
				t.Fatalf("sign/verify: %v", err)
			}
		})
	}
}

// InspectBytes says what data holds, like Inspect without the file checks.
// Messages call it "the key" and write KEYFILE in the commands they suggest.
func InspectBytes(data []byte) (Info, error) {
	if len(data) > MaxKeySize {
		return Info{}, &Error{Msg: fmt.Sprintf("the key is larger than %d KiB: that is not an ssh key, choose the private key file", MaxKeySize>>10)}
	}
	return inspect(data, placeholder)
}
