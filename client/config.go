package client

import (
	"crypto"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/time/rate"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/ident"
	"github.com/zsdata/digitalspace/sign"
)

// Defaults of Config and RetryPolicy.
const (
	DefaultTimeout                 = 10 * time.Second
	DefaultAuthPageTimeout         = 1000 * time.Millisecond
	DefaultAttemptTimeout          = 3 * time.Second
	DefaultAuthPageAttemptTimeout  = 600 * time.Millisecond
	DefaultMinAttemptTime          = 100 * time.Millisecond
	DefaultMaxClockSkew            = 180 * time.Second
	DefaultMaxAttempts             = 3
	DefaultBaseDelay               = 25 * time.Millisecond
	DefaultMaxDelay                = 400 * time.Millisecond
	DefaultHedgeDelay              = 300 * time.Millisecond
	DefaultRetryBudget             = 0.2
	DefaultRetryBudgetMinPerSecond = 10.0
	// KeyRefreshInterval is the least time between two automatic refreshes
	// of the platform keys (§2.5).
	KeyRefreshInterval = time.Minute
)

// RetryPolicy configures retries, hedging and the retry budget. Zero fields
// take the defaults.
type RetryPolicy struct {
	// MaxAttempts bounds the attempts of one call, hedges included
	// (default 3; 1 disables retries and hedging).
	MaxAttempts int
	// BaseDelay and MaxDelay bound the exponential backoff with full
	// jitter: the n-th retry sleeps a random time in
	// [0, min(MaxDelay, BaseDelay·2ⁿ)] (defaults 25 ms and 400 ms), or the
	// answer's Retry-After if that is longer.
	BaseDelay, MaxDelay time.Duration
	// HedgeDelay is how long the first attempt of an Idempotent call may go
	// unanswered before a hedge is sent (default 300 ms).
	HedgeDelay time.Duration
	// DisableHedging turns hedging off.
	DisableHedging bool
	// RetryBudget is the tokens each call deposits in the retry budget; a
	// retry or a hedge costs one (default 0.2, i.e. ≤ 20 % extra load). A
	// negative value disables the budget (unbounded retries up to
	// MaxAttempts).
	RetryBudget float64
	// RetryBudgetMinPerSecond is a floor of retries per second allowed
	// whatever the deposits (default 10; negative means none).
	RetryBudgetMinPerSecond float64
}

// Config configures a Client. Required: BaseURL, PaasID, one source of the
// paasToken, KeyID, Signer, PlatformKeys, OrgName, OrgCode, SystemName.
type Config struct {
	// BaseURL is the platform's address with any gateway path prefix, e.g.
	// "https://gw.example/ebus"; the prefix is part of every signed path
	// (§2.1). No default.
	BaseURL string
	// PaasID is the system's gateway account.
	PaasID string
	// PaasToken is the gateway secret. Alternatively PaasTokenEnv names an
	// environment variable holding it, or PaasTokenFile names a file made
	// by EncryptTokenFile and PaasTokenPassword opens it. Exactly one of
	// the three must be set. It is never logged.
	PaasToken         string
	PaasTokenEnv      string
	PaasTokenFile     string
	PaasTokenPassword []byte
	// GatewayPrefix is the gateway header prefix (default "x-tif-").
	GatewayPrefix string
	// KeyID is the id of the system's own SM2 key registered with the
	// platform.
	KeyID string
	// Signer is the system's SM2 private key (*sm2.PrivateKey) or an
	// HSM-backed crypto.Signer whose public key is SM2.
	Signer crypto.Signer
	// EnvelopeKey opens delivery envelopes (§3); default: Signer when it is
	// an *sm2.PrivateKey.
	EnvelopeKey *sm2.PrivateKey
	// PlatformKeys are the trusted platform keys configured out of band
	// (at least one). They stay trusted across refreshes.
	PlatformKeys []sign.PublicKey
	// OrgName and OrgCode (a USCC) name the 用证单位; SystemName the 用证系统.
	OrgName, OrgCode, SystemName string
	// Timeout is the default deadline of a call (default 10 s).
	Timeout time.Duration
	// AuthPageTimeout is the deadline of calls that lead to an
	// authorization page (Call.AuthPage), default 1000 ms.
	AuthPageTimeout time.Duration
	// AttemptTimeout bounds one attempt (default 3 s), never past the call
	// deadline.
	AttemptTimeout time.Duration
	// AuthPageAttemptTimeout bounds one attempt of an AuthPage call
	// (default 600 ms, so a retry or hedge still fits in 1000 ms).
	AuthPageAttemptTimeout time.Duration
	// MinAttemptTime is the least time a retry needs: no retry starts
	// unless its backoff plus MinAttemptTime fits before the deadline, and
	// no hedge unless MinAttemptTime is left (default 100 ms).
	MinAttemptTime time.Duration
	// Retry configures retries, hedging and the retry budget.
	Retry RetryPolicy
	// RateLimit and RateBurst limit logical calls on the client side
	// (golang.org/x/time/rate); 0 means unlimited. RateBurst defaults to 1.
	RateLimit rate.Limit
	RateBurst int
	// Logger receives debug records of calls (never tokens, keys or
	// bodies); default: discard.
	Logger *slog.Logger
	// HTTPClient's Transport, or Transport when set (it wins), is the base
	// transport of attempts; default: a pooled transport of the Client's
	// own. Other HTTPClient fields (Timeout, Jar, CheckRedirect) are not
	// used: redirects are never followed. Hedges go through a clone of it
	// with keep-alives disabled (a connection of their own) when it is an
	// *http.Transport, through it unchanged otherwise.
	HTTPClient *http.Client
	Transport  http.RoundTripper
	// Middleware wraps each logical call; the first is the outermost.
	Middleware []Middleware
	// Now is the clock (default time.Now).
	Now func() time.Time
	// MaxClockSkew is the accepted distance of a response timestamp
	// (default 180 s, §2.4).
	MaxClockSkew time.Duration
}

// String describes the Config with its secrets redacted.
func (c Config) String() string {
	return fmt.Sprintf("client.Config{BaseURL:%q PaasID:%q PaasToken:%s PaasTokenEnv:%q PaasTokenFile:%q PaasTokenPassword:%s GatewayPrefix:%q KeyID:%q Signer:%s OrgName:%q OrgCode:%q SystemName:%q PlatformKeys:%d}",
		c.BaseURL, c.PaasID, redacted(c.PaasToken != ""), c.PaasTokenEnv, c.PaasTokenFile,
		redacted(len(c.PaasTokenPassword) > 0), c.GatewayPrefix, c.KeyID, redacted(c.Signer != nil),
		c.OrgName, c.OrgCode, c.SystemName, len(c.PlatformKeys))
}

// GoString is String, so that %#v does not print secrets either.
func (c Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer with secrets redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("baseURL", c.BaseURL),
		slog.String("paasId", c.PaasID),
		slog.String("paasToken", redacted(c.PaasToken != "")),
		slog.String("paasTokenEnv", c.PaasTokenEnv),
		slog.String("paasTokenFile", c.PaasTokenFile),
		slog.String("gatewayPrefix", c.GatewayPrefix),
		slog.String("keyId", c.KeyID),
		slog.String("orgName", c.OrgName),
		slog.String("orgCode", c.OrgCode),
		slog.String("systemName", c.SystemName),
		slog.Int("platformKeys", len(c.PlatformKeys)),
	)
}

func redacted(set bool) string {
	if set {
		return "[REDACTED]"
	}
	return `""`
}

// configError is a Validation error with code SDK_CONFIG about field.
func configError(field, format string, args ...any) *dserrors.Error {
	return dserrors.New(dserrors.Details{
		Kind: dserrors.Validation, Code: dserrors.CodeConfig, Field: field,
		Message: "config: " + fmt.Sprintf(format, args...),
	})
}

// settings is a validated Config with its defaults applied.
type settings struct {
	Config
	base    *url.URL // scheme, host and path prefix (no trailing slash)
	baseStr string
}

// validate checks cfg and applies the defaults. It never panics.
func validate(cfg Config) (*settings, error) {
	s := &settings{Config: cfg}
	if strings.TrimSpace(cfg.BaseURL) == "" {
		return nil, configError("BaseURL", "BaseURL is required")
	}
	u, err := url.Parse(cfg.BaseURL)
	switch {
	case err != nil:
		return nil, configError("BaseURL", "BaseURL is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, configError("BaseURL", "BaseURL must be http or https")
	case u.Host == "":
		return nil, configError("BaseURL", "BaseURL has no host")
	case u.User != nil:
		return nil, configError("BaseURL", "BaseURL must not hold credentials")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, configError("BaseURL", "BaseURL must not have a query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	s.base = u
	s.baseStr = u.String()

	if err := headerValue("PaasID", cfg.PaasID); err != nil {
		return nil, err
	}
	if err := headerValue("KeyID", cfg.KeyID); err != nil {
		return nil, err
	}
	if cfg.GatewayPrefix != "" {
		for _, r := range cfg.GatewayPrefix {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return nil, configError("GatewayPrefix", "GatewayPrefix may hold only letters, digits and '-'")
			}
		}
	}
	if isNilSigner(cfg.Signer) {
		return nil, configError("Signer", "Signer is required")
	}
	if s.EnvelopeKey == nil {
		if k, ok := cfg.Signer.(*sm2.PrivateKey); ok {
			s.EnvelopeKey = k
		}
	}
	if len(cfg.PlatformKeys) == 0 {
		return nil, configError("PlatformKeys", "PlatformKeys needs at least one trusted platform key")
	}
	for i, k := range cfg.PlatformKeys {
		if k.KeyID == "" || k.Key == nil {
			return nil, configError("PlatformKeys", "PlatformKeys[%d] needs a KeyID and a Key", i)
		}
	}
	if strings.TrimSpace(cfg.OrgName) == "" {
		return nil, configError("OrgName", "OrgName (用证单位) is required")
	}
	if cfg.OrgCode == "" {
		return nil, configError("OrgCode", "OrgCode (统一社会信用代码) is required")
	}
	if err := ident.ValidUSCC(cfg.OrgCode); err != nil {
		return nil, configError("OrgCode", "OrgCode is not a valid USCC: %v", err)
	}
	if strings.TrimSpace(cfg.SystemName) == "" {
		return nil, configError("SystemName", "SystemName (用证系统) is required")
	}
	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"Timeout", &s.Timeout, DefaultTimeout},
		{"AuthPageTimeout", &s.AuthPageTimeout, DefaultAuthPageTimeout},
		{"AttemptTimeout", &s.AttemptTimeout, DefaultAttemptTimeout},
		{"AuthPageAttemptTimeout", &s.AuthPageAttemptTimeout, DefaultAuthPageAttemptTimeout},
		{"MinAttemptTime", &s.MinAttemptTime, DefaultMinAttemptTime},
		{"MaxClockSkew", &s.MaxClockSkew, DefaultMaxClockSkew},
		{"Retry.BaseDelay", &s.Retry.BaseDelay, DefaultBaseDelay},
		{"Retry.MaxDelay", &s.Retry.MaxDelay, DefaultMaxDelay},
		{"Retry.HedgeDelay", &s.Retry.HedgeDelay, DefaultHedgeDelay},
	}
	for _, d := range durations {
		if *d.v < 0 {
			return nil, configError(d.name, "%s must not be negative", d.name)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if s.Retry.MaxAttempts < 0 {
		return nil, configError("Retry.MaxAttempts", "Retry.MaxAttempts must not be negative")
	}
	if s.Retry.MaxAttempts == 0 {
		s.Retry.MaxAttempts = DefaultMaxAttempts
	}
	if s.Retry.RetryBudget == 0 {
		s.Retry.RetryBudget = DefaultRetryBudget
	}
	if s.Retry.RetryBudgetMinPerSecond == 0 {
		s.Retry.RetryBudgetMinPerSecond = DefaultRetryBudgetMinPerSecond
	}
	if s.RateLimit < 0 || s.RateBurst < 0 {
		return nil, configError("RateLimit", "RateLimit and RateBurst must not be negative")
	}
	if s.RateLimit > 0 && s.RateBurst == 0 {
		s.RateBurst = 1
	}
	for i, m := range cfg.Middleware {
		if m == nil {
			return nil, configError("Middleware", "Middleware[%d] is nil", i)
		}
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	return s, nil
}

// headerValue requires a non-empty printable ASCII value without spaces.
func headerValue(field, v string) error {
	if v == "" {
		return configError(field, "%s is required", field)
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= 0x20 || v[i] >= 0x7f {
			return configError(field, "%s must be printable ASCII without spaces", field)
		}
	}
	return nil
}

// isNilSigner reports a nil interface or a typed nil *sm2.PrivateKey.
func isNilSigner(s crypto.Signer) bool {
	if s == nil {
		return true
	}
	if k, ok := s.(*sm2.PrivateKey); ok && (k == nil || k.D == nil) {
		return true
	}
	return false
}
