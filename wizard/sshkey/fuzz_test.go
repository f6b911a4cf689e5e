package sshkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// seedKeys makes a few keys in Go, so the fuzz seeds do not need ssh-keygen.
func seedKeys(f *testing.F) [][]byte {
	f.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		f.Fatal(err)
	}
	_, ek, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	ck, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(rk)
	if err != nil {
		f.Fatal(err)
	}
	ecDER, err := x509.MarshalECPrivateKey(ck)
	if err != nil {
		f.Fatal(err)
	}
	// One encrypted OpenSSH key: its bcrypt KDF is slow under -race.
	enc, err := ssh.MarshalPrivateKeyWithPassphrase(ek, "seed", []byte(testPassphrase))
	if err != nil {
		f.Fatal(err)
	}
	out := [][]byte{pem.EncodeToMemory(enc)}
	out = append(out,
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}),
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00000000000000000000000000000000"}, Bytes: []byte{1, 2, 3}}),
	)
	for _, k := range []any{rk, ek, ck} {
		b, err := ssh.MarshalPrivateKey(k, "seed")
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, pem.EncodeToMemory(b))
		s, err := ssh.NewSignerFromKey(k)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, ssh.MarshalAuthorizedKey(s.PublicKey()))
	}
	return out
}

// FuzzInspectBytes feeds anything to InspectBytes: it must not panic, only
// accept PEM RSA keys, explain every refusal in lowercase, and for an
// unencrypted key give a public half that parses back to the same
// fingerprint.
func FuzzInspectBytes(f *testing.F) {
	for _, k := range seedKeys(f) {
		f.Add(k)
	}
	for _, s := range []string{
		"", "garbage", "-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n",
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n",
		"---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----\n",
		"PuTTY-User-Key-File-3: ssh-rsa\n", "ssh-rsa AAAA comment",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := InspectBytes(data)
		if err == nil {
			if info.Kind != PEMRSA {
				t.Fatalf("accepted a %v", info.Kind)
			}
		} else {
			msg := err.Error()
			if msg == "" || strings.ToLower(msg[:1]) != msg[:1] {
				t.Fatalf("error %q is empty or not lowercase", msg)
			}
		}
		if info.AuthorizedKey != "" {
			pub, _, _, _, perr := ssh.ParseAuthorizedKey([]byte(info.AuthorizedKey))
			if perr != nil {
				t.Fatalf("authorized key %q does not parse: %v", info.AuthorizedKey, perr)
			}
			if got := ssh.FingerprintSHA256(pub); got != info.Fingerprint {
				t.Fatalf("fingerprint %s, authorized key gives %s", info.Fingerprint, got)
			}
		}
		if info.Kind == PEMRSA && err == nil && !info.Encrypted && (info.Bits == 0 || info.Fingerprint == "") {
			t.Fatalf("unencrypted rsa key without public half: %+v", info)
		}
	})
}
