package client

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	dserrors "github.com/zsdata/digitalspace/errors"
)

// TestConnectionFaults covers the three failure classes of the seed: no
// connection (Network), connected but no answer (NoResponse), and the
// caller's cancel.
func TestConnectionFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		handle   func(n int, r rec) reply
		mod      func(*Config)
		call     func() *Call
		wantKind dserrors.Kind
		wantCode string
		attempts int
	}{
		{name: "reset before any answer", handle: func(int, rec) reply { return reply{reset: true} },
			mod: func(c *Config) { c.Retry.DisableHedging = true }, call: getCall,
			wantKind: dserrors.Network, wantCode: dserrors.CodeNetwork, attempts: 3},
		{name: "hang past the call deadline", handle: func(int, rec) reply { return reply{hang: true} },
			mod:      func(c *Config) { c.Retry.HedgeDelay = 50 * time.Millisecond },
			call:     func() *Call { c := getCall(); c.Timeout = 300 * time.Millisecond; return c },
			wantKind: dserrors.NoResponse, wantCode: dserrors.CodeDeadline, attempts: 2},
		{name: "hang past each attempt timeout", handle: func(int, rec) reply { return reply{hang: true} },
			mod: func(c *Config) {
				c.Retry.DisableHedging = true
				c.AttemptTimeout = 100 * time.Millisecond
				c.MinAttemptTime = 10 * time.Millisecond
			},
			call:     func() *Call { c := postCall(); c.Timeout = 5 * time.Second; return c },
			wantKind: dserrors.NoResponse, wantCode: dserrors.CodeTimeout, attempts: 3},
		{name: "slow body", handle: func(int, rec) reply { return reply{slowBody: true} },
			mod:      func(c *Config) { c.Retry.DisableHedging = true },
			call:     func() *Call { c := getCall(); c.Timeout = 400 * time.Millisecond; return c },
			wantKind: dserrors.NoResponse, attempts: 1},
		{name: "auth page call hangs: 1000 ms budget", handle: func(int, rec) reply { return reply{hang: true} },
			mod:      func(c *Config) { c.Retry.HedgeDelay = DefaultHedgeDelay },
			call:     func() *Call { c := postCall(); c.AuthPage = true; return c },
			wantKind: dserrors.NoResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSrv(t, tt.handle)
			c := newClient(t, s.base(), tt.mod)
			_, err := c.Do(context.Background(), tt.call())
			e := dsErr(t, err)
			assert.Equal(t, tt.wantKind, e.Kind(), "%v", err)
			if tt.wantCode != "" {
				assert.Equal(t, tt.wantCode, e.Code(), "%v", err)
			}
			if tt.attempts != 0 {
				assert.Equal(t, tt.attempts, e.Attempts(), "%v", err)
				assert.Len(t, s.records(), tt.attempts)
			}
			assert.Positive(t, e.Attempts())
			assert.NotEmpty(t, e.RequestID())
		})
	}
}

// TestConnectionRefused: a closed listener is Network, retried, and even a
// non-idempotent POST is retried since it never left the system.
func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	c := newClient(t, "http://"+addr+testPrefix, nil)
	for _, idem := range []bool{true, false} {
		call := postCall()
		call.Idempotent = idem
		_, err = c.Do(context.Background(), call)
		e := dsErr(t, err)
		assert.Equal(t, dserrors.Network, e.Kind(), "%v", err)
		assert.Equal(t, dserrors.CodeNetwork, e.Code())
		assert.Equal(t, 3, e.Attempts())
		assert.NotContains(t, err.Error(), addr+testPrefix, "no URL in the error")
	}
}

// TestCallerCancel: a canceled context ends the call as Canceled with no
// further attempt.
func TestCallerCancel(t *testing.T) {
	t.Parallel()
	got := make(chan struct{}, 10)
	s := newSrv(t, func(int, rec) reply {
		got <- struct{}{}
		return reply{hang: true}
	})
	c := newClient(t, s.base(), func(c *Config) { c.Retry.DisableHedging = true })
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-got
		cancel()
	}()
	_, err := c.Do(ctx, postCall())
	e := dsErr(t, err)
	assert.Equal(t, dserrors.Canceled, e.Kind(), "%v", err)
	assert.Equal(t, dserrors.CodeCanceled, e.Code())
	assert.Equal(t, 1, e.Attempts())
	time.Sleep(50 * time.Millisecond)
	assert.Len(t, s.records(), 1, "no attempt after the cancel")

	// A context canceled before the call: nothing is sent.
	_, err = c.Do(ctx, postCall())
	assert.Equal(t, dserrors.Canceled, dserrors.KindOf(err), "%v", err)
	assert.Len(t, s.records(), 1)
}

// TestRateLimiter: a call the local limiter cannot admit before its deadline
// is Throttled and never sent.
func TestRateLimiter(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(int, rec) reply { return reply{} })
	c := newClient(t, s.base(), func(c *Config) { c.RateLimit = rate.Every(time.Hour); c.RateBurst = 1 })
	_, err := c.Do(context.Background(), getCall())
	require.NoError(t, err)
	call := getCall()
	call.Timeout = 200 * time.Millisecond
	_, err = c.Do(context.Background(), call)
	e := dsErr(t, err)
	assert.Equal(t, dserrors.Throttled, e.Kind())
	assert.Equal(t, dserrors.CodeRateLimited, e.Code())
	assert.Equal(t, 0, e.Attempts())
	assert.Len(t, s.records(), 1)
}

// TestPostRetriedAfterTimeoutKeepsRequestID: the platform sees one logical
// requestId across the attempts of a POST.
func TestPostRetriedAfterTimeoutKeepsRequestID(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(n int, _ rec) reply {
		if n == 1 {
			return reply{hang: true}
		}
		return reply{}
	})
	c := newClient(t, s.base(), func(c *Config) {
		c.Retry.DisableHedging = true
		c.AttemptTimeout = 300 * time.Millisecond
		c.MinAttemptTime = 10 * time.Millisecond
	})
	call := postCall()
	call.RequestID = "6f1c8e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
	resp, err := c.Do(context.Background(), call)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, resp.Attempts, 2)
	assert.Equal(t, call.RequestID, resp.RequestID)
	recs := s.records()
	assert.Len(t, recs, resp.Attempts)
	ids := map[string]int{}
	for _, r := range recs {
		ids[r.RequestID]++
		assert.Equal(t, call.Body, r.Body)
	}
	assert.Len(t, ids, 1, "one logical requestId")
	assert.Equal(t, len(recs), ids[call.RequestID])
}

// TestHedging: the first attempt hangs, the hedge answers on a connection of
// its own; the call succeeds with two attempts.
func TestHedging(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(n int, _ rec) reply {
		if n == 1 {
			return reply{hang: true}
		}
		return reply{}
	})
	c := newClient(t, s.base(), func(c *Config) { c.Retry.HedgeDelay = 50 * time.Millisecond })
	resp, err := c.Do(context.Background(), postCall())
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)
	recs := s.records()
	require.Len(t, recs, 2)
	assert.NotEqual(t, recs[0].RemoteAddr, recs[1].RemoteAddr, "hedge on its own connection")
	assert.Equal(t, recs[0].RequestID, recs[1].RequestID)
	assert.NotEqual(t, recs[0].Nonce, recs[1].Nonce)

	// Not hedged: calls that are not idempotent.
	s2 := newSrv(t, func(n int, _ rec) reply { return reply{delay: 150 * time.Millisecond} })
	c2 := newClient(t, s2.base(), func(c *Config) { c.Retry.HedgeDelay = 20 * time.Millisecond })
	call := postCall()
	call.Idempotent = false
	resp, err = c2.Do(context.Background(), call)
	require.NoError(t, err)
	assert.Equal(t, 1, resp.Attempts)
}

// TestHedgeBudget: no hedge without budget.
func TestHedgeBudget(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(n int, _ rec) reply { return reply{delay: 150 * time.Millisecond} })
	c := newClient(t, s.base(), func(c *Config) {
		c.Retry.HedgeDelay = 20 * time.Millisecond
		c.Retry.RetryBudget = 0.01
		c.Retry.RetryBudgetMinPerSecond = -1
	})
	resp, err := c.Do(context.Background(), getCall())
	require.NoError(t, err)
	assert.Equal(t, 1, resp.Attempts)
	assert.Len(t, s.records(), 1)
}

// TestUnsignedRetryAfterHeaderIgnoredWhenTooLong: an intermediary's 503 with a
// long Retry-After ends the call with its error instead of sleeping past the
// deadline.
func TestUnsignedRetryAfterTooLong(t *testing.T) {
	t.Parallel()
	s := newSrv(t, func(int, rec) reply {
		return reply{status: http.StatusServiceUnavailable, unsigned: true, header: map[string]string{"Retry-After": "60"}}
	})
	c := newClient(t, s.base(), nil)
	_, err := c.Do(context.Background(), getCall())
	e := dsErr(t, err)
	assert.Equal(t, dserrors.Network, e.Kind())
	assert.Equal(t, dserrors.CodeUnsigned, e.Code())
	assert.Equal(t, 1, e.Attempts())
}
