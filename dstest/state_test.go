package dstest_test

import (
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/mask"
	"github.com/zsdata/digitalspace/internal/wire"
)

func TestIdempotentReplay(t *testing.T) {
	c := start(t, "zs-gjj-001")
	body := mustJSON(t, c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	rid := uuid.NewString()
	first := c.create(nil2(t, body), withRequestID(rid))
	_ = first
	var second wire.CreatedAuthorization
	r := c.do("POST", wire.AuthorizationsPath(), body, withRequestID(rid))
	r.ok(t, &second)
	assert.Equal(t, first.AuthorizationID, second.AuthorizationID)
	assertUsageCount(t, c, 1)

	// Same requestId, other body: DS3005, not logged.
	other := c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode)
	other.Purpose = "另一个用途说明"
	c.do("POST", wire.AuthorizationsPath(), mustJSON(t, other), withRequestID(rid)).fails(t, http.StatusConflict, wire.CodeDS3005)
	assertUsageCount(t, c, 1)

	// A kept 4xx answer is replayed too.
	rid2 := uuid.NewString()
	bad := c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode)
	bad.Purpose = "x"
	c.do("POST", wire.AuthorizationsPath(), mustJSON(t, bad), withRequestID(rid2)).fails(t, 400, wire.CodeDS2001)
	c.do("POST", wire.AuthorizationsPath(), mustJSON(t, bad), withRequestID(rid2)).fails(t, 400, wire.CodeDS2001)
	assertUsageCount(t, c, 2)
}

// nil2 decodes body back into a request for create.
func nil2(t *testing.T, body []byte) *wire.CreateAuthorization {
	var r wire.CreateAuthorization
	require.NoError(t, jsonUnmarshal(body, &r))
	return &r
}

func TestConcurrentDuplicateCreatesOne(t *testing.T) {
	c := start(t, "zs-gjj-001")
	body := mustJSON(t, c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	rid := uuid.NewString()
	const n = 8
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := c.request("POST", wire.AuthorizationsPath(), body, withRequestID(rid))
			resp, err := c.hc.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			var env wire.Response
			if jsonDecode(resp.Body, &env) == nil {
				var out wire.CreatedAuthorization
				if jsonUnmarshal(env.Data, &out) == nil {
					ids[i] = out.AuthorizationID
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
	assert.NotEmpty(t, ids[0])
	assertUsageCount(t, c, 1)
}

func TestExpiryByClock(t *testing.T) {
	c := start(t, "zs-gjj-001")
	req := c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode)
	req.TTLSeconds = 60
	out := c.create(req)
	require.NoError(t, c.sim.Open(out.AuthorizationID, nil))
	c.sim.AdvanceClock(59 * time.Second)
	assert.Equal(t, wire.StatusScanned, c.get(out.AuthorizationID).Status)
	st, _ := c.simCall("POST", "clock", map[string]any{"advanceSeconds": 1})
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, wire.StatusExpired, c.get(out.AuthorizationID).Status)
	c.do("POST", wire.CancelPath(out.AuthorizationID), nil).fails(t, http.StatusConflict, wire.CodeDS3002)
	c.do("POST", wire.DeliveryPath(out.AuthorizationID), nil).fails(t, http.StatusConflict, wire.CodeDS3002)
	st, body := c.simCall("POST", "authorizations/"+out.AuthorizationID+"/decide", map[string]any{"decision": "approve"})
	assert.Equal(t, http.StatusGone, st, body)
}

func TestUseUntil(t *testing.T) {
	c := start(t, "zs-gjj-001")
	out := c.create(c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	// Delivery before approval: wrong state.
	c.do("POST", wire.DeliveryPath(out.AuthorizationID), nil).fails(t, http.StatusConflict, wire.CodeDS3002)
	require.NoError(t, c.sim.Decide(out.AuthorizationID, dstest.Decision{Decision: "approve"}))
	a := c.get(out.AuthorizationID)
	assert.NotEmpty(t, a.ScannedAt, "a decision on PENDING opens it first")
	c.do("POST", wire.CancelPath(out.AuthorizationID), nil).fails(t, http.StatusConflict, wire.CodeDS3002)
	c.sim.AdvanceClock(29 * time.Minute)
	c.do("POST", wire.DeliveryPath(out.AuthorizationID), nil).ok(t, nil)
	c.sim.AdvanceClock(time.Minute)
	c.do("POST", wire.DeliveryPath(out.AuthorizationID), nil).fails(t, http.StatusGone, wire.CodeDS3003)
}

func TestReject(t *testing.T) {
	c := start(t, "zs-gjj-001")
	out := c.create(c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	st, body := c.simCall("POST", "authorizations/"+out.AuthorizationID+"/decide", map[string]any{"decision": "reject"})
	require.Equal(t, http.StatusOK, st, body)
	a := c.get(out.AuthorizationID)
	assert.Equal(t, wire.StatusRejected, a.Status)
	assert.Empty(t, a.GrantedItems)
	c.do("POST", wire.DeliveryPath(out.AuthorizationID), nil).fails(t, http.StatusConflict, wire.CodeDS3002)
}

func TestDecideWithoutRequiredRefused(t *testing.T) {
	c := start(t, "zs-gjj-001")
	req := c.createBody(wire.SubjectPersonal, wire.ScenarioH5)
	out := c.create(req)
	st, body := c.simCall("POST", "authorizations/"+out.AuthorizationID+"/decide",
		map[string]any{"decision": "approve", "grantedItems": []string{req.Items[1].Code}})
	assert.Equal(t, http.StatusConflict, st)
	assert.Equal(t, wire.CodeDS2001, body["code"])
	assert.NotEmpty(t, body["message"])
	a := c.get(out.AuthorizationID)
	assert.Equal(t, wire.StatusPending, a.Status, "nothing changes, not even the opening")
	assert.Empty(t, a.ScannedAt)
}

func TestH5AddAndRemoveItems(t *testing.T) {
	c := start(t, "zs-gjj-001")
	req := c.createBody(wire.SubjectPersonal, wire.ScenarioH5)
	// Request only the first two items; the matter has more.
	all := req.Items
	req.Items = all[:2]
	out := c.create(req)
	h := c.holder("person", 2)
	// Keep the required one, drop the second, add the last registered one.
	grant := []string{all[len(all)-1].Code, all[0].Code}
	require.NoError(t, c.sim.Decide(out.AuthorizationID, dstest.Decision{
		Decision: "approve", GrantedItems: grant, Holder: &dstest.HolderRef{IDType: h.IDType, IDNumber: h.IDNumber}}))
	a := c.get(out.AuthorizationID)
	sort.Strings(grant)
	assert.Equal(t, grant, a.GrantedItems)
	assert.Len(t, a.Items, 3)
	assert.Equal(t, mask.Name(h.Name), a.Holder.Name)

	// Outside h5 the holder cannot change items.
	req2 := c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode)
	out2 := c.create(req2)
	var se *dstest.SimError
	require.ErrorAs(t, c.sim.Decide(out2.AuthorizationID, dstest.Decision{Decision: "approve", GrantedItems: []string{req2.Items[0].Code}}), &se)
	assert.Equal(t, wire.CodeDS2001, se.Code)
	// h5 cannot add an item not registered for the matter.
	out3 := c.create(req)
	require.ErrorAs(t, c.sim.Decide(out3.AuthorizationID, dstest.Decision{Decision: "approve", GrantedItems: []string{all[0].Code, "no.such.item"}}), &se)
	assert.Equal(t, http.StatusConflict, se.Status)
}

func TestPhoneListing(t *testing.T) {
	c := start(t, "zs-gjj-001")
	req := c.createBody(wire.SubjectPersonal, wire.ScenarioH5)
	req.Items = req.Items[:2]
	out := c.create(req)
	h := c.holder("person", 3)
	list := c.sim.PhoneAuthorizations(dstest.HolderRef{IDType: h.IDType, IDNumber: h.IDNumber})
	require.Len(t, list, 1)
	assert.Equal(t, out.AuthorizationID, list[0].AuthorizationID)
	assert.NotEmpty(t, list[0].ExtraItems)
	require.NoError(t, c.sim.Open(out.AuthorizationID, &dstest.HolderRef{IDType: h.IDType, IDNumber: h.IDNumber}))
	other := c.holder("person", 0)
	assert.Empty(t, c.sim.PhoneAuthorizations(dstest.HolderRef{IDType: other.IDType, IDNumber: other.IDNumber}))
}
