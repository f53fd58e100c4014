package client

import "context"

// Handler performs one logical call: all its attempts, retries and hedges.
type Handler func(ctx context.Context, call *Call) (*Response, error)

// Middleware wraps a Handler around each logical call (not each attempt):
// audit, the usage guard and metrics plug in here. The call's RequestID is
// already set when a middleware sees it. Config.Middleware[0] is the
// outermost.
type Middleware func(next Handler) Handler

// Chain composes middlewares so that the first is the outermost.
func Chain(mws ...Middleware) Middleware {
	return func(next Handler) Handler {
		for i := len(mws) - 1; i >= 0; i-- {
			if mws[i] != nil {
				next = mws[i](next)
			}
		}
		return next
	}
}
