package wire

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/zsdata/digitalspace/sign"
)

// Algorithm is the first line of every request, response and callback
// string to sign.
const Algorithm = "DSP1-SM2-SM3"

// CertificateAlgorithm is the first line of a certificate's string to sign.
const CertificateAlgorithm = "DSP1-CERT"

// EmptySM3Hex is sm3hex of zero bytes.
const EmptySM3Hex = "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"

// SM3Hex returns the lowercase hex SM3 digest of b (sm3hex of §2).
func SM3Hex(b []byte) string { return sign.SM3Hex(b) }

func lines(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p)
		b.WriteByte('\n')
	}
	return b.String()
}

// RequestToSign is the fields of a request's string to sign (§2.1).
type RequestToSign struct {
	Method    string // upper case
	Path      string // full path as sent, with "?" and the raw query when there is one
	PaasID    string
	KeyID     string
	Timestamp string // Unix seconds, decimal
	Nonce     string
	RequestID string
	Body      []byte
}

// String returns the request string to sign.
func (r RequestToSign) String() string {
	return lines(Algorithm, r.Method, r.Path, r.PaasID, r.KeyID, r.Timestamp, r.Nonce, r.RequestID, SM3Hex(r.Body))
}

// ResponseToSign is the fields of a response's string to sign (§2.2).
type ResponseToSign struct {
	Status    int
	RequestID string
	KeyID     string
	Timestamp string
	Nonce     string
	Body      []byte
}

// String returns the response string to sign.
func (r ResponseToSign) String() string {
	return lines(Algorithm, "RESPONSE", statusText(r.Status), r.RequestID, r.KeyID, r.Timestamp, r.Nonce, SM3Hex(r.Body))
}

func statusText(code int) string {
	s := strconv.Itoa(code)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

// CallbackToSign is the fields of a callback's string to sign (§2.3).
type CallbackToSign struct {
	EventID   string
	KeyID     string
	Timestamp string
	Nonce     string
	Body      []byte
}

// String returns the callback string to sign.
func (c CallbackToSign) String() string {
	return lines(Algorithm, "CALLBACK", c.EventID, c.KeyID, c.Timestamp, c.Nonce, SM3Hex(c.Body))
}

// CertificateToSign returns the string the platform signs for a 数据资产凭证
// (data asset certificate, §4). Times appear exactly as in its JSON.
func CertificateToSign(c *Certificate) string {
	return lines(CertificateAlgorithm, c.CertID, c.AuthorizationID, c.PaasID, c.OrgCode, c.MatterCode,
		SM3Hex([]byte(c.Purpose)), c.HolderDigest, strings.Join(c.GrantedItems, ","),
		c.AuthorizedAt, c.ExpiresAt, c.Ledger.Name, c.Ledger.TxID, c.KeyID)
}

// GatewaySignature is the x-tif gateway credential (§2.1): UPPERCASE hex of
// SHA-256 over timestamp + paasToken + nonce + timestamp.
func GatewaySignature(timestamp, paasToken, nonce string) string {
	h := sha256.New()
	h.Write([]byte(timestamp))
	h.Write([]byte(paasToken))
	h.Write([]byte(nonce))
	h.Write([]byte(timestamp))
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
}

// HolderDigest is sm3hex(idType + "|" + idNumber), used for holders and
// (as operatorDigest) for operators.
func HolderDigest(idType, idNumber string) string {
	return SM3Hex([]byte(idType + "|" + idNumber))
}
