package client

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// FuzzVerifyResponse feeds arbitrary answers to the response parser: signed
// correctly (so the JSON parser is reached) or unsigned, with any status.
// It must never panic, and only a signed HTTP 200 with code "0" may succeed.
func FuzzVerifyResponse(f *testing.F) {
	f.Add(200, []byte(`{"code":"0","message":"OK","requestId":"r","data":{"authorizationId":"au_1"}}`), true)
	f.Add(409, []byte(`{"code":"DS3002","message":"wrong state","requestId":"r"}`), true)
	f.Add(401, []byte(`{"errcode":40101,"errmsg":"bad signature"}`), false)
	f.Add(502, []byte(`<html>bad gateway</html>`), false)
	f.Add(429, []byte(`{"code":"DS4001","message":"slow down"}`), true)
	f.Add(200, []byte(`{"code":"0"`), true)
	fx := loadFixture(f)
	c, err := New(baseConfig(f, "http://127.0.0.1:9/ebus"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, signed bool) {
		if status < 100 || status > 599 || len(body) > wire.MaxResponseBody {
			return
		}
		call := &Call{Method: "GET", Path: wire.PlatformKeysPath(), RequestID: uuid.NewString()}
		p, err := c.prepare(call)
		if err != nil {
			t.Fatal(err)
		}
		cs := newCallState(c, p, context.Background())
		h := http.Header{}
		if signed {
			nonce, _ := sign.NewNonce()
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			msg := wire.ResponseToSign{Status: status, RequestID: call.RequestID, KeyID: fx.platPub.KeyID, Timestamp: ts, Nonce: nonce, Body: body}.String()
			sig, err := fx.platSigner.SignBase64([]byte(msg))
			if err != nil {
				t.Fatal(err)
			}
			h.Set(wire.HeaderKeyID, fx.platPub.KeyID)
			h.Set(wire.HeaderTimestamp, ts)
			h.Set(wire.HeaderNonce, nonce)
			h.Set(wire.HeaderRequestID, call.RequestID)
			h.Set(wire.HeaderSignature, sig)
		}
		res := c.verifyResponse(context.Background(), cs, status, h, body)
		switch {
		case res.resp != nil:
			if !signed || status != http.StatusOK || res.resp.Code != wire.CodeOK {
				t.Fatalf("accepted status %d signed=%v code %q", status, signed, res.resp.Code)
			}
		case res.err == nil:
			t.Fatal("neither an answer nor an error")
		default:
			if _, ok := dserrors.As(res.err); !ok {
				t.Fatalf("untyped error %v", res.err)
			}
		}
	})
}
