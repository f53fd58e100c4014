package scenario

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// CodeIssuer creates one service code (办事码). IssuerFor adapts a *Service.
type CodeIssuer func(ctx context.Context) (*ServiceCodeInfo, error)

// IssuerFor returns a CodeIssuer that creates service codes with
// svc.CreateServiceCode from a copy of req. Each call leaves the copy's
// RequestID empty, so each code is a new request (the client picks a fresh
// X-DS-Request-Id); an empty Scenario becomes ServiceCode.
func IssuerFor(svc *Service, req *Request) CodeIssuer {
	return func(ctx context.Context) (*ServiceCodeInfo, error) {
		if svc == nil || req == nil {
			return nil, errors.New("scenario: IssuerFor needs a service and a request")
		}
		r := *req
		r.RequestID = ""
		if r.Scenario == "" {
			r.Scenario = ServiceCode
		}
		return svc.CreateServiceCode(ctx, &r)
	}
}

// RotatorConfig configures a Rotator.
type RotatorConfig struct {
	// Issue creates a new service code. Required.
	Issue CodeIssuer
	// Lead is how long before a code's RefreshAt the next one is fetched
	// (default 5 s). A code whose RefreshAt is nearer than Lead is renewed
	// halfway to its RefreshAt instead.
	Lead time.Duration
	// RetryMin and RetryMax bound the backoff between failed renewals
	// (default 500 ms and 10 s); the wait doubles after each failure.
	RetryMin, RetryMax time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives renewals and failures (default: discarded). The QR
	// content is never logged.
	Logger *slog.Logger
	// OnRotate, when set, is called after each new code is installed.
	OnRotate func(*ServiceCodeInfo)
}

// Rotator always holds a fresh service code (办事码): it renews the code
// before its RefreshAt, keeps the old code while a failed renewal is retried
// with backoff, and never hands out a code that has expired. It is safe for
// concurrent use.
type Rotator struct {
	issue    CodeIssuer
	lead     time.Duration
	retryMin time.Duration
	retryMax time.Duration
	now      func() time.Time
	after    func(time.Duration) (<-chan time.Time, func())
	log      *slog.Logger
	onRotate func(*ServiceCodeInfo)

	running atomic.Bool
	kick    chan struct{} // wakes Run after Rotate
	issueMu sync.Mutex    // one issuance at a time

	mu      sync.Mutex
	cur     *ServiceCodeInfo
	version uint64
	subs    map[*rotSub]struct{}
}

type rotSub struct {
	ch   chan *ServiceCodeInfo
	once sync.Once
}

// Defaults of RotatorConfig.
const (
	DefaultRotatorLead     = 5 * time.Second
	DefaultRotatorRetryMin = 500 * time.Millisecond
	DefaultRotatorRetryMax = 10 * time.Second
)

// NewRotator checks cfg and returns a Rotator holding no code yet; Run (or
// Rotate) fetches the first one.
func NewRotator(cfg RotatorConfig) (*Rotator, error) {
	if cfg.Issue == nil {
		return nil, errors.New("scenario: RotatorConfig.Issue is required")
	}
	if cfg.Lead < 0 || cfg.RetryMin < 0 || cfg.RetryMax < 0 {
		return nil, errors.New("scenario: RotatorConfig durations must not be negative")
	}
	r := &Rotator{
		issue:    cfg.Issue,
		lead:     cfg.Lead,
		retryMin: cfg.RetryMin,
		retryMax: cfg.RetryMax,
		now:      cfg.Now,
		log:      cfg.Logger,
		onRotate: cfg.OnRotate,
		after:    realAfter,
		kick:     make(chan struct{}, 1),
		subs:     map[*rotSub]struct{}{},
	}
	if r.lead == 0 {
		r.lead = DefaultRotatorLead
	}
	if r.retryMin == 0 {
		r.retryMin = DefaultRotatorRetryMin
	}
	if r.retryMax == 0 {
		r.retryMax = DefaultRotatorRetryMax
	}
	if r.retryMax < r.retryMin {
		return nil, fmt.Errorf("scenario: RotatorConfig.RetryMax %v is below RetryMin %v", r.retryMax, r.retryMin)
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

func realAfter(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}

// Run fetches a code at once, then renews it Lead before each RefreshAt,
// retrying failed renewals with backoff, until ctx ends; it then returns
// ctx.Err(). Only one Run may be active at a time.
func (r *Rotator) Run(ctx context.Context) error {
	if !r.running.CompareAndSwap(false, true) {
		return errors.New("scenario: Rotator.Run is already running")
	}
	defer r.running.Store(false)
	var delay time.Duration // the first code is fetched at once
	failures := 0
	for {
		if delay > 0 {
			c, stop := r.after(delay)
			select {
			case <-ctx.Done():
				stop()
				return ctx.Err()
			case <-r.kick: // Rotate installed a code: plan from it
				stop()
				failures = 0
				delay = r.untilRenewal()
				continue
			case <-c:
			}
		} else if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.renew(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failures++
			delay = r.backoff(failures)
			cur, ok := r.Current()
			attrs := []any{"err", err, "attempt", failures, "retryIn", delay, "oldCodeValid", ok}
			if ok {
				attrs = append(attrs, "oldCodeId", cur.CodeID, "oldExpiresAt", cur.ExpiresAt)
			}
			r.log.WarnContext(ctx, "service code renewal failed", attrs...)
			continue
		}
		failures = 0
		delay = r.untilRenewal()
	}
}

// Rotate fetches and installs a new code now, whatever the current one's
// RefreshAt (an operator's "refresh" button, or a test). A running Run plans
// its next renewal from the new code.
func (r *Rotator) Rotate(ctx context.Context) error {
	if err := r.renew(ctx); err != nil {
		return err
	}
	select {
	case r.kick <- struct{}{}:
	default:
	}
	return nil
}

// Current returns a copy of the current code, or false when there is none
// or it has expired (ExpiresAt ≤ now).
func (r *Rotator) Current() (*ServiceCodeInfo, bool) {
	info, _, ok := r.currentVersion()
	return info, ok
}

// currentVersion is Current with the rotation count of the code, which
// grows by one with each installed code.
func (r *Rotator) currentVersion() (*ServiceCodeInfo, uint64, bool) {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil || !now.Before(r.cur.ExpiresAt) {
		return nil, r.version, false
	}
	c := *r.cur
	return &c, r.version, true
}

// Subscribe returns a channel that receives each new code (buffered 1: a
// slow reader gets the latest only) and a function that ends the
// subscription and closes the channel.
func (r *Rotator) Subscribe() (<-chan *ServiceCodeInfo, func()) {
	s := &rotSub{ch: make(chan *ServiceCodeInfo, 1)}
	r.mu.Lock()
	r.subs[s] = struct{}{}
	r.mu.Unlock()
	return s.ch, func() {
		s.once.Do(func() {
			r.mu.Lock()
			delete(r.subs, s)
			close(s.ch)
			r.mu.Unlock()
		})
	}
}

// renew issues one code and installs it.
func (r *Rotator) renew(ctx context.Context) error {
	r.issueMu.Lock()
	defer r.issueMu.Unlock()
	info, err := r.issue(ctx)
	if err != nil {
		return err
	}
	if info == nil || info.CodeID == "" || info.QRContent == "" {
		return errors.New("scenario: issuer returned an incomplete service code")
	}
	c := *info
	now := r.now()
	if !now.Before(c.ExpiresAt) {
		return fmt.Errorf("scenario: service code %s expired on arrival (expiresAt %s)", c.CodeID, c.ExpiresAt.Format(time.RFC3339))
	}
	if c.RefreshAt.IsZero() || c.RefreshAt.After(c.ExpiresAt) {
		c.RefreshAt = c.ExpiresAt
	}
	r.mu.Lock()
	r.cur = &c
	r.version++
	for s := range r.subs {
		cp := c
		select { // latest wins: drop an unread older code
		case <-s.ch:
		default:
		}
		s.ch <- &cp
	}
	r.mu.Unlock()
	r.log.InfoContext(ctx, "service code rotated", "codeId", c.CodeID, "refreshAt", c.RefreshAt, "expiresAt", c.ExpiresAt)
	if r.onRotate != nil {
		cp := c
		r.onRotate(&cp)
	}
	return nil
}

// untilRenewal is how long to wait before renewing the current code.
func (r *Rotator) untilRenewal() time.Duration {
	now := r.now()
	r.mu.Lock()
	cur := r.cur
	r.mu.Unlock()
	if cur == nil {
		return 0
	}
	d := cur.RefreshAt.Sub(now) - r.lead
	if d <= 0 {
		// A code too short-lived for Lead: renew halfway to RefreshAt, but
		// never in a hot loop.
		d = cur.RefreshAt.Sub(now) / 2
	}
	return max(d, r.retryMin)
}

// backoff is the wait after the n-th failed renewal in a row.
func (r *Rotator) backoff(n int) time.Duration {
	d := r.retryMin
	for i := 1; i < n && d < r.retryMax; i++ {
		d *= 2
	}
	return min(d, r.retryMax)
}
