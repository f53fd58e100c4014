package wire

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/internal/vectors"
)

func sts(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func TestVectors(t *testing.T) {
	v, err := vectors.Load()
	require.NoError(t, err)

	assert.Equal(t, v.EmptySM3Hex, SM3Hex(nil))
	assert.Equal(t, EmptySM3Hex, SM3Hex([]byte{}))
	assert.Equal(t, v.AbcSM3Hex, SM3Hex([]byte("abc")))
	assert.Equal(t, v.Gateway.Signature, GatewaySignature(v.Gateway.Timestamp, v.Gateway.PaasToken, v.Gateway.Nonce))

	// Rebuild each string to sign from its lines and our own builder.
	rq := sts(v.Request.StringToSign)
	got := RequestToSign{Method: rq[1], Path: rq[2], PaasID: rq[3], KeyID: rq[4], Timestamp: rq[5], Nonce: rq[6], RequestID: rq[7], Body: []byte(v.Request.Body)}.String()
	assert.Equal(t, v.Request.StringToSign, got)

	gq := sts(v.GetRequest.StringToSign)
	assert.Equal(t, UsageLogsPath("2026-11-26", 100, ""), gq[2])
	got = RequestToSign{Method: gq[1], Path: gq[2], PaasID: gq[3], KeyID: gq[4], Timestamp: gq[5], Nonce: gq[6], RequestID: gq[7]}.String()
	assert.Equal(t, v.GetRequest.StringToSign, got)

	rs := sts(v.Response.StringToSign)
	got = ResponseToSign{Status: 200, RequestID: rs[3], KeyID: rs[4], Timestamp: rs[5], Nonce: rs[6], Body: []byte(v.Response.Body)}.String()
	assert.Equal(t, v.Response.StringToSign, got)

	cb := sts(v.Callback.StringToSign)
	got = CallbackToSign{EventID: cb[2], KeyID: cb[3], Timestamp: cb[4], Nonce: cb[5], Body: []byte(v.Callback.Body)}.String()
	assert.Equal(t, v.Callback.StringToSign, got)

	cs := sts(v.Certificate.StringToSign)
	cert := &Certificate{CertID: cs[1], AuthorizationID: cs[2], PaasID: cs[3], OrgCode: cs[4], MatterCode: cs[5],
		Purpose: v.Certificate.Purpose, HolderDigest: cs[7], GrantedItems: strings.Split(cs[8], ","),
		AuthorizedAt: cs[9], ExpiresAt: cs[10], Ledger: Ledger{Name: cs[11], TxID: cs[12]}, KeyID: cs[13]}
	assert.Equal(t, v.Certificate.StringToSign, CertificateToSign(cert))
	assert.Equal(t, v.Certificate.HolderDigest, cs[7])
}

func TestRoute(t *testing.T) {
	tests := []struct {
		method, path string
		want         RouteName
		id           string
	}{
		{"POST", AuthorizationsPath(), RouteCreateAuthorization, ""},
		{"GET", AuthorizationPath("au_1"), RouteGetAuthorization, "au_1"},
		{"POST", CancelPath("au_1"), RouteCancelAuthorization, "au_1"},
		{"POST", DeliveryPath("au_1"), RouteDelivery, "au_1"},
		{"POST", ServiceCodesPath(), RouteCreateServiceCode, ""},
		{"GET", ServiceCodeAuthorizationsPath("sc_1"), RouteServiceCodeAuthorizations, "sc_1"},
		{"GET", CertificatePath("cert_1"), RouteGetCertificate, "cert_1"},
		{"GET", BasePath + PathUsageLogs, RouteUsageLogs, ""},
		{"POST", ReconciliationsPath(), RouteReconciliation, ""},
		{"GET", PlatformKeysPath(), RoutePlatformKeys, ""},
	}
	for _, tc := range tests {
		r, id, ok := Route(tc.method, tc.path)
		assert.True(t, ok, tc.path)
		assert.Equal(t, tc.want, r, tc.path)
		assert.Equal(t, tc.id, id, tc.path)
	}
	for _, p := range []string{"/dsp/v1/nope", "/x/authorizations", "/dsp/v1/authorizations/"} {
		_, _, ok := Route("GET", p)
		assert.False(t, ok, p)
	}
	_, _, ok := Route("DELETE", AuthorizationsPath())
	assert.False(t, ok)
}

func TestCodes(t *testing.T) {
	for _, c := range Codes() {
		got, ok := LookupCode(c.Code)
		assert.True(t, ok)
		assert.Equal(t, c, got)
	}
	c, _ := LookupCode(CodeDS4001)
	assert.True(t, c.Retryable)
	assert.Equal(t, 429, c.Status)
	_, ok := LookupCode("DS9999")
	assert.False(t, ok)
	assert.Len(t, Codes(), 17)
}

func TestGatewayHeaders(t *testing.T) {
	assert.Equal(t, "x-tif-paasid", NewGatewayHeaders("").PaasID)
	assert.Equal(t, "x-rio-signature", NewGatewayHeaders("X-RIO").Signature)
}
