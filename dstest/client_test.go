package dstest_test

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// rawClient is an independent DSP/1 client built by hand from wire + sign.
type rawClient struct {
	t       testing.TB
	base    string // server URL + path prefix
	prefix  string
	paasID  string
	token   string
	keyID   string
	key     *sm2.PrivateKey
	gw      wire.GatewayHeaders
	platPub *ecdsa.PublicKey
	hc      *http.Client
	simURL  string
	sim     *dstest.Sim
}

type reqOpts struct {
	requestID string
	nonce     string
	ts        string
	keyID     string
	token     string
	paasID    string
	badSig    bool
	noGateway bool
}

type opt func(*reqOpts)

func withRequestID(id string) opt { return func(o *reqOpts) { o.requestID = id } }
func withNonce(n string) opt      { return func(o *reqOpts) { o.nonce = n } }
func withTS(ts string) opt        { return func(o *reqOpts) { o.ts = ts } }
func withKeyID(k string) opt      { return func(o *reqOpts) { o.keyID = k } }
func withToken(tk string) opt     { return func(o *reqOpts) { o.token = tk } }
func withPaasID(p string) opt     { return func(o *reqOpts) { o.paasID = p } }
func withBadSig() opt             { return func(o *reqOpts) { o.badSig = true } }
func withoutGateway() opt         { return func(o *reqOpts) { o.noGateway = true } }

type rawResp struct {
	Status int
	Header http.Header
	Body   []byte
	Resp   wire.Response
	GW     *wire.GatewayError
	Signed bool
}

func mustPlatformPub(t testing.TB) *ecdsa.PublicKey {
	pub, err := sign.ParsePublicKeyPEM([]byte(dstest.TestPlatformPublicKeyPEM))
	require.NoError(t, err)
	return pub
}

func newClient(t testing.TB, srv *dstest.Server, prefix, gwPrefix, paasID string) *rawClient {
	key, err := sign.ParsePrivateKeyPEM([]byte(dstest.TestClientPrivateKeyPEM), nil)
	require.NoError(t, err)
	return &rawClient{
		t: t, base: srv.URL + prefix, prefix: prefix, paasID: paasID, token: dstest.DefaultPaasToken(paasID),
		keyID: dstest.TestClientKeyID, key: key, gw: wire.NewGatewayHeaders(gwPrefix),
		platPub: mustPlatformPub(t), hc: &http.Client{Timeout: 10 * time.Second}, simURL: srv.URL, sim: srv.Sim,
	}
}

// start starts a default simulator and a client for paasID.
func start(t testing.TB, paasID string) *rawClient {
	srv := dstest.Start(t, dstest.Config{})
	return newClient(t, srv, "", "", paasID)
}

func (c *rawClient) request(method, path string, body []byte, opts ...opt) *http.Request {
	o := reqOpts{requestID: uuid.NewString(), ts: strconv.FormatInt(time.Now().Unix(), 10),
		keyID: c.keyID, token: c.token, paasID: c.paasID}
	n, err := sign.NewNonce()
	require.NoError(c.t, err)
	o.nonce = n
	for _, f := range opts {
		f(&o)
	}
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	require.NoError(c.t, err)
	if body != nil {
		req.Header.Set("Content-Type", wire.ContentTypeJSON)
	}
	if !o.noGateway {
		req.Header.Set(c.gw.PaasID, o.paasID)
		req.Header.Set(c.gw.Timestamp, o.ts)
		req.Header.Set(c.gw.Nonce, o.nonce)
		req.Header.Set(c.gw.Signature, wire.GatewaySignature(o.ts, o.token, o.nonce))
	}
	sts := wire.RequestToSign{Method: method, Path: c.prefix + path, PaasID: o.paasID, KeyID: o.keyID,
		Timestamp: o.ts, Nonce: o.nonce, RequestID: o.requestID, Body: body}.String()
	if o.badSig {
		sts += "x"
	}
	signer, err := sign.NewSigner(o.keyID, c.key)
	require.NoError(c.t, err)
	sig, err := signer.SignBase64([]byte(sts))
	require.NoError(c.t, err)
	req.Header.Set(wire.HeaderKeyID, o.keyID)
	req.Header.Set(wire.HeaderRequestID, o.requestID)
	req.Header.Set(wire.HeaderSignature, sig)
	return req
}

// do sends a request and checks that every answer but a gateway one is
// signed by the platform key over the §2.2 string.
func (c *rawClient) do(method, path string, body []byte, opts ...opt) rawResp {
	c.t.Helper()
	return c.send(c.request(method, path, body, opts...))
}

func (c *rawClient) send(req *http.Request) rawResp {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	r := rawResp{Status: resp.StatusCode, Header: resp.Header, Body: b}
	if resp.Header.Get(wire.HeaderSignature) == "" {
		var gw wire.GatewayError
		require.NoError(c.t, json.Unmarshal(b, &gw), "unsigned answer must be the gateway's: %s", b)
		r.GW = &gw
		return r
	}
	require.Equal(c.t, req.Header.Get(wire.HeaderRequestID), resp.Header.Get(wire.HeaderRequestID))
	sts := wire.ResponseToSign{Status: resp.StatusCode, RequestID: resp.Header.Get(wire.HeaderRequestID),
		KeyID: resp.Header.Get(wire.HeaderKeyID), Timestamp: resp.Header.Get(wire.HeaderTimestamp),
		Nonce: resp.Header.Get(wire.HeaderNonce), Body: b}.String()
	require.Equal(c.t, dstest.TestPlatformKeyID, resp.Header.Get(wire.HeaderKeyID))
	require.NoError(c.t, sign.VerifyBase64(c.platPub, []byte(sts), resp.Header.Get(wire.HeaderSignature)), "answer signature")
	r.Signed = true
	require.NoError(c.t, json.Unmarshal(b, &r.Resp), "body: %s", b)
	require.Equal(c.t, req.Header.Get(wire.HeaderRequestID), r.Resp.RequestID)
	return r
}

// ok asserts success and decodes data into v.
func (r rawResp) ok(t testing.TB, v any) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
	require.Equal(t, "0", r.Resp.Code)
	require.Equal(t, "OK", r.Resp.Message)
	if v != nil {
		require.NoError(t, json.Unmarshal(r.Resp.Data, v))
	}
}

// fails asserts a signed error answer with code and status.
func (r rawResp) fails(t testing.TB, status int, code string) {
	t.Helper()
	require.True(t, r.Signed, "answer must be signed: %s", r.Body)
	require.Equal(t, status, r.Status, "body: %s", r.Body)
	require.Equal(t, code, r.Resp.Code, "body: %s", r.Body)
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// simCall calls the unsigned /_sim/ API.
func (c *rawClient) simCall(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(mustJSON(c.t, body))
	}
	req, err := http.NewRequest(method, c.simURL+"/_sim/"+path, rd)
	require.NoError(c.t, err)
	resp, err := c.hc.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	require.NoError(c.t, json.Unmarshal(b, &out), "body: %s", b)
	return resp.StatusCode, out
}

func (c *rawClient) holder(typ string, n int) dstest.Holder {
	for _, h := range c.sim.Holders() {
		if h.Type == typ {
			if n == 0 {
				return h
			}
			n--
		}
	}
	c.t.Fatalf("no holder %s", typ)
	return dstest.Holder{}
}

func (c *rawClient) system() dstest.RegSystem {
	for _, s := range c.sim.Registry().Systems {
		if s.PaasID == c.paasID {
			return s
		}
	}
	c.t.Fatalf("no system %s", c.paasID)
	return dstest.RegSystem{}
}

// createBody builds a valid call 1 body for the client's system: the first
// matter of subject, all its items, the first required.
func (c *rawClient) createBody(subject, scenario string) *wire.CreateAuthorization {
	sys := c.system()
	var m dstest.RegMatter
	for _, x := range sys.Matters {
		if x.Subject == subject {
			m = x
			break
		}
	}
	req := &wire.CreateAuthorization{
		Subject: subject, Scenario: scenario, Matter: wire.Matter{Code: m.Code, Name: m.Name},
		Purpose: "办理" + m.Name, Org: wire.Org{Name: sys.OrgName, Code: sys.OrgCode},
		System: wire.System{Name: sys.SystemName},
		Operator: wire.Operator{Name: "王小二", IDType: wire.IDTypeIDCard, IDNumber: "442000199001011233",
			Verified: true, Method: "face", VerifiedAt: "2026-11-27T09:00:00+08:00"},
		ClientIP: "10.1.2.3", TTLSeconds: 300,
	}
	for i, it := range m.Items {
		req.Items = append(req.Items, wire.Item{Kind: it.Kind, Code: it.Code, Name: it.Name, Required: i == 0})
	}
	switch scenario {
	case wire.ScenarioYSSCode:
		req.ScanCode = c.holder("person", 0).ScanCode
	case wire.ScenarioYSTCode:
		req.ScanCode = c.holder("legal", 0).ScanCode
	case wire.ScenarioDataCode:
		h := c.holder("person", 1)
		req.DataCode = h.DataCode
		req.Holder = &wire.Holder{IDType: h.IDType, IDNumber: h.IDNumber}
	case wire.ScenarioMobileApp, wire.ScenarioH5:
		req.ReturnURL = "https://app.example.test/return"
	}
	return req
}

func (c *rawClient) create(req *wire.CreateAuthorization, opts ...opt) wire.CreatedAuthorization {
	c.t.Helper()
	var out wire.CreatedAuthorization
	c.do("POST", wire.AuthorizationsPath(), mustJSON(c.t, req), opts...).ok(c.t, &out)
	return out
}

func (c *rawClient) get(id string) wire.Authorization {
	c.t.Helper()
	var out wire.Authorization
	c.do("GET", wire.AuthorizationPath(id), nil).ok(c.t, &out)
	return out
}
