package sign

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a settable clock for ReplayGuard tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const clockStart = 1795392000

func newClock() *fakeClock { return &fakeClock{t: time.Unix(clockStart, 500_000_000)} }

func ts(offset int64) string { return strconv.FormatInt(clockStart+offset, 10) }

func TestReplayTimestampWindow(t *testing.T) {
	clock := newClock()
	g := NewReplayGuard(ReplayConfig{Now: clock.Now})
	tests := []struct {
		name    string
		ts      string
		wantErr error
	}{
		{"now", ts(0), nil},
		{"180 s behind", ts(-180), nil},
		{"180 s ahead", ts(180), nil},
		{"181 s behind", ts(-181), ErrTimestampSkew},
		{"181 s ahead", ts(181), ErrTimestampSkew},
		{"zero", "0", ErrTimestampSkew},
		{"empty", "", ErrTimestampSkew},
		{"non-numeric", "abc", ErrTimestampSkew},
		{"plus sign", "+" + ts(0), ErrTimestampSkew},
		{"minus sign", "-" + ts(0), ErrTimestampSkew},
		{"space", " " + ts(0), ErrTimestampSkew},
		{"fraction", ts(0) + ".5", ErrTimestampSkew},
		{"milliseconds", ts(0) + "000", ErrTimestampSkew},
		{"overflow", "99999999999999999999999", ErrTimestampSkew},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := g.CheckTimestamp(tc.ts)
			full := g.Check("zs-scdj-001", tc.ts, fmt.Sprintf("%032x", i))
			if tc.wantErr == nil {
				require.NoError(t, err)
				require.NoError(t, full)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			require.ErrorIs(t, full, tc.wantErr)
		})
	}

	narrow := NewReplayGuard(ReplayConfig{Now: clock.Now, Window: 10 * time.Second})
	require.NoError(t, narrow.CheckTimestamp(ts(10)))
	require.ErrorIs(t, narrow.CheckTimestamp(ts(11)), ErrTimestampSkew)
}

func TestReplayNonces(t *testing.T) {
	clock := newClock()
	g := NewReplayGuard(ReplayConfig{Now: clock.Now})
	const nonce = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

	steps := []struct {
		name    string
		advance time.Duration
		sender  string
		nonce   string
		wantErr error
	}{
		{"first use", 0, "zs-scdj-001", nonce, nil},
		{"replay", 0, "zs-scdj-001", nonce, ErrNonceReplayed},
		{"other sender, same nonce", 0, "zs-gjj-001", nonce, nil},
		{"ambiguous concatenation", 0, "zs-scdj-00", "1" + nonce, nil},
		{"replay after 359 s", 359 * time.Second, "zs-scdj-001", nonce, ErrNonceReplayed},
		{"accepted again after the TTL", time.Second, "zs-scdj-001", nonce, nil},
		{"and recorded again", 0, "zs-scdj-001", nonce, ErrNonceReplayed},
		{"empty nonce", 0, "zs-scdj-001", "", ErrBadNonce},
		{"nonce with space", 0, "zs-scdj-001", "a b", ErrBadNonce},
		{"over-long nonce", 0, "zs-scdj-001", string(make([]byte, 129)), ErrBadNonce},
	}
	for _, st := range steps {
		clock.Advance(st.advance)
		// Keep the timestamp current as the clock moves.
		now := strconv.FormatInt(clock.Now().Unix(), 10)
		err := g.Check(st.sender, now, st.nonce)
		if st.wantErr == nil {
			require.NoError(t, err, st.name)
			continue
		}
		require.ErrorIs(t, err, st.wantErr, st.name)
	}
	assert.ErrorIs(t, ErrBadNonce, ErrNonceReplayed)

	// A rejected timestamp does not consume the nonce.
	require.ErrorIs(t, g.Check("s2", ts(100000), "n1"), ErrTimestampSkew)
	require.NoError(t, g.Check("s2", strconv.FormatInt(clock.Now().Unix(), 10), "n1"))
}

func TestReplayBoundedCache(t *testing.T) {
	clock := newClock()
	g := NewReplayGuard(ReplayConfig{Now: clock.Now, MaxEntries: 3, NonceTTL: 60 * time.Second, Window: time.Hour})
	now := func() string { return strconv.FormatInt(clock.Now().Unix(), 10) }

	require.NoError(t, g.Check("s", now(), "n1"))
	clock.Advance(10 * time.Second)
	require.NoError(t, g.Check("s", now(), "n2"))
	require.NoError(t, g.Check("s", now(), "n3"))

	// Full of live entries: fail closed, and a known nonce is still a replay.
	require.ErrorIs(t, g.Check("s", now(), "n4"), ErrReplayCacheFull)
	require.ErrorIs(t, g.Check("s", now(), "n1"), ErrNonceReplayed)

	// n1 expires first: room for one more.
	clock.Advance(50 * time.Second)
	require.NoError(t, g.Check("s", now(), "n4"))
	require.ErrorIs(t, g.Check("s", now(), "n5"), ErrReplayCacheFull)
	require.ErrorIs(t, g.Check("s", now(), "n4"), ErrNonceReplayed)

	// Everything expires.
	clock.Advance(2 * time.Minute)
	for _, n := range []string{"n1", "n2", "n3"} {
		require.NoError(t, g.Check("s", now(), n))
	}
}

// mapStore is an external NonceStore for tests.
type mapStore struct {
	mu    sync.Mutex
	seen  map[string]bool
	calls atomic.Int32
	err   error
}

func (m *mapStore) CheckAndStore(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	m.calls.Add(1)
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if m.err != nil {
		return false, m.err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen[key] {
		return true, nil
	}
	m.seen[key] = true
	return false, nil
}

func TestReplayExternalStore(t *testing.T) {
	clock := newClock()
	store := &mapStore{seen: map[string]bool{}}
	g := NewReplayGuard(ReplayConfig{Now: clock.Now, Store: store, MaxEntries: 1})
	require.NoError(t, g.Check("s", ts(0), "n1"))
	require.NoError(t, g.Check("s", ts(0), "n2")) // MaxEntries is ignored
	require.ErrorIs(t, g.Check("s", ts(0), "n1"), ErrNonceReplayed)
	assert.EqualValues(t, 3, store.calls.Load())
	for key := range store.seen {
		assert.Len(t, key, len("dsp1:nonce:")+64)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := g.CheckContext(ctx, "s", ts(0), "n3")
	require.ErrorIs(t, err, context.Canceled)

	store.err = errors.New("redis down")
	err = g.Check("s", ts(0), "n4")
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrNonceReplayed)
	assert.ErrorContains(t, err, "redis down")
}

func TestReplayZeroValueFailsClosed(t *testing.T) {
	var g ReplayGuard
	require.Error(t, g.Check("s", ts(0), "n"))
	require.Error(t, g.CheckTimestamp(ts(0)))
	var nilGuard *ReplayGuard
	require.Error(t, nilGuard.Check("s", ts(0), "n"))
}

func TestReplayConcurrent(t *testing.T) {
	g := NewReplayGuard(ReplayConfig{})
	now := strconv.FormatInt(time.Now().Unix(), 10)
	var accepted atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := range 50 {
				if g.Check("s", now, fmt.Sprintf("nonce-%d", i)) == nil {
					accepted.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 50, accepted.Load(), "each nonce is accepted exactly once")
}
