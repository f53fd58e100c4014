// Package vectors loads the DSP/1 test vectors (testdata/dsp1-vectors.json)
// for tests. The keys in it are TEST keys, never for production.
package vectors

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Signed is a string to sign with its signature.
type Signed struct {
	Body         string `json:"body"`
	BodySM3Hex   string `json:"bodySm3Hex"`
	Signature    string `json:"signature"`
	StringToSign string `json:"stringToSign"`
}

// Vectors mirrors dsp1-vectors.json.
type Vectors struct {
	AbcSM3Hex   string `json:"abcSm3Hex"`
	EmptySM3Hex string `json:"emptySm3Hex"`
	Callback    Signed `json:"callback"`
	Certificate struct {
		HolderDigest string `json:"holderDigest"`
		Purpose      string `json:"purpose"`
		Signature    string `json:"signature"`
		StringToSign string `json:"stringToSign"`
	} `json:"certificate"`
	ClientKeyID         string `json:"clientKeyId"`
	ClientPrivateKeyPEM string `json:"clientPrivateKeyPem"`
	ClientPublicKeyPEM  string `json:"clientPublicKeyPem"`
	Envelope            struct {
		AuthorizationID string          `json:"authorizationId"`
		JSON            json.RawMessage `json:"json"`
		Plaintext       string          `json:"plaintext"`
		SM4Key          string          `json:"sm4Key"`
	} `json:"envelope"`
	Gateway struct {
		Nonce     string `json:"nonce"`
		PaasID    string `json:"paasId"`
		PaasToken string `json:"paasToken"`
		Signature string `json:"signature"`
		Timestamp string `json:"timestamp"`
	} `json:"gateway"`
	GetRequest        Signed   `json:"getRequest"`
	IDCard            ValidSet `json:"idCard"`
	LicenseIdentifier ValidSet `json:"licenseIdentifier"`
	Masking           struct {
		IDNumber       string `json:"idNumber"`
		IDNumberMasked string `json:"idNumberMasked"`
		Name           string `json:"name"`
		NameMasked     string `json:"nameMasked"`
		Phone          string `json:"phone"`
		PhoneMasked    string `json:"phoneMasked"`
	} `json:"masking"`
	PlatformKeyID         string   `json:"platformKeyId"`
	PlatformPrivateKeyPEM string   `json:"platformPrivateKeyPem"`
	PlatformPublicKeyPEM  string   `json:"platformPublicKeyPem"`
	Request               Signed   `json:"request"`
	Response              Signed   `json:"response"`
	USCC                  ValidSet `json:"uscc"`
	UserID                string   `json:"userId"`
}

// ValidSet is a list of valid and invalid examples.
type ValidSet struct {
	Valid   []string `json:"valid"`
	Invalid []string `json:"invalid"`
}

// Load reads testdata/dsp1-vectors.json from the module root.
func Load() (*Vectors, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return nil, fmt.Errorf("vectors: cannot locate source")
	}
	p := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "dsp1-vectors.json")
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	var v Vectors
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("vectors: %w", err)
	}
	return &v, nil
}
