package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/zsdata/digitalspace/internal/wire"
)

// noReplay accepts every nonce (benchmarks repeat one answer).
type noReplay struct{}

func (noReplay) Check(string, string, string) error { return nil }

// BenchmarkSignRequest builds one signed request (gateway credential + SM2).
func BenchmarkSignRequest(b *testing.B) {
	c := newClient(b, mockBase, nil)
	call := postCall()
	call.RequestID = "6f1c8e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
	p, err := c.prepare(call)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.newSignedRequest(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyResponse verifies one signed answer (SM2 verify, envelope
// parse; the replay cache is stubbed out).
func BenchmarkVerifyResponse(b *testing.B) {
	f := loadFixture(b)
	c := newClient(b, mockBase, nil)
	c.replay = noReplay{}
	const rid = "6f1c8e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
	body := okBody(rid)
	h := http.Header{}
	signResponse(b, h, f.platSigner, 200, rid, body, "", "")
	call := getCall()
	call.RequestID = rid
	p, err := c.prepare(call)
	if err != nil {
		b.Fatal(err)
	}
	cs := newCallState(c, p, context.Background())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if r := c.verifyResponse(ctx, cs, 200, h, body); r.err != nil {
			b.Fatal(r.err)
		}
	}
}

// BenchmarkRoundTrip is client.Do against the signed test server (which
// verifies the request and signs its answer).
func BenchmarkRoundTrip(b *testing.B) {
	s := newSrv(b, func(int, rec) reply { return reply{} })
	c := newClient(b, s.base(), nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Do(ctx, getCall()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlainRoundTrip is plain unsigned net/http to an equivalent handler.
func BenchmarkPlainRoundTrip(b *testing.B) {
	body := okBody("6f1c8e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b")
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", wire.ContentTypeJSON)
		_, _ = w.Write(body)
	}))
	defer ts.Close()
	hc := &http.Client{}
	url := ts.URL + testPrefix + wire.UsageLogsPath("2026-11-26", 100, "")
	b.ReportAllocs()
	for b.Loop() {
		resp, err := hc.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
}
