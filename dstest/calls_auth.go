package dstest

import (
	"encoding/json"
	"net/url"
	"time"

	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// checkSourceAndType runs the source (DS2002) and business type (DS2003)
// checks of §3.4.2.3 on a format-checked request.
func checkSourceAndType(sys *RegSystem, req *wire.CreateAuthorization) *apiError {
	if req.Org.Code != sys.OrgCode || req.Org.Name != sys.OrgName || req.System.Name != sys.SystemName {
		return &apiError{wire.CodeDS2002, "org or system not registered for this paasId"}
	}
	if !sys.scenarioEnabled(req.Subject, req.Scenario) {
		return &apiError{wire.CodeDS2003, "scenario " + req.Scenario + " not enabled for this system"}
	}
	m := sys.matter(req.Matter.Code)
	if m == nil || m.Subject != req.Subject {
		return &apiError{wire.CodeDS2003, "matter " + req.Matter.Code + " not registered for this system and subject"}
	}
	for _, it := range req.Items {
		if m.item(it.Kind, it.Code) == nil {
			return &apiError{wire.CodeDS2003, "item " + it.Code + " not registered for matter " + m.Code}
		}
	}
	return nil
}

// baseURL is the simulator's own address as the client reached it.
func baseURL(rc *reqCtx) string {
	scheme := "http"
	if rc.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + rc.r.Host
}

// callCreate is call 1.
func (s *Sim) callCreate(rc *reqCtx) answer {
	req, ttl, e := parseCreate(rc.body, false)
	if e == nil {
		e = checkSourceAndType(rc.sys, req)
	}
	if e != nil {
		return s.failLogged(rc, e)
	}
	var h *Holder
	switch req.Scenario {
	case wire.ScenarioYSSCode, wire.ScenarioYSTCode:
		if h = s.holderByScanCode(req.ScanCode, req.Subject); h == nil {
			return s.failLogged(rc, &apiError{wire.CodeDS3001, "scanCode matches no holder"})
		}
	case wire.ScenarioDataCode:
		h = s.holderByRef(HolderRef{IDType: req.Holder.IDType, IDNumber: req.Holder.IDNumber})
		if h == nil || h.DataCode != req.DataCode {
			return s.failLogged(rc, &apiError{wire.CodeDS3001, "dataCode and holder match no holder"})
		}
	default:
		if req.Holder != nil {
			h = s.holderByRef(HolderRef{IDType: req.Holder.IDType, IDNumber: req.Holder.IDNumber})
			if h == nil || h.subject() != req.Subject {
				return s.failLogged(rc, &apiError{wire.CodeDS3001, "holder not found"})
			}
		}
	}
	s.mu.Lock()
	now := s.nowLocked()
	a := &authz{
		id: newID("au_"), paasID: rc.sys.PaasID, subject: req.Subject, scenario: req.Scenario,
		matter: req.Matter, items: req.Items, holder: h, status: wire.StatusPending,
		createdAt: now, expiresAt: now.Add(time.Duration(ttl) * time.Second),
		purpose: req.Purpose, orgCode: req.Org.Code, clientIP: req.ClientIP, callbackURL: req.CallbackURL,
		operatorDigest: wire.HolderDigest(req.Operator.IDType, req.Operator.IDNumber),
	}
	s.addAuthLocked(a)
	s.logUsageLocked(rc, authFields(a), "ok")
	s.mu.Unlock()
	page := baseURL(rc) + wire.SimPrefix + "/phone?auth=" + url.QueryEscape(a.id)
	out := wire.CreatedAuthorization{AuthorizationID: a.id, Subject: a.subject, Scenario: a.scenario,
		Status: a.status, ExpiresAt: fmtTime(a.expiresAt)}
	if req.Scenario == wire.ScenarioMobileApp {
		out.Launch = &wire.Launch{
			MiniProgram: wire.MiniProgram{AppID: "wxsim0000digitalspace", Path: "pages/authorize/index?authorizationId=" + url.QueryEscape(a.id)},
			URL:         page,
		}
	} else {
		out.AuthPage = &wire.AuthPage{URL: page}
	}
	return s.okAnswer(rc, out)
}

// callGet is call 2.
func (s *Sim) callGet(rc *reqCtx) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.authLocked(rc.sys.PaasID, rc.id)
	if a == nil {
		return s.errAnswer(rc, 0, wire.CodeDS3001, "no such authorization")
	}
	return s.okAnswer(rc, a.view())
}

// callCancel is call 3.
func (s *Sim) callCancel(rc *reqCtx) answer {
	if e := decodeOptionalObject(rc.body); e != nil {
		return s.failLogged(rc, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.authLocked(rc.sys.PaasID, rc.id)
	if a == nil {
		s.logUsageLocked(rc, usageFields{authorizationID: rc.id}, wire.CodeDS3001)
		return s.errAnswer(rc, 0, wire.CodeDS3001, "no such authorization")
	}
	if !a.open() {
		s.logUsageLocked(rc, authFields(a), wire.CodeDS3002)
		return s.errAnswer(rc, 0, wire.CodeDS3002, "authorization is "+a.status)
	}
	a.status = wire.StatusCanceled
	delete(s.pending, a.id)
	s.emitLocked(a, wire.EventCanceled, s.nowLocked())
	s.logUsageLocked(rc, authFields(a), "ok")
	return s.okAnswer(rc, a.view())
}

// callDelivery is call 4: the granted items in an envelope (§3) to the key
// the system signed with, AAD = authorizationId.
func (s *Sim) callDelivery(rc *reqCtx) answer {
	if e := decodeOptionalObject(rc.body); e != nil {
		return s.failLogged(rc, e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.authLocked(rc.sys.PaasID, rc.id)
	if a == nil {
		s.logUsageLocked(rc, usageFields{authorizationID: rc.id}, wire.CodeDS3001)
		return s.errAnswer(rc, 0, wire.CodeDS3001, "no such authorization")
	}
	fail := func(code, msg string) answer {
		s.logUsageLocked(rc, authFields(a), code)
		return s.errAnswer(rc, 0, code, msg)
	}
	if a.status != wire.StatusAuthorized {
		return fail(wire.CodeDS3002, "authorization is "+a.status)
	}
	if !s.nowLocked().Before(a.useUntil) {
		return fail(wire.CodeDS3003, "useUntil has passed")
	}
	d, err := s.deliveryLocked(a)
	if err != nil {
		return fail(wire.CodeDS5000, "cannot assemble delivery")
	}
	plain, err := json.Marshal(d)
	if err != nil {
		return fail(wire.CodeDS5000, "cannot encode delivery")
	}
	env, err := sign.SealEnvelope(s.sysKeys[a.paasID][rc.keyID], rc.keyID, a.id, plain)
	clear(plain)
	if err != nil {
		return fail(wire.CodeDS5000, "cannot seal delivery")
	}
	s.logUsageLocked(rc, authFields(a), "ok")
	return s.okAnswer(rc, wire.SealedDelivery{AuthorizationID: a.id, Envelope: (*wire.Envelope)(env)})
}

// callCertificate is call 7.
func (s *Sim) callCertificate(rc *reqCtx) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.certs[rc.id]
	if c == nil || c.PaasID != rc.sys.PaasID {
		return s.errAnswer(rc, 0, wire.CodeDS3001, "no such certificate")
	}
	return s.okAnswer(rc, c)
}
