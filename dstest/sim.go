// Package dstest is an in-process simulator of the Digital Space (数字空间)
// platform, in the spirit of net/http/httptest: it implements every DSP/1
// call exactly (signed answers, gateway credential, replay window,
// idempotency, the authorization state machine, envelopes and certificates,
// usage logs, callbacks) and adds the holder's side (扫码, 授权, 拒绝) and fault
// injection behind the unsigned /_sim/ control API.
//
// Use Start in tests, NewServer for a real listener, or New for the bare
// http.Handler. Everything here is TEST data signed with TEST keys.
package dstest

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// DefaultSeed is the seed of the synthetic data when Config.Seed is 0.
const DefaultSeed int64 = 20261127

// Store bounds: the simulator drops the oldest entries beyond them.
const (
	maxAuthorizations = 100_000
	maxServiceCodes   = 100_000
	maxKeptAnswers    = 100_000
	maxUsageRecords   = 200_000
	maxCallbackEvents = 10_000
	maxReconciliation = 10_000
	keepAnswerFor     = 24 * time.Hour
)

// Config configures a simulator. The zero value is usable: the default §9
// registry, the TEST platform key p2026a, no path prefix, the x-tif- gateway.
type Config struct {
	// Registry of systems; nil means DefaultRegistry().
	Registry *Registry
	// PlatformKeyID and PlatformKey sign answers, callbacks and
	// certificates; defaults: TestPlatformKeyID and the TEST platform key.
	PlatformKeyID string
	PlatformKey   *sm2.PrivateKey
	// PathPrefix is the gateway prefix in front of /dsp/v1 (e.g. "/ebus").
	PathPrefix string
	// GatewayPrefix is the gateway header prefix (default "x-tif-").
	GatewayPrefix string
	// Now is the real clock used for signatures and the replay window
	// (default time.Now). The business clock is Now plus AdvanceClock's offset.
	Now func() time.Time
	// Logger receives request logs with masked personal data only
	// (default: discard).
	Logger *slog.Logger
	// Seed makes synthetic holders and licenses deterministic (0: DefaultSeed).
	Seed int64
}

// Sim is the simulator as an http.Handler: the DSP/1 calls under
// PathPrefix + /dsp/v1 and the control API under /_sim/ at the root. It is
// safe for concurrent use. Call Close to stop callbacks and its ticker.
type Sim struct {
	reg       *Registry
	holders   []*Holder
	keyMu     sync.RWMutex
	keys      *keySet
	prefix    string
	gw        wire.GatewayHeaders
	now       func() time.Time
	log       *slog.Logger
	seed      int64
	replay    *sign.ReplayGuard
	sysKeys   map[string]map[string]*ecdsa.PublicKey
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once

	idemMu    sync.Mutex
	idemLocks map[string]*keyLock

	mu          sync.Mutex
	offset      time.Duration
	auths       map[string]*authz
	authOrder   []string
	pending     map[string]*authz
	codes       map[string]*serviceCode
	codeOrder   []string
	certs       map[string]*wire.Certificate
	kept        map[string]*keptAnswer
	keptOrder   []string
	usage       []*usageEntry
	usageIdx    map[string]*usageEntry
	recons      []ReconciliationRecord
	faults      []*faultRule
	callbacks   []*CallbackRecord
	blockHeight int64
}

// New returns a simulator configured by cfg.
func New(cfg Config) (*Sim, error) {
	reg := cfg.Registry
	if reg == nil {
		reg = DefaultRegistry()
	}
	if err := reg.Validate(); err != nil {
		return nil, err
	}
	reg = reg.clone()
	key := cfg.PlatformKey
	keyID := cfg.PlatformKeyID
	if key == nil {
		k, err := sign.ParsePrivateKeyPEM([]byte(TestPlatformPrivateKeyPEM), nil)
		if err != nil {
			return nil, fmt.Errorf("dstest: TEST platform key: %w", err)
		}
		key = k
		if keyID == "" {
			keyID = TestPlatformKeyID
		}
	}
	if keyID == "" {
		return nil, errors.New("dstest: PlatformKeyID is required with PlatformKey")
	}
	prefix := strings.TrimRight(cfg.PathPrefix, "/")
	if prefix != "" && !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = DefaultSeed
	}
	holders, err := makeHolders(seed, reg)
	if err != nil {
		return nil, err
	}
	sysKeys := map[string]map[string]*ecdsa.PublicKey{}
	for _, sys := range reg.Systems {
		sysKeys[sys.PaasID] = map[string]*ecdsa.PublicKey{}
		for _, k := range sys.Keys {
			pub, err := sign.ParsePublicKeyPEM([]byte(k.PublicKeyPEM))
			if err != nil {
				return nil, fmt.Errorf("dstest: key %s of %s: %w", k.KeyID, sys.PaasID, err)
			}
			sysKeys[sys.PaasID][k.KeyID] = pub
		}
	}
	pk, err := newPlatformKey(keyID, key, now())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sim{
		reg: reg, holders: holders, keys: &keySet{listed: []*platformKey{pk}},
		prefix: prefix, gw: wire.NewGatewayHeaders(cfg.GatewayPrefix), now: now, log: logger, seed: seed,
		replay: sign.NewReplayGuard(sign.ReplayConfig{
			Window: wire.ReplayWindowSeconds * time.Second, NonceTTL: wire.NonceTTLSeconds * time.Second, Now: now,
		}),
		sysKeys: sysKeys, ctx: ctx, cancel: cancel,
		idemLocks: map[string]*keyLock{},
		auths:     map[string]*authz{}, pending: map[string]*authz{}, codes: map[string]*serviceCode{},
		certs: map[string]*wire.Certificate{}, kept: map[string]*keptAnswer{}, usageIdx: map[string]*usageEntry{},
		blockHeight: 1_000_000 + seed%100_000,
	}
	s.wg.Add(1)
	go s.ticker()
	return s, nil
}

// Close stops the expiry ticker, pending callback deliveries and hanging
// fault requests, and waits for them. The handler keeps answering afterwards
// but sends no more callbacks.
func (s *Sim) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock() // no callback is queued after this
		s.cancel()
		s.mu.Unlock()
		s.wg.Wait()
	})
}

// Now returns the simulator's business clock (业务时钟): the real clock plus
// every AdvanceClock, in UTC+8.
func (s *Sim) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Sim) nowLocked() time.Time {
	return s.now().Add(s.offset).In(cst).Truncate(time.Second)
}

// cst is UTC+8, the zone of every time the simulator writes.
var cst = time.FixedZone("CST", 8*3600)

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(cst).Format(wire.TimeLayout)
}

// AdvanceClock moves the business clock forward by d (negative d is
// ignored), expires what is due and returns the new business time. The
// signature window keeps real time.
func (s *Sim) AdvanceClock(d time.Duration) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d > 0 {
		s.offset += d
	}
	now := s.nowLocked()
	s.expireLocked(now)
	return now
}

// ticker expires authorizations once a second so that expiry callbacks are
// sent without anyone polling. Reads also expire lazily.
func (s *Sim) ticker() {
	defer s.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.mu.Lock()
			s.expireLocked(s.nowLocked())
			s.mu.Unlock()
		}
	}
}

// newID returns prefix + 24 random hex characters.
func newID(prefix string) string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("%s%d", prefix, time.Now().UnixNano())
	}
	return prefix + hex.EncodeToString(b[:])
}

// ServeHTTP routes /_sim/ to the control API and PathPrefix + /dsp/v1 to the
// DSP/1 pipeline; anything else gets the gateway's unsigned 404.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == wire.SimPrefix || strings.HasPrefix(p, wire.SimPrefix+"/") {
		s.serveSim(w, r)
		return
	}
	rel, ok := strings.CutPrefix(p, s.prefix)
	if !ok || !(rel == wire.BasePath || strings.HasPrefix(rel, wire.BasePath+"/")) {
		writeGateway(w, http.StatusNotFound, 40400, "no route")
		return
	}
	s.serveDSP(w, r, rel)
}
