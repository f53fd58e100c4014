package wire

import "strings"

// DefaultGatewayPrefix is the header prefix of the provincial x-tif API
// gateway in production; some test environments use "x-rio-".
const DefaultGatewayPrefix = "x-tif-"

// Gateway header suffixes (§2.1), appended to the configured prefix.
const (
	gwPaasID    = "paasid"
	gwTimestamp = "timestamp"
	gwNonce     = "nonce"
	gwSignature = "signature"
)

// Service headers (§2.1–2.3). Header names are case-insensitive on the wire.
const (
	HeaderKeyID       = "X-DS-Key-Id"
	HeaderRequestID   = "X-DS-Request-Id"
	HeaderSignature   = "X-DS-Signature"
	HeaderTimestamp   = "X-DS-Timestamp"
	HeaderNonce       = "X-DS-Nonce"
	HeaderEventID     = "X-DS-Event-Id"
	HeaderContentType = "Content-Type"
	HeaderRetryAfter  = "Retry-After"
)

// ContentTypeJSON is the content type of every DSP/1 body.
const ContentTypeJSON = "application/json; charset=utf-8"

// GatewayHeaders names the four gateway headers for one prefix.
type GatewayHeaders struct {
	PaasID, Timestamp, Nonce, Signature string
}

// NewGatewayHeaders returns the gateway header names for prefix ("" means
// DefaultGatewayPrefix). The prefix is lower-cased and must end in "-".
func NewGatewayHeaders(prefix string) GatewayHeaders {
	if prefix == "" {
		prefix = DefaultGatewayPrefix
	}
	prefix = strings.ToLower(prefix)
	if !strings.HasSuffix(prefix, "-") {
		prefix += "-"
	}
	return GatewayHeaders{
		PaasID:    prefix + gwPaasID,
		Timestamp: prefix + gwTimestamp,
		Nonce:     prefix + gwNonce,
		Signature: prefix + gwSignature,
	}
}
