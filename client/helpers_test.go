package client

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/stretchr/testify/require"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/vectors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

const (
	testPaasID  = "zs-scdj-001"
	testToken   = "TEST-token-zs-scdj-001"
	testOrgCode = "11442000MB2C00010H"
	testPrefix  = "/ebus"
)

// fixture holds the TEST keys of the vectors.
type fixture struct {
	v          *vectors.Vectors
	clientPriv *sm2.PrivateKey
	clientPub  *ecdsa.PublicKey
	platPriv   *sm2.PrivateKey
	platSigner *sign.Signer
	platPub    sign.PublicKey
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
)

func loadFixture(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() {
		v, err := vectors.Load()
		if err != nil {
			fixErr = err
			return
		}
		f := &fixture{v: v}
		if f.clientPriv, err = sign.ParsePrivateKeyPEM([]byte(v.ClientPrivateKeyPEM), nil); err != nil {
			fixErr = err
			return
		}
		if f.clientPub, err = sign.ParsePublicKeyPEM([]byte(v.ClientPublicKeyPEM)); err != nil {
			fixErr = err
			return
		}
		if f.platPriv, err = sign.ParsePrivateKeyPEM([]byte(v.PlatformPrivateKeyPEM), nil); err != nil {
			fixErr = err
			return
		}
		if f.platSigner, err = sign.NewSigner(v.PlatformKeyID, f.platPriv); err != nil {
			fixErr = err
			return
		}
		pub, err := sign.ParsePublicKeyPEM([]byte(v.PlatformPublicKeyPEM))
		if err != nil {
			fixErr = err
			return
		}
		f.platPub = sign.PublicKey{KeyID: v.PlatformKeyID, Key: pub}
		fix = f
	})
	require.NoError(t, fixErr)
	return fix
}

// baseConfig is a complete Config for baseURL.
func baseConfig(t testing.TB, baseURL string) Config {
	f := loadFixture(t)
	return Config{
		BaseURL:      baseURL,
		PaasID:       testPaasID,
		PaasToken:    testToken,
		KeyID:        f.v.ClientKeyID,
		Signer:       f.clientPriv,
		PlatformKeys: []sign.PublicKey{f.platPub},
		OrgName:      "中山市市场监督管理局",
		OrgCode:      testOrgCode,
		SystemName:   "中山市商事登记全程电子化智能申报审批平台",
		// Hedging only where a test asks for it: a slow machine must not
		// turn one attempt into two.
		Retry: RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, HedgeDelay: time.Minute},
	}
}

func newClient(t testing.TB, baseURL string, mod func(*Config)) *Client {
	t.Helper()
	cfg := baseConfig(t, baseURL)
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// signResponse sets the §2.2 headers of a platform answer on h.
func signResponse(t testing.TB, h http.Header, s *sign.Signer, status int, rid string, body []byte, ts, nonce string) {
	if ts == "" {
		ts = strconv.FormatInt(time.Now().Unix(), 10)
	}
	if nonce == "" {
		var err error
		nonce, err = sign.NewNonce()
		if err != nil {
			panic(err)
		}
	}
	msg := wire.ResponseToSign{Status: status, RequestID: rid, KeyID: s.KeyID(), Timestamp: ts, Nonce: nonce, Body: body}.String()
	sig, err := s.SignBase64([]byte(msg))
	if err != nil {
		panic(err)
	}
	h.Set(wire.HeaderKeyID, s.KeyID())
	h.Set(wire.HeaderTimestamp, ts)
	h.Set(wire.HeaderNonce, nonce)
	h.Set(wire.HeaderRequestID, rid)
	h.Set(wire.HeaderSignature, sig)
	h.Set(wire.HeaderContentType, wire.ContentTypeJSON)
}

func okBody(rid string) []byte {
	return []byte(fmt.Sprintf(`{"code":"0","message":"OK","requestId":%q,"data":{"ok":true}}`, rid))
}

func errBody(code, rid string) []byte {
	return []byte(fmt.Sprintf(`{"code":%q,"message":"error %s","requestId":%q}`, code, code, rid))
}

// rec is one request the test server saw.
type rec struct {
	Method, URI, RequestID, Nonce, Timestamp, Signature, RemoteAddr string
	Body                                                            []byte
	At                                                              time.Time
	Header                                                          http.Header
}

// reply says how the test server answers one request.
type reply struct {
	status    int
	body      []byte // default: okBody / errBody by code
	code      string // signed error code (status from the §7 table)
	unsigned  bool
	signer    *sign.Signer // default: the platform key p2026a
	ts, nonce string
	badSig    bool
	echo      string // X-DS-Request-Id override
	header    map[string]string
	hang      bool // read the request and never answer
	reset     bool // hijack and close with RST
	slowBody  bool // headers, then the body a byte every 100 ms
	delay     time.Duration
}

// srv is a signed DSP/1 test server: it checks both request layers of §2.1
// with the TEST keys and answers as its handler says.
type srv struct {
	t       testing.TB
	f       *fixture
	ts      *httptest.Server
	quit    chan struct{}
	mu      sync.Mutex
	reqs    []rec
	n       atomic.Int32
	keysN   atomic.Int32
	handle  func(n int, r rec) reply
	keysFn  func(rid string) reply
	badReqs atomic.Int32
}

func newSrv(t testing.TB, handle func(n int, r rec) reply) *srv {
	s := &srv{t: t, f: loadFixture(t), quit: make(chan struct{}), handle: handle}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		close(s.quit)
		s.ts.CloseClientConnections()
		s.ts.Close()
	})
	return s
}

// base is the BaseURL with the gateway prefix.
func (s *srv) base() string { return s.ts.URL + testPrefix }

func (s *srv) records() []rec {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]rec(nil), s.reqs...)
}

// checkRequest verifies the gateway credential and the SM2 signature.
func (s *srv) checkRequest(r *http.Request, body []byte) error {
	gw := wire.NewGatewayHeaders("")
	ts, nonce := r.Header.Get(gw.Timestamp), r.Header.Get(gw.Nonce)
	if r.Header.Get(gw.PaasID) != testPaasID {
		return fmt.Errorf("paasid")
	}
	if r.Header.Get(gw.Signature) != wire.GatewaySignature(ts, testToken, nonce) {
		return fmt.Errorf("gateway signature")
	}
	sts := wire.RequestToSign{Method: r.Method, Path: r.RequestURI, PaasID: testPaasID,
		KeyID: r.Header.Get(wire.HeaderKeyID), Timestamp: ts, Nonce: nonce,
		RequestID: r.Header.Get(wire.HeaderRequestID), Body: body}
	return sign.VerifyBase64(s.f.clientPub, []byte(sts.String()), r.Header.Get(wire.HeaderSignature))
}

func (s *srv) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	gw := wire.NewGatewayHeaders("")
	rc := rec{Method: r.Method, URI: r.RequestURI, RequestID: r.Header.Get(wire.HeaderRequestID),
		Nonce: r.Header.Get(gw.Nonce), Timestamp: r.Header.Get(gw.Timestamp),
		Signature: r.Header.Get(wire.HeaderSignature), RemoteAddr: r.RemoteAddr, Body: body,
		At: time.Now(), Header: r.Header.Clone()}
	var rp reply
	if err := s.checkRequest(r, body); err != nil {
		s.badReqs.Add(1)
		rp = reply{code: wire.CodeDS1001}
	} else if strings.HasSuffix(r.URL.Path, wire.PlatformKeysPath()) {
		s.keysN.Add(1)
		if s.keysFn == nil {
			rp = reply{code: wire.CodeDS3001}
		} else {
			rp = s.keysFn(rc.RequestID)
		}
	} else {
		s.mu.Lock()
		s.reqs = append(s.reqs, rc)
		s.mu.Unlock()
		n := int(s.n.Add(1))
		if s.handle != nil {
			rp = s.handle(n, rc)
		}
	}
	s.write(w, r, rc.RequestID, rp)
}

func (s *srv) write(w http.ResponseWriter, r *http.Request, rid string, rp reply) {
	if rp.delay > 0 {
		select {
		case <-time.After(rp.delay):
		case <-r.Context().Done():
			return
		case <-s.quit:
			return
		}
	}
	switch {
	case rp.hang:
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		return
	case rp.reset:
		hj, ok := w.(http.Hijacker)
		if !ok {
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		conn.Close()
		return
	}
	status := rp.status
	if rp.code != "" && status == 0 {
		info, _ := wire.LookupCode(rp.code)
		status = info.Status
	}
	if status == 0 {
		status = http.StatusOK
	}
	body := rp.body
	if body == nil {
		if rp.code != "" {
			body = errBody(rp.code, rid)
		} else {
			body = okBody(rid)
		}
	}
	h := w.Header()
	if !rp.unsigned {
		signer := rp.signer
		if signer == nil {
			signer = s.f.platSigner
		}
		echo := rid
		if rp.echo != "" {
			echo = rp.echo
		}
		signResponse(s.t, h, signer, status, echo, body, rp.ts, rp.nonce)
		if rp.badSig {
			h.Set(wire.HeaderSignature, corrupt(h.Get(wire.HeaderSignature)))
		}
	} else {
		h.Set(wire.HeaderContentType, wire.ContentTypeJSON)
	}
	for k, v := range rp.header {
		h.Set(k, v)
	}
	if rp.slowBody {
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		fl, _ := w.(http.Flusher)
		for i := range body {
			if _, err := w.Write(body[i : i+1]); err != nil {
				return
			}
			if fl != nil {
				fl.Flush()
			}
			select {
			case <-time.After(100 * time.Millisecond):
			case <-r.Context().Done():
				return
			case <-s.quit:
				return
			}
		}
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// corrupt flips one character of a base64 signature.
func corrupt(sig string) string {
	b := []byte(sig)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// get is a GET call of the usage log with a query.
func getCall() *Call {
	return &Call{Route: "usage_logs", Method: http.MethodGet, Path: wire.UsageLogsPath("2026-11-26", 100, "")}
}

// postCall is an idempotent POST of call 1.
func postCall() *Call {
	return &Call{Route: "create_authorization", Method: http.MethodPost, Path: wire.AuthorizationsPath(),
		Body: []byte(`{"subject":"personal","scenario":"data_code"}`), Idempotent: true}
}

// dsErr asserts err is an *errors.Error and returns it.
func dsErr(t testing.TB, err error) *dserrors.Error {
	t.Helper()
	require.Error(t, err)
	e, ok := dserrors.As(err)
	require.True(t, ok, "not a *errors.Error: %v", err)
	return e
}

// jsonData decodes the data of a response.
func jsonData(t testing.TB, r *Response) map[string]any {
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Data, &m))
	return m
}

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct{ off atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *fakeClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

var _ = context.Background
