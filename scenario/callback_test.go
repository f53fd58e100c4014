package scenario_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/personal"
	"github.com/zsdata/digitalspace/scenario"
	"github.com/zsdata/digitalspace/sign"
)

// events collects what the receiver hands to the application.
type events struct {
	mu   sync.Mutex
	list []*scenario.Event
}

func (e *events) handle(_ context.Context, ev *scenario.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
	return nil
}

func (e *events) types() []scenario.EventType {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []scenario.EventType
	for _, ev := range e.list {
		out = append(out, ev.Type)
	}
	return out
}

// signCallback signs body as the platform would, with the given key.
func signCallback(t *testing.T, keyPEM, keyID, eventID string, body []byte, ts time.Time) http.Header {
	t.Helper()
	priv, err := sign.ParsePrivateKeyPEM([]byte(keyPEM), nil)
	require.NoError(t, err)
	s, err := sign.NewSigner(keyID, priv)
	require.NoError(t, err)
	nonce, err := sign.NewNonce()
	require.NoError(t, err)
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig, err := s.SignBase64([]byte(wire.CallbackToSign{EventID: eventID, KeyID: keyID, Timestamp: stamp, Nonce: nonce, Body: body}.String()))
	require.NoError(t, err)
	h := http.Header{}
	h.Set(wire.HeaderEventID, eventID)
	h.Set(wire.HeaderKeyID, keyID)
	h.Set(wire.HeaderTimestamp, stamp)
	h.Set(wire.HeaderNonce, nonce)
	h.Set(wire.HeaderSignature, sig)
	return h
}

// delivered reports whether the simulator has sent n callbacks and
// recorded each as delivered.
func delivered(sim *dstest.Sim, n int) func() bool {
	return func() bool {
		recs := sim.Callbacks()
		for _, rec := range recs {
			if !rec.Delivered {
				return false
			}
		}
		return len(recs) == n
	}
}

func post(t *testing.T, url string, h http.Header, body []byte) int {
	t.Helper()
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = h.Clone()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestCallbacks(t *testing.T) {
	e := newEnv(t, "zs-gjj-001")
	got := &events{}
	hub := scenario.NewHub()
	rcv := e.svc.NewCallbackReceiver(func(ctx context.Context, ev *scenario.Event) error {
		hub.Publish(ev)
		return got.handle(ctx, ev)
	})
	cb := httptest.NewServer(rcv)
	defer cb.Close()

	c := e.common(t, scenario.Personal)
	c.CallbackURL = cb.URL
	h := e.holder(t, scenario.Personal, c)
	p, err := (&personal.YSSCode{Common: c, ScanCode: h.ScanCode}).Create(ctx(t), e.svc)
	require.NoError(t, err)
	require.NoError(t, e.srv.Sim.Decide(p.AuthorizationID, dstest.Decision{Decision: "approve"}))

	// Woken by the callback, not by polling (the interval is far longer
	// than the test's deadline).
	a, err := e.svc.Wait(ctx(t), p.AuthorizationID, scenario.WaitOptions{Interval: time.Hour, Events: hub})
	require.NoError(t, err)
	assert.Equal(t, scenario.StatusAuthorized, a.Status)
	require.Eventually(t, func() bool { return len(got.types()) == 2 }, 5*time.Second, 20*time.Millisecond)
	assert.Equal(t, []scenario.EventType{scenario.EventScanned, scenario.EventAuthorized}, got.types())
	// The simulator records each answer after the receiver has handled the
	// event: wait for both records.
	require.Eventually(t, delivered(e.srv.Sim, 2), 5*time.Second, 20*time.Millisecond)

	recs := e.srv.Sim.Callbacks()
	last := recs[len(recs)-1]
	body := []byte(last.Body)

	t.Run("duplicate is acknowledged, not delivered again", func(t *testing.T) {
		hdr := signCallback(t, dstest.TestPlatformPrivateKeyPEM, dstest.TestPlatformKeyID, last.EventID, body, time.Now())
		assert.Equal(t, http.StatusOK, post(t, cb.URL, hdr, body))
		assert.Len(t, got.types(), 2)
	})
	t.Run("replayed nonce is rejected", func(t *testing.T) {
		fresh := []byte(`{"eventId":"ev_replay","type":"authorization.scanned","occurredAt":"2026-11-27T09:30:00+08:00","authorization":{"authorizationId":"` + p.AuthorizationID + `","status":"SCANNED"}}`)
		hdr := signCallback(t, dstest.TestPlatformPrivateKeyPEM, dstest.TestPlatformKeyID, "ev_replay", fresh, time.Now())
		assert.Equal(t, http.StatusOK, post(t, cb.URL, hdr, fresh))
		assert.Equal(t, http.StatusUnauthorized, post(t, cb.URL, hdr, fresh))
		assert.Len(t, got.types(), 3)
	})
	t.Run("bad signature is rejected and never delivered", func(t *testing.T) {
		forged := []byte(`{"eventId":"ev_forged","type":"authorization.authorized","occurredAt":"2026-11-27T09:30:00+08:00","authorization":{"authorizationId":"au_x","status":"AUTHORIZED"}}`)
		// Signed by the system's own key under the platform's key id.
		hdr := signCallback(t, dstest.TestClientPrivateKeyPEM, dstest.TestPlatformKeyID, "ev_forged", forged, time.Now())
		assert.Equal(t, http.StatusUnauthorized, post(t, cb.URL, hdr, forged))
		// A body changed after signing.
		hdr = signCallback(t, dstest.TestPlatformPrivateKeyPEM, dstest.TestPlatformKeyID, "ev_forged", forged, time.Now())
		assert.Equal(t, http.StatusUnauthorized, post(t, cb.URL, hdr, bytes.Replace(forged, []byte("au_x"), []byte("au_y"), 1)))
		// Unsigned.
		assert.Equal(t, http.StatusUnauthorized, post(t, cb.URL, http.Header{}, forged))
		assert.Len(t, got.types(), 3)
	})
	t.Run("stale timestamp is rejected", func(t *testing.T) {
		stale := []byte(`{"eventId":"ev_stale","type":"authorization.scanned","occurredAt":"2026-11-27T09:30:00+08:00","authorization":{"authorizationId":"au_x","status":"SCANNED"}}`)
		hdr := signCallback(t, dstest.TestPlatformPrivateKeyPEM, dstest.TestPlatformKeyID, "ev_stale", stale, time.Now().Add(-10*time.Minute))
		assert.Equal(t, http.StatusUnauthorized, post(t, cb.URL, hdr, stale))
	})
	t.Run("plain function for other frameworks", func(t *testing.T) {
		b := []byte(`{"eventId":"ev_fn","type":"authorization.canceled","occurredAt":"2026-11-27T09:30:00+08:00","authorization":{"authorizationId":"au_fn","status":"CANCELED"}}`)
		hdr := signCallback(t, dstest.TestPlatformPrivateKeyPEM, dstest.TestPlatformKeyID, "ev_fn", b, time.Now())
		ev, err := rcv.Parse(ctx(t), hdr, b)
		require.NoError(t, err)
		assert.Equal(t, scenario.EventCanceled, ev.Type)
		assert.Equal(t, "au_fn", ev.Authorization.ID)
		_, err = rcv.Parse(ctx(t), hdr, b)
		assert.ErrorIs(t, err, dserrors.Signature, "the nonce was used")
	})
}

// A durable store catches a duplicate delivered after a restart, when the
// in-memory one would not.
func TestCallbackDedupeAcrossRestart(t *testing.T) {
	e := newEnv(t, "zs-gjj-001")
	store := scenario.NewMemoryDedupe(10) // stands for a durable store shared by both receivers
	first, second := &events{}, &events{}
	r1 := e.svc.NewCallbackReceiver(first.handle, scenario.WithDedupeStore(store))
	r2 := e.svc.NewCallbackReceiver(second.handle, scenario.WithDedupeStore(store))
	b := []byte(`{"eventId":"ev_r","type":"authorization.scanned","occurredAt":"2026-11-27T09:30:00+08:00","authorization":{"authorizationId":"au_r","status":"SCANNED"}}`)
	_, err := r1.Receive(ctx(t), signCallback(t, dstest.TestPlatformPrivateKeyPEM, dstest.TestPlatformKeyID, "ev_r", b, time.Now()), b)
	require.NoError(t, err)
	_, err = r2.Receive(ctx(t), signCallback(t, dstest.TestPlatformPrivateKeyPEM, dstest.TestPlatformKeyID, "ev_r", b, time.Now()), b)
	assert.ErrorIs(t, err, scenario.ErrDuplicate)
	assert.Len(t, first.types(), 1)
	assert.Empty(t, second.types())
}

// When the application fails, the event is forgotten so the platform's
// retry is handled.
func TestCallbackHandlerFailureIsRetried(t *testing.T) {
	e := newEnv(t, "zs-gjj-001")
	calls := 0
	r := e.svc.NewCallbackReceiver(func(context.Context, *scenario.Event) error {
		calls++
		if calls == 1 {
			return assert.AnError
		}
		return nil
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	b := []byte(`{"eventId":"ev_f","type":"authorization.scanned","occurredAt":"2026-11-27T09:30:00+08:00","authorization":{"authorizationId":"au_f","status":"SCANNED"}}`)
	assert.Equal(t, http.StatusInternalServerError, post(t, srv.URL, signCallback(t, dstest.TestPlatformPrivateKeyPEM, dstest.TestPlatformKeyID, "ev_f", b, time.Now()), b))
	assert.Equal(t, http.StatusOK, post(t, srv.URL, signCallback(t, dstest.TestPlatformPrivateKeyPEM, dstest.TestPlatformKeyID, "ev_f", b, time.Now()), b))
	assert.Equal(t, 2, calls)
}

func TestCertificateTampered(t *testing.T) {
	e := newEnv(t, "zs-gjj-001")
	c := e.common(t, scenario.Personal)
	h := e.holder(t, scenario.Personal, c)
	p, err := (&personal.YSSCode{Common: c, ScanCode: h.ScanCode}).Create(ctx(t), e.svc)
	require.NoError(t, err)
	require.NoError(t, e.srv.Sim.Decide(p.AuthorizationID, dstest.Decision{Decision: "approve"}))
	a, err := e.svc.Get(ctx(t), p.AuthorizationID)
	require.NoError(t, err)
	d, err := e.svc.Deliver(ctx(t), a, nil)
	require.NoError(t, err)
	d.Wipe()
	holder := &scenario.Holder{IDType: scenario.IDType(h.IDType), IDNumber: h.IDNumber}
	require.NoError(t, e.svc.VerifyCertificate(ctx(t), d.Certificate, a, holder))

	tests := []struct {
		name   string
		edit   func(c *scenario.Certificate)
		expect *scenario.Holder
	}{
		{"signature altered", func(c *scenario.Certificate) { c.Signature = flipBase64(c.Signature, 10) }, nil},
		{"holder digest altered", func(c *scenario.Certificate) { c.HolderDigest = wire.HolderDigest("ID_CARD", "442000199001011233") }, nil},
		{"purpose altered", func(c *scenario.Certificate) { c.Purpose += "及其他" }, nil},
		{"granted items altered", func(c *scenario.Certificate) { c.GrantedItems = c.GrantedItems[1:] }, nil},
		{"another holder expected", func(*scenario.Certificate) {}, &scenario.Holder{IDType: scenario.IDCard, IDNumber: "442000199001011233"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cert := *d.Certificate
			cert.GrantedItems = append([]string(nil), d.Certificate.GrantedItems...)
			tc.edit(&cert)
			err := e.svc.VerifyCertificate(ctx(t), &cert, a, tc.expect)
			assert.ErrorIs(t, err, dserrors.Signature)
		})
	}
}

// flipBase64 changes the base64 character at i to another one.
func flipBase64(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

// TestCallbackAfterKeyRotation: the platform rotates its key between the
// creation and the holder's decision. The first callback carries a key id
// the system has never seen: the receiver refreshes the key ring once from
// /platform-keys (signed by the key it trusts) and accepts it, rather than
// rejecting every callback until someone redeploys.
func TestCallbackAfterKeyRotation(t *testing.T) {
	e := newEnv(t, "zs-gjj-001")
	got := &events{}
	cb := httptest.NewServer(e.svc.NewCallbackReceiver(got.handle))
	defer cb.Close()

	c := e.common(t, scenario.Personal)
	c.CallbackURL = cb.URL
	h := e.holder(t, scenario.Personal, c)
	p, err := (&personal.YSSCode{Common: c, ScanCode: h.ScanCode}).Create(ctx(t), e.svc)
	require.NoError(t, err)
	assert.Equal(t, []string{dstest.TestPlatformKeyID}, e.cl.PlatformKeys().KeyIDs())

	_, err = e.srv.Sim.RotatePlatformKey("p2027b", nil)
	require.NoError(t, err)
	require.NoError(t, e.srv.Sim.Decide(p.AuthorizationID, dstest.Decision{Decision: "approve"}))
	require.Eventually(t, func() bool { return len(got.types()) == 2 }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, []string{dstest.TestPlatformKeyID, "p2027b"}, e.cl.PlatformKeys().KeyIDs())
	require.Eventually(t, delivered(e.srv.Sim, 2), 5*time.Second, 20*time.Millisecond)
	for _, rec := range e.srv.Sim.Callbacks() {
		assert.Len(t, rec.Attempts, 1, "accepted at the first attempt: %s", rec.EventID)
	}

	// Answers and the certificate signed by the new key verify too.
	a, err := e.svc.Get(ctx(t), p.AuthorizationID)
	require.NoError(t, err)
	d, err := e.svc.Deliver(ctx(t), a, nil)
	require.NoError(t, err)
	assert.Equal(t, "p2027b", d.Certificate.KeyID)
	d.Wipe()
}
