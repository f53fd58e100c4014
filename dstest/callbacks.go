package dstest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// Callback delivery (§6.4, §11.4): at least once, in event order per
// authorization, with a fresh timestamp and nonce on every attempt, retried
// from 1 s doubling (each wait capped at 1 h) for up to 24 h of real time.
const (
	callbackFirstBackoff = time.Second
	callbackMaxBackoff   = time.Hour
	callbackGiveUp       = 24 * time.Hour
	callbackTimeout      = 10 * time.Second
	callbackBodyKeep     = 1024
)

// CallbackRecord is one callback event and every attempt to deliver it, as
// GET /_sim/callbacks shows it.
type CallbackRecord struct {
	EventID         string            `json:"eventId"`
	Type            string            `json:"type"`
	AuthorizationID string            `json:"authorizationId"`
	URL             string            `json:"url"`
	Body            string            `json:"body"`
	Delivered       bool              `json:"delivered"`
	Attempts        []CallbackAttempt `json:"attempts"`
}

// CallbackAttempt is one delivery attempt and the receiver's answer.
type CallbackAttempt struct {
	At     string `json:"at"`
	Nonce  string `json:"nonce"`
	Status int    `json:"status"`
	Body   string `json:"body,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Callbacks returns every callback event so far with its attempts.
func (s *Sim) Callbacks() []CallbackRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CallbackRecord, len(s.callbacks))
	for i, r := range s.callbacks {
		out[i] = *r
		out[i].Attempts = slices.Clone(r.Attempts)
	}
	return out
}

// emitLocked queues a callback event for a when it has a callbackUrl.
func (s *Sim) emitLocked(a *authz, typ string, at time.Time) {
	if a.callbackURL == "" || s.ctx.Err() != nil {
		return
	}
	ev := wire.CallbackEvent{EventID: newID("ev_"), Type: typ, OccurredAt: fmtTime(at), Authorization: a.view()}
	body, err := json.Marshal(ev)
	if err != nil {
		return
	}
	rec := &CallbackRecord{EventID: ev.EventID, Type: typ, AuthorizationID: a.id, URL: a.callbackURL, Body: string(body)}
	s.callbacks = append(s.callbacks, rec)
	if len(s.callbacks) > maxCallbackEvents {
		s.callbacks = s.callbacks[1:]
	}
	prev := a.lastEvent
	done := make(chan struct{})
	a.lastEvent = done
	s.wg.Add(1)
	go s.deliver(rec, body, prev, done)
}

func (s *Sim) deliver(rec *CallbackRecord, body []byte, prev <-chan struct{}, done chan<- struct{}) {
	defer s.wg.Done()
	defer close(done)
	if prev != nil {
		select {
		case <-prev:
		case <-s.ctx.Done():
			return
		}
	}
	client := &http.Client{
		Timeout:       callbackTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	start := time.Now()
	wait := callbackFirstBackoff
	for {
		att, ok := s.attempt(client, rec, body)
		s.mu.Lock()
		rec.Attempts = append(rec.Attempts, att)
		rec.Delivered = ok
		s.mu.Unlock()
		s.log.LogAttrs(s.ctx, slog.LevelInfo, "callback attempt", slog.String("eventId", rec.EventID),
			slog.String("type", rec.Type), slog.Int("status", att.Status), slog.Bool("ok", ok))
		if ok || time.Since(start)+wait > callbackGiveUp {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(wait*2, callbackMaxBackoff)
	}
}

// attempt makes one signed delivery attempt (§2.3).
func (s *Sim) attempt(client *http.Client, rec *CallbackRecord, body []byte) (CallbackAttempt, bool) {
	now := s.now()
	att := CallbackAttempt{At: now.In(cst).Format(time.RFC3339Nano)}
	nonce, err := sign.NewNonce()
	if err != nil {
		att.Error = err.Error()
		return att, false
	}
	att.Nonce = nonce
	ts := strconv.FormatInt(now.Unix(), 10)
	signer := s.signer()
	sts := wire.CallbackToSign{EventID: rec.EventID, KeyID: signer.KeyID(), Timestamp: ts, Nonce: nonce, Body: body}.String()
	sig, err := signer.SignBase64([]byte(sts))
	if err != nil {
		att.Error = err.Error()
		return att, false
	}
	ctx, cancel := context.WithTimeout(s.ctx, callbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rec.URL, bytes.NewReader(body))
	if err != nil {
		att.Error = err.Error()
		return att, false
	}
	req.Header.Set(wire.HeaderContentType, wire.ContentTypeJSON)
	req.Header.Set(wire.HeaderKeyID, signer.KeyID())
	req.Header.Set(wire.HeaderTimestamp, ts)
	req.Header.Set(wire.HeaderNonce, nonce)
	req.Header.Set(wire.HeaderEventID, rec.EventID)
	req.Header.Set(wire.HeaderSignature, sig)
	resp, err := client.Do(req)
	if err != nil {
		att.Error = err.Error()
		return att, false
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	att.Status = resp.StatusCode
	att.Body = string(rb[:min(len(rb), callbackBodyKeep)])
	var ack wire.CallbackAck
	ok := resp.StatusCode/100 == 2 && json.Unmarshal(rb, &ack) == nil && ack.Code == wire.CodeOK
	return att, ok
}
