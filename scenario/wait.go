package scenario

import (
	"context"
	"sync"
	"time"

	dserrors "github.com/zsdata/digitalspace/errors"
)

// WaitOptions tunes Wait.
type WaitOptions struct {
	// Interval is the first polling interval (default 1 s); it grows by half
	// each time up to MaxInterval (default 5 s).
	Interval, MaxInterval time.Duration
	// Events, when set, wakes Wait as soon as a callback about the
	// authorization arrives, so that polling is only the fallback.
	Events *Hub
	// UntilScanned returns as soon as the holder has scanned or opened it.
	UntilScanned bool
}

// Wait polls the authorization (with backoff, and woken by callbacks when
// opts.Events is set) until the holder decides, it expires or is canceled,
// or ctx ends. It returns the authorization in its final state. An
// authorization still PENDING or SCANNED past its expiry is read once more,
// so the platform's EXPIRED is what is returned.
func (s *Service) Wait(ctx context.Context, authorizationID string, opts WaitOptions) (*Authorization, error) {
	interval, maxInterval := opts.Interval, opts.MaxInterval
	if interval <= 0 {
		interval = time.Second
	}
	if maxInterval < interval {
		maxInterval = max(5*time.Second, interval)
	}
	var wake <-chan struct{}
	if opts.Events != nil {
		ch, cancel := opts.Events.subscribe(authorizationID)
		defer cancel()
		wake = ch
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, dserrors.New(dserrors.Details{Kind: dserrors.Canceled, Code: dserrors.CodeCanceled, Message: "wait ended: " + ctx.Err().Error(), Cause: ctx.Err()})
		case <-timer.C:
		case <-wake:
		}
		a, err := s.Get(ctx, authorizationID)
		if err != nil {
			if !dserrors.IsRetryable(err) && dserrors.KindOf(err) != dserrors.Network && dserrors.KindOf(err) != dserrors.NoResponse {
				return nil, err
			}
		} else if a.Status.Final() || (opts.UntilScanned && a.Status == StatusScanned) {
			return a, nil
		}
		timer.Reset(interval)
		interval = min(interval+interval/2, maxInterval)
	}
}

// Hub passes callback events to the Waits that want them. Give it to a
// CallbackReceiver's handler (hub.Publish) and to WaitOptions.Events.
type Hub struct {
	mu   sync.Mutex
	subs map[string][]chan struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: make(map[string][]chan struct{})} }

// Publish wakes every Wait on the event's authorization.
func (h *Hub) Publish(ev *Event) {
	if ev == nil || ev.Authorization == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ch := range h.subs[ev.Authorization.ID] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (h *Hub) subscribe(id string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[id] = append(h.subs[id], ch)
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		list := h.subs[id]
		for i, c := range list {
			if c == ch {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(h.subs, id)
		} else {
			h.subs[id] = list
		}
	}
}
