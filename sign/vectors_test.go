package sign

import (
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zsdata/digitalspace/internal/vectors"
)

// testKeys are the parsed TEST keys of the vectors.
type testKeys struct {
	clientPriv   *sm2.PrivateKey
	clientPub    *ecdsa.PublicKey
	platformPriv *sm2.PrivateKey
	platformPub  *ecdsa.PublicKey
}

// loadVectors reads testdata/dsp1-vectors.json (internal/vectors) and
// parses its TEST keys.
func loadVectors(tb testing.TB) (*vectors.Vectors, *testKeys) {
	tb.Helper()
	v, err := vectors.Load()
	require.NoError(tb, err)
	var k testKeys
	k.clientPriv, err = ParsePrivateKeyPEM([]byte(v.ClientPrivateKeyPEM), nil)
	require.NoError(tb, err)
	k.clientPub, err = ParsePublicKeyPEM([]byte(v.ClientPublicKeyPEM))
	require.NoError(tb, err)
	k.platformPriv, err = ParsePrivateKeyPEM([]byte(v.PlatformPrivateKeyPEM), nil)
	require.NoError(tb, err)
	k.platformPub, err = ParsePublicKeyPEM([]byte(v.PlatformPublicKeyPEM))
	require.NoError(tb, err)
	return v, &k
}

// vectorEnvelope is the vectors' envelope as this package's type.
func vectorEnvelope(tb testing.TB, v *vectors.Vectors) Envelope {
	tb.Helper()
	var env Envelope
	require.NoError(tb, json.Unmarshal(v.Envelope.JSON, &env))
	return env
}

func TestVectorDigests(t *testing.T) {
	v, _ := loadVectors(t)
	assert.Equal(t, v.EmptySM3Hex, SM3Hex(nil))
	assert.Equal(t, v.EmptySM3Hex, SM3Hex([]byte{}))
	assert.Equal(t, v.AbcSM3Hex, SM3Hex([]byte("abc")))
	assert.Equal(t, v.UserID, string(DefaultUID()))
}

func TestVectorKeysMatch(t *testing.T) {
	_, k := loadVectors(t)
	assert.True(t, k.clientPriv.PublicKey.Equal(k.clientPub))
	assert.True(t, k.platformPriv.PublicKey.Equal(k.platformPub))
	assert.False(t, k.clientPub.Equal(k.platformPub))
}

func TestVectorSignatures(t *testing.T) {
	v, k := loadVectors(t)
	tests := []struct {
		name     string
		vec      vectors.Signed
		pub      *ecdsa.PublicKey
		priv     *sm2.PrivateKey
		other    *ecdsa.PublicKey
		bodyLast bool // last line of stringToSign is sm3hex(body)
	}{
		{"request", v.Request, k.clientPub, k.clientPriv, k.platformPub, true},
		{"getRequest", v.GetRequest, k.clientPub, k.clientPriv, k.platformPub, false},
		{"response", v.Response, k.platformPub, k.platformPriv, k.clientPub, true},
		{"callback", v.Callback, k.platformPub, k.platformPriv, k.clientPub, true},
		{"certificate", vectors.Signed{Signature: v.Certificate.Signature, StringToSign: v.Certificate.StringToSign},
			k.platformPub, k.platformPriv, k.clientPub, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := []byte(tc.vec.StringToSign)
			require.True(t, strings.HasSuffix(tc.vec.StringToSign, "\n"))
			require.NoError(t, VerifyBase64(tc.pub, msg, tc.vec.Signature))

			sig, err := base64.StdEncoding.DecodeString(tc.vec.Signature)
			require.NoError(t, err)
			require.NoError(t, Verify(tc.pub, msg, sig))

			// The wrong key fails.
			assert.ErrorIs(t, VerifyBase64(tc.other, msg, tc.vec.Signature), ErrBadSignature)

			// Any one-byte change of the message fails.
			for _, i := range []int{0, len(msg) / 2, len(msg) - 1} {
				bad := append([]byte(nil), msg...)
				bad[i] ^= 0x01
				assert.ErrorIs(t, Verify(tc.pub, bad, sig), ErrBadSignature, "byte %d", i)
			}
			// A one-byte change of the signature fails.
			badSig := append([]byte(nil), sig...)
			badSig[len(badSig)-1] ^= 0x01
			assert.ErrorIs(t, Verify(tc.pub, msg, badSig), ErrBadSignature)

			// Body digests.
			lines := strings.Split(strings.TrimSuffix(tc.vec.StringToSign, "\n"), "\n")
			if tc.vec.Body != "" {
				if tc.vec.BodySM3Hex != "" {
					assert.Equal(t, tc.vec.BodySM3Hex, SM3Hex([]byte(tc.vec.Body)))
				}
				if tc.bodyLast {
					assert.Equal(t, SM3Hex([]byte(tc.vec.Body)), lines[len(lines)-1])
				}
			}
			if tc.name == "getRequest" {
				assert.Equal(t, v.EmptySM3Hex, lines[len(lines)-1])
			}

			// Our own signature verifies, also with the other implementation's
			// entry point.
			s, err := NewSigner("k", tc.priv)
			require.NoError(t, err)
			own, err := s.SignBase64(msg)
			require.NoError(t, err)
			require.NoError(t, VerifyBase64(tc.pub, msg, own))
			ownDER, err := base64.StdEncoding.DecodeString(own)
			require.NoError(t, err)
			assert.True(t, sm2.VerifyASN1WithSM2(tc.pub, nil, msg, ownDER))
		})
	}
}

func TestVectorCertificateLines(t *testing.T) {
	v, _ := loadVectors(t)
	lines := strings.Split(strings.TrimSuffix(v.Certificate.StringToSign, "\n"), "\n")
	require.Len(t, lines, 14)
	assert.Equal(t, "DSP1-CERT", lines[0])
	assert.Equal(t, SM3Hex([]byte(v.Certificate.Purpose)), lines[6])
	assert.Equal(t, v.Certificate.HolderDigest, lines[7])
	assert.Equal(t, v.PlatformKeyID, lines[13])
}

func TestVectorEnvelope(t *testing.T) {
	v, k := loadVectors(t)
	aad := v.Envelope.AuthorizationID
	env := vectorEnvelope(t, v)
	require.Equal(t, "au_01", aad)
	require.Equal(t, v.ClientKeyID, env.KeyID)

	pt, err := OpenEnvelope(k.clientPriv, v.ClientKeyID, aad, &env)
	require.NoError(t, err)
	assert.Equal(t, v.Envelope.Plaintext, string(pt))

	// Without an expected key id the check is skipped.
	pt, err = OpenEnvelope(k.clientPriv, "", aad, &env)
	require.NoError(t, err)
	assert.Equal(t, v.Envelope.Plaintext, string(pt))

	// The encrypted key is the vector's SM4 key.
	wantKey, err := hex.DecodeString(v.Envelope.SM4Key)
	require.NoError(t, err)
	ek, err := base64.StdEncoding.DecodeString(env.EncryptedKey)
	require.NoError(t, err)
	gotKey, err := k.clientPriv.Decrypt(nil, ek, sm2.ASN1DecrypterOpts)
	require.NoError(t, err)
	assert.Equal(t, wantKey, gotKey)

	tamper := func(s string, i int) string {
		b, err := base64.StdEncoding.DecodeString(s)
		require.NoError(t, err)
		b[i] ^= 0x01
		return base64.StdEncoding.EncodeToString(b)
	}
	bad := []struct {
		name  string
		priv  *sm2.PrivateKey
		keyID string
		aad   string
		edit  func(e *Envelope)
	}{
		{"wrong AAD", k.clientPriv, "k2026a", "au_02", nil},
		{"empty AAD", k.clientPriv, "k2026a", "", nil},
		{"wrong expected key id", k.clientPriv, "k2026b", aad, nil},
		{"wrong private key", k.platformPriv, "k2026a", aad, nil},
		{"envelope key id changed", k.clientPriv, "k2026a", aad, func(e *Envelope) { e.KeyID = "k2026b" }},
		{"wrong alg", k.clientPriv, "k2026a", aad, func(e *Envelope) { e.Alg = "SM2-SM4-CBC" }},
		{"tampered ciphertext first", k.clientPriv, "k2026a", aad, func(e *Envelope) { e.Ciphertext = tamper(e.Ciphertext, 0) }},
		{"tampered tag", k.clientPriv, "k2026a", aad, func(e *Envelope) {
			b, _ := base64.StdEncoding.DecodeString(e.Ciphertext)
			e.Ciphertext = tamper(e.Ciphertext, len(b)-1)
		}},
		{"tampered iv", k.clientPriv, "k2026a", aad, func(e *Envelope) { e.IV = tamper(e.IV, 3) }},
		{"tampered encrypted key", k.clientPriv, "k2026a", aad, func(e *Envelope) { e.EncryptedKey = tamper(e.EncryptedKey, 40) }},
		{"short iv", k.clientPriv, "k2026a", aad, func(e *Envelope) { e.IV = base64.StdEncoding.EncodeToString(make([]byte, 11)) }},
		{"long iv", k.clientPriv, "k2026a", aad, func(e *Envelope) { e.IV = base64.StdEncoding.EncodeToString(make([]byte, 16)) }},
		{"empty ciphertext", k.clientPriv, "k2026a", aad, func(e *Envelope) { e.Ciphertext = "" }},
		{"not base64", k.clientPriv, "k2026a", aad, func(e *Envelope) { e.Ciphertext = "!!!" }},
		{"huge encrypted key", k.clientPriv, "k2026a", aad, func(e *Envelope) {
			e.EncryptedKey = base64.StdEncoding.EncodeToString(make([]byte, 2048))
		}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			e := env
			if tc.edit != nil {
				tc.edit(&e)
			}
			pt, err := OpenEnvelope(tc.priv, tc.keyID, tc.aad, &e)
			require.ErrorIs(t, err, ErrBadEnvelope)
			assert.Nil(t, pt)
			assert.NotContains(t, err.Error(), v.Envelope.Plaintext)
			assert.NotContains(t, err.Error(), v.Envelope.SM4Key)
		})
	}
	_, err = OpenEnvelope(nil, "k2026a", aad, &env)
	assert.ErrorIs(t, err, ErrBadEnvelope)
	_, err = OpenEnvelope(k.clientPriv, "k2026a", aad, nil)
	assert.ErrorIs(t, err, ErrBadEnvelope)
}

func TestEnvelopeRoundTrip(t *testing.T) {
	_, k := loadVectors(t)
	tests := []struct {
		name      string
		aad       string
		plaintext []byte
	}{
		{"empty", "au_01", nil},
		{"small", "au_01", []byte(`{"licenses":[]}`)},
		{"unicode aad", "授权_01", []byte("户籍地址")},
		{"1 MiB", "au_big", make([]byte, 1<<20)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, err := SealEnvelope(k.clientPub, "k2026a", tc.aad, tc.plaintext)
			require.NoError(t, err)
			assert.Equal(t, EnvelopeAlg, env.Alg)
			assert.Equal(t, "k2026a", env.KeyID)
			iv, err := base64.StdEncoding.DecodeString(env.IV)
			require.NoError(t, err)
			assert.Len(t, iv, 12)

			// Through JSON, as on the wire.
			raw, err := json.Marshal(env)
			require.NoError(t, err)
			var back Envelope
			require.NoError(t, json.Unmarshal(raw, &back))

			pt, err := OpenEnvelope(k.clientPriv, "k2026a", tc.aad, &back)
			require.NoError(t, err)
			assert.Equal(t, len(tc.plaintext), len(pt))
			assert.Equal(t, string(tc.plaintext), string(pt))

			_, err = OpenEnvelope(k.clientPriv, "k2026a", tc.aad+"x", &back)
			assert.ErrorIs(t, err, ErrBadEnvelope)
		})
	}

	// Two seals of the same data differ (fresh key and IV).
	a, err := SealEnvelope(k.clientPub, "k2026a", "au", []byte("x"))
	require.NoError(t, err)
	b, err := SealEnvelope(k.clientPub, "k2026a", "au", []byte("x"))
	require.NoError(t, err)
	assert.NotEqual(t, a.IV, b.IV)
	assert.NotEqual(t, a.EncryptedKey, b.EncryptedKey)

	_, err = SealEnvelope(nil, "k2026a", "au", nil)
	assert.Error(t, err)
	_, err = SealEnvelope(k.clientPub, "", "au", nil)
	assert.Error(t, err)
}
