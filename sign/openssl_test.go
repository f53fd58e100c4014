package sign

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zsdata/digitalspace/internal/vectors"
)

// These tests check interoperability with OpenSSL 3, an independent SM2
// implementation. They fail, rather than skip, when openssl is missing: CI
// installs it.

const opensslPass = "TEST-pass"

// opensslEnv is a temporary directory holding the TEST client key pair.
type opensslEnv struct {
	bin, dir, privPath, pubPath string
	v                           *vectors.Vectors
	k                           *testKeys
}

func newOpenSSLEnv(t *testing.T) *opensslEnv {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	require.NoError(t, err, "openssl is required for the interoperability tests")
	v, k := loadVectors(t)
	e := &opensslEnv{bin: bin, dir: t.TempDir(), v: v, k: k}
	e.privPath = e.write(t, "priv.pem", []byte(v.ClientPrivateKeyPEM))
	e.pubPath = e.write(t, "pub.pem", []byte(v.ClientPublicKeyPEM))
	return e
}

func (e *opensslEnv) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(e.dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

// run runs openssl with args and returns its combined output and error.
func (e *opensslEnv) run(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.bin, args...)
	cmd.Dir = e.dir
	return cmd.CombinedOutput()
}

func TestOpenSSLVerifiesOurSignature(t *testing.T) {
	e := newOpenSSLEnv(t)
	s, err := NewSigner(e.v.ClientKeyID, e.k.clientPriv)
	require.NoError(t, err)

	tests := []struct {
		name string
		msg  []byte
	}{
		{"request string", []byte(e.v.Request.StringToSign)},
		{"empty", []byte{}},
		{"binary", []byte{0, 1, 2, 0xff, '\n'}},
		{"unicode", []byte("办理住房公积金提取\n")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := s.Sign(tc.msg)
			require.NoError(t, err)
			msgPath := e.write(t, "msg.bin", tc.msg)
			sigPath := e.write(t, "sig.bin", sig)
			out, err := e.run(t, "pkeyutl", "-verify", "-in", msgPath, "-pubin", "-inkey", e.pubPath,
				"-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-sigfile", sigPath)
			require.NoError(t, err, "openssl: %s", out)
			assert.Contains(t, string(out), "Signature Verified Successfully")

			bad := append(append([]byte(nil), tc.msg...), 'x')
			badPath := e.write(t, "bad.bin", bad)
			out, err = e.run(t, "pkeyutl", "-verify", "-in", badPath, "-pubin", "-inkey", e.pubPath,
				"-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-sigfile", sigPath)
			require.Error(t, err, "openssl accepted a modified message: %s", out)
		})
	}
}

func TestWeVerifyOpenSSLSignature(t *testing.T) {
	e := newOpenSSLEnv(t)
	for _, msg := range [][]byte{[]byte(e.v.Callback.StringToSign), []byte("x"), {0, 0, 0}, {}} {
		msgPath := e.write(t, "msg.bin", msg)
		sigPath := filepath.Join(e.dir, "sig.bin")
		out, err := e.run(t, "pkeyutl", "-sign", "-in", msgPath, "-inkey", e.privPath,
			"-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-out", sigPath)
		require.NoError(t, err, "openssl: %s", out)
		sig, err := os.ReadFile(sigPath)
		require.NoError(t, err)
		require.NoError(t, Verify(e.k.clientPub, msg, sig))
		assert.ErrorIs(t, Verify(e.k.clientPub, append(msg, 'x'), sig), ErrBadSignature)
		assert.ErrorIs(t, Verify(e.k.platformPub, msg, sig), ErrBadSignature)
	}
}

func TestOpenSSLEncryptedPKCS8(t *testing.T) {
	e := newOpenSSLEnv(t)

	t.Run("openssl to us", func(t *testing.T) {
		for _, cipher := range []string{"aes-256-cbc", "aes-128-cbc", "sm4-cbc"} {
			t.Run(cipher, func(t *testing.T) {
				encPath := filepath.Join(e.dir, "enc-"+cipher+".pem")
				out, err := e.run(t, "pkcs8", "-topk8", "-v2", cipher, "-passout", "pass:"+opensslPass,
					"-in", e.privPath, "-out", encPath)
				require.NoError(t, err, "openssl: %s", out)
				encPEM, err := os.ReadFile(encPath)
				require.NoError(t, err)
				require.Contains(t, string(encPEM), "ENCRYPTED PRIVATE KEY")

				priv, err := ParsePrivateKeyPEM(encPEM, []byte(opensslPass))
				require.NoError(t, err)
				assert.True(t, priv.Equal(e.k.clientPriv))

				_, err = ParsePrivateKeyPEM(encPEM, []byte("wrong-pass"))
				require.ErrorContains(t, err, "wrong password or corrupt key")
				_, err = ParsePrivateKeyPEM(encPEM, nil)
				require.ErrorContains(t, err, "needs a password")
			})
		}
	})

	t.Run("us to openssl", func(t *testing.T) {
		encPEM, err := MarshalPrivateKeyPEM(e.k.clientPriv, []byte(opensslPass))
		require.NoError(t, err)
		encPath := e.write(t, "ours-enc.pem", encPEM)
		decPath := filepath.Join(e.dir, "ours-dec.pem")
		out, err := e.run(t, "pkcs8", "-in", encPath, "-passin", "pass:"+opensslPass, "-out", decPath)
		require.NoError(t, err, "openssl: %s", out)
		decPEM, err := os.ReadFile(decPath)
		require.NoError(t, err)
		priv, err := ParsePrivateKeyPEM(decPEM, nil)
		require.NoError(t, err)
		assert.True(t, priv.Equal(e.k.clientPriv))

		out, err = e.run(t, "pkcs8", "-in", encPath, "-passin", "pass:wrong", "-out", decPath)
		require.Error(t, err, "openssl accepted a wrong password: %s", out)

		// The unencrypted form, too.
		plainPEM, err := MarshalPrivateKeyPEM(e.k.clientPriv, nil)
		require.NoError(t, err)
		plainPath := e.write(t, "ours-plain.pem", plainPEM)
		out, err = e.run(t, "pkey", "-in", plainPath, "-pubout")
		require.NoError(t, err, "openssl: %s", out)
		pub, err := ParsePublicKeyPEM(out)
		require.NoError(t, err)
		assert.True(t, pub.Equal(e.k.clientPub))
	})

	t.Run("openssl SEC 1", func(t *testing.T) {
		secPath := filepath.Join(e.dir, "sec1.pem")
		out, err := e.run(t, "ec", "-in", e.privPath, "-out", secPath)
		require.NoError(t, err, "openssl: %s", out)
		secPEM, err := os.ReadFile(secPath)
		require.NoError(t, err)
		priv, err := ParsePrivateKeyPEM(secPEM, nil)
		require.NoError(t, err)
		assert.True(t, priv.Equal(e.k.clientPriv))
	})
}

func TestOpenSSLCertificate(t *testing.T) {
	e := newOpenSSLEnv(t)
	certPath := filepath.Join(e.dir, "cert.pem")
	out, err := e.run(t, "req", "-x509", "-new", "-key", e.privPath, "-sm3",
		"-sigopt", "distid:1234567812345678", "-subj", "/CN=TEST", "-days", "1", "-out", certPath)
	require.NoError(t, err, "openssl: %s", out)
	certPEM, err := os.ReadFile(certPath)
	require.NoError(t, err)
	pub, err := ParsePublicKeyPEM(certPEM)
	require.NoError(t, err)
	assert.True(t, pub.Equal(&e.k.clientPriv.PublicKey))
	assert.True(t, pub.Equal(e.k.clientPub))

	// Our PKIX output is what openssl derives from the private key.
	ours, err := MarshalPublicKeyPEM(pub)
	require.NoError(t, err)
	theirs, err := e.run(t, "pkey", "-in", e.privPath, "-pubout")
	require.NoError(t, err, "openssl: %s", theirs)
	assert.Equal(t, string(theirs), string(ours))
}
