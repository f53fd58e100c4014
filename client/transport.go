package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// userAgent identifies the SDK on the wire.
const userAgent = "zsdata-digitalspace-go/1"

// signingTransport is the http.RoundTripper beneath go-retryablehttp: each
// RoundTrip is one attempt (possibly hedged) of the call carried in the
// request's context, signed afresh and verified before it is returned.
type signingTransport struct{ c *Client }

// RoundTrip implements http.RoundTripper. The request is used only for its
// context: the signed requests are built from the call's state.
func (t *signingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	cs, _ := req.Context().Value(callStateKey{}).(*callState)
	if cs == nil {
		return nil, errors.New("client: request without call state")
	}
	r := t.c.hedged(req.Context(), cs)
	if r.err != nil {
		return nil, r.err
	}
	cs.mu.Lock()
	cs.result = r.resp
	cs.mu.Unlock()
	return &http.Response{
		Status: strconv.Itoa(r.resp.Status) + " " + http.StatusText(r.resp.Status), StatusCode: r.resp.Status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{},
		Body: io.NopCloser(bytes.NewReader(nil)), ContentLength: 0, Request: req,
	}, nil
}

// attemptResult is the outcome of one attempt.
type attemptResult struct {
	resp *Response
	err  *attemptError
}

// newSignedRequest builds one attempt's request with both layers of §2.1:
// the gateway credential and the SM2 signature, with a fresh timestamp and
// nonce.
func (c *Client) newSignedRequest(ctx context.Context, p *prepared) (*http.Request, error) {
	var body io.Reader
	if p.call.Body != nil {
		body = bytes.NewReader(p.call.Body)
	}
	req, err := http.NewRequestWithContext(ctx, p.call.Method, p.url, body)
	if err != nil {
		return nil, err
	}
	nonce, err := sign.NewNonce()
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(c.now().Unix(), 10)
	sts := wire.RequestToSign{
		Method: p.call.Method, Path: p.path, PaasID: c.s.PaasID, KeyID: c.s.KeyID,
		Timestamp: ts, Nonce: nonce, RequestID: p.call.RequestID, Body: p.call.Body,
	}
	sig, err := c.signer.SignBase64([]byte(sts.String()))
	if err != nil {
		return nil, err
	}
	h := req.Header
	h.Set(c.gw.PaasID, c.s.PaasID)
	h.Set(c.gw.Timestamp, ts)
	h.Set(c.gw.Nonce, nonce)
	h.Set(c.gw.Signature, wire.GatewaySignature(ts, c.token.v, nonce))
	h.Set(wire.HeaderKeyID, c.s.KeyID)
	h.Set(wire.HeaderRequestID, p.call.RequestID)
	h.Set(wire.HeaderSignature, sig)
	if p.call.Method == http.MethodPost {
		h.Set(wire.HeaderContentType, wire.ContentTypeJSON)
	}
	h.Set("Accept", "application/json")
	h.Set("User-Agent", userAgent)
	return req, nil
}

// attempt sends one signed attempt on rt and classifies its outcome. ctx is
// the call's context (or a hedge's child of it).
func (c *Client) attempt(ctx context.Context, cs *callState, rt http.RoundTripper) attemptResult {
	cs.attempts.Add(1)
	actx, cancel := context.WithTimeout(ctx, cs.p.attemptTO)
	defer cancel()
	var gotConn atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	})
	req, err := c.newSignedRequest(actx, cs.p)
	if err != nil {
		return attemptResult{err: &attemptError{err: dserrors.New(dserrors.Details{
			Kind: dserrors.Validation, Code: dserrors.CodeValidation,
			Message: "cannot sign the request", Cause: err})}}
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return attemptResult{err: c.transportError(cs, actx, err, gotConn.Load(), false)}
	}
	body, err := readLimited(resp.Body, c.maxBody)
	resp.Body.Close()
	if errors.Is(err, errTooLarge) {
		return attemptResult{err: &attemptError{err: dserrors.New(dserrors.Details{
			Kind: dserrors.Platform, Code: dserrors.CodeTooLarge, HTTPStatus: resp.StatusCode,
			Message: "answer body exceeds the protocol limit"})}}
	}
	if err != nil {
		return attemptResult{err: c.transportError(cs, actx, err, true, true)}
	}
	return c.verifyResponse(ctx, cs, resp.StatusCode, resp.Header, body)
}

var errTooLarge = errors.New("client: body too large")

// readLimited reads at most limit bytes of r, failing with errTooLarge beyond.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}

// transportError classifies an attempt that got no complete answer: the
// caller canceled (Canceled); no connection (Network); connected but no
// complete answer in time (NoResponse, SDK_TIMEOUT for the attempt's
// timeout, SDK_DEADLINE for the call's); a broken connection after the
// headers (NoResponse). The URL is dropped from the cause.
func (c *Client) transportError(cs *callState, actx context.Context, err error, connected, inBody bool) *attemptError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if cs.parent.Err() == context.Canceled {
		return &attemptError{err: dserrors.New(dserrors.Details{Kind: dserrors.Canceled,
			Code: dserrors.CodeCanceled, Message: "call canceled by the caller", Cause: err})}
	}
	timedOut := actx.Err() != nil || isTimeout(err)
	deadline := false
	if dl, ok := actx.Deadline(); ok && timedOut {
		if cdl, ok2 := cs.deadline(); ok2 && !cdl.After(dl) {
			deadline = true
		}
	}
	switch {
	case timedOut && !connected:
		return &attemptError{retryable: true, unsent: true, err: dserrors.New(dserrors.Details{
			Kind: dserrors.Network, Code: dserrors.CodeTimeout, Retryable: true,
			Message: "could not connect in time", Cause: err})}
	case timedOut:
		code, msg := dserrors.CodeTimeout, "no complete answer before the attempt timeout"
		if deadline {
			code, msg = dserrors.CodeDeadline, "no complete answer before the call deadline"
		}
		return &attemptError{retryable: true, err: dserrors.New(dserrors.Details{
			Kind: dserrors.NoResponse, Code: code, Retryable: true, Message: msg, Cause: err})}
	case inBody:
		return &attemptError{retryable: true, err: dserrors.New(dserrors.Details{
			Kind: dserrors.NoResponse, Code: dserrors.CodeNetwork, Retryable: true,
			Message: "connection broken before the answer was complete", Cause: err})}
	}
	return &attemptError{retryable: true, unsent: !connected && isDialError(err), err: dserrors.New(dserrors.Details{
		Kind: dserrors.Network, Code: dserrors.CodeNetwork, Retryable: true,
		Message: "could not reach the platform", Cause: err})}
}

// isTimeout reports a timeout error of the network stack.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isDialError reports an error of connection set-up (the request was never
// sent): refused, DNS, dial or TLS handshake failure.
func isDialError(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return true
	}
	var re tls.RecordHeaderError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &re)
}
