package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// replaySender is the sender name of the platform in the replay guard.
const replaySender = "platform"

// replayChecker is the replay window of §2.4 (a *sign.ReplayGuard).
type replayChecker interface {
	Check(sender, ts, nonce string) error
}

// untrusted builds a Signature failure (never retried).
func untrusted(code string, status int, msg string, cause error) *attemptError {
	return &attemptError{err: dserrors.New(dserrors.Details{
		Kind: dserrors.Signature, Code: code, HTTPStatus: status, Message: msg, Cause: cause})}
}

// verifyResponse decides what one complete answer is (§2.2, §2.6, §11.13):
// a verified success, a signed platform error, a gateway rejection, an
// intermediary's unsigned answer, or an answer that cannot be trusted.
func (c *Client) verifyResponse(ctx context.Context, cs *callState, status int, h http.Header, body []byte) attemptResult {
	rid := cs.p.call.RequestID
	sig := h.Get(wire.HeaderSignature)
	if sig == "" {
		return attemptResult{err: c.unsignedAnswer(status, h, body)}
	}
	keyID := h.Get(wire.HeaderKeyID)
	ts := h.Get(wire.HeaderTimestamp)
	nonce := h.Get(wire.HeaderNonce)
	echo := h.Get(wire.HeaderRequestID)
	if echo != rid {
		return attemptResult{err: untrusted(dserrors.CodeBadSignature, status,
			"answer's X-DS-Request-Id does not echo the request's", nil)}
	}
	msg := []byte(wire.ResponseToSign{Status: status, RequestID: echo, KeyID: keyID,
		Timestamp: ts, Nonce: nonce, Body: body}.String())
	if err := c.verifyPlatform(ctx, keyID, msg, sig); err != nil {
		return attemptResult{err: untrusted(dserrors.CodeBadSignature, status,
			"answer's signature is not valid", err)}
	}
	if err := c.replay.Check(replaySender, ts, nonce); err != nil {
		if errors.Is(err, sign.ErrTimestampSkew) {
			return attemptResult{err: untrusted(dserrors.CodeClockSkew, status,
				"answer's timestamp is outside the clock-skew window", err)}
		}
		return attemptResult{err: untrusted(dserrors.CodeReplay, status,
			"answer's nonce was already seen (replay)", err)}
	}
	var env wire.Response
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&env); err != nil || env.Code == "" {
		return attemptResult{err: &attemptError{err: dserrors.New(dserrors.Details{
			Kind: dserrors.Platform, Code: dserrors.CodeBadResponse, HTTPStatus: status,
			Message: "signed answer is not a DSP/1 envelope"})}}
	}
	if env.Code == wire.CodeOK {
		if status != http.StatusOK {
			return attemptResult{err: &attemptError{err: dserrors.New(dserrors.Details{
				Kind: dserrors.Platform, Code: dserrors.CodeBadResponse, HTTPStatus: status,
				Message: fmt.Sprintf("code \"0\" with HTTP %d", status)})}}
		}
		return attemptResult{resp: &Response{Status: status, RequestID: echo, KeyID: keyID,
			Code: env.Code, Message: env.Message, Data: env.Data, Body: body}}
	}
	kind := dserrors.Platform
	info, known := wire.LookupCode(env.Code)
	retryable := info.Retryable
	if !known {
		retryable = status >= 500
	}
	if env.Code == wire.CodeDS4001 {
		kind = dserrors.Throttled
	}
	ae := &attemptError{retryable: retryable, err: dserrors.New(dserrors.Details{
		Kind: kind, Code: env.Code, Message: truncate(env.Message, 200), HTTPStatus: status, Retryable: retryable})}
	if retryable {
		ae.retryAfter = parseRetryAfter(h.Get(wire.HeaderRetryAfter), c.now())
	}
	return attemptResult{err: ae}
}

// unsignedAnswer classifies an answer without X-DS-Signature.
func (c *Client) unsignedAnswer(status int, h http.Header, body []byte) *attemptError {
	if status >= 200 && status < 300 {
		return untrusted(dserrors.CodeUnsigned, status, "unsigned success answer", nil)
	}
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		var ge wire.GatewayError
		if json.Unmarshal(body, &ge) == nil && ge.ErrCode != 0 {
			code := wire.CodeGW401
			if status == http.StatusForbidden {
				code = wire.CodeGW403
			}
			return &attemptError{err: dserrors.New(dserrors.Details{
				Kind: dserrors.Platform, Code: code, HTTPStatus: status,
				Message: fmt.Sprintf("gateway rejected the request (errcode %d): %s", ge.ErrCode, truncate(ge.ErrMsg, 200))})}
		}
	}
	// An intermediary's answer (§11.13): the service never answered.
	return &attemptError{retryable: true, retryAfter: parseRetryAfter(h.Get(wire.HeaderRetryAfter), c.now()),
		err: dserrors.New(dserrors.Details{Kind: dserrors.Network, Code: dserrors.CodeUnsigned,
			HTTPStatus: status, Retryable: true, Message: "unsigned answer from an intermediary"})}
}

// truncate bounds a string taken from an answer.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
