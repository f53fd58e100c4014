// Package client is the signed transport of the Digital Space (数字空间) SDK:
// it sends DSP/1 calls with both request credentials of §2.1 (the x-tif
// gateway credential and the system's SM2-SM3 signature), re-signed with a
// fresh timestamp and nonce on every attempt, retries and hedges what is safe
// to repeat within a hard per-call deadline, and trusts an answer only after
// it has verified its signature, request-id echo, timestamp and nonce (§2.2,
// §2.4).
//
// # Failures
//
// Every failure is an *errors.Error (import it as dserrors) whose Kind tells
// the failure classes apart:
//
//   - Network: no connection (refused, DNS, reset before any answer, connect
//     timeout), and an intermediary's unsigned 3xx/4xx/5xx answer (§11.13),
//     code SDK_UNSIGNED with its HTTP status: the service never answered, so
//     this is a transport failure, retried like one.
//   - NoResponse: connected, but no complete answer before the attempt's
//     timeout (SDK_TIMEOUT) or the call's deadline (SDK_DEADLINE): a hung
//     upstream or a body that trickles in too slowly.
//   - Platform: a signed error answer (its DSnnnn code, message, requestId,
//     status; Retryable from the §7 table), a gateway rejection (GW401, GW403,
//     unsigned by design, §2.6), a signed but malformed answer
//     (SDK_BAD_RESPONSE) and an answer over wire.MaxResponseBody
//     (SDK_TOO_LARGE).
//   - Throttled: DS4001 from the platform, or the local rate limiter could not
//     admit the call before its deadline (SDK_RATE_LIMITED).
//   - Signature: an answer that cannot be trusted: unsigned 2xx
//     (SDK_UNSIGNED), bad signature or request-id echo (SDK_BAD_SIGNATURE),
//     timestamp outside MaxClockSkew (SDK_CLOCK_SKEW), replayed nonce
//     (SDK_REPLAY). Never retried.
//   - Canceled: the caller's context was canceled (SDK_CANCELED).
//   - Validation: a bad Config (SDK_CONFIG) or Call (SDK_VALIDATION).
//
// # Retries, deadlines and hedging
//
// go-retryablehttp drives the attempts; a RoundTripper beneath it signs and
// sends each attempt and verifies its answer. A call has a deadline: Call.Timeout,
// else Config.AuthPageTimeout (default 1000 ms) for calls that lead to an
// authorization page, else Config.Timeout (default 10 s); an earlier context
// deadline wins. Each attempt has its own timeout (Config.AttemptTimeout,
// default 3 s; Config.AuthPageAttemptTimeout, default 600 ms, so that a second
// attempt or a hedge still fits in the 1000 ms budget), never past the call
// deadline. A retry is started only if its backoff sleep plus
// Config.MinAttemptTime (default 100 ms) fits before the deadline; otherwise
// the last error is returned.
//
// Retried: connection errors, attempt timeouts, intermediaries' unsigned
// answers, signed DS5000 and DS5003, DS4001 after its Retry-After. Never
// retried: signed 4xx, GW401/GW403, untrusted answers, a canceled context.
// Calls that are not Idempotent are retried only when the attempt never
// reached a connection. Idempotent calls are hedged: when the first attempt
// has not answered after RetryPolicy.HedgeDelay, a second one (fresh nonce and
// signature, same requestId) goes out on a connection of its own, and the
// first acceptable answer wins. Retries and hedges draw on a retry budget
// (each call deposits RetryPolicy.RetryBudget tokens, default 0.2; each retry
// or hedge costs one; RetryBudgetMinPerSecond, default 10, is a floor), so
// extra load stays near 20 % of the calls when the platform is failing.
//
// The local rate limiter (Config.RateLimit) admits logical calls, not
// attempts: retries are bounded by the retry budget instead.
//
// # Secrets
//
// The paasToken, private keys and bodies are never logged; Config's String
// and LogValue redact the token and password.
package client
