package dstest_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/wire"
)

func TestUsageLogPagingAndFields(t *testing.T) {
	c := start(t, "zs-gjj-001")
	req := c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode)
	var ids []string
	for range 5 {
		ids = append(ids, c.create(req).AuthorizationID)
	}
	require.NoError(t, c.sim.Decide(ids[0], dstest.Decision{Decision: "approve"}))
	c.do("POST", wire.DeliveryPath(ids[0]), nil).ok(t, nil)
	c.do("POST", wire.CancelPath(ids[1]), nil).ok(t, nil)
	c.do("POST", wire.CancelPath(ids[0]), nil).fails(t, http.StatusConflict, wire.CodeDS3002)
	bad := *req
	bad.Purpose = "x"
	c.do("POST", wire.AuthorizationsPath(), mustJSON(t, &bad)).fails(t, 400, wire.CodeDS2001)
	c.do("POST", wire.AuthorizationsPath(), mustJSON(t, req), withBadSig()).fails(t, 401, wire.CodeDS1001)
	c.do("GET", wire.AuthorizationPath(ids[2]), nil).ok(t, nil) // call 2 is not logged

	date := c.sim.Now().Format(wire.DateLayout)
	var all []wire.UsageRecord
	token := ""
	pages := 0
	for {
		var page wire.UsageLogPage
		c.do("GET", wire.UsageLogsPath(date, 3, token), nil).ok(t, &page)
		all = append(all, page.Records...)
		pages++
		if page.NextPageToken == "" {
			break
		}
		token = page.NextPageToken
	}
	require.Len(t, all, 10)
	assert.Equal(t, 4, pages)
	h := c.holder("person", 0)
	results := map[string]int{}
	for _, r := range all {
		results[r.Action+":"+r.Result]++
		assert.Equal(t, "zs-gjj-001", r.PaasID)
		assert.NotEmpty(t, r.RecordID)
		assert.NotEmpty(t, r.OccurredAt)
		if r.Result == "ok" {
			assert.Equal(t, "10.1.2.3", r.ClientIP)
			assert.Equal(t, wire.HolderDigest(h.IDType, h.IDNumber), r.HolderDigest)
			assert.Equal(t, wire.HolderDigest(req.Operator.IDType, req.Operator.IDNumber), r.OperatorDigest)
			assert.Equal(t, req.Matter.Code, r.MatterCode)
			assert.Equal(t, req.Org.Code, r.OrgCode)
		}
	}
	assert.Equal(t, map[string]int{"create:ok": 5, "delivery:ok": 1, "cancel:ok": 1, "cancel:DS3002": 1,
		"create:DS2001": 1, "create:DS1001": 1}, results)

	// Another day is empty; bad parameters are DS2001.
	var page wire.UsageLogPage
	c.do("GET", wire.UsageLogsPath("2020-01-01", 0, ""), nil).ok(t, &page)
	assert.Empty(t, page.Records)
	assert.Equal(t, "", page.NextPageToken)
	c.do("GET", wire.UsageLogsPath(date, 501, ""), nil).fails(t, 400, wire.CodeDS2001)
	c.do("GET", wire.UsageLogsPath("2026-13-01", 0, ""), nil).fails(t, 400, wire.CodeDS2001)
	c.do("GET", wire.UsageLogsPath(date, 10, "garbage!"), nil).fails(t, 400, wire.CodeDS2001)

	// Other systems do not see these records.
	other := *c
	other.paasID, other.token = "zs-zjj-001", dstest.DefaultPaasToken("zs-zjj-001")
	other.do("GET", wire.UsageLogsPath(date, 0, ""), nil).ok(t, &page)
	assert.Empty(t, page.Records)
}

func TestReconciliation(t *testing.T) {
	c := start(t, "zs-rsj-001")
	body := wire.Reconciliation{Date: "2026-11-26", LocalCount: 3, RemoteCount: 2, Matched: 2,
		MissingRemote: []string{uuid.NewString()}, MissingLocal: []string{}, Mismatched: []string{}}
	var rcpt wire.Receipt
	c.do("POST", wire.ReconciliationsPath(), mustJSON(t, body)).ok(t, &rcpt)
	assert.NotEmpty(t, rcpt.ReceiptID)
	recs := c.sim.Reconciliations()
	require.Len(t, recs, 1)
	assert.Equal(t, rcpt.ReceiptID, recs[0].ReceiptID)
	assert.Equal(t, body, recs[0].Body)
	st, out := c.simCall("GET", "reconciliations", nil)
	require.Equal(t, http.StatusOK, st)
	assert.Len(t, out["reconciliations"], 1)

	c.do("POST", wire.ReconciliationsPath(), []byte(`{"date":"2026-11-26"}`)).fails(t, 400, wire.CodeDS2001)
	body.Matched = 5
	c.do("POST", wire.ReconciliationsPath(), mustJSON(t, body)).fails(t, 400, wire.CodeDS2001)
}
