package scenario_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/zsdata/digitalspace/dstest"
	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/simenv"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// FuzzCallbackParse feeds arbitrary callback bodies, correctly signed so the
// JSON parser is reached. It must never panic; an accepted event carries the
// signed eventId and an authorization id.
func FuzzCallbackParse(f *testing.F) {
	f.Add("ev_1", []byte(`{"eventId":"ev_1","type":"authorization.authorized","occurredAt":"2026-11-27T09:30:00+08:00","authorization":{"authorizationId":"au_1","status":"AUTHORIZED"}}`))
	f.Add("ev_2", []byte(`{"eventId":"ev_2","type":"authorization.unknown","authorization":{}}`))
	f.Add("ev_3", []byte(`[]`))
	platPriv, err := sign.ParsePrivateKeyPEM([]byte(dstest.TestPlatformPrivateKeyPEM), nil)
	if err != nil {
		f.Fatal(err)
	}
	platSigner, err := sign.NewSigner(dstest.TestPlatformKeyID, platPriv)
	if err != nil {
		f.Fatal(err)
	}
	// No server: the receiver only needs the client's platform key ring.
	_, svc, err := simenv.Service("http://127.0.0.1:9", dstest.DefaultRegistry(), "zs-gjj-001", nil)
	if err != nil {
		f.Fatal(err)
	}
	rcv := svc.NewCallbackReceiver(nil)
	f.Fuzz(func(t *testing.T, eventID string, body []byte) {
		if eventID == "" || len(eventID) > 256 {
			return
		}
		nonce, _ := sign.NewNonce()
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		sig, err := platSigner.SignBase64([]byte(wire.CallbackToSign{EventID: eventID, KeyID: dstest.TestPlatformKeyID, Timestamp: ts, Nonce: nonce, Body: body}.String()))
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		h.Set(wire.HeaderEventID, eventID)
		h.Set(wire.HeaderKeyID, dstest.TestPlatformKeyID)
		h.Set(wire.HeaderTimestamp, ts)
		h.Set(wire.HeaderNonce, nonce)
		h.Set(wire.HeaderSignature, sig)
		ev, err := rcv.Parse(context.Background(), h, body)
		if err != nil {
			if _, ok := dserrors.As(err); !ok {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if ev.ID != eventID || ev.Authorization == nil || ev.Authorization.ID == "" {
			t.Fatalf("accepted an inconsistent event %+v", ev)
		}
	})
}
