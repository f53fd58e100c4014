package dstest

import (
	"encoding/json"
	"testing"

	"github.com/zsdata/digitalspace/internal/wire"
)

// FuzzParseCreate checks that the body parsing and validation of calls 1 and
// 5 never panics and that what it accepts passes its own rules.
func FuzzParseCreate(f *testing.F) {
	valid := `{"subject":"personal","scenario":"yss_code","matter":{"code":"ZS-GJJ-TQ-001","name":"住房公积金提取"},` +
		`"items":[{"kind":"license","code":"11100000000013338W001","name":"居民身份证","required":true}],` +
		`"purpose":"办理住房公积金提取","org":{"name":"中山市住房公积金管理中心","code":"12442000MB2C00040H"},` +
		`"system":{"name":"新一代住房公积金管理系统"},"operator":{"name":"王小二","idType":"ID_CARD","idNumber":"442000199001011233",` +
		`"verified":true,"method":"face","verifiedAt":"2026-11-27T09:00:00+08:00"},"clientIp":"10.1.2.3","scanCode":"yss:1"}`
	for _, s := range []string{valid, `{}`, `[]`, `null`, `{"items":null}`, `{"ttlSeconds":-1}`, "\xff", valid + "x"} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, serviceCode bool) {
		req, ttl, e := parseCreate(body, serviceCode)
		if e != nil {
			if e.code != wire.CodeDS2001 || req != nil {
				t.Fatalf("bad failure %v %v", e, req)
			}
			return
		}
		if ttl < wire.MinTTLSeconds || ttl > wire.MaxTTLSeconds || len(req.Items) < 1 || len(req.Items) > 50 {
			t.Fatalf("accepted out-of-range request: ttl %d items %d", ttl, len(req.Items))
		}
		if _, err := json.Marshal(req); err != nil {
			t.Fatal(err)
		}
		_ = decodeOptionalObject(body)
	})
}
