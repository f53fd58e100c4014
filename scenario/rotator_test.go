package scenario

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rotFakeClock is a manual clock whose timers fire on Advance.
type rotFakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*rotFakeTimer
}

type rotFakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newRotFakeClock() *rotFakeClock {
	return &rotFakeClock{now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *rotFakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *rotFakeClock) After(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &rotFakeTimer{at: c.now.Add(d), ch: make(chan time.Time, 1)}
	c.waiters = append(c.waiters, t)
	return t.ch, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, w := range c.waiters {
			if w == t {
				c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
				return
			}
		}
	}
}

// Advance moves the clock and fires the timers due.
func (c *rotFakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
			continue
		}
		kept = append(kept, w)
	}
	c.waiters = kept
}

// waitTimer waits until Run has armed a timer and returns when it fires.
func (c *rotFakeClock) waitTimer(t *testing.T) time.Time {
	t.Helper()
	var at time.Time
	require.Eventually(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(c.waiters) == 1 {
			at = c.waiters[0].at
			return true
		}
		return false
	}, 5*time.Second, time.Millisecond, "Run never armed a timer")
	return at
}

// rotFakeIssuer issues codes living 300 s, to be refreshed after 240 s.
type rotFakeIssuer struct {
	clock *rotFakeClock
	mu    sync.Mutex
	n     int
	calls int
	fail  bool
}

func (f *rotFakeIssuer) setFail(v bool) {
	f.mu.Lock()
	f.fail = v
	f.mu.Unlock()
}

func (f *rotFakeIssuer) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func (f *rotFakeIssuer) Issue(ctx context.Context) (*ServiceCodeInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail {
		return nil, errors.New("platform unavailable")
	}
	f.n++
	now := f.clock.Now()
	return &ServiceCodeInfo{
		CodeID:    fmt.Sprintf("SC%04d", f.n),
		QRContent: fmt.Sprintf("https://dsp.example.gov.cn/sc/%04d?k=secret", f.n),
		ExpiresAt: now.Add(300 * time.Second),
		RefreshAt: now.Add(240 * time.Second),
		RequestID: fmt.Sprintf("req-%d", f.n),
	}, nil
}

func newFakeRotator(t *testing.T, cfg RotatorConfig) (*Rotator, *rotFakeClock, *rotFakeIssuer) {
	t.Helper()
	clock := newRotFakeClock()
	iss := &rotFakeIssuer{clock: clock}
	cfg.Issue = iss.Issue
	cfg.Now = clock.Now
	r, err := NewRotator(cfg)
	require.NoError(t, err)
	r.after = clock.After
	return r, clock, iss
}

func startRotator(t *testing.T, r *Rotator) (cancel func() error) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	var err error
	cancel = func() error {
		once.Do(func() {
			stop()
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				err = errors.New("Run did not stop")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = cancel() })
	return cancel
}

func currentID(r *Rotator) string {
	c, ok := r.Current()
	if !ok {
		return ""
	}
	return c.CodeID
}

func TestRotatorRenewsBeforeRefreshAt(t *testing.T) {
	rotated := make(chan string, 10)
	r, clock, _ := newFakeRotator(t, RotatorConfig{Lead: 5 * time.Second, OnRotate: func(c *ServiceCodeInfo) { rotated <- c.CodeID }})
	start := clock.Now()
	startRotator(t, r)

	at := clock.waitTimer(t)
	assert.Equal(t, "SC0001", currentID(r), "first code fetched at once")
	assert.Equal(t, start.Add(235*time.Second), at, "renewal planned Lead before RefreshAt")
	assert.Equal(t, "SC0001", <-rotated)

	clock.Advance(234 * time.Second)
	assert.Equal(t, "SC0001", currentID(r))
	clock.Advance(time.Second)
	at = clock.waitTimer(t)
	assert.Equal(t, "SC0002", currentID(r))
	assert.Equal(t, clock.Now().Add(235*time.Second), at)
	assert.Equal(t, "SC0002", <-rotated)
}

func TestRotatorFailedRenewal(t *testing.T) {
	r, clock, iss := newFakeRotator(t, RotatorConfig{RetryMin: time.Second, RetryMax: 8 * time.Second})
	start := clock.Now()
	startRotator(t, r)
	clock.waitTimer(t)
	require.Equal(t, "SC0001", currentID(r))

	iss.setFail(true)
	clock.Advance(235 * time.Second) // renewal fails
	wantBackoff := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, d := range wantBackoff {
		at := clock.waitTimer(t)
		require.Equal(t, clock.Now().Add(d), at, "backoff after failure %d", i+1)
		c, ok := r.Current()
		require.True(t, ok, "old code still valid after failure %d", i+1)
		require.Equal(t, "SC0001", c.CodeID)
		clock.Advance(d)
	}
	// 235+1+2+4+8+8 = 258 s: still valid; run past ExpiresAt (300 s).
	for clock.Now().Before(start.Add(300 * time.Second)) {
		clock.waitTimer(t)
		clock.Advance(8 * time.Second)
	}
	clock.waitTimer(t)
	_, ok := r.Current()
	assert.False(t, ok, "an expired code is never returned")

	calls := iss.callCount()
	iss.setFail(false)
	clock.Advance(8 * time.Second)
	clock.waitTimer(t)
	c, ok := r.Current()
	require.True(t, ok, "recovered")
	assert.Equal(t, "SC0002", c.CodeID)
	assert.Equal(t, calls+1, iss.callCount())
	assert.True(t, c.ExpiresAt.After(clock.Now()))
}

func TestRotatorCurrentNeverExpired(t *testing.T) {
	r, clock, _ := newFakeRotator(t, RotatorConfig{})
	_, ok := r.Current()
	assert.False(t, ok, "no code before the first issue")
	require.NoError(t, r.Rotate(context.Background()))
	c, ok := r.Current()
	require.True(t, ok)
	clock.Advance(c.ExpiresAt.Sub(clock.Now()) - time.Nanosecond)
	_, ok = r.Current()
	assert.True(t, ok)
	clock.Advance(time.Nanosecond) // ExpiresAt == now
	_, ok = r.Current()
	assert.False(t, ok)
}

func TestRotatorSubscribeAndRotate(t *testing.T) {
	r, clock, _ := newFakeRotator(t, RotatorConfig{})
	ch, cancel := r.Subscribe()
	startRotator(t, r)
	clock.waitTimer(t)
	assert.Equal(t, "SC0001", (<-ch).CodeID)

	clock.Advance(10 * time.Second)
	require.NoError(t, r.Rotate(context.Background()))
	assert.Equal(t, "SC0002", (<-ch).CodeID)
	// Run re-plans from the new code.
	require.Eventually(t, func() bool {
		clock.mu.Lock()
		defer clock.mu.Unlock()
		return len(clock.waiters) == 1 && clock.waiters[0].at.Equal(clock.now.Add(235*time.Second))
	}, 5*time.Second, time.Millisecond)

	// A slow reader gets the latest only.
	require.NoError(t, r.Rotate(context.Background()))
	require.NoError(t, r.Rotate(context.Background()))
	assert.Equal(t, "SC0004", (<-ch).CodeID)
	select {
	case c := <-ch:
		t.Fatalf("unexpected second notification %s", c.CodeID)
	default:
	}
	cancel()
	cancel() // idempotent
	_, open := <-ch
	assert.False(t, open, "channel closed after cancel")
	require.NoError(t, r.Rotate(context.Background()), "rotation after unsubscribe")
}

func TestRotatorRunStops(t *testing.T) {
	r, clock, _ := newFakeRotator(t, RotatorConfig{})
	stop := startRotator(t, r)
	clock.waitTimer(t)
	assert.Error(t, r.Run(context.Background()), "a second Run is refused")
	assert.ErrorIs(t, stop(), context.Canceled)

	// The issuer sees the cancellation too.
	blocked := make(chan struct{})
	r2, err := NewRotator(RotatorConfig{Issue: func(ctx context.Context) (*ServiceCodeInfo, error) {
		close(blocked)
		<-ctx.Done()
		return nil, ctx.Err()
	}})
	require.NoError(t, err)
	stop2 := startRotator(t, r2)
	<-blocked
	assert.ErrorIs(t, stop2(), context.Canceled)
}

func TestRotatorRealTimers(t *testing.T) {
	// Short-lived codes with the real clock: renewed without a hot loop.
	var mu sync.Mutex
	n := 0
	r, err := NewRotator(RotatorConfig{
		Lead:     time.Second, // more than the code's life: renew halfway
		RetryMin: 20 * time.Millisecond,
		Issue: func(ctx context.Context) (*ServiceCodeInfo, error) {
			mu.Lock()
			defer mu.Unlock()
			n++
			now := time.Now()
			return &ServiceCodeInfo{CodeID: fmt.Sprint("C", n), QRContent: fmt.Sprint("q", n),
				ExpiresAt: now.Add(300 * time.Millisecond), RefreshAt: now.Add(200 * time.Millisecond)}, nil
		},
	})
	require.NoError(t, err)
	startRotator(t, r)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return n >= 3
	}, 5*time.Second, 5*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	assert.Less(t, n, 40, "no hot loop")
	mu.Unlock()
	_, ok := r.Current()
	assert.True(t, ok)
}

func TestRotatorRejectsBadCodes(t *testing.T) {
	clock := newRotFakeClock()
	tests := []struct {
		name string
		info *ServiceCodeInfo
	}{
		{"nil", nil},
		{"no id", &ServiceCodeInfo{QRContent: "q", ExpiresAt: clock.Now().Add(time.Minute)}},
		{"no content", &ServiceCodeInfo{CodeID: "c", ExpiresAt: clock.Now().Add(time.Minute)}},
		{"expired", &ServiceCodeInfo{CodeID: "c", QRContent: "q", ExpiresAt: clock.Now()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRotator(RotatorConfig{Now: clock.Now, Issue: func(context.Context) (*ServiceCodeInfo, error) { return tc.info, nil }})
			require.NoError(t, err)
			assert.Error(t, r.Rotate(context.Background()))
			_, ok := r.Current()
			assert.False(t, ok)
		})
	}
	// RefreshAt missing or after ExpiresAt becomes ExpiresAt.
	exp := clock.Now().Add(time.Minute)
	r, err := NewRotator(RotatorConfig{Now: clock.Now, Issue: func(context.Context) (*ServiceCodeInfo, error) {
		return &ServiceCodeInfo{CodeID: "c", QRContent: "q", ExpiresAt: exp, RefreshAt: exp.Add(time.Hour)}, nil
	}})
	require.NoError(t, err)
	require.NoError(t, r.Rotate(context.Background()))
	c, _ := r.Current()
	assert.Equal(t, exp, c.RefreshAt)
}

func TestNewRotatorConfig(t *testing.T) {
	issue := func(context.Context) (*ServiceCodeInfo, error) { return nil, nil }
	tests := []struct {
		name string
		cfg  RotatorConfig
		ok   bool
	}{
		{"defaults", RotatorConfig{Issue: issue}, true},
		{"no issuer", RotatorConfig{}, false},
		{"negative lead", RotatorConfig{Issue: issue, Lead: -time.Second}, false},
		{"max below min", RotatorConfig{Issue: issue, RetryMin: time.Second, RetryMax: time.Millisecond}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRotator(tc.cfg)
			if !tc.ok {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, DefaultRotatorLead, r.lead)
			assert.Equal(t, DefaultRotatorRetryMin, r.retryMin)
			assert.Equal(t, DefaultRotatorRetryMax, r.retryMax)
		})
	}
}

func TestAdaptersNeedAService(t *testing.T) {
	_, err := IssuerFor(nil, &Request{})(context.Background())
	assert.Error(t, err)
	_, err = IssuerFor(&Service{}, nil)(context.Background())
	assert.Error(t, err)
	_, err = ListerFor(nil)(context.Background(), "SC1")
	assert.Error(t, err)
}
