// Package sign implements the cryptography of the DSP/1 wire protocol: SM2-SM3
// signatures (SM2 数字签名) over strings to sign, SM2/PKCS#8/PKIX key handling,
// a concurrency-safe key ring for key rotation, SM2-SM4-GCM data envelopes
// (数字信封) and the timestamp + nonce replay window.
//
// The package never logs, and its errors never contain key material or
// decrypted data.
package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
)

// defaultUID is the GM/T 0009 default distinguishing identifier.
const defaultUID = "1234567812345678"

// maxSignatureLen bounds a DER signature before it is parsed. A DER SM2
// signature is at most 72 bytes; the margin tolerates nothing that matters.
const maxSignatureLen = 128

// Errors reported by signature checks and key look-ups. Match them with
// errors.Is; the returned errors wrap them with a reason.
var (
	// ErrBadSignature reports a signature that does not verify, cannot be
	// decoded, or is checked against an unusable public key.
	ErrBadSignature = errors.New("sign: signature invalid")
	// ErrUnknownKey reports a key id that the key ring does not hold.
	ErrUnknownKey = errors.New("sign: unknown key id")
	// ErrKeyNotValidNow reports a known key used outside its validity period.
	ErrKeyNotValidNow = errors.New("sign: key outside its validity period")
)

// DefaultUID returns a fresh copy of the SM2 distinguishing identifier (用户身份标识)
// "1234567812345678", the GM/T 0009 default that DSP/1 uses for Z_A.
func DefaultUID() []byte {
	return []byte(defaultUID)
}

// Signer signs messages with SM2-SM3 for one key id. It is safe for
// concurrent use if the wrapped crypto.Signer is (gmsm's *sm2.PrivateKey is).
type Signer struct {
	keyID  string
	signer crypto.Signer
	pub    *ecdsa.PublicKey
	uid    []byte
}

// NewSigner wraps any crypto.Signer whose Public() is an SM2 *ecdsa.PublicKey:
// a gmsm *sm2.PrivateKey, or a key held in an HSM (密码机). It fails if s is
// nil, keyID is empty, or the public key is not a valid point on the SM2 curve.
func NewSigner(keyID string, s crypto.Signer) (*Signer, error) {
	if keyID == "" {
		return nil, errors.New("sign: empty key id")
	}
	if isNil(s) {
		return nil, errors.New("sign: nil signer")
	}
	pub, ok := s.Public().(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("sign: signer's public key is not an SM2 key")
	}
	if err := checkPublicKey(pub); err != nil {
		return nil, fmt.Errorf("sign: signer's public key: %w", err)
	}
	return &Signer{keyID: keyID, signer: s, pub: pub, uid: DefaultUID()}, nil
}

// KeyID returns the key id the signer was created with.
func (s *Signer) KeyID() string {
	if s == nil {
		return ""
	}
	return s.keyID
}

// Public returns the signer's SM2 public key. Callers must not modify it.
func (s *Signer) Public() *ecdsa.PublicKey {
	if s == nil {
		return nil
	}
	return s.pub
}

// Sign returns the ASN.1 DER SM2 signature over msg: SM3 of Z_A (computed with
// the default UID) followed by msg, exactly what gmsm's SignWithSM2 produces.
// Signatures are randomized (crypto/rand). A gmsm *sm2.PrivateKey is signed
// with directly; any other crypto.Signer is called as
// Sign(rand.Reader, msg, sm2.NewSM2SignerOption(true, uid)) and so receives
// the raw message (such signers may refuse an empty one).
func (s *Signer) Sign(msg []byte) ([]byte, error) {
	if s == nil || s.signer == nil {
		return nil, errors.New("sign: signer not initialised")
	}
	var (
		sig []byte
		err error
	)
	if priv, ok := s.signer.(*sm2.PrivateKey); ok {
		// Hash first: gmsm refuses an empty message in the raw-message mode,
		// but SM3(Z_A) of an empty message is a valid thing to sign.
		var digest []byte
		digest, err = sm2.CalculateSM2Hash(&priv.PublicKey, msg, s.uid)
		if err == nil {
			sig, err = sm2.SignASN1(rand.Reader, priv, digest, nil)
		}
	} else {
		sig, err = s.signer.Sign(rand.Reader, msg, sm2.NewSM2SignerOption(true, s.uid))
	}
	if err != nil {
		return nil, fmt.Errorf("sign: SM2 signing with key %q failed: %w", s.keyID, err)
	}
	return sig, nil
}

// SignBase64 returns Sign's signature in standard base64 with padding, the
// form carried in the X-DS-Signature header.
func (s *Signer) SignBase64(msg []byte) (string, error) {
	sig, err := s.Sign(msg)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// Verify checks a DER SM2-SM3 signature sig over msg with the default UID.
// Any mismatch, malformed signature or unusable public key yields an error
// wrapping ErrBadSignature.
func Verify(pub *ecdsa.PublicKey, msg, sig []byte) error {
	if err := checkPublicKey(pub); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	if len(sig) == 0 || len(sig) > maxSignatureLen {
		return fmt.Errorf("%w: bad signature length %d", ErrBadSignature, len(sig))
	}
	if !sm2.VerifyASN1WithSM2(pub, DefaultUID(), msg, sig) {
		return ErrBadSignature
	}
	return nil
}

// VerifyBase64 decodes sigB64 as standard base64 with padding and then calls
// Verify. A decoding failure is also an ErrBadSignature.
func VerifyBase64(pub *ecdsa.PublicKey, msg []byte, sigB64 string) error {
	if len(sigB64) > base64.StdEncoding.EncodedLen(maxSignatureLen) {
		return fmt.Errorf("%w: signature too long", ErrBadSignature)
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(sigB64)
	if err != nil {
		return fmt.Errorf("%w: signature is not standard base64", ErrBadSignature)
	}
	return Verify(pub, msg, sig)
}

// SM3Hex returns the lowercase hex SM3 digest (SM3 杂凑值) of b, the
// sm3hex() of DSP/1 strings to sign.
func SM3Hex(b []byte) string {
	sum := sm3.Sum(b)
	return hex.EncodeToString(sum[:])
}

// NewNonce returns 32 lowercase hex characters (16 bytes) from crypto/rand.
func NewNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("sign: reading random nonce: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// checkPublicKey reports whether pub is a usable SM2 public key: non-nil, on
// the SM2 curve, and a valid point of it.
func checkPublicKey(pub *ecdsa.PublicKey) error {
	if pub == nil || pub.Curve == nil || pub.X == nil || pub.Y == nil {
		return errors.New("nil or incomplete public key")
	}
	if !sm2.IsSM2PublicKey(pub) {
		return errors.New("not an SM2 public key")
	}
	if _, err := sm2.PublicKeyToECDH(pub); err != nil {
		return errors.New("public key is not a valid SM2 point")
	}
	return nil
}

// isNil reports whether v is nil or a typed nil pointer inside an interface,
// so that calling its methods would panic.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Interface, reflect.Chan:
		return rv.IsNil()
	default:
		return false
	}
}
