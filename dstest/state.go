package dstest

import (
	"net/http"
	"slices"
	"time"

	"github.com/zsdata/digitalspace/internal/mask"
	"github.com/zsdata/digitalspace/internal/wire"
)

// authz is an authorization and its state (§6.3).
type authz struct {
	id, paasID        string
	subject, scenario string
	matter            wire.Matter
	items             []wire.Item
	granted           []string
	holder            *Holder
	status            string
	createdAt         time.Time
	scannedAt         time.Time
	decidedAt         time.Time
	expiresAt         time.Time
	useUntil          time.Time
	certID            string
	serviceCodeID     string
	purpose           string
	orgCode           string
	operatorDigest    string
	clientIP          string
	callbackURL       string
	lastEvent         chan struct{} // closed when the previous callback is done
}

// view returns the Authorization as the platform shows it, holder masked (§11.6).
func (a *authz) view() wire.Authorization {
	out := wire.Authorization{
		AuthorizationID: a.id, Subject: a.subject, Scenario: a.scenario, Status: a.status,
		Matter: a.matter, Items: slices.Clone(a.items), GrantedItems: slices.Clone(a.granted),
		CreatedAt: fmtTime(a.createdAt), ScannedAt: fmtTime(a.scannedAt), DecidedAt: fmtTime(a.decidedAt),
		ExpiresAt: fmtTime(a.expiresAt), UseUntil: fmtTime(a.useUntil),
		CertificateID: a.certID, ServiceCodeID: a.serviceCodeID,
	}
	if out.GrantedItems == nil {
		out.GrantedItems = []string{}
	}
	if a.holder != nil {
		out.Holder = &wire.Holder{Type: a.holder.Type, Name: mask.Name(a.holder.Name),
			IDType: a.holder.IDType, IDNumber: mask.ID(a.holder.IDNumber)}
	}
	return out
}

func (a *authz) holderDigest() string {
	if a.holder == nil {
		return ""
	}
	return wire.HolderDigest(a.holder.IDType, a.holder.IDNumber)
}

func (a *authz) open() bool { return a.status == wire.StatusPending || a.status == wire.StatusScanned }

// SimError is an error of the /_sim/ API and of the Go methods mirroring
// it: an HTTP status with a DSP/1 code and message.
type SimError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *SimError) Error() string { return "dstest: " + e.Code + ": " + e.Message }

func simErr(code, msg string) *SimError {
	st := http.StatusBadRequest
	if info, ok := wire.LookupCode(code); ok {
		st = info.Status
	}
	return &SimError{Status: st, Code: code, Message: msg}
}

func (s *Sim) addAuthLocked(a *authz) {
	s.auths[a.id] = a
	s.authOrder = append(s.authOrder, a.id)
	if a.open() {
		s.pending[a.id] = a
	}
	for len(s.authOrder) > maxAuthorizations {
		old := s.authOrder[0]
		s.authOrder = s.authOrder[1:]
		if o := s.auths[old]; o != nil {
			delete(s.certs, o.certID)
		}
		delete(s.auths, old)
		delete(s.pending, old)
	}
}

// authLocked returns paasID's authorization id, expired lazily; nil if it
// does not exist or belongs to another system (existence is not revealed).
func (s *Sim) authLocked(paasID, id string) *authz {
	a := s.auths[id]
	if a == nil || (paasID != "" && a.paasID != paasID) {
		return nil
	}
	s.expireOneLocked(a, s.nowLocked())
	return a
}

func (s *Sim) expireLocked(now time.Time) {
	for _, a := range s.pending {
		s.expireOneLocked(a, now)
	}
}

func (s *Sim) expireOneLocked(a *authz, now time.Time) {
	if a.open() && !now.Before(a.expiresAt) {
		a.status = wire.StatusExpired
		delete(s.pending, a.id)
		s.emitLocked(a, wire.EventExpired, a.expiresAt)
	}
}

// holderFor resolves the holder acting on a: the bound one, else ref, else
// the first synthetic holder of the subject.
func (s *Sim) holderFor(a *authz, ref *HolderRef) (*Holder, *SimError) {
	if ref != nil && ref.IDNumber != "" {
		h := s.holderByRef(*ref)
		if h == nil || h.subject() != a.subject || (a.holder != nil && a.holder != h) {
			return nil, simErr(wire.CodeDS3001, "no such authorization for this holder")
		}
		return h, nil
	}
	if a.holder != nil {
		return a.holder, nil
	}
	if h := s.defaultHolder(a.subject); h != nil {
		return h, nil
	}
	return nil, simErr(wire.CodeDS3001, "no synthetic holder for this subject")
}

// refused is the holder side refusing an approval (§11.11): 409 with DS2001.
func refused(msg string) *SimError {
	return &SimError{Status: http.StatusConflict, Code: wire.CodeDS2001, Message: msg}
}

func stateErr(a *authz) *SimError {
	if a.status == wire.StatusExpired {
		return simErr(wire.CodeDS3003, "authorization expired")
	}
	return simErr(wire.CodeDS3002, "authorization is "+a.status)
}

// openLocked moves PENDING to SCANNED (the holder opens the page).
func (s *Sim) openLocked(a *authz, h *Holder) {
	if a.status != wire.StatusPending {
		return
	}
	a.holder = h
	a.status = wire.StatusScanned
	a.scannedAt = s.nowLocked()
	s.emitLocked(a, wire.EventScanned, a.scannedAt)
}

// Open is the holder opening the authorization page (PENDING → SCANNED).
// ref may be nil: the bound holder, or the first synthetic one, acts.
func (s *Sim) Open(id string, ref *HolderRef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.authLocked("", id)
	if a == nil {
		return simErr(wire.CodeDS3001, "no such authorization")
	}
	if !a.open() {
		return stateErr(a)
	}
	h, e := s.holderFor(a, ref)
	if e != nil {
		return e
	}
	s.openLocked(a, h)
	return nil
}

// Decision is a holder's decision on an authorization.
type Decision struct {
	// Decision is "approve" or "reject".
	Decision string `json:"decision"`
	// GrantedItems are the codes granted; nil grants every requested item.
	GrantedItems []string `json:"grantedItems,omitempty"`
	// Holder optionally names the deciding holder.
	Holder *HolderRef `json:"holder,omitempty"`
}

// Decide applies a holder's decision (§6.3, §11.11). An approval that leaves
// out a required item, or changes items outside h5, is refused with DS2001
// and changes nothing.
func (s *Sim) Decide(id string, d Decision) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.authLocked("", id)
	if a == nil {
		return simErr(wire.CodeDS3001, "no such authorization")
	}
	if !a.open() {
		return stateErr(a)
	}
	h, e := s.holderFor(a, d.Holder)
	if e != nil {
		return e
	}
	switch d.Decision {
	case "reject":
		s.openLocked(a, h)
		a.status = wire.StatusRejected
		a.decidedAt = s.nowLocked()
		delete(s.pending, a.id)
		s.emitLocked(a, wire.EventRejected, a.decidedAt)
		return nil
	case "approve":
	default:
		return simErr(wire.CodeDS2001, `decision must be "approve" or "reject"`)
	}
	items, granted, e := s.grant(a, d.GrantedItems)
	if e != nil {
		return e
	}
	cert, err := s.newCertificateLocked(a, h, granted)
	if err != nil {
		return simErr(wire.CodeDS5000, err.Error())
	}
	s.openLocked(a, h)
	a.items, a.granted = items, granted
	a.status = wire.StatusAuthorized
	a.decidedAt = s.nowLocked()
	a.useUntil = a.decidedAt.Add(wire.UseWindowSeconds * time.Second)
	cert.AuthorizedAt, cert.ExpiresAt = fmtTime(a.decidedAt), fmtTime(a.useUntil)
	if err := s.signCertificate(cert); err != nil {
		return simErr(wire.CodeDS5000, err.Error())
	}
	a.certID = cert.CertID
	s.certs[cert.CertID] = cert
	delete(s.pending, a.id)
	s.emitLocked(a, wire.EventAuthorized, a.decidedAt)
	return nil
}

// grant computes the items and sorted granted codes of an approval.
func (s *Sim) grant(a *authz, codes []string) ([]wire.Item, []string, *SimError) {
	items := slices.Clone(a.items)
	if codes == nil {
		for _, it := range items {
			codes = append(codes, it.Code)
		}
	}
	var reg *RegMatter
	if sys := s.reg.system(a.paasID); sys != nil {
		reg = sys.matter(a.matter.Code)
	}
	granted := map[string]bool{}
	for _, c := range codes {
		if granted[c] {
			continue
		}
		granted[c] = true
		if slices.ContainsFunc(items, func(it wire.Item) bool { return it.Code == c }) {
			continue
		}
		if a.scenario != wire.ScenarioH5 {
			return nil, nil, refused("item " + c + " was not requested; only h5 lets the holder add items")
		}
		var ri *RegItem
		if reg != nil {
			for i := range reg.Items {
				if reg.Items[i].Code == c {
					ri = &reg.Items[i]
				}
			}
		}
		if ri == nil {
			return nil, nil, refused("item " + c + " is not registered for the matter")
		}
		items = append(items, wire.Item{Kind: ri.Kind, Code: ri.Code, Name: ri.Name})
	}
	for _, it := range items {
		if granted[it.Code] {
			continue
		}
		if it.Required {
			return nil, nil, refused("required item " + it.Code + " must be granted")
		}
		if a.scenario != wire.ScenarioH5 {
			return nil, nil, refused("item " + it.Code + " left out; only h5 lets the holder remove items")
		}
	}
	out := make([]string, 0, len(granted))
	for c := range granted {
		out = append(out, c)
	}
	slices.Sort(out)
	return items, out, nil
}
