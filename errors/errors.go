// Package errors is the error model of the SDK. Every failure the SDK returns
// is an *Error with a Kind that tells apart the failure classes of the
// requirements (could not connect, an error answer, connected but no answer
// in time) from validation, signature, throttling, fuse (熔断) and
// cancellation, a platform code (§7 of DSP/1) where there is one, the
// requestId, the HTTP status, the attempts made and the cause. UserMessage
// gives a Chinese message fit to show an end user (用户友好的错误提示).
//
// Import it under another name, for example:
//
//	import dserrors "github.com/zsdata/digitalspace/errors"
package errors

import (
	stderrors "errors"
	"fmt"
	"strings"
)

// Kind is the class of a failure. A Kind is itself an error, so
// errors.Is(err, dserrors.Throttled) matches any *Error of that kind.
type Kind int

// The kinds of failure.
const (
	// Unknown is the zero Kind; the SDK never returns it on purpose.
	Unknown Kind = iota
	// Network: the call could not reach the platform (refused, reset before
	// an answer, DNS, TLS). 无法连接.
	Network
	// NoResponse: connected, but no complete answer within the deadline
	// (hang, slow body, per-attempt timeout). 连接成功但无应答.
	NoResponse
	// Platform: the platform (or its gateway) answered with an error. 返回错误.
	Platform
	// Validation: the call was refused before it left the system (format,
	// source, business type).
	Validation
	// Signature: an answer or callback whose signature, timestamp, nonce or
	// key could not be trusted.
	Signature
	// Throttled: a rate limit, local or the platform's (DS4001).
	Throttled
	// Fused: the usage guard's fuse (熔断) or the circuit breaker is open.
	Fused
	// Canceled: the caller's context ended.
	Canceled
)

var kindNames = [...]string{"unknown", "network", "no_response", "platform", "validation", "signature", "throttled", "fused", "canceled"}

// String returns the kind's name in snake case ("no_response").
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// Error makes a Kind usable as an errors.Is target.
func (k Kind) Error() string { return "digitalspace: " + k.String() }

// Details holds the fields of a new Error.
type Details struct {
	Kind       Kind
	Code       string // platform code (DS…, GW…) or an SDK code (SDK_…)
	Message    string // engineer's message; never holds secrets or personal data in clear
	RequestID  string
	HTTPStatus int
	Attempts   int
	Retryable  bool
	Field      string // for Validation: the JSON path of the bad field
	// UserMessage, when set, replaces the Chinese end-user message of the
	// code or kind (e.g. to name the field a clerk must correct).
	UserMessage string
	Cause       error
}

// Error is the one error type of the SDK.
type Error struct {
	d Details
}

// New returns an *Error from d.
func New(d Details) *Error { return &Error{d: d} }

// Kind returns the failure class.
func (e *Error) Kind() Kind { return e.d.Kind }

// Code returns the platform error code (e.g. "DS3002", "GW401") or an SDK
// code (e.g. "SDK_VALIDATION"); "" when there is none.
func (e *Error) Code() string { return e.d.Code }

// Message returns the engineer's message.
func (e *Error) Message() string { return e.d.Message }

// RequestID returns the X-DS-Request-Id of the call, if one was made.
func (e *Error) RequestID() string { return e.d.RequestID }

// HTTPStatus returns the HTTP status of the last answer, or 0.
func (e *Error) HTTPStatus() int { return e.d.HTTPStatus }

// Attempts returns how many attempts were made (0 when none left the system).
func (e *Error) Attempts() int { return e.d.Attempts }

// Retryable reports whether repeating the same call later may succeed.
func (e *Error) Retryable() bool { return e.d.Retryable }

// Field returns the field a Validation error is about, or "".
func (e *Error) Field() string { return e.d.Field }

// Details returns a copy of the fields.
func (e *Error) Details() Details { return e.d }

// WithAttempts returns a copy of e with the attempt count and request id set.
func (e *Error) WithAttempts(attempts int, requestID string) *Error {
	c := *e
	c.d.Attempts = attempts
	if requestID != "" {
		c.d.RequestID = requestID
	}
	return &c
}

// Error implements error. It names kind, code, status, message, requestId and
// attempts, and the cause.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("digitalspace: ")
	b.WriteString(e.d.Kind.String())
	if e.d.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.d.Code)
	}
	if e.d.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.d.HTTPStatus)
	}
	if e.d.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.d.Message)
	}
	if e.d.Field != "" {
		b.WriteString(" [field ")
		b.WriteString(e.d.Field)
		b.WriteString("]")
	}
	if e.d.RequestID != "" {
		b.WriteString(" requestId=")
		b.WriteString(e.d.RequestID)
	}
	if e.d.Attempts > 0 {
		fmt.Fprintf(&b, " attempts=%d", e.d.Attempts)
	}
	if e.d.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.d.Cause.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.d.Cause }

// Is matches a Kind target by kind, and an *Error target by kind and code
// (an empty code in the target matches any code).
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Kind:
		return e.d.Kind == t
	case *Error:
		return t.d.Kind == e.d.Kind && (t.d.Code == "" || t.d.Code == e.d.Code)
	}
	return false
}

// As returns the *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if stderrors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// KindOf returns the Kind of the *Error in err's chain, or Unknown.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.d.Kind
	}
	return Unknown
}

// CodeOf returns the code of the *Error in err's chain, or "".
func CodeOf(err error) string {
	if e, ok := As(err); ok {
		return e.d.Code
	}
	return ""
}

// IsRetryable reports whether err is an *Error marked retryable.
func IsRetryable(err error) bool {
	e, ok := As(err)
	return ok && e.d.Retryable
}

// Validationf returns a Validation error about field, with an SDK code.
func Validationf(field, format string, args ...any) *Error {
	return New(Details{Kind: Validation, Code: CodeValidation, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Invalid returns a Validation error about field with code (CodeValidation
// when empty; DS2001, DS2002 or DS2003 for the three legality checks), the
// engineer's message and the Chinese message for the end user.
func Invalid(code, field, message, userMessage string) *Error {
	if code == "" {
		code = CodeValidation
	}
	return New(Details{Kind: Validation, Code: code, Field: field, Message: message, UserMessage: userMessage})
}

// SDK codes for failures that have no platform code.
const (
	CodeValidation   = "SDK_VALIDATION"
	CodeConfig       = "SDK_CONFIG"
	CodeNetwork      = "SDK_NETWORK"
	CodeTimeout      = "SDK_TIMEOUT"
	CodeBadSignature = "SDK_BAD_SIGNATURE"
	CodeUnsigned     = "SDK_UNSIGNED"
	CodeReplay       = "SDK_REPLAY"
	CodeClockSkew    = "SDK_CLOCK_SKEW"
	CodeBadResponse  = "SDK_BAD_RESPONSE"
	CodeRateLimited  = "SDK_RATE_LIMITED"
	CodeCircuitOpen  = "SDK_CIRCUIT_OPEN"
	CodeFused        = "SDK_FUSED"
	CodeCanceled     = "SDK_CANCELED"
	CodeDeadline     = "SDK_DEADLINE"
	CodeEnvelope     = "SDK_ENVELOPE"
	CodeTooLarge     = "SDK_TOO_LARGE"
)
