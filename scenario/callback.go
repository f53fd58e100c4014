package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// EventType is the type of a callback event (§6.4).
type EventType string

// The callback event types.
const (
	EventScanned    EventType = "authorization.scanned"
	EventAuthorized EventType = "authorization.authorized"
	EventRejected   EventType = "authorization.rejected"
	EventExpired    EventType = "authorization.expired"
	EventCanceled   EventType = "authorization.canceled"
)

// Event is a verified callback from the platform.
type Event struct {
	ID            string
	Type          EventType
	OccurredAt    time.Time
	Authorization *Authorization
}

// DedupeStore remembers the callback event ids already handled, so that a
// duplicate (callbacks are delivered at least once) is acknowledged but not
// handed to the application again. Give a durable store to catch duplicates
// across restarts.
type DedupeStore interface {
	// MarkSeen records eventID for ttl and reports whether it was already there.
	MarkSeen(ctx context.Context, eventID string, ttl time.Duration) (seen bool, err error)
	// Forget removes eventID, so that the platform's retry is handled after
	// the application failed to handle the first delivery.
	Forget(ctx context.Context, eventID string) error
}

// CallbackOption configures a CallbackReceiver.
type CallbackOption func(*CallbackReceiver)

// WithDedupeStore sets the store of handled event ids (default: in memory,
// bounded to 100 000 ids for 25 h).
func WithDedupeStore(s DedupeStore) CallbackOption { return func(r *CallbackReceiver) { r.store = s } }

// WithCallbackLogger sets the logger (default: discard). It logs event ids,
// types and authorization ids only.
func WithCallbackLogger(l *slog.Logger) CallbackOption {
	return func(r *CallbackReceiver) { r.log = l }
}

// WithReplayGuard sets the replay window of callbacks (default §2.4: 180 s,
// nonces remembered 360 s, in memory).
func WithReplayGuard(g *sign.ReplayGuard) CallbackOption {
	return func(r *CallbackReceiver) { r.replay = g }
}

// dedupeTTL outlives the platform's 24 h of retries.
const dedupeTTL = 25 * time.Hour

// CallbackReceiver verifies, dedupes and hands callbacks to the application.
// It is an http.Handler; Receive does the same from headers and a body read
// by another framework.
type CallbackReceiver struct {
	svc    *Service
	handle func(context.Context, *Event) error
	store  DedupeStore
	replay *sign.ReplayGuard
	log    *slog.Logger
}

// NewCallbackReceiver returns a receiver that calls handle once for each new
// verified event. An error from handle makes the receiver answer 500, so the
// platform delivers the event again.
func (s *Service) NewCallbackReceiver(handle func(context.Context, *Event) error, opts ...CallbackOption) *CallbackReceiver {
	r := &CallbackReceiver{svc: s, handle: handle}
	for _, o := range opts {
		o(r)
	}
	if r.store == nil {
		r.store = NewMemoryDedupe(100_000)
	}
	if r.replay == nil {
		r.replay = sign.NewReplayGuard(sign.ReplayConfig{Now: s.now})
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r
}

// ErrDuplicate is returned by Receive for an event already handled; the
// platform should be answered with success.
var ErrDuplicate = errors.New("scenario: duplicate callback event")

// Parse verifies a callback (signature with the platform key ring, refreshed
// once on an unknown key id; timestamp window; nonce) and parses it. It does
// not dedupe. Every failure is an *errors.Error of Kind Signature or
// Validation.
func (r *CallbackReceiver) Parse(ctx context.Context, h http.Header, body []byte) (*Event, error) {
	if len(body) > wire.MaxRequestBody {
		return nil, dserrors.New(dserrors.Details{Kind: dserrors.Validation, Code: dserrors.CodeTooLarge, Message: "callback body over 1 MiB"})
	}
	eventID, keyID := h.Get(wire.HeaderEventID), h.Get(wire.HeaderKeyID)
	ts, nonce, sig := h.Get(wire.HeaderTimestamp), h.Get(wire.HeaderNonce), h.Get(wire.HeaderSignature)
	if eventID == "" || keyID == "" || ts == "" || nonce == "" || sig == "" {
		return nil, dserrors.New(dserrors.Details{Kind: dserrors.Signature, Code: dserrors.CodeUnsigned, Message: "callback is not signed (headers missing)"})
	}
	msg := wire.CallbackToSign{EventID: eventID, KeyID: keyID, Timestamp: ts, Nonce: nonce, Body: body}.String()
	if err := r.svc.c.VerifyPlatformSignature(ctx, keyID, []byte(msg), sig); err != nil {
		return nil, err
	}
	if err := r.replay.CheckContext(ctx, "callback", ts, nonce); err != nil {
		code := dserrors.CodeReplay
		if errors.Is(err, sign.ErrTimestampSkew) {
			code = dserrors.CodeClockSkew
		}
		return nil, dserrors.New(dserrors.Details{Kind: dserrors.Signature, Code: code, Message: "callback rejected by the replay window", Cause: err})
	}
	var w wire.CallbackEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		return nil, dserrors.New(dserrors.Details{Kind: dserrors.Validation, Code: dserrors.CodeBadResponse, Message: "callback body is not valid JSON", Cause: err})
	}
	if w.EventID != eventID || w.Authorization.AuthorizationID == "" {
		return nil, dserrors.New(dserrors.Details{Kind: dserrors.Validation, Code: dserrors.CodeBadResponse, Message: "callback eventId or authorization missing or inconsistent"})
	}
	switch EventType(w.Type) {
	case EventScanned, EventAuthorized, EventRejected, EventExpired, EventCanceled:
	default:
		return nil, dserrors.New(dserrors.Details{Kind: dserrors.Validation, Code: dserrors.CodeBadResponse, Message: fmt.Sprintf("unknown callback type %q", w.Type)})
	}
	return &Event{ID: w.EventID, Type: EventType(w.Type), OccurredAt: parseTime(w.OccurredAt), Authorization: fromWireAuthorization(&w.Authorization)}, nil
}

// Receive verifies and parses a callback, dedupes it by event id and hands a
// new one to the application. It returns ErrDuplicate (wrapped) for an event
// already handled.
func (r *CallbackReceiver) Receive(ctx context.Context, h http.Header, body []byte) (*Event, error) {
	ev, err := r.Parse(ctx, h, body)
	if err != nil {
		return nil, err
	}
	seen, err := r.store.MarkSeen(ctx, ev.ID, dedupeTTL)
	if err != nil {
		return nil, fmt.Errorf("scenario: callback dedupe store: %w", err)
	}
	if seen {
		return ev, fmt.Errorf("event %s: %w", ev.ID, ErrDuplicate)
	}
	if r.handle != nil {
		if err := r.handle(ctx, ev); err != nil {
			if ferr := r.store.Forget(ctx, ev.ID); ferr != nil {
				return nil, fmt.Errorf("scenario: handler failed (%v), and forgetting the event failed: %w", err, ferr)
			}
			return nil, fmt.Errorf("scenario: callback handler: %w", err)
		}
	}
	return ev, nil
}

// ServeHTTP answers the platform: {"code":"0"} for a new or duplicate event,
// 400 or 401 with a JSON reason for a bad one (never handed on), 500 when
// the application failed (the platform retries).
func (r *CallbackReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"code": "SDK_METHOD", "message": "POST only"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, wire.MaxRequestBody+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"code": dserrors.CodeBadResponse, "message": "body cannot be read"})
		return
	}
	ev, err := r.Receive(req.Context(), req.Header, body)
	switch {
	case err == nil:
		r.log.InfoContext(req.Context(), "callback handled", "eventId", ev.ID, "type", string(ev.Type), "authorizationId", ev.Authorization.ID)
		writeJSON(w, http.StatusOK, wire.CallbackAck{Code: wire.CodeOK})
	case errors.Is(err, ErrDuplicate):
		r.log.InfoContext(req.Context(), "callback duplicate acknowledged", "eventId", ev.ID)
		writeJSON(w, http.StatusOK, wire.CallbackAck{Code: wire.CodeOK})
	default:
		status := http.StatusInternalServerError
		code := "SDK_HANDLER"
		if e, ok := dserrors.As(err); ok {
			code = e.Code()
			switch e.Kind() {
			case dserrors.Signature:
				status = http.StatusUnauthorized
			case dserrors.Validation:
				status = http.StatusBadRequest
			}
		}
		r.log.WarnContext(req.Context(), "callback rejected", "status", status, "code", code, "error", err.Error())
		writeJSON(w, status, map[string]string{"code": code, "message": http.StatusText(status)})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", wire.ContentTypeJSON)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
