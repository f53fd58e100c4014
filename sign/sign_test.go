package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// opaqueSigner hides the concrete key type, like an HSM-backed signer.
type opaqueSigner struct{ k *sm2.PrivateKey }

func (o opaqueSigner) Public() crypto.PublicKey { return o.k.Public() }
func (o opaqueSigner) Sign(r io.Reader, d []byte, opts crypto.SignerOpts) ([]byte, error) {
	return o.k.Sign(r, d, opts)
}

// failingSigner always fails.
type failingSigner struct{ pub crypto.PublicKey }

func (f failingSigner) Public() crypto.PublicKey { return f.pub }
func (f failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("hsm offline")
}

func TestDefaultUIDIsACopy(t *testing.T) {
	a := DefaultUID()
	a[0] = 'X'
	assert.Equal(t, "1234567812345678", string(DefaultUID()))
}

func TestNewSigner(t *testing.T) {
	priv, err := GenerateKey()
	require.NoError(t, err)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	offCurve := &ecdsa.PublicKey{Curve: sm2.P256(), X: big.NewInt(1), Y: big.NewInt(2)}
	var nilKey *sm2.PrivateKey

	tests := []struct {
		name    string
		keyID   string
		signer  crypto.Signer
		wantErr bool
	}{
		{"sm2 key", "k1", priv, false},
		{"opaque signer", "k1", opaqueSigner{priv}, false},
		{"empty key id", "", priv, true},
		{"nil signer", "k1", nil, true},
		{"typed nil signer", "k1", nilKey, true},
		{"P-256 key", "k1", p256, true},
		{"off-curve key", "k1", failingSigner{offCurve}, true},
		{"non-ecdsa public key", "k1", failingSigner{"x"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSigner(tc.keyID, tc.signer)
			if tc.wantErr {
				require.Error(t, err)
				assert.Nil(t, s)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.keyID, s.KeyID())
			assert.True(t, priv.PublicKey.Equal(s.Public()))
			msg := []byte("DSP1-SM2-SM3\nGET\n/\n")
			sig, err := s.Sign(msg)
			require.NoError(t, err)
			require.NoError(t, Verify(s.Public(), msg, sig))
			assert.True(t, sm2.VerifyASN1WithSM2(s.Public(), []byte("1234567812345678"), msg, sig))
			// A different distinguishing identifier does not verify.
			assert.False(t, sm2.VerifyASN1WithSM2(s.Public(), []byte("other-uid"), msg, sig))
		})
	}
}

func TestSignerErrors(t *testing.T) {
	priv, err := GenerateKey()
	require.NoError(t, err)
	s, err := NewSigner("k1", failingSigner{&priv.PublicKey})
	require.NoError(t, err)
	_, err = s.Sign([]byte("x"))
	require.Error(t, err)
	_, err = s.SignBase64([]byte("x"))
	require.Error(t, err)

	var zero Signer
	_, err = zero.Sign([]byte("x"))
	require.Error(t, err)
	var nilSigner *Signer
	_, err = nilSigner.Sign([]byte("x"))
	require.Error(t, err)
	assert.Empty(t, nilSigner.KeyID())
	assert.Nil(t, nilSigner.Public())
}

func TestVerifyRejects(t *testing.T) {
	priv, err := GenerateKey()
	require.NoError(t, err)
	s, err := NewSigner("k1", priv)
	require.NoError(t, err)
	msg := []byte("message")
	sig, err := s.Sign(msg)
	require.NoError(t, err)
	sigB64 := base64.StdEncoding.EncodeToString(sig)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)

	tests := []struct {
		name   string
		pub    *ecdsa.PublicKey
		msg    []byte
		sigB64 string
	}{
		{"nil key", nil, msg, sigB64},
		{"P-256 key", &p256.PublicKey, msg, sigB64},
		{"other message", &priv.PublicKey, []byte("messagf"), sigB64},
		{"empty", &priv.PublicKey, msg, ""},
		{"not base64", &priv.PublicKey, msg, "%%%"},
		{"unpadded base64", &priv.PublicKey, msg, strings.TrimRight(sigB64, "=") + "A"},
		{"URL base64", &priv.PublicKey, msg, base64.URLEncoding.EncodeToString([]byte{0xfb, 0xff})},
		{"too long", &priv.PublicKey, msg, strings.Repeat("A", 4096)},
		{"garbage DER", &priv.PublicKey, msg, base64.StdEncoding.EncodeToString([]byte{0x30, 0x03, 0x02, 0x01, 0x00})},
		{"trailing data", &priv.PublicKey, msg, base64.StdEncoding.EncodeToString(append(append([]byte(nil), sig...), 0))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, VerifyBase64(tc.pub, tc.msg, tc.sigB64), ErrBadSignature)
		})
	}
	require.NoError(t, VerifyBase64(&priv.PublicKey, msg, sigB64))
}

func TestSM3HexAndNonce(t *testing.T) {
	assert.Len(t, SM3Hex([]byte("x")), 64)
	seen := map[string]bool{}
	re := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for range 100 {
		n, err := NewNonce()
		require.NoError(t, err)
		assert.Regexp(t, re, n)
		assert.False(t, seen[n])
		seen[n] = true
	}
}

func TestKeyPEMRoundTrip(t *testing.T) {
	priv, err := GenerateKey()
	require.NoError(t, err)

	pubPEM, err := MarshalPublicKeyPEM(&priv.PublicKey)
	require.NoError(t, err)
	assert.Contains(t, string(pubPEM), "-----BEGIN PUBLIC KEY-----")
	pub, err := ParsePublicKeyPEM(pubPEM)
	require.NoError(t, err)
	assert.True(t, priv.PublicKey.Equal(pub))

	plain, err := MarshalPrivateKeyPEM(priv, nil)
	require.NoError(t, err)
	assert.Contains(t, string(plain), "-----BEGIN PRIVATE KEY-----")
	back, err := ParsePrivateKeyPEM(plain, nil)
	require.NoError(t, err)
	assert.True(t, priv.Equal(back))
	back, err = ParsePrivateKeyPEM(plain, []byte("ignored"))
	require.NoError(t, err)
	assert.True(t, priv.Equal(back))

	enc, err := MarshalPrivateKeyPEM(priv, []byte("TEST-pass"))
	require.NoError(t, err)
	assert.Contains(t, string(enc), "-----BEGIN ENCRYPTED PRIVATE KEY-----")
	back, err = ParsePrivateKeyPEM(enc, []byte("TEST-pass"))
	require.NoError(t, err)
	assert.True(t, priv.Equal(back))

	_, err = ParsePrivateKeyPEM(enc, nil)
	require.ErrorContains(t, err, "encrypted key needs a password")
	_, err = ParsePrivateKeyPEM(enc, []byte("wrong"))
	require.ErrorContains(t, err, "wrong password or corrupt key")

	// SEC 1.
	der, err := smx509.MarshalSM2PrivateKey(priv)
	require.NoError(t, err)
	for _, typ := range []string{"EC PRIVATE KEY", "SM2 PRIVATE KEY"} {
		back, err = ParsePrivateKeyPEM(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), nil)
		require.NoError(t, err, typ)
		assert.True(t, priv.Equal(back))
	}

	// Self-signed SM2 certificate made by smx509.
	tmpl := &smx509.Certificate{SerialNumber: big.NewInt(1)}
	certDER, err := smx509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	require.NoError(t, err)
	pub, err = ParsePublicKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER}))
	require.NoError(t, err)
	assert.True(t, priv.PublicKey.Equal(pub))
}

func TestKeyPEMErrors(t *testing.T) {
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	p256PKCS8, err := smx509.MarshalPKCS8PrivateKey(p256)
	require.NoError(t, err)
	p256SEC1, err := smx509.MarshalECPrivateKey(p256)
	require.NoError(t, err)
	p256PKIX, err := smx509.MarshalPKIXPublicKey(&p256.PublicKey)
	require.NoError(t, err)
	pemOf := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }

	privTests := []struct {
		name, pem, want string
	}{
		{"empty", "", "no PEM block"},
		{"not PEM", "hello", "no PEM block"},
		{"P-256 PKCS#8", string(pemOf("PRIVATE KEY", p256PKCS8)), "not an SM2 key"},
		{"P-256 SEC 1", string(pemOf("EC PRIVATE KEY", p256SEC1)), "not an SM2 key"},
		{"public key", string(pemOf("PUBLIC KEY", p256PKIX)), "unsupported PEM block type"},
		{"garbage PKCS#8", string(pemOf("PRIVATE KEY", []byte{1, 2, 3})), "PKCS#8"},
		{"garbage encrypted", string(pemOf("ENCRYPTED PRIVATE KEY", []byte{1, 2, 3})), "wrong password or corrupt key"},
		{"legacy encryption", "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00000000000000000000000000000000\n\nAAAA\n-----END EC PRIVATE KEY-----\n", "legacy PEM"},
	}
	for _, tc := range privTests {
		t.Run("private "+tc.name, func(t *testing.T) {
			k, err := ParsePrivateKeyPEM([]byte(tc.pem), []byte("pw"))
			require.ErrorContains(t, err, tc.want)
			assert.Nil(t, k)
		})
	}

	pubTests := []struct {
		name, pem, want string
	}{
		{"empty", "", "no PEM block"},
		{"P-256", string(pemOf("PUBLIC KEY", p256PKIX)), "not an SM2"},
		{"private key", string(pemOf("PRIVATE KEY", p256PKCS8)), "unsupported PEM block type"},
		{"garbage", string(pemOf("PUBLIC KEY", []byte{1, 2, 3})), "PKIX"},
		{"garbage certificate", string(pemOf("CERTIFICATE", []byte{1, 2, 3})), "certificate"},
	}
	for _, tc := range pubTests {
		t.Run("public "+tc.name, func(t *testing.T) {
			k, err := ParsePublicKeyPEM([]byte(tc.pem))
			require.ErrorContains(t, err, tc.want)
			assert.Nil(t, k)
		})
	}

	_, err = MarshalPublicKeyPEM(nil)
	require.Error(t, err)
	_, err = MarshalPublicKeyPEM(&p256.PublicKey)
	require.Error(t, err)
	_, err = MarshalPrivateKeyPEM(nil, nil)
	require.Error(t, err)
}

func TestEncryptedKeyIterationBound(t *testing.T) {
	// An EncryptedPrivateKeyInfo whose PBKDF2 iteration count is absurd is
	// refused before any key derivation.
	_, k := loadVectors(t)
	enc, err := MarshalPrivateKeyPEM(k.clientPriv, []byte("pw"))
	require.NoError(t, err)
	block, _ := pem.Decode(enc)
	require.NotNil(t, block)
	require.NoError(t, checkEncryptedKeyParams(block.Bytes))

	// 600000 = 0x0927c0 is encoded as INTEGER 03 09 27 c0; raise it to 0x7f27c0.
	der := append([]byte(nil), block.Bytes...)
	idx := strings.Index(string(der), "\x02\x03\x09\x27\xc0")
	require.GreaterOrEqual(t, idx, 0)
	der[idx+2] = 0x7f
	_, err = ParsePrivateKeyPEM(pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: der}), []byte("pw"))
	require.ErrorContains(t, err, "iteration count")
}
