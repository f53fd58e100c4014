package dstest_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/internal/wire"
)

func TestGatewayRejections(t *testing.T) {
	c := start(t, "zs-gjj-001")
	body := mustJSON(t, c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	tests := []struct {
		name   string
		opts   []opt
		status int
	}{
		{"missing credential", []opt{withoutGateway()}, http.StatusUnauthorized},
		{"wrong token", []opt{withToken("TEST-token-wrong")}, http.StatusUnauthorized},
		{"unknown paasId", []opt{withPaasID("zs-unknown-001")}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do("POST", wire.AuthorizationsPath(), body, tt.opts...)
			require.False(t, r.Signed)
			require.NotNil(t, r.GW)
			assert.Equal(t, tt.status, r.Status)
			assert.NotZero(t, r.GW.ErrCode)
			assert.NotEmpty(t, r.GW.ErrMsg)
		})
	}
	// Gateway rejections are not logged.
	assertUsageCount(t, c, 0)
}

func TestServiceErrors(t *testing.T) {
	c := start(t, "zs-gjj-001")
	valid := func() *wire.CreateAuthorization { return c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode) }
	old := strconv.FormatInt(time.Now().Add(-181*time.Second).Unix(), 10)
	tests := []struct {
		name   string
		mut    func(*wire.CreateAuthorization)
		raw    []byte
		opts   []opt
		status int
		code   string
	}{
		{"unknown key id", nil, nil, []opt{withKeyID("k1999z")}, 403, wire.CodeDS1004},
		{"bad signature", nil, nil, []opt{withBadSig()}, 401, wire.CodeDS1001},
		{"stale timestamp", nil, nil, []opt{withTS(old)}, 401, wire.CodeDS1002},
		{"not JSON", nil, []byte(`{"subject":`), nil, 400, wire.CodeDS2001},
		{"missing purpose", nil, []byte(`{"subject":"personal","scenario":"yss_code"}`), nil, 400, wire.CodeDS2001},
		{"bad subject", func(r *wire.CreateAuthorization) { r.Subject = "robot" }, nil, nil, 400, wire.CodeDS2001},
		{"legal yss", func(r *wire.CreateAuthorization) { r.Subject = wire.SubjectLegal }, nil, nil, 400, wire.CodeDS2001},
		{"service_code on call 1", func(r *wire.CreateAuthorization) { r.Scenario = wire.ScenarioServiceCode }, nil, nil, 400, wire.CodeDS2001},
		{"no items", func(r *wire.CreateAuthorization) { r.Items = nil }, nil, nil, 400, wire.CodeDS2001},
		{"51 items", func(r *wire.CreateAuthorization) {
			for len(r.Items) < 51 {
				r.Items = append(r.Items, wire.Item{Kind: "data", Code: "x" + strconv.Itoa(len(r.Items)), Name: "x"})
			}
		}, nil, nil, 400, wire.CodeDS2001},
		{"short purpose", func(r *wire.CreateAuthorization) { r.Purpose = "办" }, nil, nil, 400, wire.CodeDS2001},
		{"long purpose", func(r *wire.CreateAuthorization) { r.Purpose = strings.Repeat("办", 201) }, nil, nil, 400, wire.CodeDS2001},
		{"ttl too short", func(r *wire.CreateAuthorization) { r.TTLSeconds = 59 }, nil, nil, 400, wire.CodeDS2001},
		{"ttl too long", func(r *wire.CreateAuthorization) { r.TTLSeconds = 1801 }, nil, nil, 400, wire.CodeDS2001},
		{"bad org USCC", func(r *wire.CreateAuthorization) { r.Org.Code = "12442000MB2C00040X" }, nil, nil, 400, wire.CodeDS2001},
		{"bad operator ID", func(r *wire.CreateAuthorization) { r.Operator.IDNumber = "442000199001011230" }, nil, nil, 400, wire.CodeDS2001},
		{"bad operator method", func(r *wire.CreateAuthorization) { r.Operator.Method = "guess" }, nil, nil, 400, wire.CodeDS2001},
		{"bad clientIp", func(r *wire.CreateAuthorization) { r.ClientIP = "10.1.2" }, nil, nil, 400, wire.CodeDS2001},
		{"bad matter code", func(r *wire.CreateAuthorization) { r.Matter.Code = "ZS_GJJ" }, nil, nil, 400, wire.CodeDS2001},
		{"bad item kind", func(r *wire.CreateAuthorization) { r.Items[0].Kind = "photo" }, nil, nil, 400, wire.CodeDS2001},
		{"license code not 21", func(r *wire.CreateAuthorization) { r.Items[0].Code = "123" }, nil, nil, 400, wire.CodeDS2001},
		{"missing scanCode", func(r *wire.CreateAuthorization) { r.ScanCode = "" }, nil, nil, 400, wire.CodeDS2001},
		{"bad callbackUrl", func(r *wire.CreateAuthorization) { r.CallbackURL = "not a url" }, nil, nil, 400, wire.CodeDS2001},
		{"h5 without returnUrl", func(r *wire.CreateAuthorization) { r.Scenario = wire.ScenarioH5; r.ScanCode = "" }, nil, nil, 400, wire.CodeDS2001},
		{"data_code 5 digits", func(r *wire.CreateAuthorization) {
			r.Scenario, r.DataCode = wire.ScenarioDataCode, "12345"
			r.Holder = &wire.Holder{IDType: wire.IDTypeIDCard, IDNumber: "442000199001011233"}
		}, nil, nil, 400, wire.CodeDS2001},
		{"wrong org", func(r *wire.CreateAuthorization) {
			r.Org.Name = "中山市住房和城乡建设局"
			r.Org.Code = "11442000MB2C00020J"
		}, nil, nil, 403, wire.CodeDS2002},
		{"wrong system name", func(r *wire.CreateAuthorization) { r.System.Name = "别的系统" }, nil, nil, 403, wire.CodeDS2002},
		{"scenario not enabled", func(r *wire.CreateAuthorization) { r.Scenario, r.ScanCode = wire.ScenarioServiceCode, "" }, nil, nil, 400, wire.CodeDS2001},
		{"matter not registered", func(r *wire.CreateAuthorization) { r.Matter.Code = "ZS-ZJJ-WQ-001" }, nil, nil, 403, wire.CodeDS2003},
		{"item not registered", func(r *wire.CreateAuthorization) {
			r.Items = append(r.Items, wire.Item{Kind: "license", Code: "11100000000018005K001", Name: "营业执照"})
		}, nil, nil, 403, wire.CodeDS2003},
		{"unknown scanCode", func(r *wire.CreateAuthorization) { r.ScanCode = "yss:00000000000000000000" }, nil, nil, 404, wire.CodeDS3001},
		{"data code mismatch", func(r *wire.CreateAuthorization) {
			h := c.holder("person", 0)
			r.Scenario, r.ScanCode, r.DataCode = wire.ScenarioDataCode, "", "000000"
			if h.DataCode == "000000" {
				r.DataCode = "000001"
			}
			r.Holder = &wire.Holder{IDType: h.IDType, IDNumber: h.IDNumber}
		}, nil, nil, 404, wire.CodeDS3001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.raw
			if body == nil {
				r := valid()
				if tt.mut != nil {
					tt.mut(r)
				}
				body = mustJSON(t, r)
			}
			c.do("POST", wire.AuthorizationsPath(), body, tt.opts...).fails(t, tt.status, tt.code)
		})
	}
	// Legal scenario not enabled for the system: rsj has no legal h5.
	rsj := *c
	rsj.t, rsj.paasID, rsj.token = t, "zs-rsj-001", "TEST-token-zs-rsj-001"
	b := rsj.createBody(wire.SubjectPersonal, wire.ScenarioH5)
	rsj.do("POST", wire.AuthorizationsPath(), mustJSON(t, b)).fails(t, 403, wire.CodeDS2003)
}

func TestOversizeBody(t *testing.T) {
	c := start(t, "zs-gjj-001")
	big := bytes.Repeat([]byte(" "), wire.MaxRequestBody+1)
	r := c.do("POST", wire.AuthorizationsPath(), big)
	r.fails(t, http.StatusRequestEntityTooLarge, wire.CodeDS2001)
}

func TestMissingRequestID(t *testing.T) {
	c := start(t, "zs-gjj-001")
	c.do("GET", wire.PlatformKeysPath(), nil, withRequestID("")).fails(t, http.StatusBadRequest, wire.CodeDS2001)
}

func TestNonceReplay(t *testing.T) {
	c := start(t, "zs-gjj-001")
	body := mustJSON(t, c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	req := c.request("POST", wire.AuthorizationsPath(), body)
	c.send(req).ok(t, nil)
	replay := c.request("POST", wire.AuthorizationsPath(), body)
	replay.Header = req.Header.Clone()
	c.send(replay).fails(t, http.StatusUnauthorized, wire.CodeDS1003)
	// The replayed nonce adds no usage record.
	assertUsageCount(t, c, 1)
}

func TestUnknownRouteIsSignedDS3001(t *testing.T) {
	c := start(t, "zs-gjj-001")
	c.do("GET", "/dsp/v1/nothing-here", nil).fails(t, http.StatusNotFound, wire.CodeDS3001)
	c.do("GET", wire.AuthorizationPath("au_missing"), nil).fails(t, http.StatusNotFound, wire.CodeDS3001)
	c.do("GET", wire.CertificatePath("cert_missing"), nil).fails(t, http.StatusNotFound, wire.CodeDS3001)
}

func assertUsageCount(t *testing.T, c *rawClient, n int) {
	t.Helper()
	var page wire.UsageLogPage
	date := c.sim.Now().Format(wire.DateLayout)
	c.do("GET", wire.UsageLogsPath(date, 500, ""), nil).ok(t, &page)
	assert.Len(t, page.Records, n)
}
