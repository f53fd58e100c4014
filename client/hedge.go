package client

import (
	"context"
	"time"
)

// hedged runs one attempt of the call and, for hedgeable calls, a hedge: if
// the attempt has not answered after HedgeDelay, and the deadline leaves at
// least MinAttemptTime, and MaxAttempts and the retry budget allow, a second
// attempt (fresh nonce and signature, same requestId) goes out on the hedge
// transport, whose connections are its own. The first acceptable answer (a
// success or a failure that repeating would not cure) wins and the other
// attempt is canceled; if both fail retryably, the later failure is returned
// to the retry loop.
func (c *Client) hedged(ctx context.Context, cs *callState) attemptResult {
	if !cs.p.hedge {
		return c.attempt(ctx, cs, c.base)
	}
	results := make(chan attemptResult, 2)
	actx, cancel := context.WithCancel(ctx)
	defer cancel() // cancels whichever attempt is still running
	go func() { results <- c.attempt(actx, cs, c.base) }()
	inflight := 1

	timer := time.NewTimer(c.s.Retry.HedgeDelay)
	defer timer.Stop()
	timerC := timer.C
	for {
		select {
		case <-timerC:
			timerC = nil
			if c.canHedge(ctx, cs) {
				inflight++
				go func() { results <- c.attempt(actx, cs, c.hedgeBase) }()
			}
		case r := <-results:
			inflight--
			if r.err == nil || !r.err.retryable || inflight == 0 {
				return r
			}
		case <-ctx.Done():
			// The call ended (deadline or cancel): the attempts will
			// report it; wait for one of them.
			r := <-results
			return r
		}
	}
}

// canHedge reports whether a hedge may start now.
func (c *Client) canHedge(ctx context.Context, cs *callState) bool {
	if ctx.Err() != nil || int(cs.attempts.Load()) >= c.s.Retry.MaxAttempts {
		return false
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < c.s.MinAttemptTime {
		return false
	}
	return c.budget.withdraw()
}
