package scenario

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dserrors "github.com/zsdata/digitalspace/errors"
)

var gjj = Identity{PaasID: "zs-gjj-001", OrgName: "中山市住房公积金管理中心", OrgCode: "12442000MB2C00040H", SystemName: "新一代住房公积金管理系统"}

func validRequest() *Request {
	return &Request{
		Subject:  Personal,
		Scenario: YSSCode,
		Matter:   Matter{Code: "11442000007-001", Name: "住房公积金提取"},
		Items: []Item{
			{Kind: LicenseItem, Code: "11100000000013338W001", Name: "居民身份证", Required: true},
			{Kind: DataItemKind, Code: "hukou.address", Name: "户籍地址"},
		},
		Purpose:  "办理住房公积金提取",
		Operator: Operator{Name: "李四", IDType: IDCard, IDNumber: "442000199001011233", Verified: true, Method: "face", VerifiedAt: time.Now()},
		ClientIP: "10.1.2.3",
		ScanCode: "YSS-abc",
	}
}

func TestCheckFormat(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(r *Request)
		field string
		code  string
	}{
		{"ok", func(r *Request) {}, "", ""},
		{"bad subject", func(r *Request) { r.Subject = "x" }, "subject", "DS2001"},
		{"legal scenario on personal", func(r *Request) { r.Scenario = YSTCode }, "scenario", "DS2001"},
		{"matter code", func(r *Request) { r.Matter.Code = "a b" }, "matter.code", "DS2001"},
		{"no items", func(r *Request) { r.Items = nil }, "items", "DS2001"},
		{"license code length", func(r *Request) { r.Items[0].Code = "123" }, "items[0].code", "DS2001"},
		{"duplicate item", func(r *Request) { r.Items[1] = r.Items[0] }, "items[1].code", "DS2001"},
		{"item kind", func(r *Request) { r.Items[1].Kind = "x" }, "items[1].kind", "DS2001"},
		{"purpose short", func(r *Request) { r.Purpose = "办" }, "purpose", "DS2001"},
		{"purpose long", func(r *Request) { r.Purpose = strings.Repeat("办", 201) }, "purpose", "DS2001"},
		{"operator id check digit", func(r *Request) { r.Operator.IDNumber = "442000199001011230" }, "operator.idNumber", "DS2001"},
		{"operator not verified", func(r *Request) { r.Operator.Verified = false }, "operator.verified", "DS2001"},
		{"operator method", func(r *Request) { r.Operator.Method = "guess" }, "operator.method", "DS2001"},
		{"client ip", func(r *Request) { r.ClientIP = "300.1.1.1" }, "clientIp", "DS2001"},
		{"ttl", func(r *Request) { r.TTL = 10 * time.Second }, "ttlSeconds", "DS2001"},
		{"callback url", func(r *Request) { r.CallbackURL = "ftp://x" }, "callbackUrl", "DS2001"},
		{"scan code missing", func(r *Request) { r.ScanCode = "" }, "scanCode", "DS2001"},
		{"data code on yss", func(r *Request) { r.DataCode = "123456" }, "dataCode", "DS2001"},
		{"data code form", func(r *Request) {
			r.Scenario, r.ScanCode, r.DataCode = DataCode, "", "12345"
			r.Holder = &Holder{IDType: IDCard, IDNumber: "442000199001011233"}
		}, "dataCode", "DS2001"},
		{"data code holder id", func(r *Request) {
			r.Scenario, r.ScanCode, r.DataCode = DataCode, "", "123456"
			r.Holder = &Holder{IDType: IDCard, IDNumber: "442000199001011230"}
		}, "holder.idNumber", "DS2001"},
		{"data code without holder", func(r *Request) { r.Scenario, r.ScanCode, r.DataCode = DataCode, "", "123456" }, "holder", "DS2001"},
		{"h5 needs return url", func(r *Request) { r.Scenario, r.ScanCode = H5, "" }, "returnUrl", "DS2001"},
		{"service code has no holder", func(r *Request) {
			r.Scenario, r.ScanCode = ServiceCode, ""
			r.Holder = &Holder{IDType: IDCard, IDNumber: "442000199001011233"}
		}, "holder", "DS2001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := validRequest()
			tc.edit(r)
			err := CheckFormat(r)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			e, ok := dserrors.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, dserrors.Validation, e.Kind())
			assert.Equal(t, tc.code, e.Code())
			assert.Equal(t, tc.field, e.Field())
			assert.NotEmpty(t, e.UserMessage())
		})
	}
}

func TestCheckSourceAndBusiness(t *testing.T) {
	withMatters := DefaultPolicy()
	for i := range withMatters.Systems {
		if withMatters.Systems[i].SystemName == gjj.SystemName {
			withMatters.Systems[i].Matters = []MatterPolicy{{Code: "11442000007-001", Name: "住房公积金提取",
				Items: []Item{{Kind: LicenseItem, Code: "11100000000013338W001"}, {Kind: DataItemKind, Code: "hukou.address"}}}}
		}
	}
	tests := []struct {
		name   string
		id     Identity
		policy *Policy
		edit   func(r *Request)
		code   string
		field  string
	}{
		{"ok", gjj, DefaultPolicy(), func(*Request) {}, "", ""},
		{"nil policy skips", Identity{SystemName: "x"}, nil, func(*Request) {}, "", ""},
		{"unknown system", Identity{PaasID: "p", SystemName: "某系统", OrgName: gjj.OrgName, OrgCode: gjj.OrgCode}, DefaultPolicy(), func(*Request) {}, "DS2002", "system.name"},
		{"wrong org", Identity{PaasID: "p", SystemName: gjj.SystemName, OrgName: "别的单位", OrgCode: gjj.OrgCode}, DefaultPolicy(), func(*Request) {}, "DS2002", "org"},
		{"scenario not enabled", gjj, DefaultPolicy(), func(r *Request) { r.Scenario, r.ScanCode = ServiceCode, "" }, "DS2003", "scenario"},
		{"data code enabled for none", gjj, DefaultPolicy(), func(r *Request) { r.Scenario = DataCode }, "DS2003", "scenario"},
		{"matters: ok", gjj, withMatters, func(*Request) {}, "", ""},
		{"matters: unknown matter", gjj, withMatters, func(r *Request) { r.Matter.Code = "X-1" }, "DS2003", "matter.code"},
		{"matters: unknown item", gjj, withMatters, func(r *Request) { r.Items[1].Code = "other" }, "DS2003", "items[1].code"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := validRequest()
			tc.edit(r)
			err := CheckSourceAndBusiness(tc.id, tc.policy, r)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			e, ok := dserrors.As(err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, tc.code, e.Code())
			assert.Equal(t, tc.field, e.Field())
		})
	}
}

func TestLoadPolicy(t *testing.T) {
	p, err := LoadPolicy(strings.NewReader(`{"systems":[{"systemName":"S","orgName":"O","orgCode":"12442000MB2C00040H","scenarios":{"personal":["yss_code"],"legal":[]},
	  "matters":[{"code":"M-1","name":"事项","items":[{"kind":"license","code":"11100000000013338W001","name":"身份证","required":true}]}]}]}`))
	require.NoError(t, err)
	s, ok := p.System("any", "S")
	require.True(t, ok)
	assert.True(t, s.Enabled(Personal, YSSCode))
	assert.False(t, s.Enabled(Legal, YSSCode))
	m, ok := s.Matter("M-1")
	require.True(t, ok)
	assert.True(t, m.Items[0].Required)
	_, err = LoadPolicy(strings.NewReader(`{"systems":[]}`))
	assert.Error(t, err)
}

func FuzzCheckFormat(f *testing.F) {
	f.Add("personal", "yss_code", "11442000007-001", "办理", "10.0.0.1", "YSS", "", "442000199001011233")
	f.Fuzz(func(t *testing.T, subject, scen, matter, purpose, ip, scan, data, id string) {
		r := validRequest()
		r.Subject, r.Scenario, r.Matter.Code, r.Purpose, r.ClientIP, r.ScanCode, r.DataCode = Subject(subject), Kind(scen), matter, purpose, ip, scan, data
		r.Holder = &Holder{IDType: IDCard, IDNumber: id}
		_ = CheckFormat(r)
	})
}
