package client

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

const mockBase = "https://gw.example.test/ebus"

// captured is a request seen by the mock transport.
type captured struct {
	req  *http.Request
	body []byte
}

// mockPlatform registers a signed responder for every request under
// mockBase; answer picks the answer by index (1-based).
func mockPlatform(t *testing.T, answer func(n int) (int, string)) (*httpmock.MockTransport, func() []captured) {
	f := loadFixture(t)
	mt := httpmock.NewMockTransport()
	var mu sync.Mutex
	var got []captured
	var n atomic.Int32
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
		}
		mu.Lock()
		got = append(got, captured{req: r, body: body})
		mu.Unlock()
		status, code := answer(int(n.Add(1)))
		rid := r.Header.Get(wire.HeaderRequestID)
		out := okBody(rid)
		if code != "" {
			out = errBody(code, rid)
		}
		resp := httpmock.NewBytesResponse(status, out)
		signResponse(t, resp.Header, f.platSigner, status, rid, out, "", "")
		return resp, nil
	})
	return mt, func() []captured {
		mu.Lock()
		defer mu.Unlock()
		return append([]captured(nil), got...)
	}
}

// assertSignedRequest checks both layers of §2.1 on one captured request.
func assertSignedRequest(t *testing.T, c captured, prefix, wantPath string, wantBody []byte) {
	t.Helper()
	f := loadFixture(t)
	gw := wire.NewGatewayHeaders(prefix)
	h := c.req.Header
	ts, nonce := h.Get(gw.Timestamp), h.Get(gw.Nonce)
	assert.Equal(t, testPaasID, h.Get(gw.PaasID))
	assert.Regexp(t, `^[0-9]{10}$`, ts)
	assert.Regexp(t, `^[0-9a-f]{32}$`, nonce)
	assert.Equal(t, wire.GatewaySignature(ts, testToken, nonce), h.Get(gw.Signature), "gateway signature")
	assert.Regexp(t, `^[0-9A-F]{64}$`, h.Get(gw.Signature))
	assert.Equal(t, f.v.ClientKeyID, h.Get(wire.HeaderKeyID))
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, h.Get(wire.HeaderRequestID))
	assert.Equal(t, wantPath, c.req.URL.RequestURI(), "path as sent")
	assert.Equal(t, wantBody, c.body)
	sts := wire.RequestToSign{Method: c.req.Method, Path: wantPath, PaasID: testPaasID, KeyID: f.v.ClientKeyID,
		Timestamp: ts, Nonce: nonce, RequestID: h.Get(wire.HeaderRequestID), Body: wantBody}
	assert.Contains(t, sts.String(), "\n"+wantPath+"\n")
	assert.NoError(t, sign.VerifyBase64(f.clientPub, []byte(sts.String()), h.Get(wire.HeaderSignature)),
		"SM2 signature verifies with the client public key")
}

// TestWireShape checks the exact headers and signatures of a POST and a GET.
func TestWireShape(t *testing.T) {
	mt, got := mockPlatform(t, func(int) (int, string) { return 200, "" })
	c := newClient(t, mockBase, func(c *Config) { c.Transport = mt })

	post := postCall()
	post.RequestID = "6f1c8e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
	resp, err := c.Do(context.Background(), post)
	require.NoError(t, err)
	assert.Equal(t, post.RequestID, resp.RequestID)

	resp, err = c.Do(context.Background(), getCall())
	require.NoError(t, err)
	assert.Equal(t, 1, resp.Attempts)

	caps := got()
	require.Len(t, caps, 2)
	assert.Equal(t, http.MethodPost, caps[0].req.Method)
	assert.Equal(t, "gw.example.test", caps[0].req.URL.Host)
	assert.Equal(t, wire.ContentTypeJSON, caps[0].req.Header.Get("Content-Type"))
	assert.Equal(t, post.RequestID, caps[0].req.Header.Get(wire.HeaderRequestID))
	assertSignedRequest(t, caps[0], "", "/ebus/dsp/v1/authorizations", post.Body)

	assert.Equal(t, http.MethodGet, caps[1].req.Method)
	assertSignedRequest(t, caps[1], "", "/ebus/dsp/v1/usage-logs?date=2026-11-26&pageSize=100", nil)
	assert.Empty(t, caps[1].body)
}

// TestWireGatewayPrefix: the prefix of the gateway headers is configuration.
func TestWireGatewayPrefix(t *testing.T) {
	mt, got := mockPlatform(t, func(int) (int, string) { return 200, "" })
	c := newClient(t, "https://gw.example.test", func(c *Config) { c.Transport = mt; c.GatewayPrefix = "x-rio-" })
	_, err := c.Do(context.Background(), getCall())
	require.NoError(t, err)
	caps := got()
	require.Len(t, caps, 1)
	assert.Empty(t, caps[0].req.Header.Get("x-tif-signature"))
	assertSignedRequest(t, caps[0], "x-rio-", "/dsp/v1/usage-logs?date=2026-11-26&pageSize=100", nil)
}

// TestWireResignedPerAttempt: each attempt has a fresh timestamp, nonce and
// signature and the same requestId.
func TestWireResignedPerAttempt(t *testing.T) {
	mt, got := mockPlatform(t, func(n int) (int, string) {
		if n < 3 {
			return 503, wire.CodeDS5003
		}
		return 200, ""
	})
	var tick atomic.Int64
	start := time.Now()
	c := newClient(t, mockBase, func(c *Config) {
		c.Transport = mt
		// each reading of the clock is one second later
		c.Now = func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	})
	resp, err := c.Do(context.Background(), postCall())
	require.NoError(t, err)
	assert.Equal(t, 3, resp.Attempts)
	caps := got()
	require.Len(t, caps, 3)
	gw := wire.NewGatewayHeaders("")
	seen := map[string]bool{}
	for i, cp := range caps {
		assertSignedRequest(t, cp, "", "/ebus/dsp/v1/authorizations", postCall().Body)
		h := cp.req.Header
		assert.Equal(t, caps[0].req.Header.Get(wire.HeaderRequestID), h.Get(wire.HeaderRequestID))
		for _, v := range []string{h.Get(gw.Nonce), h.Get(gw.Signature), h.Get(wire.HeaderSignature), "ts" + h.Get(gw.Timestamp)} {
			assert.False(t, seen[v], "attempt %d repeats %q", i+1, v)
			seen[v] = true
		}
	}
	ts0, _ := strconv.ParseInt(caps[0].req.Header.Get(gw.Timestamp), 10, 64)
	ts2, _ := strconv.ParseInt(caps[2].req.Header.Get(gw.Timestamp), 10, 64)
	assert.Greater(t, ts2, ts0)
}

// TestWireVectors: the client's string to sign for the vector request equals
// the vector's, and the vector's signature verifies with the client key.
func TestWireVectors(t *testing.T) {
	f := loadFixture(t)
	sts := wire.RequestToSign{Method: "POST", Path: "/dsp/v1/authorizations", PaasID: f.v.Gateway.PaasID,
		KeyID: f.v.ClientKeyID, Timestamp: f.v.Gateway.Timestamp, Nonce: f.v.Gateway.Nonce,
		RequestID: "6f1c8e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b", Body: []byte(f.v.Request.Body)}
	assert.Equal(t, f.v.Request.StringToSign, sts.String())
	assert.NoError(t, sign.VerifyBase64(f.clientPub, []byte(f.v.Request.StringToSign), f.v.Request.Signature))
	assert.Equal(t, f.v.Gateway.Signature, wire.GatewaySignature(f.v.Gateway.Timestamp, f.v.Gateway.PaasToken, f.v.Gateway.Nonce))
	// the response vector verifies through the client's key ring
	c := newClient(t, mockBase, nil)
	assert.NoError(t, c.VerifyPlatformSignature(context.Background(), f.v.PlatformKeyID,
		[]byte(f.v.Response.StringToSign), f.v.Response.Signature))
	assert.True(t, bytes.HasPrefix([]byte(f.v.Response.StringToSign), []byte("DSP1-SM2-SM3\nRESPONSE\n")))
}
