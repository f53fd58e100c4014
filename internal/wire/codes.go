package wire

import "net/http"

// Error codes of §7.
const (
	CodeGW401  = "GW401"
	CodeGW403  = "GW403"
	CodeDS1001 = "DS1001"
	CodeDS1002 = "DS1002"
	CodeDS1003 = "DS1003"
	CodeDS1004 = "DS1004"
	CodeDS1005 = "DS1005"
	CodeDS2001 = "DS2001"
	CodeDS2002 = "DS2002"
	CodeDS2003 = "DS2003"
	CodeDS3001 = "DS3001"
	CodeDS3002 = "DS3002"
	CodeDS3003 = "DS3003"
	CodeDS3005 = "DS3005"
	CodeDS4001 = "DS4001"
	CodeDS5000 = "DS5000"
	CodeDS5003 = "DS5003"
)

// CodeInfo describes one error code of §7.
type CodeInfo struct {
	Code      string
	Status    int
	Meaning   string
	Retryable bool
}

var codeTable = [...]CodeInfo{
	{CodeGW401, http.StatusUnauthorized, "gateway: missing or wrong gateway signature", false},
	{CodeGW403, http.StatusForbidden, "gateway: unknown paasId", false},
	{CodeDS1001, http.StatusUnauthorized, "signature invalid", false},
	{CodeDS1002, http.StatusUnauthorized, "timestamp outside the window", false},
	{CodeDS1003, http.StatusUnauthorized, "nonce replayed", false},
	{CodeDS1004, http.StatusForbidden, "unknown key id for this paasId", false},
	{CodeDS1005, http.StatusForbidden, "source address not allowed", false},
	{CodeDS2001, http.StatusBadRequest, "invalid format", false},
	{CodeDS2002, http.StatusForbidden, "invalid source", false},
	{CodeDS2003, http.StatusForbidden, "invalid business type", false},
	{CodeDS3001, http.StatusNotFound, "not found", false},
	{CodeDS3002, http.StatusConflict, "wrong state for this call", false},
	{CodeDS3003, http.StatusGone, "expired", false},
	{CodeDS3005, http.StatusConflict, "requestId reused with another body", false},
	{CodeDS4001, http.StatusTooManyRequests, "rate limited", true},
	{CodeDS5000, http.StatusInternalServerError, "platform internal error", true},
	{CodeDS5003, http.StatusServiceUnavailable, "platform unavailable or in maintenance", true},
}

// LookupCode returns the §7 row of code.
func LookupCode(code string) (CodeInfo, bool) {
	for _, c := range codeTable {
		if c.Code == code {
			return c, true
		}
	}
	return CodeInfo{}, false
}

// Codes returns every §7 row, in table order.
func Codes() []CodeInfo {
	out := make([]CodeInfo, len(codeTable))
	copy(out, codeTable[:])
	return out
}

// IsGatewayCode reports whether code is one of the gateway's (§2.6).
func IsGatewayCode(code string) bool { return code == CodeGW401 || code == CodeGW403 }
