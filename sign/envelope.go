package sign

import (
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm4"
)

// EnvelopeAlg is the only envelope algorithm of DSP/1 §3.
const EnvelopeAlg = "SM2-SM4-GCM"

// Envelope size limits (decoded bytes).
const (
	envelopeKeySize          = 16 // SM4 key
	envelopeIVSize           = 12 // GCM nonce
	envelopeTagSize          = 16 // GCM tag
	maxEnvelopeEncryptedKey  = 1 << 10
	maxEnvelopeCiphertext    = 48 << 20
	maxEnvelopePlaintextSize = maxEnvelopeCiphertext - envelopeTagSize
)

// ErrBadEnvelope reports an envelope that cannot be opened. The wrapping error
// names the failing step but never key bytes or plaintext.
var ErrBadEnvelope = errors.New("sign: envelope cannot be opened")

// Envelope is the DSP/1 §3 data envelope (数字信封): the payload encrypted
// with SM4-GCM under a fresh key, and that key SM2-encrypted to the
// recipient. All binary fields are standard base64 with padding; Ciphertext
// is the GCM ciphertext followed by its 16-byte tag.
type Envelope struct {
	Alg          string `json:"alg"`
	KeyID        string `json:"keyId"`
	EncryptedKey string `json:"encryptedKey"`
	IV           string `json:"iv"`
	Ciphertext   string `json:"ciphertext"`
}

// SealEnvelope encrypts plaintext to the SM2 public key pub of the recipient
// system whose key id is keyID. It draws a fresh 16-byte SM4 key and 12-byte
// IV from crypto/rand, encrypts with SM4-GCM using aad (the authorizationId)
// as additional data, and SM2-encrypts the SM4 key (C1C3C2, ASN.1).
func SealEnvelope(pub *ecdsa.PublicKey, keyID, aad string, plaintext []byte) (*Envelope, error) {
	if err := checkPublicKey(pub); err != nil {
		return nil, fmt.Errorf("sign: sealing envelope: %w", err)
	}
	if keyID == "" {
		return nil, errors.New("sign: sealing envelope: empty key id")
	}
	if len(plaintext) > maxEnvelopePlaintextSize {
		return nil, fmt.Errorf("sign: sealing envelope: plaintext exceeds %d bytes", maxEnvelopePlaintextSize)
	}
	var key [envelopeKeySize]byte
	defer clear(key[:])
	var iv [envelopeIVSize]byte
	if _, err := rand.Read(key[:]); err != nil {
		return nil, fmt.Errorf("sign: sealing envelope: random key: %w", err)
	}
	if _, err := rand.Read(iv[:]); err != nil {
		return nil, fmt.Errorf("sign: sealing envelope: random IV: %w", err)
	}
	aead, err := newSM4GCM(key[:])
	if err != nil {
		return nil, fmt.Errorf("sign: sealing envelope: %w", err)
	}
	ct := aead.Seal(nil, iv[:], plaintext, []byte(aad))
	ek, err := sm2.EncryptASN1(rand.Reader, pub, key[:])
	if err != nil {
		return nil, fmt.Errorf("sign: sealing envelope: SM2 key encryption: %w", err)
	}
	return &Envelope{
		Alg:          EnvelopeAlg,
		KeyID:        keyID,
		EncryptedKey: base64.StdEncoding.EncodeToString(ek),
		IV:           base64.StdEncoding.EncodeToString(iv[:]),
		Ciphertext:   base64.StdEncoding.EncodeToString(ct),
	}, nil
}

// OpenEnvelope decrypts env with the recipient's private key priv. It checks
// that env.Alg is EnvelopeAlg and, when keyID is not empty, that env.KeyID
// equals it; it bounds the decoded sizes (encrypted key at most 1 KiB, IV
// exactly 12 bytes, ciphertext at most 48 MiB), SM2-decrypts the SM4 key
// (ASN.1 C1C3C2, must be 16 bytes) and opens the SM4-GCM ciphertext with aad
// as additional data. Every failure is an error wrapping ErrBadEnvelope.
//
// The returned plaintext is the caller's to protect: DSP/1 requires that it
// stays in memory only.
func OpenEnvelope(priv *sm2.PrivateKey, keyID, aad string, env *Envelope) ([]byte, error) {
	if priv == nil || priv.D == nil {
		return nil, fmt.Errorf("%w: nil private key", ErrBadEnvelope)
	}
	if env == nil {
		return nil, fmt.Errorf("%w: nil envelope", ErrBadEnvelope)
	}
	if env.Alg != EnvelopeAlg {
		return nil, fmt.Errorf("%w: unsupported alg %q", ErrBadEnvelope, truncate(env.Alg, 32))
	}
	if keyID != "" && env.KeyID != keyID {
		return nil, fmt.Errorf("%w: envelope is for key id %q, not %q", ErrBadEnvelope,
			truncate(env.KeyID, maxKeyIDInError), truncate(keyID, maxKeyIDInError))
	}
	ek, err := decodeBounded(env.EncryptedKey, maxEnvelopeEncryptedKey)
	if err != nil {
		return nil, fmt.Errorf("%w: encryptedKey: %w", ErrBadEnvelope, err)
	}
	iv, err := decodeBounded(env.IV, envelopeIVSize)
	if err != nil || len(iv) != envelopeIVSize {
		return nil, fmt.Errorf("%w: iv must be %d bytes of base64", ErrBadEnvelope, envelopeIVSize)
	}
	ct, err := decodeBounded(env.Ciphertext, maxEnvelopeCiphertext)
	if err != nil {
		return nil, fmt.Errorf("%w: ciphertext: %w", ErrBadEnvelope, err)
	}
	if len(ct) < envelopeTagSize {
		return nil, fmt.Errorf("%w: ciphertext shorter than the GCM tag", ErrBadEnvelope)
	}
	key, err := priv.Decrypt(nil, ek, sm2.ASN1DecrypterOpts)
	if err != nil {
		return nil, fmt.Errorf("%w: SM2 decryption of the key failed", ErrBadEnvelope)
	}
	defer clear(key)
	if len(key) != envelopeKeySize {
		return nil, fmt.Errorf("%w: decrypted key is not %d bytes", ErrBadEnvelope, envelopeKeySize)
	}
	aead, err := newSM4GCM(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadEnvelope, err)
	}
	pt, err := aead.Open(nil, iv, ct, []byte(aad))
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed (wrong AAD or tampered data)", ErrBadEnvelope)
	}
	return pt, nil
}

// newSM4GCM returns SM4 in GCM mode with a 12-byte nonce and 16-byte tag.
func newSM4GCM(key []byte) (cipher.AEAD, error) {
	block, err := sm4.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("SM4 key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("SM4-GCM: %w", err)
	}
	return aead, nil
}

// decodeBounded decodes standard base64 that must hold at most maxLen bytes,
// checking the encoded length before allocating.
func decodeBounded(s string, maxLen int) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	if len(s) > base64.StdEncoding.EncodedLen(maxLen) {
		return nil, fmt.Errorf("longer than %d bytes", maxLen)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("not standard base64")
	}
	if len(b) > maxLen {
		return nil, fmt.Errorf("longer than %d bytes", maxLen)
	}
	return b, nil
}
