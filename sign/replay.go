package sign

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Replay-window defaults of DSP/1 §2.4.
const (
	DefaultReplayWindow     = 180 * time.Second
	DefaultNonceTTL         = 360 * time.Second
	DefaultReplayMaxEntries = 100_000
)

// errGuardNotInitialised fails closed when a ReplayGuard was not made by
// NewReplayGuard.
var errGuardNotInitialised = errors.New("sign: replay guard not initialised; use NewReplayGuard")

// maxNonceLen bounds an accepted nonce (DSP/1 nonces are 32 characters).
const maxNonceLen = 128

// maxTimestampDigits bounds a header timestamp (Unix seconds).
const maxTimestampDigits = 12

// Errors reported by ReplayGuard. Match them with errors.Is.
var (
	// ErrTimestampSkew reports a timestamp that is not a decimal number of
	// Unix seconds or lies outside the window around the receiver's clock
	// (DS1002).
	ErrTimestampSkew = errors.New("sign: timestamp outside the replay window")
	// ErrNonceReplayed reports a nonce already accepted from the same sender
	// within the nonce TTL (DS1003).
	ErrNonceReplayed = errors.New("sign: nonce replayed")
	// ErrBadNonce reports an empty, over-long or non-printable nonce. It wraps
	// ErrNonceReplayed, so callers mapping that to DS1003 also cover it.
	ErrBadNonce = fmt.Errorf("%w: nonce missing or malformed", ErrNonceReplayed)
	// ErrReplayCacheFull reports that the in-memory nonce cache holds
	// MaxEntries unexpired nonces. The guard then fails closed: it rejects
	// the message rather than forget nonces.
	ErrReplayCacheFull = errors.New("sign: replay cache full")
)

// NonceStore records nonces so that the replay cache can live outside the
// process (Redis, for example). Implementations must be safe for concurrent
// use and atomic: of two concurrent calls with the same key, only one may
// report seen == false.
type NonceStore interface {
	// CheckAndStore records key for ttl and reports whether it was already
	// present and unexpired.
	CheckAndStore(ctx context.Context, key string, ttl time.Duration) (seen bool, err error)
}

// ReplayConfig configures a ReplayGuard. Zero fields take the defaults.
type ReplayConfig struct {
	// Window is the accepted distance between a timestamp and Now, each
	// way, inclusive (default 180 s).
	Window time.Duration
	// NonceTTL is how long an accepted nonce is remembered (default 360 s).
	NonceTTL time.Duration
	// MaxEntries bounds the in-memory nonce cache (default 100 000). It is
	// ignored when Store is set.
	MaxEntries int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Store overrides the in-memory bounded nonce cache.
	Store NonceStore
}

// ReplayGuard implements the DSP/1 §2.4 replay protection: a timestamp
// window and a per-sender nonce cache. It is safe for concurrent use.
//
// The default in-memory cache holds at most MaxEntries nonces. When it is
// full, expired nonces are evicted first; if every entry is still live, Check
// fails closed with ErrReplayCacheFull rather than forget a nonce.
type ReplayGuard struct {
	window time.Duration
	ttl    time.Duration
	now    func() time.Time
	store  NonceStore
}

// NewReplayGuard returns a guard configured by cfg.
func NewReplayGuard(cfg ReplayConfig) *ReplayGuard {
	g := &ReplayGuard{window: cfg.Window, ttl: cfg.NonceTTL, now: cfg.Now, store: cfg.Store}
	if g.window <= 0 {
		g.window = DefaultReplayWindow
	}
	if g.ttl <= 0 {
		g.ttl = DefaultNonceTTL
	}
	if g.now == nil {
		g.now = time.Now
	}
	if isNil(g.store) {
		maxEntries := cfg.MaxEntries
		if maxEntries <= 0 {
			maxEntries = DefaultReplayMaxEntries
		}
		g.store = newMemoryNonceStore(maxEntries, g.now)
	}
	return g
}

// Check validates ts (decimal Unix seconds) against the window and records
// nonce for sender, rejecting one already seen. It returns an error wrapping
// ErrTimestampSkew, ErrNonceReplayed (or ErrBadNonce) or ErrReplayCacheFull.
func (g *ReplayGuard) Check(sender, ts, nonce string) error {
	return g.CheckContext(context.Background(), sender, ts, nonce)
}

// CheckContext is Check with a context for the NonceStore.
func (g *ReplayGuard) CheckContext(ctx context.Context, sender, ts, nonce string) error {
	if g == nil || g.store == nil {
		return errGuardNotInitialised
	}
	if err := g.CheckTimestamp(ts); err != nil {
		return err
	}
	if !validNonce(nonce) {
		return ErrBadNonce
	}
	seen, err := g.store.CheckAndStore(ctx, nonceKey(sender, nonce), g.ttl)
	if err != nil {
		if errors.Is(err, ErrReplayCacheFull) {
			return err
		}
		return fmt.Errorf("sign: nonce store: %w", err)
	}
	if seen {
		return ErrNonceReplayed
	}
	return nil
}

// CheckTimestamp checks only that ts, decimal Unix seconds, lies within the
// window around the guard's clock; whole seconds are compared, both edges
// included. It returns an error wrapping ErrTimestampSkew otherwise.
func (g *ReplayGuard) CheckTimestamp(ts string) error {
	if g == nil || g.now == nil {
		return errGuardNotInitialised
	}
	if ts == "" || len(ts) > maxTimestampDigits {
		return fmt.Errorf("%w: not a Unix timestamp", ErrTimestampSkew)
	}
	for i := 0; i < len(ts); i++ {
		if ts[i] < '0' || ts[i] > '9' {
			return fmt.Errorf("%w: not a Unix timestamp", ErrTimestampSkew)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: not a Unix timestamp", ErrTimestampSkew)
	}
	diff := g.now().Unix() - sec
	limit := int64(g.window / time.Second)
	if diff > limit || diff < -limit {
		return fmt.Errorf("%w: %d s from the local clock", ErrTimestampSkew, diff)
	}
	return nil
}

// validNonce accepts 1..maxNonceLen printable ASCII characters without spaces.
func validNonce(n string) bool {
	if n == "" || len(n) > maxNonceLen {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < 0x21 || n[i] > 0x7e {
			return false
		}
	}
	return true
}

// nonceKey derives a fixed-size store key from sender and nonce. The sender is
// length-prefixed so that distinct pairs never collide.
func nonceKey(sender, nonce string) string {
	return "dsp1:nonce:" + SM3Hex([]byte(strconv.Itoa(len(sender))+":"+sender+nonce))
}

// memoryNonceStore is the bounded in-memory NonceStore used by default.
type memoryNonceStore struct {
	mu         sync.Mutex
	maxEntries int
	now        func() time.Time
	expiry     map[string]time.Time // live entries
	queue      expiryHeap           // the same entries by expiry
}

func newMemoryNonceStore(maxEntries int, now func() time.Time) *memoryNonceStore {
	return &memoryNonceStore{maxEntries: maxEntries, now: now, expiry: make(map[string]time.Time)}
}

// CheckAndStore implements NonceStore. It evicts expired entries first and
// fails closed with ErrReplayCacheFull when every entry is still live.
func (s *memoryNonceStore) CheckAndStore(_ context.Context, key string, ttl time.Duration) (bool, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.queue.Len() > 0 && !now.Before(s.queue[0].expiry) {
		e := heap.Pop(&s.queue).(expiryEntry)
		if exp, ok := s.expiry[e.key]; ok && exp.Equal(e.expiry) {
			delete(s.expiry, e.key)
		}
	}
	if _, ok := s.expiry[key]; ok {
		return true, nil
	}
	if len(s.expiry) >= s.maxEntries {
		return false, fmt.Errorf("%w: %d live nonces", ErrReplayCacheFull, len(s.expiry))
	}
	exp := now.Add(ttl)
	s.expiry[key] = exp
	heap.Push(&s.queue, expiryEntry{key: key, expiry: exp})
	return false, nil
}

// expiryEntry is one nonce in the expiry heap.
type expiryEntry struct {
	key    string
	expiry time.Time
}

// expiryHeap is a min-heap of entries by expiry (container/heap).
type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expiry.Before(h[j].expiry) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	old[n-1] = expiryEntry{}
	*h = old[:n-1]
	return e
}
