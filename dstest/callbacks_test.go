package dstest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

type received struct {
	header http.Header
	body   []byte
	event  wire.CallbackEvent
}

func TestCallbacksSignedAndRetried(t *testing.T) {
	pub := mustPlatformPub(t)
	var mu sync.Mutex
	var got []received
	failFirst := true
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var ev wire.CallbackEvent
		_ = json.Unmarshal(b, &ev)
		mu.Lock()
		got = append(got, received{header: r.Header.Clone(), body: b, event: ev})
		fail := failFirst
		failFirst = false
		mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(`{"code":"0"}`))
	}))
	defer recv.Close()

	c := start(t, "zs-gjj-001")
	req := c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode)
	req.CallbackURL = recv.URL + "/cb"
	out := c.create(req)
	require.NoError(t, c.sim.Open(out.AuthorizationID, nil))
	require.NoError(t, c.sim.Decide(out.AuthorizationID, dstest.Decision{Decision: "approve"}))

	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= 3
	}, 10*time.Second, 20*time.Millisecond)

	mu.Lock()
	defer mu.Unlock()
	// First scanned attempt failed with 500, retried with the same eventId
	// and a fresh nonce; then authorized, in order.
	require.Len(t, got, 3)
	assert.Equal(t, wire.EventScanned, got[0].event.Type)
	assert.Equal(t, got[0].event.EventID, got[1].event.EventID)
	assert.Equal(t, got[0].header.Get(wire.HeaderEventID), got[1].header.Get(wire.HeaderEventID))
	assert.NotEqual(t, got[0].header.Get(wire.HeaderNonce), got[1].header.Get(wire.HeaderNonce))
	assert.Equal(t, got[0].body, got[1].body)
	assert.Equal(t, wire.EventAuthorized, got[2].event.Type)
	assert.Equal(t, wire.StatusAuthorized, got[2].event.Authorization.Status)
	assert.Equal(t, out.AuthorizationID, got[2].event.Authorization.AuthorizationID)
	assert.NotEqual(t, c.holder("person", 0).IDNumber, got[2].event.Authorization.Holder.IDNumber, "holder masked")
	for _, g := range got {
		sts := wire.CallbackToSign{EventID: g.header.Get(wire.HeaderEventID), KeyID: g.header.Get(wire.HeaderKeyID),
			Timestamp: g.header.Get(wire.HeaderTimestamp), Nonce: g.header.Get(wire.HeaderNonce), Body: g.body}.String()
		assert.Equal(t, dstest.TestPlatformKeyID, g.header.Get(wire.HeaderKeyID))
		assert.NoError(t, sign.VerifyBase64(pub, []byte(sts), g.header.Get(wire.HeaderSignature)))
	}

	recs := c.sim.Callbacks()
	require.Len(t, recs, 2)
	assert.Len(t, recs[0].Attempts, 2)
	assert.Equal(t, 500, recs[0].Attempts[0].Status)
	assert.True(t, recs[0].Delivered)
	st, body := c.simCall("GET", "callbacks", nil)
	require.Equal(t, http.StatusOK, st)
	assert.Len(t, body["callbacks"], 2)
}

func TestExpiryAndCancelCallbacks(t *testing.T) {
	var mu sync.Mutex
	var types []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev wire.CallbackEvent
		_ = json.NewDecoder(r.Body).Decode(&ev)
		mu.Lock()
		types = append(types, ev.Type)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"code":"0"}`))
	}))
	defer recv.Close()
	c := start(t, "zs-gjj-001")
	req := c.createBody(wire.SubjectPersonal, wire.ScenarioH5)
	req.CallbackURL = recv.URL
	a1 := c.create(req)
	a2 := c.create(req)
	c.do("POST", wire.CancelPath(a2.AuthorizationID), nil).ok(t, nil)
	c.sim.AdvanceClock(10 * time.Minute) // the sweep on advance notices expiry
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(types) == 2
	}, 5*time.Second, 10*time.Millisecond)
	mu.Lock()
	assert.ElementsMatch(t, []string{wire.EventCanceled, wire.EventExpired}, types)
	mu.Unlock()
	assert.Equal(t, wire.StatusExpired, c.get(a1.AuthorizationID).Status)
}
