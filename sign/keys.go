package sign

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/pkcs"
	"github.com/emmansun/gmsm/pkcs8"
	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// PEM block types understood by the key functions.
const (
	pemPrivateKey          = "PRIVATE KEY"
	pemEncryptedPrivateKey = "ENCRYPTED PRIVATE KEY"
	pemECPrivateKey        = "EC PRIVATE KEY"
	pemSM2PrivateKey       = "SM2 PRIVATE KEY" // what `openssl ec` writes for SM2 keys
	pemPublicKey           = "PUBLIC KEY"
	pemCertificate         = "CERTIFICATE"
)

// Object identifiers of the password-based encryption schemes accepted for
// ENCRYPTED PRIVATE KEY blocks, compared in dotted form.
const (
	oidPBES2   = "1.2.840.113549.1.5.13"
	oidSMPBES  = "1.2.156.10197.6.4.1.5.2"
	oidPBKDF2  = "1.2.840.113549.1.5.12"
	oidSMPBKDF = "1.2.156.10197.6.4.1.5.1"
)

// PBKDF2 iteration counts: what MarshalPrivateKeyPEM writes (the OWASP
// recommendation for PBKDF2-HMAC-SHA256) and the most ParsePrivateKeyPEM
// accepts, so that a hostile file cannot make parsing run for minutes.
const (
	marshalPBKDF2Iterations = 600_000
	maxPBKDF2Iterations     = 4_000_000
	pbkdf2SaltSize          = 16
)

// ParsePrivateKeyPEM parses the first PEM block of pemBytes as an SM2 private
// key. It accepts "PRIVATE KEY" (PKCS#8), "ENCRYPTED PRIVATE KEY"
// (password-protected PKCS#8: PBES2 with PBKDF2 and AES-CBC or SM4-CBC, as
// `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes it) and "EC PRIVATE KEY" or
// "SM2 PRIVATE KEY" (SEC 1). password may be nil for unencrypted keys and is
// ignored for them. Legacy PEM encryption (Proc-Type headers) is refused.
func ParsePrivateKeyPEM(pemBytes, password []byte) (*sm2.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("sign: no PEM block")
	}
	if _, ok := block.Headers["Proc-Type"]; ok {
		return nil, errors.New("sign: legacy PEM encryption is not supported; use PKCS#8")
	}
	var (
		key any
		err error
	)
	switch block.Type {
	case pemPrivateKey:
		key, err = smx509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sign: parsing PKCS#8 private key: %w", err)
		}
	case pemEncryptedPrivateKey:
		if len(password) == 0 {
			return nil, errors.New("sign: encrypted key needs a password")
		}
		if err := checkEncryptedKeyParams(block.Bytes); err != nil {
			return nil, err
		}
		key, _, err = pkcs8.ParsePrivateKey(block.Bytes, password)
		if err != nil {
			return nil, fmt.Errorf("sign: wrong password or corrupt key: %w", err)
		}
	case pemECPrivateKey, pemSM2PrivateKey:
		key, err = smx509.ParseTypedECPrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sign: parsing SEC 1 private key: %w", err)
		}
	default:
		return nil, fmt.Errorf("sign: unsupported PEM block type %q for a private key", block.Type)
	}
	priv, ok := key.(*sm2.PrivateKey)
	if !ok || priv == nil {
		return nil, errors.New("sign: not an SM2 key")
	}
	if err := checkPublicKey(&priv.PublicKey); err != nil {
		return nil, fmt.Errorf("sign: private key: %w", err)
	}
	return priv, nil
}

// encryptedPrivateKeyInfo is RFC 5958 EncryptedPrivateKeyInfo.
type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

// pbes2Params is RFC 8018 PBES2-params.
type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

// pbkdf2Params is RFC 8018 PBKDF2-params (the PRF is not needed here).
type pbkdf2Params struct {
	Salt           []byte
	IterationCount int
	KeyLength      int                      `asn1:"optional"`
	PRF            pkix.AlgorithmIdentifier `asn1:"optional"`
}

// checkEncryptedKeyParams accepts only PBES2 with PBKDF2 and a bounded
// iteration count, before any key derivation runs.
func checkEncryptedKeyParams(der []byte) error {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) != 0 {
		return errors.New("sign: wrong password or corrupt key: malformed EncryptedPrivateKeyInfo")
	}
	alg := info.Algorithm.Algorithm.String()
	if alg != oidPBES2 && alg != oidSMPBES {
		return errors.New("sign: unsupported key encryption scheme (PBES2 with PBKDF2 required)")
	}
	var params pbes2Params
	if rest, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil || len(rest) != 0 {
		return errors.New("sign: wrong password or corrupt key: malformed PBES2 parameters")
	}
	kdf := params.KeyDerivationFunc.Algorithm.String()
	if kdf != oidPBKDF2 && kdf != oidSMPBKDF {
		return errors.New("sign: unsupported key derivation function (PBKDF2 required)")
	}
	var kp pbkdf2Params
	if rest, err := asn1.Unmarshal(params.KeyDerivationFunc.Parameters.FullBytes, &kp); err != nil || len(rest) != 0 {
		return errors.New("sign: wrong password or corrupt key: malformed PBKDF2 parameters")
	}
	if kp.IterationCount < 1 || kp.IterationCount > maxPBKDF2Iterations {
		return fmt.Errorf("sign: PBKDF2 iteration count outside 1..%d", maxPBKDF2Iterations)
	}
	return nil
}

// ParsePublicKeyPEM parses the first PEM block of pemBytes, a "PUBLIC KEY"
// (PKIX SubjectPublicKeyInfo) or a "CERTIFICATE" (SM2 X.509 证书), and returns
// its SM2 public key. The certificate itself is not verified. It fails if the
// key is not a valid SM2 key.
func ParsePublicKeyPEM(pemBytes []byte) (*ecdsa.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("sign: no PEM block")
	}
	var key any
	switch block.Type {
	case pemPublicKey:
		k, err := smx509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sign: parsing PKIX public key: %w", err)
		}
		key = k
	case pemCertificate:
		cert, err := smx509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sign: parsing certificate: %w", err)
		}
		key = cert.PublicKey
	default:
		return nil, fmt.Errorf("sign: unsupported PEM block type %q for a public key", block.Type)
	}
	pub, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("sign: not an SM2 key")
	}
	if err := checkPublicKey(pub); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return pub, nil
}

// MarshalPublicKeyPEM returns the "PUBLIC KEY" (PKIX) PEM of an SM2 public key.
func MarshalPublicKeyPEM(pub *ecdsa.PublicKey) ([]byte, error) {
	if err := checkPublicKey(pub); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("sign: marshalling public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublicKey, Bytes: der}), nil
}

// MarshalPrivateKeyPEM returns the PKCS#8 "PRIVATE KEY" PEM of priv. With a
// non-empty password it returns an "ENCRYPTED PRIVATE KEY" instead: PBES2 with
// PBKDF2-HMAC-SHA256 (600 000 iterations, 16-byte random salt) and
// AES-256-CBC, the form `openssl pkcs8 -topk8 -v2 aes-256-cbc` makes.
func MarshalPrivateKeyPEM(priv *sm2.PrivateKey, password []byte) ([]byte, error) {
	if priv == nil || priv.D == nil {
		return nil, errors.New("sign: nil private key")
	}
	if err := checkPublicKey(&priv.PublicKey); err != nil {
		return nil, fmt.Errorf("sign: private key: %w", err)
	}
	if len(password) == 0 {
		der, err := smx509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return nil, fmt.Errorf("sign: marshalling private key: %w", err)
		}
		defer clear(der)
		return pem.EncodeToMemory(&pem.Block{Type: pemPrivateKey, Bytes: der}), nil
	}
	enc := pkcs.NewPBESEncrypter(pkcs.AES256CBC,
		pkcs.NewPBKDF2Opts(pkcs.SHA256, pbkdf2SaltSize, marshalPBKDF2Iterations))
	der, err := pkcs8.MarshalPrivateKey(priv, password, enc)
	if err != nil {
		return nil, fmt.Errorf("sign: encrypting private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemEncryptedPrivateKey, Bytes: der}), nil
}

// GenerateKey makes a new SM2 key pair from crypto/rand.
func GenerateKey() (*sm2.PrivateKey, error) {
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sign: generating SM2 key: %w", err)
	}
	return priv, nil
}
