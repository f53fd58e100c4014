package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// These tests run the client against the real simulator over real HTTP:
// the simulator's own faults, a fault-injecting proxy in between, and an
// answer lost on the way back.

const simPaas = "zs-gjj-001"

func simClient(t testing.TB, baseURL string, mod func(*Config)) *Client {
	t.Helper()
	priv, err := sign.ParsePrivateKeyPEM([]byte(dstest.TestClientPrivateKeyPEM), nil)
	require.NoError(t, err)
	pub, err := sign.ParsePublicKeyPEM([]byte(dstest.TestPlatformPublicKeyPEM))
	require.NoError(t, err)
	cfg := Config{
		BaseURL: baseURL, PaasID: simPaas, PaasToken: dstest.DefaultPaasToken(simPaas),
		KeyID: dstest.TestClientKeyID, Signer: priv,
		PlatformKeys: []sign.PublicKey{{KeyID: dstest.TestPlatformKeyID, Key: pub}},
		OrgName:      "中山市住房公积金管理中心", OrgCode: "12442000MB2C00040H", SystemName: "新一代住房公积金管理系统",
		Retry: RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, HedgeDelay: time.Minute},
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// createBody is a valid call 1 for the provident fund (personal/yss_code).
func createBody(t testing.TB, sim *dstest.Sim) []byte {
	t.Helper()
	var scan string
	for _, h := range sim.Holders() {
		if h.Type == "person" {
			scan = h.ScanCode
			break
		}
	}
	var sys dstest.RegSystem
	for _, s := range sim.Registry().Systems {
		if s.PaasID == simPaas {
			sys = s
		}
	}
	var m dstest.RegMatter
	for _, x := range sys.Matters {
		if x.Subject == wire.SubjectPersonal {
			m = x
			break
		}
	}
	req := wire.CreateAuthorization{
		Subject: wire.SubjectPersonal, Scenario: wire.ScenarioYSSCode,
		Matter:  wire.Matter{Code: m.Code, Name: m.Name},
		Items:   []wire.Item{{Kind: m.Items[0].Kind, Code: m.Items[0].Code, Name: m.Items[0].Name, Required: true}},
		Purpose: "办理" + m.Name, Org: wire.Org{Name: sys.OrgName, Code: sys.OrgCode}, System: wire.System{Name: sys.SystemName},
		Operator: wire.Operator{Name: "李四", IDType: wire.IDTypeIDCard, IDNumber: "442000199001011233", Verified: true,
			Method: "face", VerifiedAt: time.Now().Format(wire.TimeLayout)},
		ClientIP: "10.1.2.3", ScanCode: scan,
	}
	b, err := json.Marshal(req)
	require.NoError(t, err)
	return b
}

func createCall(body []byte) *Call {
	return &Call{Route: string(wire.RouteCreateAuthorization), Method: "POST", Path: wire.AuthorizationsPath(), Body: body, Idempotent: true, AuthPage: true}
}

func TestSimulatorFaults(t *testing.T) {
	one := 1.0
	tests := []struct {
		name     string
		rule     dstest.FaultRule
		mod      func(*Config)
		timeout  time.Duration
		wantKind dserrors.Kind // Unknown: success
		wantCode string
		retried  bool
	}{
		{name: "latency within the budget", rule: dstest.FaultRule{Kind: "latency", MS: 50}},
		{name: "error DS5003 is retried", rule: dstest.FaultRule{Kind: "error", Code: wire.CodeDS5003}, wantKind: dserrors.Platform, wantCode: wire.CodeDS5003, retried: true},
		{name: "error DS2002 is not", rule: dstest.FaultRule{Kind: "error", Code: wire.CodeDS2002}, wantKind: dserrors.Platform, wantCode: wire.CodeDS2002},
		{name: "gateway GW403", rule: dstest.FaultRule{Kind: "error", Code: wire.CodeGW403}, wantKind: dserrors.Platform, wantCode: wire.CodeGW403},
		{name: "429 with Retry-After past the deadline", rule: dstest.FaultRule{Kind: "error", Code: wire.CodeDS4001}, wantKind: dserrors.Throttled, wantCode: wire.CodeDS4001},
		{name: "unsigned 502 is a transport failure", rule: dstest.FaultRule{Kind: "unsigned5xx"}, wantKind: dserrors.Network, wantCode: dserrors.CodeUnsigned, retried: true},
		{name: "bad signature", rule: dstest.FaultRule{Kind: "badsig"}, wantKind: dserrors.Signature, wantCode: dserrors.CodeBadSignature},
		{name: "hang past the deadline", rule: dstest.FaultRule{Kind: "hang"}, timeout: 700 * time.Millisecond, wantKind: dserrors.NoResponse},
		{name: "reset", rule: dstest.FaultRule{Kind: "reset"}, mod: func(c *Config) { c.Retry.MaxAttempts = 2 }, wantKind: dserrors.Network},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := dstest.Start(t, dstest.Config{})
			tt.rule.Path = "^/dsp/v1/authorizations$"
			tt.rule.Probability = &one
			require.NoError(t, srv.Sim.SetFaults([]dstest.FaultRule{tt.rule}))
			c := simClient(t, srv.URL, tt.mod)
			call := createCall(createBody(t, srv.Sim))
			call.Timeout = tt.timeout
			resp, err := c.Do(context.Background(), call)
			if tt.wantKind == dserrors.Unknown {
				require.NoError(t, err)
				assert.Equal(t, "0", resp.Code)
				return
			}
			e := dsErr(t, err)
			assert.Equal(t, tt.wantKind, e.Kind(), "%v", err)
			if tt.wantCode != "" {
				assert.Equal(t, tt.wantCode, e.Code(), "%v", err)
			}
			assert.NotEmpty(t, e.RequestID())
			if tt.retried {
				assert.Greater(t, e.Attempts(), 1, "%v", err)
			} else if tt.wantKind != dserrors.NoResponse && tt.wantKind != dserrors.Network {
				assert.Equal(t, 1, e.Attempts(), "%v", err)
			}
			assert.NotEmpty(t, e.UserMessage())
		})
	}
}

// TestSimulatorThroughToxiproxy puts a fault-injecting proxy between the
// client and the simulator.
func TestSimulatorThroughToxiproxy(t *testing.T) {
	tests := []struct {
		name     string
		toxic    string
		wantKind dserrors.Kind
	}{
		{"latency", `{"type":"latency","stream":"downstream","attributes":{"latency":40}}`, dserrors.Unknown},
		{"slicer", `{"type":"slicer","stream":"downstream","attributes":{"average_size":32,"size_variation":8,"delay":1000}}`, dserrors.Unknown},
		{"timeout", `{"type":"timeout","stream":"downstream","attributes":{"timeout":0}}`, dserrors.NoResponse},
		{"reset_peer", `{"type":"reset_peer","stream":"upstream","attributes":{"timeout":0}}`, dserrors.Network},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := dstest.Start(t, dstest.Config{PathPrefix: "/ebus"})
			u, err := url.Parse(srv.URL)
			require.NoError(t, err)
			addr := newToxiproxy(t, u.Host, tt.toxic)
			c := simClient(t, "http://"+addr+"/ebus", func(c *Config) { c.Retry.DisableHedging = true })
			resp, err := c.Do(context.Background(), createCall(createBody(t, srv.Sim)))
			if tt.wantKind == dserrors.Unknown {
				require.NoError(t, err)
				assert.Equal(t, "0", resp.Code)
				return
			}
			assert.Equal(t, tt.wantKind, dsErr(t, err).Kind(), "%v", err)
		})
	}
}

// loseFirstAnswer sends the first request to the platform, then throws its
// answer away and reports a broken connection: the platform acted, the
// client does not know.
type loseFirstAnswer struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (l *loseFirstAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(r)
	if l.n.Add(1) == 1 && err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, errors.New("connection reset by peer (test: answer lost)")
	}
	return resp, err
}

// TestIdempotentRetryGivesOneAuthorization: a POST whose answer is lost is
// retried with the same requestId and yields the same authorization; the
// platform's usage log holds one create for it.
func TestIdempotentRetryGivesOneAuthorization(t *testing.T) {
	srv := dstest.Start(t, dstest.Config{})
	lose := &loseFirstAnswer{base: http.DefaultTransport.(*http.Transport).Clone()}
	c := simClient(t, srv.URL, func(c *Config) { c.Transport = lose; c.Retry.DisableHedging = true })
	body := createBody(t, srv.Sim)

	resp, err := c.Do(context.Background(), createCall(body))
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)
	var first wire.CreatedAuthorization
	require.NoError(t, json.Unmarshal(resp.Data, &first))

	// The same requestId once more (e.g. after a crash) gives the same answer.
	again := createCall(body)
	again.RequestID = resp.RequestID
	resp2, err := c.Do(context.Background(), again)
	require.NoError(t, err)
	var second wire.CreatedAuthorization
	require.NoError(t, json.Unmarshal(resp2.Data, &second))
	assert.Equal(t, first.AuthorizationID, second.AuthorizationID)

	// The platform's usage log: one create for this requestId.
	date := srv.Sim.Now().In(time.FixedZone("CST", 8*3600)).Format(wire.DateLayout)
	logs, err := c.Do(context.Background(), &Call{Route: string(wire.RouteUsageLogs), Method: "GET", Path: wire.UsageLogsPath(date, 100, ""), Idempotent: true})
	require.NoError(t, err)
	var page wire.UsageLogPage
	require.NoError(t, json.Unmarshal(logs.Data, &page))
	creates := 0
	for _, r := range page.Records {
		if r.RequestID == resp.RequestID {
			creates++
			assert.Equal(t, first.AuthorizationID, r.AuthorizationID)
			assert.Equal(t, wire.ActionCreate, r.Action)
		}
	}
	assert.Equal(t, 1, creates)

	// The same requestId with another body is refused (DS3005).
	other := createCall(append(body[:len(body)-1:len(body)-1], []byte(`,"ttlSeconds":600}`)...))
	other.RequestID = resp.RequestID
	_, err = c.Do(context.Background(), other)
	assert.Equal(t, wire.CodeDS3005, dserrors.CodeOf(err))
}

// BenchmarkSimCreateAuthorization is one create-authorization round trip
// against the in-process simulator over loopback HTTP: signing, the
// simulator's checks and signature, verification.
func BenchmarkSimCreateAuthorization(b *testing.B) {
	srv, err := dstest.NewServer(dstest.Config{})
	require.NoError(b, err)
	defer srv.Close()
	c := simClient(b, srv.URL, nil)
	body := createBody(b, srv.Sim)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Do(ctx, createCall(body)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimPlainRoundTrip is a plain unsigned net/http POST of the same
// body to the same server and path: the gateway refuses it unsigned, so
// this is the HTTP floor under BenchmarkSimCreateAuthorization.
func BenchmarkSimPlainRoundTrip(b *testing.B) {
	srv, err := dstest.NewServer(dstest.Config{})
	require.NoError(b, err)
	defer srv.Close()
	body := createBody(b, srv.Sim)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := hc.Post(srv.URL+wire.AuthorizationsPath(), wire.ContentTypeJSON, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
