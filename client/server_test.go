package client

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
)

// TestSignedServerAnswers drives the client against the signed test server
// through each kind of answer of §2.2, §2.6, §7 and §11.13.
func TestSignedServerAnswers(t *testing.T) {
	t.Parallel()
	gwBody := func(code int) []byte { return []byte(`{"errcode":` + strconv.Itoa(code) + `,"errmsg":"rejected"}`) }
	tests := []struct {
		name     string
		handle   func(n int, r rec) reply
		call     func() *Call
		mod      func(*Config)
		wantKind dserrors.Kind // Unknown: success
		wantCode string
		status   int
		attempts int
		served   int // requests the server saw
	}{
		{name: "success GET", handle: func(int, rec) reply { return reply{} }, call: getCall, attempts: 1, served: 1},
		{name: "success POST", handle: func(int, rec) reply { return reply{} }, call: postCall, attempts: 1, served: 1},
		{name: "DS3002 not retried", handle: func(int, rec) reply { return reply{code: wire.CodeDS3002} }, call: postCall,
			wantKind: dserrors.Platform, wantCode: wire.CodeDS3002, status: 409, attempts: 1, served: 1},
		{name: "DS5003 then success", handle: func(n int, _ rec) reply {
			if n == 1 {
				return reply{code: wire.CodeDS5003}
			}
			return reply{}
		}, call: postCall, attempts: 2, served: 2},
		{name: "DS5000 every time", handle: func(int, rec) reply { return reply{code: wire.CodeDS5000} }, call: postCall,
			wantKind: dserrors.Platform, wantCode: wire.CodeDS5000, status: 500, attempts: 3, served: 3},
		{name: "429 Retry-After beyond the deadline not retried", handle: func(int, rec) reply {
			return reply{code: wire.CodeDS4001, header: map[string]string{"Retry-After": "5"}}
		}, call: func() *Call { c := postCall(); c.Timeout = 3 * time.Second; return c },
			wantKind: dserrors.Throttled, wantCode: wire.CodeDS4001, status: 429, attempts: 1, served: 1},
		{name: "unsigned 502 retried", handle: func(n int, _ rec) reply {
			if n == 1 {
				return reply{status: 502, unsigned: true, body: []byte("<html>bad gateway</html>")}
			}
			return reply{}
		}, call: postCall, attempts: 2, served: 2},
		{name: "unsigned 502 every time", handle: func(int, rec) reply {
			return reply{status: 502, unsigned: true, body: []byte("bad gateway")}
		}, call: getCall, wantKind: dserrors.Network, wantCode: dserrors.CodeUnsigned, status: 502, attempts: 3, served: 3},
		{name: "unsigned 404 of an intermediary retried", handle: func(int, rec) reply {
			return reply{status: 404, unsigned: true, body: []byte("not found")}
		}, call: getCall, wantKind: dserrors.Network, wantCode: dserrors.CodeUnsigned, status: 404, attempts: 3, served: 3},
		{name: "unsigned 200", handle: func(int, rec) reply { return reply{unsigned: true} }, call: getCall,
			wantKind: dserrors.Signature, wantCode: dserrors.CodeUnsigned, status: 200, attempts: 1, served: 1},
		{name: "bad signature on 200", handle: func(int, rec) reply { return reply{badSig: true} }, call: getCall,
			wantKind: dserrors.Signature, wantCode: dserrors.CodeBadSignature, status: 200, attempts: 1, served: 1},
		{name: "request id echo mismatch", handle: func(int, rec) reply {
			return reply{echo: "00000000-0000-4000-8000-000000000000"}
		}, call: getCall, wantKind: dserrors.Signature, wantCode: dserrors.CodeBadSignature, attempts: 1, served: 1},
		{name: "GW401", handle: func(int, rec) reply { return reply{status: 401, unsigned: true, body: gwBody(40101)} },
			call: postCall, wantKind: dserrors.Platform, wantCode: wire.CodeGW401, status: 401, attempts: 1, served: 1},
		{name: "GW403", handle: func(int, rec) reply { return reply{status: 403, unsigned: true, body: gwBody(40301)} },
			call: postCall, wantKind: dserrors.Platform, wantCode: wire.CodeGW403, status: 403, attempts: 1, served: 1},
		{name: "timestamp skewed 10 min", handle: func(int, rec) reply {
			return reply{ts: strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)}
		}, call: getCall, wantKind: dserrors.Signature, wantCode: dserrors.CodeClockSkew, attempts: 1, served: 1},
		{name: "signed answer that is not an envelope", handle: func(int, rec) reply { return reply{body: []byte("[]")} },
			call: getCall, wantKind: dserrors.Platform, wantCode: dserrors.CodeBadResponse, status: 200, attempts: 1, served: 1},
		{name: "no retry when the deadline leaves no room", handle: func(int, rec) reply { return reply{code: wire.CodeDS5003} },
			call: postCall, mod: func(c *Config) { c.MinAttemptTime = time.Hour },
			wantKind: dserrors.Platform, wantCode: wire.CodeDS5003, status: 503, attempts: 1, served: 1},
		{name: "MaxAttempts 1 disables retries", handle: func(int, rec) reply { return reply{code: wire.CodeDS5003} },
			call: postCall, mod: func(c *Config) { c.Retry.MaxAttempts = 1 },
			wantKind: dserrors.Platform, wantCode: wire.CodeDS5003, status: 503, attempts: 1, served: 1},
		{name: "non-idempotent POST not retried after an answer", handle: func(int, rec) reply { return reply{code: wire.CodeDS5003} },
			call:     func() *Call { c := postCall(); c.Idempotent = false; return c },
			wantKind: dserrors.Platform, wantCode: wire.CodeDS5003, status: 503, attempts: 1, served: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSrv(t, tt.handle)
			c := newClient(t, s.base(), tt.mod)
			call := tt.call()
			resp, err := c.Do(context.Background(), call)
			recs := s.records()
			assert.Len(t, recs, tt.served)
			assert.Zero(t, s.badReqs.Load(), "server refused a request signature")
			for _, r := range recs[1:] {
				assert.Equal(t, recs[0].RequestID, r.RequestID, "same requestId on every attempt")
				assert.NotEqual(t, recs[0].Nonce, r.Nonce, "fresh nonce on every attempt")
			}
			if tt.wantKind == dserrors.Unknown {
				require.NoError(t, err)
				assert.Equal(t, http.StatusOK, resp.Status)
				assert.Equal(t, "0", resp.Code)
				assert.Equal(t, loadFixture(t).v.PlatformKeyID, resp.KeyID)
				assert.Equal(t, recs[0].RequestID, resp.RequestID)
				assert.Equal(t, true, jsonData(t, resp)["ok"])
				assert.Equal(t, tt.attempts, resp.Attempts)
				return
			}
			e := dsErr(t, err)
			assert.Equal(t, tt.wantKind, e.Kind(), "%v", err)
			assert.Equal(t, tt.wantCode, e.Code(), "%v", err)
			if tt.status != 0 {
				assert.Equal(t, tt.status, e.HTTPStatus())
			}
			assert.Equal(t, tt.attempts, e.Attempts())
			if len(recs) > 0 {
				assert.Equal(t, recs[0].RequestID, e.RequestID())
			}
		})
	}
}

// TestRetryAfterHonoured: a 429 with Retry-After: 1 is retried after at least
// one second, inside a 3 s deadline.
func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(n int, _ rec) reply {
		if n == 1 {
			return reply{code: wire.CodeDS4001, header: map[string]string{"Retry-After": "1"}}
		}
		return reply{}
	})
	c := newClient(t, s.base(), nil)
	call := postCall()
	call.Timeout = 3 * time.Second
	resp, err := c.Do(context.Background(), call)
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)
	recs := s.records()
	require.Len(t, recs, 2)
	// A lower bound only: the retry may not come before the Retry-After.
	assert.GreaterOrEqual(t, recs[1].At.Sub(recs[0].At), time.Second)
}

// TestReplayedNonce: an answer whose nonce was already accepted is refused.
func TestReplayedNonce(t *testing.T) {
	t.Parallel()
	const nonce = "0123456789abcdef0123456789abcdef"
	s := newSrv(t, func(int, rec) reply { return reply{nonce: nonce} })
	c := newClient(t, s.base(), nil)
	_, err := c.Do(context.Background(), getCall())
	require.NoError(t, err)
	_, err = c.Do(context.Background(), getCall())
	e := dsErr(t, err)
	assert.Equal(t, dserrors.Signature, e.Kind())
	assert.Equal(t, dserrors.CodeReplay, e.Code())
	assert.Equal(t, 1, e.Attempts())
}

// TestTooLargeBody: a body over the limit is refused.
func TestTooLargeBody(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(int, rec) reply { return reply{} })
	c := newClient(t, s.base(), nil)
	c.maxBody = 16
	_, err := c.Do(context.Background(), getCall())
	e := dsErr(t, err)
	assert.Equal(t, dserrors.CodeTooLarge, e.Code())
	assert.Equal(t, 1, e.Attempts())
}

// TestRetryBudget: with an exhausted budget nothing is retried; deposits of
// later calls earn a retry back.
func TestRetryBudget(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(int, rec) reply { return reply{code: wire.CodeDS5003} })
	c := newClient(t, s.base(), func(c *Config) {
		c.Retry.RetryBudget = 0.5
		c.Retry.RetryBudgetMinPerSecond = -1
	})
	_, err := c.Do(context.Background(), postCall()) // 0.5 tokens: no retry
	assert.Equal(t, 1, dsErr(t, err).Attempts())
	_, err = c.Do(context.Background(), postCall()) // 1.0 tokens: one retry
	assert.Equal(t, 2, dsErr(t, err).Attempts())
	_, err = c.Do(context.Background(), postCall()) // 0.5 tokens again
	assert.Equal(t, 1, dsErr(t, err).Attempts())
	assert.Len(t, s.records(), 4)
}

// TestRetryBudgetUnit checks the token arithmetic and the floor.
func TestRetryBudgetUnit(t *testing.T) {
	clk := &fakeClock{}
	b := newRetryBudget(0.2, 2, clk.Now)
	assert.True(t, b.withdraw())
	assert.True(t, b.withdraw())
	assert.False(t, b.withdraw(), "floor spent, no deposits")
	for range 5 {
		b.deposit()
	}
	assert.True(t, b.withdraw(), "5 calls × 0.2 = one retry")
	assert.False(t, b.withdraw())
	clk.Advance(time.Second)
	assert.True(t, b.withdraw(), "floor refilled")
	assert.True(t, newRetryBudget(-1, 0, clk.Now).withdraw(), "disabled budget")
}

// TestBackoffAndRetryAfter checks the jitter bounds and header parsing.
func TestBackoffAndRetryAfter(t *testing.T) {
	for n := range 8 {
		d := fullJitter(25*time.Millisecond, 400*time.Millisecond, n)
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, min(400*time.Millisecond, 25*time.Millisecond<<n))
	}
	now := time.Now()
	assert.Equal(t, time.Second, parseRetryAfter("1", now))
	assert.Equal(t, time.Duration(0), parseRetryAfter("", now))
	assert.Equal(t, time.Duration(0), parseRetryAfter("-3", now))
	assert.Equal(t, time.Duration(0), parseRetryAfter("soon", now))
	d := parseRetryAfter(now.Add(10*time.Second).UTC().Format(http.TimeFormat), now)
	assert.InDelta(t, 10*time.Second, d, float64(time.Second))
}

// TestMiddlewareChain: middlewares wrap each logical call once, outermost
// first, and see the generated requestId.
func TestMiddlewareChain(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(n int, _ rec) reply {
		if n == 1 {
			return reply{code: wire.CodeDS5003}
		}
		return reply{}
	})
	var order []string
	var seen string
	mw := func(name string) Middleware {
		return func(next Handler) Handler {
			return func(ctx context.Context, call *Call) (*Response, error) {
				order = append(order, name+">")
				seen = call.RequestID
				r, err := next(ctx, call)
				order = append(order, "<"+name)
				return r, err
			}
		}
	}
	c := newClient(t, s.base(), func(c *Config) { c.Middleware = []Middleware{mw("a"), Chain(mw("b"), mw("c"))} })
	resp, err := c.Do(context.Background(), postCall())
	require.NoError(t, err)
	assert.Equal(t, []string{"a>", "b>", "c>", "<c", "<b", "<a"}, order)
	assert.Equal(t, resp.RequestID, seen)
	assert.Equal(t, 2, resp.Attempts)
}

// TestCallValidation: bad calls never leave the system.
func TestCallValidation(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(int, rec) reply { return reply{} })
	c := newClient(t, s.base(), nil)
	bad := []*Call{
		nil,
		{Method: "PUT", Path: "/dsp/v1/x"},
		{Method: "GET", Path: "dsp/v1/x"},
		{Method: "GET", Path: "/dsp/v1/x", Body: []byte("{}")},
		{Method: "POST", Path: "/dsp/v1/x", Body: make([]byte, wire.MaxRequestBody+1)},
		{Method: "POST", Path: "/dsp/v1/x", RequestID: "not-a-uuid"},
	}
	for i, call := range bad {
		_, err := c.Do(context.Background(), call)
		e := dsErr(t, err)
		assert.Equal(t, dserrors.Validation, e.Kind(), "call %d", i)
	}
	assert.Empty(t, s.records())
}
