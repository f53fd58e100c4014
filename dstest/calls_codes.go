package dstest

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zsdata/digitalspace/internal/wire"
)

// serviceCode is a 办事码 (dynamic service QR code, §6.2).
type serviceCode struct {
	id, paasID, qr string
	req            *wire.CreateAuthorization
	ttl            int
	createdAt      time.Time
	expiresAt      time.Time
	auths          []string
}

// callServiceCode is call 5. A code lives min(ttlSeconds, 300) s (§11.10);
// refreshAt is 30 s before expiry (or at creation for very short codes).
func (s *Sim) callServiceCode(rc *reqCtx) answer {
	req, ttl, e := parseCreate(rc.body, true)
	if e == nil {
		e = checkSourceAndType(rc.sys, req)
	}
	if e != nil {
		return s.failLogged(rc, e)
	}
	life := time.Duration(min(ttl, wire.ServiceCodeMaxSeconds)) * time.Second
	s.mu.Lock()
	now := s.nowLocked()
	c := &serviceCode{id: newID("sc_"), paasID: rc.sys.PaasID, req: req, ttl: ttl, createdAt: now, expiresAt: now.Add(life)}
	c.qr = baseURL(rc) + wire.SimPrefix + "/phone?code=" + url.QueryEscape(c.id)
	s.codes[c.id] = c
	s.codeOrder = append(s.codeOrder, c.id)
	for len(s.codeOrder) > maxServiceCodes {
		delete(s.codes, s.codeOrder[0])
		s.codeOrder = s.codeOrder[1:]
	}
	s.logUsageLocked(rc, usageFields{orgCode: req.Org.Code, matterCode: req.Matter.Code, clientIP: req.ClientIP,
		operatorDigest: wire.HolderDigest(req.Operator.IDType, req.Operator.IDNumber)}, "ok")
	s.mu.Unlock()
	refresh := c.expiresAt.Add(-30 * time.Second)
	if refresh.Before(now) {
		refresh = now
	}
	return s.okAnswer(rc, wire.ServiceCode{CodeID: c.id, QRContent: c.qr, ExpiresAt: fmtTime(c.expiresAt), RefreshAt: fmtTime(refresh)})
}

// callServiceCodeAuths is call 6.
func (s *Sim) callServiceCodeAuths(rc *reqCtx) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.codes[rc.id]
	if c == nil || c.paasID != rc.sys.PaasID {
		return s.errAnswer(rc, 0, wire.CodeDS3001, "no such service code")
	}
	out := wire.ServiceCodeAuthorizations{Authorizations: []wire.Authorization{}}
	for _, id := range c.auths {
		if a := s.authLocked(c.paasID, id); a != nil {
			out.Authorizations = append(out.Authorizations, a.view())
		}
	}
	return s.okAnswer(rc, out)
}

// codeByQR finds a service code by its qrContent, its URL's code parameter
// or its bare codeId.
func (s *Sim) codeByQR(qr string) *serviceCode {
	qr = strings.TrimSpace(qr)
	for _, id := range []string{qr, codeParam(qr)} {
		if c := s.codes[id]; c != nil {
			return c
		}
	}
	return nil
}

func codeParam(qr string) string {
	u, err := url.Parse(qr)
	if err != nil {
		return ""
	}
	return u.Query().Get("code")
}

// Scan is a holder scanning a 办事码's qrContent (WeChat for persons, the
// 粤商通 app for legal persons): it starts a SCANNED authorization bound to
// the code and returns its id. An expired code answers DS3003.
func (s *Sim) Scan(qrContent string, ref HolderRef) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.codeByQR(qrContent)
	if c == nil {
		return "", simErr(wire.CodeDS3001, "no such service code")
	}
	now := s.nowLocked()
	if !now.Before(c.expiresAt) {
		return "", simErr(wire.CodeDS3003, "service code expired")
	}
	h := s.holderByRef(ref)
	if h == nil {
		return "", simErr(wire.CodeDS3001, "no such holder")
	}
	if h.subject() != c.req.Subject {
		return "", &SimError{Status: 409, Code: wire.CodeDS2001, Message: "this code is for " + c.req.Subject + " holders"}
	}
	req := c.req
	a := &authz{
		id: newID("au_"), paasID: c.paasID, subject: req.Subject, scenario: wire.ScenarioServiceCode,
		matter: req.Matter, items: slices.Clone(req.Items), holder: h, status: wire.StatusScanned,
		createdAt: now, scannedAt: now, expiresAt: now.Add(time.Duration(c.ttl) * time.Second),
		purpose: req.Purpose, orgCode: req.Org.Code, clientIP: req.ClientIP, callbackURL: req.CallbackURL,
		operatorDigest: wire.HolderDigest(req.Operator.IDType, req.Operator.IDNumber), serviceCodeID: c.id,
	}
	s.addAuthLocked(a)
	c.auths = append(c.auths, a.id)
	s.emitLocked(a, wire.EventScanned, now)
	return a.id, nil
}
