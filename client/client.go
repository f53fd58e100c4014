package client

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/google/uuid"
	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/time/rate"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// Client sends signed DSP/1 calls for one system (one paasId and key). It is
// safe for concurrent use; several Clients in one process are independent.
type Client struct {
	s          *settings
	token      secret
	signer     *sign.Signer
	gw         wire.GatewayHeaders
	ring       *sign.KeyRing
	bootstrap  []sign.PublicKey
	replay     replayChecker
	limiter    *rate.Limiter
	budget     *retryBudget
	base       http.RoundTripper // transport of first attempts and retries
	hedgeBase  http.RoundTripper // transport of hedges: connections of their own
	httpClient *http.Client      // beneath go-retryablehttp; its Transport signs
	handler    Handler
	log        *slog.Logger
	now        func() time.Time
	maxBody    int64

	refreshMu   sync.Mutex
	lastRefresh time.Time
}

// Call is one logical DSP/1 call.
type Call struct {
	// Route names the call for metrics and audit (e.g. "create_authorization").
	Route string
	// Method is GET or POST.
	Method string
	// Path is the path under the base URL, with the query for GETs, e.g.
	// wire.AuthorizationsPath().
	Path string
	// Body is the JSON body of a POST (nil for GET).
	Body []byte
	// RequestID is the X-DS-Request-Id, a UUID, the same for every attempt;
	// generated (v4) when empty.
	RequestID string
	// Idempotent allows retries and hedging. DSP/1 POSTs are idempotent by
	// requestId (§5): set it for them; GETs are always treated as idempotent.
	Idempotent bool
	// AuthPage selects Config.AuthPageTimeout and AuthPageAttemptTimeout:
	// the call leads to an authorization page (create authorization,
	// create service code).
	AuthPage bool
	// Timeout overrides the call's deadline when positive.
	Timeout time.Duration
}

// Response is a verified successful answer: HTTP 200, code "0", valid
// signature.
type Response struct {
	Status    int             // HTTP status (200)
	RequestID string          // the X-DS-Request-Id echoed
	KeyID     string          // the platform key that signed the answer
	Code      string          // "0"
	Message   string          // the envelope's message
	Data      json.RawMessage // the envelope's data
	Body      []byte          // the whole signed body
	Attempts  int             // attempts made, hedges included
	Duration  time.Duration   // from the call's start to its answer
}

// New validates cfg and returns a Client. A bad Config yields an
// *errors.Error of Kind Validation and code SDK_CONFIG naming the field; New
// never panics.
func New(cfg Config) (c *Client, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, configError("", "invalid configuration (%T)", r)
		}
	}()
	s, err := validate(cfg)
	if err != nil {
		return nil, err
	}
	tok, err := resolveToken(&s.Config)
	if err != nil {
		return nil, err
	}
	signer, err := sign.NewSigner(s.KeyID, s.Signer)
	if err != nil {
		return nil, configError("Signer", "%v", err)
	}
	c = &Client{
		s:         s,
		token:     tok,
		signer:    signer,
		gw:        wire.NewGatewayHeaders(s.GatewayPrefix),
		ring:      sign.NewKeyRing(s.PlatformKeys...),
		bootstrap: append([]sign.PublicKey(nil), s.PlatformKeys...),
		log:       s.Logger,
		now:       s.Now,
		maxBody:   wire.MaxResponseBody,
		replay: sign.NewReplayGuard(sign.ReplayConfig{
			Window: s.MaxClockSkew, NonceTTL: 2 * s.MaxClockSkew, Now: s.Now,
		}),
		budget: newRetryBudget(s.Retry.RetryBudget, s.Retry.RetryBudgetMinPerSecond, s.Now),
	}
	if s.RateLimit > 0 {
		c.limiter = rate.NewLimiter(s.RateLimit, s.RateBurst)
	}
	switch {
	case s.Transport != nil:
		c.base = s.Transport
	case s.HTTPClient != nil && s.HTTPClient.Transport != nil:
		c.base = s.HTTPClient.Transport
	default:
		c.base = cleanhttp.DefaultPooledTransport()
	}
	c.hedgeBase = c.base
	if t, ok := c.base.(*http.Transport); ok {
		h := t.Clone()
		h.DisableKeepAlives = true
		c.hedgeBase = h
	}
	c.httpClient = &http.Client{
		Transport:     &signingTransport{c: c},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var h Handler = c.do
	for i := len(s.Middleware) - 1; i >= 0; i-- {
		h = s.Middleware[i](h)
	}
	c.handler = h
	return c, nil
}

// PaasID returns the system's paasId.
func (c *Client) PaasID() string { return c.s.PaasID }

// OrgName returns the 用证单位 name.
func (c *Client) OrgName() string { return c.s.OrgName }

// OrgCode returns the 用证单位 USCC.
func (c *Client) OrgCode() string { return c.s.OrgCode }

// SystemName returns the 用证系统 name.
func (c *Client) SystemName() string { return c.s.SystemName }

// KeyID returns the id of the system's own signing key.
func (c *Client) KeyID() string { return c.s.KeyID }

// PlatformKeys returns the ring of trusted platform keys.
func (c *Client) PlatformKeys() *sign.KeyRing { return c.ring }

// CloseIdleConnections closes the idle connections of the Client's transports.
func (c *Client) CloseIdleConnections() {
	type closeIdler interface{ CloseIdleConnections() }
	if ci, ok := c.base.(closeIdler); ok {
		ci.CloseIdleConnections()
	}
	if ci, ok := c.hedgeBase.(closeIdler); ok && c.hedgeBase != c.base {
		ci.CloseIdleConnections()
	}
}

// Do sends call through the middleware chain and returns the verified
// answer. Success means HTTP 200, code "0" and a valid signature; every
// failure is an *errors.Error carrying the requestId and the attempts made.
func (c *Client) Do(ctx context.Context, call *Call) (*Response, error) {
	if call == nil {
		return nil, dserrors.Validationf("call", "nil call")
	}
	cc := *call
	if cc.RequestID == "" {
		cc.RequestID = uuid.NewString()
	}
	return c.handler(ctx, &cc)
}

// prepared is a validated call ready to sign.
type prepared struct {
	call      *Call
	url       string
	path      string // the path and raw query as sent and signed
	deadline  time.Duration
	attemptTO time.Duration
	hedge     bool
}

// prepare validates call and computes its URL and timeouts.
func (c *Client) prepare(call *Call) (*prepared, error) {
	invalid := func(field, format string, args ...any) error {
		e := dserrors.Validationf(field, format, args...)
		return e.WithAttempts(0, call.RequestID)
	}
	if call.Method != http.MethodGet && call.Method != http.MethodPost {
		return nil, invalid("method", "method must be GET or POST")
	}
	if !strings.HasPrefix(call.Path, "/") || strings.ContainsAny(call.Path, "#\r\n\t ") {
		return nil, invalid("path", "path must start with '/' and hold no fragment or spaces")
	}
	if call.Method == http.MethodGet && len(call.Body) > 0 {
		return nil, invalid("body", "a GET has no body")
	}
	if len(call.Body) > wire.MaxRequestBody {
		return nil, invalid("body", "body exceeds %d bytes", wire.MaxRequestBody)
	}
	if _, err := uuid.Parse(call.RequestID); err != nil || len(call.RequestID) != 36 {
		return nil, invalid("requestId", "requestId must be a UUID")
	}
	u, err := url.Parse(c.s.baseStr + call.Path)
	if err != nil {
		return nil, invalid("path", "path is not a valid URL path")
	}
	p := &prepared{call: call, url: u.String(), path: u.RequestURI()}
	p.deadline, p.attemptTO = c.s.Timeout, c.s.AttemptTimeout
	if call.AuthPage {
		p.deadline, p.attemptTO = c.s.AuthPageTimeout, c.s.AuthPageAttemptTimeout
	}
	if call.Timeout > 0 {
		p.deadline = call.Timeout
	}
	idem := call.Idempotent || call.Method == http.MethodGet
	p.hedge = idem && !c.s.Retry.DisableHedging && c.s.Retry.MaxAttempts > 1
	return p, nil
}

// do is the innermost Handler: one logical call with its retries.
func (c *Client) do(ctx context.Context, call *Call) (*Response, error) {
	start := time.Now()
	p, err := c.prepare(call)
	if err != nil {
		return nil, err
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, p.deadline)
	defer cancel()
	c.budget.deposit()
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			if parent.Err() == context.Canceled {
				return nil, c.canceled(call, 0, parent.Err())
			}
			return nil, dserrors.New(dserrors.Details{
				Kind: dserrors.Throttled, Code: dserrors.CodeRateLimited, RequestID: call.RequestID,
				Message: "local rate limit: no slot before the deadline", Cause: err,
			})
		}
	}
	cs := newCallState(c, p, parent)
	resp, err := cs.run(ctx)
	dur := time.Since(start)
	attempts := int(cs.attempts.Load())
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "digitalspace call failed",
			slog.String("route", call.Route), slog.String("method", call.Method),
			slog.String("requestId", call.RequestID), slog.Int("attempts", attempts),
			slog.Duration("duration", dur), slog.String("kind", dserrors.KindOf(err).String()),
			slog.String("code", dserrors.CodeOf(err)))
		return nil, err
	}
	resp.Attempts = attempts
	resp.Duration = dur
	c.log.LogAttrs(ctx, slog.LevelDebug, "digitalspace call",
		slog.String("route", call.Route), slog.String("method", call.Method),
		slog.String("requestId", call.RequestID), slog.Int("status", resp.Status),
		slog.Int("attempts", attempts), slog.Duration("duration", dur))
	return resp, nil
}

// canceled is the error of a call whose caller canceled it.
func (c *Client) canceled(call *Call, attempts int, cause error) error {
	return dserrors.New(dserrors.Details{
		Kind: dserrors.Canceled, Code: dserrors.CodeCanceled, RequestID: call.RequestID,
		Attempts: attempts, Message: "call canceled by the caller", Cause: cause,
	})
}

// OpenEnvelope opens a delivery envelope (§3) addressed to this system's key
// with aad (the authorizationId). Failures are Kind Signature, code
// SDK_ENVELOPE. The plaintext must stay in memory only.
func (c *Client) OpenEnvelope(env *sign.Envelope, aad string) ([]byte, error) {
	var key *sm2.PrivateKey = c.s.EnvelopeKey
	if key == nil {
		return nil, dserrors.New(dserrors.Details{Kind: dserrors.Validation, Code: dserrors.CodeConfig,
			Message: "no EnvelopeKey configured (the Signer is not an *sm2.PrivateKey)"})
	}
	pt, err := sign.OpenEnvelope(key, c.s.KeyID, aad, env)
	if err != nil {
		return nil, dserrors.New(dserrors.Details{Kind: dserrors.Signature, Code: dserrors.CodeEnvelope,
			Message: "delivery envelope cannot be opened", Cause: fmt.Errorf("open envelope: %w", err)})
	}
	return pt, nil
}

// String describes the Client without its secrets.
func (c *Client) String() string {
	if c == nil {
		return "client.Client(nil)"
	}
	return fmt.Sprintf("client.Client{BaseURL:%q PaasID:%q KeyID:%q}", c.s.baseStr, c.s.PaasID, c.s.KeyID)
}

// GoString is String, so that %#v does not print secrets either.
func (c *Client) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without secrets.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("nil")
	}
	return slog.GroupValue(slog.String("baseURL", c.s.baseStr), slog.String("paasId", c.s.PaasID),
		slog.String("keyId", c.s.KeyID))
}
