package dstest

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// reqCtx is one DSP/1 request that passed the gateway.
type reqCtx struct {
	r         *http.Request
	sys       *RegSystem
	keyID     string
	requestID string
	route     wire.RouteName
	routeOK   bool
	id        string
	body      []byte
	badsig    bool
	authed    bool // passed size, key id, signature and replay checks
}

// answer is a service answer before signing.
type answer struct {
	status int
	body   []byte
	signer *sign.Signer // nil: the current platform key
}

// keptAnswer is a final answer kept for idempotency (§5, §11.8).
type keptAnswer struct {
	digest string
	a      answer
	until  time.Time
}

// keyLock serializes requests with one (paasId, requestId).
type keyLock struct {
	ch   chan struct{}
	refs int
}

func writeGateway(w http.ResponseWriter, status, errcode int, msg string) {
	b, _ := json.Marshal(wire.GatewayError{ErrCode: errcode, ErrMsg: msg})
	w.Header().Set(wire.HeaderContentType, wire.ContentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func gatewayReject(w http.ResponseWriter, code string) {
	if code == wire.CodeGW403 {
		writeGateway(w, http.StatusForbidden, 40301, "unknown paasId")
		return
	}
	writeGateway(w, http.StatusUnauthorized, 40101, "gateway signature missing or wrong")
}

// fullPath is the path as sent, with "?" and the raw query (§2.1).
func fullPath(r *http.Request) string {
	if r.RequestURI != "" && r.RequestURI[0] == '/' {
		return r.RequestURI
	}
	p := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	return p
}

func (s *Sim) serveDSP(w http.ResponseWriter, r *http.Request, rel string) {
	rc := &reqCtx{r: r, requestID: r.Header.Get(wire.HeaderRequestID)}
	rc.route, rc.id, rc.routeOK = wire.Route(r.Method, rel)
	if s.applyFaults(w, rc, rel) {
		return
	}
	// 1. Gateway credential (§2.6): unsigned 401/403.
	paasID := r.Header.Get(s.gw.PaasID)
	ts := r.Header.Get(s.gw.Timestamp)
	nonce := r.Header.Get(s.gw.Nonce)
	gwSig := r.Header.Get(s.gw.Signature)
	if paasID == "" || ts == "" || nonce == "" || gwSig == "" {
		s.logReq(rc, http.StatusUnauthorized, wire.CodeGW401)
		gatewayReject(w, wire.CodeGW401)
		return
	}
	rc.sys = s.reg.system(paasID)
	if rc.sys == nil {
		s.logReq(rc, http.StatusForbidden, wire.CodeGW403)
		gatewayReject(w, wire.CodeGW403)
		return
	}
	want := wire.GatewaySignature(ts, rc.sys.PaasToken, nonce)
	if subtle.ConstantTimeCompare([]byte(want), []byte(gwSig)) != 1 {
		s.logReq(rc, http.StatusUnauthorized, wire.CodeGW401)
		gatewayReject(w, wire.CodeGW401)
		return
	}
	// 2. Body size: 413 with DS2001.
	if r.ContentLength > wire.MaxRequestBody {
		s.logUsageFailure(rc, wire.CodeDS2001)
		s.finish(w, rc, s.errAnswer(rc, http.StatusRequestEntityTooLarge, wire.CodeDS2001, "request body over 1 MiB"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, wire.MaxRequestBody+1))
	if err != nil {
		s.finish(w, rc, s.errAnswer(rc, 0, wire.CodeDS2001, "cannot read request body"))
		return
	}
	if len(body) > wire.MaxRequestBody {
		s.logUsageFailure(rc, wire.CodeDS2001)
		s.finish(w, rc, s.errAnswer(rc, http.StatusRequestEntityTooLarge, wire.CodeDS2001, "request body over 1 MiB"))
		return
	}
	rc.body = body
	// 3. Key id.
	rc.keyID = r.Header.Get(wire.HeaderKeyID)
	pub := s.sysKeys[paasID][rc.keyID]
	if pub == nil {
		s.logUsageFailure(rc, wire.CodeDS1004)
		s.finish(w, rc, s.errAnswer(rc, 0, wire.CodeDS1004, "unknown key id for this paasId"))
		return
	}
	// 4. SM2 signature over the §2.1 string.
	sts := wire.RequestToSign{Method: r.Method, Path: fullPath(r), PaasID: paasID, KeyID: rc.keyID,
		Timestamp: ts, Nonce: nonce, RequestID: rc.requestID, Body: body}.String()
	if err := sign.VerifyBase64(pub, []byte(sts), r.Header.Get(wire.HeaderSignature)); err != nil {
		s.logUsageFailure(rc, wire.CodeDS1001)
		s.finish(w, rc, s.errAnswer(rc, 0, wire.CodeDS1001, "signature invalid"))
		return
	}
	// 5, 6. Timestamp window (real clock) and nonce.
	if err := s.replay.Check(paasID, ts, nonce); err != nil {
		switch {
		case errors.Is(err, sign.ErrTimestampSkew):
			s.logUsageFailure(rc, wire.CodeDS1002)
			s.finish(w, rc, s.errAnswer(rc, 0, wire.CodeDS1002, "timestamp outside the window"))
		case errors.Is(err, sign.ErrNonceReplayed):
			s.finish(w, rc, s.errAnswer(rc, 0, wire.CodeDS1003, "nonce replayed"))
		default:
			s.finish(w, rc, s.errAnswer(rc, 0, wire.CodeDS5003, "replay cache unavailable"))
		}
		return
	}
	rc.authed = true
	if rc.requestID == "" || len(rc.requestID) > 128 {
		s.logUsageFailure(rc, wire.CodeDS2001)
		s.finish(w, rc, s.errAnswer(rc, 0, wire.CodeDS2001, "X-DS-Request-Id must be 1-128 characters"))
		return
	}
	if !rc.routeOK {
		s.finish(w, rc, s.errAnswer(rc, 0, wire.CodeDS3001, "no such call"))
		return
	}
	if r.Method != http.MethodPost {
		s.finish(w, rc, s.dispatch(rc))
		return
	}
	// 7. Idempotency (§5, §11.8), serialized per (paasId, requestId).
	key := paasID + "\x00" + rc.requestID
	unlock, ok := s.lockKey(r, key)
	if !ok {
		return // the client left while waiting
	}
	defer unlock()
	digest := wire.SM3Hex([]byte(string(rc.route) + "\n" + rc.id + "\n" + string(body)))
	s.mu.Lock()
	k := s.kept[key]
	if k != nil && !s.nowLocked().Before(k.until) {
		delete(s.kept, key)
		k = nil
	}
	s.mu.Unlock()
	if k != nil {
		if k.digest == digest {
			s.finish(w, rc, k.a)
		} else {
			s.finish(w, rc, s.errAnswer(rc, 0, wire.CodeDS3005, "requestId reused with another body"))
		}
		return
	}
	a := s.dispatch(rc)
	if a.status < 500 && a.status != http.StatusTooManyRequests {
		s.mu.Lock()
		s.keepLocked(key, &keptAnswer{digest: digest, a: a, until: s.nowLocked().Add(keepAnswerFor)})
		s.mu.Unlock()
	}
	s.finish(w, rc, a)
}

func (s *Sim) keepLocked(key string, k *keptAnswer) {
	if _, ok := s.kept[key]; !ok {
		s.keptOrder = append(s.keptOrder, key)
	}
	s.kept[key] = k
	for len(s.keptOrder) > maxKeptAnswers {
		delete(s.kept, s.keptOrder[0])
		s.keptOrder = s.keptOrder[1:]
	}
}

// lockKey takes the per-key lock; ok is false when the client left first.
func (s *Sim) lockKey(r *http.Request, key string) (unlock func(), ok bool) {
	s.idemMu.Lock()
	l := s.idemLocks[key]
	if l == nil {
		l = &keyLock{ch: make(chan struct{}, 1)}
		s.idemLocks[key] = l
	}
	l.refs++
	s.idemMu.Unlock()
	release := func() {
		s.idemMu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(s.idemLocks, key)
		}
		s.idemMu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; release() }, true
	case <-r.Context().Done():
		release()
		return nil, false
	}
}

func (s *Sim) dispatch(rc *reqCtx) answer {
	switch rc.route {
	case wire.RouteCreateAuthorization:
		return s.callCreate(rc)
	case wire.RouteGetAuthorization:
		return s.callGet(rc)
	case wire.RouteCancelAuthorization:
		return s.callCancel(rc)
	case wire.RouteDelivery:
		return s.callDelivery(rc)
	case wire.RouteCreateServiceCode:
		return s.callServiceCode(rc)
	case wire.RouteServiceCodeAuthorizations:
		return s.callServiceCodeAuths(rc)
	case wire.RouteGetCertificate:
		return s.callCertificate(rc)
	case wire.RouteUsageLogs:
		return s.callUsageLogs(rc)
	case wire.RouteReconciliation:
		return s.callReconciliation(rc)
	case wire.RoutePlatformKeys:
		return s.callPlatformKeys(rc)
	}
	return s.errAnswer(rc, 0, wire.CodeDS3001, "no such call")
}

// errAnswer builds a signed error answer; status 0 takes code's §7 status.
func (s *Sim) errAnswer(rc *reqCtx, status int, code, msg string) answer {
	if status == 0 {
		status = http.StatusInternalServerError
		if info, ok := wire.LookupCode(code); ok {
			status = info.Status
		}
	}
	b, err := json.Marshal(wire.Response{Code: code, Message: msg, RequestID: rc.requestID})
	if err != nil {
		return answer{status: http.StatusInternalServerError, body: []byte(`{"code":"DS5000","message":"internal error"}`)}
	}
	return answer{status: status, body: b}
}

// okAnswer builds the success envelope of §11.1 around data.
func (s *Sim) okAnswer(rc *reqCtx, data any) answer {
	d, err := json.Marshal(data)
	if err != nil {
		return s.errAnswer(rc, 0, wire.CodeDS5000, "cannot encode answer")
	}
	b, err := json.Marshal(wire.Response{Code: wire.CodeOK, Message: "OK", RequestID: rc.requestID, Data: d})
	if err != nil {
		return s.errAnswer(rc, 0, wire.CodeDS5000, "cannot encode answer")
	}
	return answer{status: http.StatusOK, body: b}
}

// finish signs a (§2.2) with a fresh timestamp and nonce and writes it.
func (s *Sim) finish(w http.ResponseWriter, rc *reqCtx, a answer) {
	s.writeSigned(w, rc.requestID, a, rc.badsig)
	code := wire.CodeOK
	if a.status != http.StatusOK {
		var resp wire.Response
		if json.Unmarshal(a.body, &resp) == nil {
			code = resp.Code
		}
	}
	s.logReq(rc, a.status, code)
}

func (s *Sim) writeSigned(w http.ResponseWriter, requestID string, a answer, badsig bool) {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	nonce, err := sign.NewNonce()
	if err != nil {
		http.Error(w, "nonce", http.StatusInternalServerError)
		return
	}
	signer := a.signer
	if signer == nil {
		signer = s.signer()
	}
	sts := wire.ResponseToSign{Status: a.status, RequestID: requestID, KeyID: signer.KeyID(),
		Timestamp: ts, Nonce: nonce, Body: a.body}.String()
	if badsig {
		sts += "corrupted"
	}
	sig, err := signer.SignBase64([]byte(sts))
	if err != nil {
		http.Error(w, "signing", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set(wire.HeaderContentType, wire.ContentTypeJSON)
	h.Set(wire.HeaderKeyID, signer.KeyID())
	h.Set(wire.HeaderTimestamp, ts)
	h.Set(wire.HeaderNonce, nonce)
	h.Set(wire.HeaderRequestID, requestID)
	h.Set(wire.HeaderSignature, sig)
	if a.status == http.StatusTooManyRequests {
		h.Set(wire.HeaderRetryAfter, "1")
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

func (s *Sim) logReq(rc *reqCtx, status int, code string) {
	paasID := ""
	if rc.sys != nil {
		paasID = rc.sys.PaasID
	}
	s.log.LogAttrs(rc.r.Context(), slog.LevelInfo, "dsp request",
		slog.String("method", rc.r.Method), slog.String("route", string(rc.route)),
		slog.String("paasId", paasID), slog.String("requestId", rc.requestID),
		slog.Int("status", status), slog.String("code", code))
}
