package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"

	dserrors "github.com/zsdata/digitalspace/errors"
)

// callStateKey carries the *callState of a call to the signing transport.
type callStateKey struct{}

// callState is the state of one logical call shared by its attempts.
type callState struct {
	c      *Client
	p      *prepared
	parent context.Context // the caller's context: tells cancel from deadline
	ctx    context.Context // the call's context, with its deadline

	attempts atomic.Int32
	retries  int           // retries granted so far
	nextWait time.Duration // the sleep CheckRetry chose for Backoff

	mu     sync.Mutex
	last   *attemptError // the last failed attempt
	result *Response     // the accepted answer
}

func newCallState(c *Client, p *prepared, parent context.Context) *callState {
	return &callState{c: c, p: p, parent: parent}
}

// attemptError is the classified failure of one attempt.
type attemptError struct {
	err        *dserrors.Error
	retryable  bool          // repeating the call may succeed
	unsent     bool          // the attempt never reached a connection
	retryAfter time.Duration // the answer's Retry-After, if any
}

func (e *attemptError) Error() string { return e.err.Error() }
func (e *attemptError) Unwrap() error { return e.err }

// run drives the attempts through go-retryablehttp.
func (cs *callState) run(ctx context.Context) (*Response, error) {
	ctx = context.WithValue(ctx, callStateKey{}, cs)
	cs.ctx = ctx
	req, err := retryablehttp.NewRequestWithContext(ctx, cs.p.call.Method, cs.p.url, nil)
	if err != nil {
		return nil, dserrors.Validationf("path", "cannot build request: %v", err).WithAttempts(0, cs.p.call.RequestID)
	}
	rc := &retryablehttp.Client{
		HTTPClient:   cs.c.httpClient,
		Logger:       nil, // never log URLs or errors from inside the engine
		RetryWaitMin: cs.c.s.Retry.BaseDelay,
		RetryWaitMax: cs.c.s.Retry.MaxDelay,
		// checkRetry enforces MaxAttempts (hedges count); this is a backstop.
		RetryMax:   cs.c.s.Retry.MaxAttempts,
		CheckRetry: cs.checkRetry,
		Backoff:    func(time.Duration, time.Duration, int, *http.Response) time.Duration { return cs.nextWait },
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			if resp != nil && resp.Body != nil {
				resp.Body.Close()
			}
			return nil, err
		},
	}
	resp, err := rc.Do(req)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	cs.mu.Lock()
	result, last := cs.result, cs.last
	cs.mu.Unlock()
	if err == nil && result != nil {
		return result, nil
	}
	return nil, cs.finalError(last, err)
}

// finalError maps the end of a failed call to one *errors.Error.
func (cs *callState) finalError(last *attemptError, err error) error {
	n := int(cs.attempts.Load())
	rid := cs.p.call.RequestID
	if cs.parent.Err() == context.Canceled {
		var cause error = context.Canceled
		if last != nil {
			cause = last.err
		}
		return cs.c.canceled(cs.p.call, n, cause)
	}
	if last != nil {
		return last.err.WithAttempts(n, rid)
	}
	// No attempt failed on its own: the engine stopped (deadline while
	// waiting) or something unexpected happened.
	if errors.Is(err, context.DeadlineExceeded) {
		return dserrors.New(dserrors.Details{Kind: dserrors.NoResponse, Code: dserrors.CodeDeadline,
			RequestID: rid, Attempts: n, Retryable: true, Message: "call deadline exceeded", Cause: err})
	}
	return dserrors.New(dserrors.Details{Kind: dserrors.Network, Code: dserrors.CodeNetwork,
		RequestID: rid, Attempts: n, Retryable: true, Message: "request failed", Cause: err})
}

// checkRetry is the go-retryablehttp CheckRetry of the call: it decides
// whether to retry and, if so, how long to sleep first (nextWait). It never
// grants a retry that cannot finish before the call deadline.
func (cs *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err == nil && resp != nil {
		return false, nil
	}
	var ae *attemptError
	if !errors.As(err, &ae) {
		ae = &attemptError{err: dserrors.New(dserrors.Details{Kind: dserrors.Network,
			Code: dserrors.CodeNetwork, Message: "request failed", Cause: err}), retryable: true}
	}
	cs.mu.Lock()
	cs.last = ae
	cs.mu.Unlock()
	if ctx.Err() != nil || !ae.retryable {
		return false, nil
	}
	idem := cs.p.call.Idempotent || cs.p.call.Method == http.MethodGet
	if !idem && !ae.unsent {
		return false, nil
	}
	if int(cs.attempts.Load()) >= cs.c.s.Retry.MaxAttempts {
		return false, nil
	}
	wait := fullJitter(cs.c.s.Retry.BaseDelay, cs.c.s.Retry.MaxDelay, cs.retries)
	if ae.retryAfter > wait {
		wait = ae.retryAfter
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait+cs.c.s.MinAttemptTime {
		return false, nil
	}
	if !cs.c.budget.withdraw() {
		return false, nil
	}
	cs.retries++
	cs.nextWait = wait
	return true, nil
}

// deadline returns the call's deadline.
func (cs *callState) deadline() (time.Time, bool) {
	if cs.ctx == nil {
		return time.Time{}, false
	}
	return cs.ctx.Deadline()
}

// fullJitter is exponential backoff with full jitter: a random duration in
// [0, min(max, base·2ⁿ)].
func fullJitter(base, maxDelay time.Duration, n int) time.Duration {
	ceil := maxDelay
	if n < 30 {
		if d := base << n; d > 0 && d < maxDelay {
			ceil = d
		}
	}
	if ceil <= 0 {
		return 0
	}
	return rand.N(ceil + 1)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > 86400 {
			n = 86400
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// retryBudget bounds retries and hedges to a share of the calls, like the
// retry budgets of Finagle and gRPC: each call deposits ratio tokens (capped),
// each retry or hedge withdraws one; a floor of minPerSecond withdrawals per
// second is always allowed.
type retryBudget struct {
	mu           sync.Mutex
	disabled     bool
	ratio        float64
	maxTokens    float64
	tokens       float64
	minPerSecond float64
	floor        float64 // floor tokens, refilled at minPerSecond up to minPerSecond
	last         time.Time
	now          func() time.Time
}

func newRetryBudget(ratio, minPerSecond float64, now func() time.Time) *retryBudget {
	b := &retryBudget{ratio: ratio, now: now, disabled: ratio < 0}
	if minPerSecond > 0 {
		b.minPerSecond = minPerSecond
		b.floor = minPerSecond
	}
	b.maxTokens = 100
	return b
}

// deposit credits one call.
func (b *retryBudget) deposit() {
	if b.disabled {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.tokens+b.ratio, b.maxTokens)
	b.mu.Unlock()
}

// withdraw takes one token for a retry or hedge, reporting whether allowed.
func (b *retryBudget) withdraw() bool {
	if b.disabled {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.minPerSecond > 0 {
		now := b.now()
		if !b.last.IsZero() {
			if el := now.Sub(b.last).Seconds(); el > 0 {
				b.floor = min(b.minPerSecond, b.floor+el*b.minPerSecond)
			}
		}
		b.last = now
		if b.floor >= 1 {
			b.floor--
			return true
		}
	}
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}
