package client

import (
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/emmansun/gmsm/sm4"
)

// Token file format (version 1): JSON
//
//	{"v":1,"kdf":"pbkdf2-sha256","iter":600000,"salt":"<b64>","iv":"<b64>","ct":"<b64>"}
//
// The SM4 key is PBKDF2-HMAC-SHA256(password, salt, iter) truncated to 16
// bytes; ct is the SM4-GCM ciphertext of the token followed by its 16-byte
// tag, with the 12-byte iv and the additional data tokenFileAAD. "kdf" and
// "iter" may be omitted (then pbkdf2-sha256 and 600000).
const (
	tokenFileVersion    = 1
	tokenFileKDF        = "pbkdf2-sha256"
	tokenFileIterations = 600_000
	tokenFileMaxIter    = 4_000_000
	tokenFileMaxSize    = 64 << 10
	tokenFileAAD        = "digitalspace/paastoken/v1"
)

type tokenFile struct {
	V    int    `json:"v"`
	KDF  string `json:"kdf,omitempty"`
	Iter int    `json:"iter,omitempty"`
	Salt string `json:"salt"`
	IV   string `json:"iv"`
	CT   string `json:"ct"`
}

// EncryptTokenFile encrypts a paasToken with a password into the contents of
// a token file for Config.PaasTokenFile: SM4-GCM under a key derived with
// PBKDF2-HMAC-SHA256 (600 000 iterations, random 16-byte salt), as JSON
// {"v":1,"kdf","iter","salt","iv","ct"} with base64 fields.
func EncryptTokenFile(token, password []byte) ([]byte, error) {
	return encryptTokenFile(token, password, tokenFileIterations)
}

func encryptTokenFile(token, password []byte, iter int) ([]byte, error) {
	if len(token) == 0 {
		return nil, errors.New("client: empty token")
	}
	if len(password) == 0 {
		return nil, errors.New("client: empty password")
	}
	salt := make([]byte, 16)
	iv := make([]byte, 12)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("client: token file salt: %w", err)
	}
	if _, err := rand.Read(iv); err != nil {
		return nil, fmt.Errorf("client: token file iv: %w", err)
	}
	aead, err := tokenAEAD(password, salt, iter)
	if err != nil {
		return nil, err
	}
	ct := aead.Seal(nil, iv, token, []byte(tokenFileAAD))
	return json.Marshal(tokenFile{
		V: tokenFileVersion, KDF: tokenFileKDF, Iter: iter,
		Salt: base64.StdEncoding.EncodeToString(salt),
		IV:   base64.StdEncoding.EncodeToString(iv),
		CT:   base64.StdEncoding.EncodeToString(ct),
	})
}

// decryptTokenFile opens the contents of a token file.
func decryptTokenFile(data, password []byte) ([]byte, error) {
	var f tokenFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, errors.New("token file is not JSON")
	}
	if f.V != tokenFileVersion {
		return nil, fmt.Errorf("token file version %d is not supported", f.V)
	}
	if f.KDF != "" && f.KDF != tokenFileKDF {
		return nil, errors.New("token file kdf is not supported")
	}
	iter := f.Iter
	if iter == 0 {
		iter = tokenFileIterations
	}
	if iter < 1 || iter > tokenFileMaxIter {
		return nil, errors.New("token file iteration count out of range")
	}
	salt, err1 := base64.StdEncoding.DecodeString(f.Salt)
	iv, err2 := base64.StdEncoding.DecodeString(f.IV)
	ct, err3 := base64.StdEncoding.DecodeString(f.CT)
	if err1 != nil || err2 != nil || err3 != nil || len(salt) < 8 || len(iv) != 12 || len(ct) <= 16 {
		return nil, errors.New("token file fields are malformed")
	}
	aead, err := tokenAEAD(password, salt, iter)
	if err != nil {
		return nil, err
	}
	token, err := aead.Open(nil, iv, ct, []byte(tokenFileAAD))
	if err != nil {
		return nil, errors.New("wrong password or corrupt token file")
	}
	return token, nil
}

func tokenAEAD(password, salt []byte, iter int) (cipher.AEAD, error) {
	key, err := pbkdf2.Key(sha256.New, string(password), salt, iter, 16)
	if err != nil {
		return nil, fmt.Errorf("client: token key derivation: %w", err)
	}
	defer clear(key)
	block, err := sm4.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("client: token key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("client: token cipher: %w", err)
	}
	return aead, nil
}

// resolveToken returns the paasToken from exactly one of the configured
// sources. Its errors never hold the token.
func resolveToken(cfg *Config) (secret, error) {
	n := 0
	for _, set := range []bool{cfg.PaasToken != "", cfg.PaasTokenEnv != "", cfg.PaasTokenFile != ""} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		return secret{}, configError("PaasToken", "PaasToken is required (or PaasTokenEnv or PaasTokenFile)")
	case n > 1:
		return secret{}, configError("PaasToken", "set only one of PaasToken, PaasTokenEnv and PaasTokenFile")
	}
	var tok string
	switch {
	case cfg.PaasToken != "":
		tok = cfg.PaasToken
	case cfg.PaasTokenEnv != "":
		v, ok := os.LookupEnv(cfg.PaasTokenEnv)
		if !ok || v == "" {
			return secret{}, configError("PaasTokenEnv", "environment variable %q is not set or empty", cfg.PaasTokenEnv)
		}
		tok = v
	default:
		if len(cfg.PaasTokenPassword) == 0 {
			return secret{}, configError("PaasTokenPassword", "PaasTokenFile needs PaasTokenPassword")
		}
		fi, err := os.Stat(cfg.PaasTokenFile)
		if err != nil {
			return secret{}, configError("PaasTokenFile", "cannot read token file: %v", err)
		}
		if fi.Size() > tokenFileMaxSize {
			return secret{}, configError("PaasTokenFile", "token file is too large")
		}
		data, err := os.ReadFile(cfg.PaasTokenFile)
		if err != nil {
			return secret{}, configError("PaasTokenFile", "cannot read token file: %v", err)
		}
		b, err := decryptTokenFile(data, cfg.PaasTokenPassword)
		if err != nil {
			return secret{}, configError("PaasTokenFile", "%v", err)
		}
		tok = string(b)
		clear(b)
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < 0x20 || tok[i] == 0x7f {
			return secret{}, configError("PaasToken", "PaasToken holds control characters")
		}
	}
	return secret{v: tok}, nil
}

// secret holds the paasToken; it never prints its value.
type secret struct{ v string }

// String redacts the secret.
func (secret) String() string { return "[REDACTED]" }

// GoString redacts the secret.
func (secret) GoString() string { return "[REDACTED]" }
