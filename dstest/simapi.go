package dstest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/zsdata/digitalspace/internal/wire"
)

// Holders returns the synthetic holders (GET /_sim/holders).
func (s *Sim) Holders() []Holder {
	out := make([]Holder, len(s.holders))
	for i, h := range s.holders {
		out[i] = *h
		out[i].Licenses = slices.Clone(h.Licenses)
	}
	return out
}

// Registry returns a copy of the registry (GET /_sim/registry).
func (s *Sim) Registry() *Registry { return s.reg.clone() }

// PhoneAuthorization is an authorization as the holder's phone shows it
// (unmasked: it is the holder's own), with the extra items an h5 holder may add.
type PhoneAuthorization struct {
	wire.Authorization
	PaasID      string    `json:"paasId"`
	OrgName     string    `json:"orgName"`
	SystemName  string    `json:"systemName"`
	Purpose     string    `json:"purpose"`
	HolderName  string    `json:"holderName,omitempty"`
	ExtraItems  []RegItem `json:"extraItems,omitempty"`
	HolderBound bool      `json:"holderBound"`
}

// PhoneAuthorizations lists the authorizations a holder may act on or has
// acted on: those bound to ref and the unbound ones of the same subject,
// newest first, at most 50.
func (s *Sim) PhoneAuthorizations(ref HolderRef) []PhoneAuthorization {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.holderByRef(ref)
	out := []PhoneAuthorization{}
	if h == nil {
		return out
	}
	now := s.nowLocked()
	for i := len(s.authOrder) - 1; i >= 0 && len(out) < 50; i-- {
		a := s.auths[s.authOrder[i]]
		if a == nil || a.subject != h.subject() || (a.holder != nil && a.holder != h) {
			continue
		}
		s.expireOneLocked(a, now)
		if a.holder == nil && !a.open() {
			continue
		}
		p := PhoneAuthorization{Authorization: a.view(), PaasID: a.paasID, Purpose: a.purpose, HolderBound: a.holder != nil}
		p.Holder = nil
		if a.holder != nil {
			p.HolderName = a.holder.Name
		}
		if sys := s.reg.system(a.paasID); sys != nil {
			p.OrgName, p.SystemName = sys.OrgName, sys.SystemName
			if m := sys.matter(a.matter.Code); m != nil && a.scenario == wire.ScenarioH5 {
				for _, it := range m.Items {
					if !slices.ContainsFunc(a.items, func(x wire.Item) bool { return x.Code == it.Code }) {
						p.ExtraItems = append(p.ExtraItems, it)
					}
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// maxSimBody bounds /_sim/ request bodies.
const maxSimBody = 1 << 20

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"code":"DS5000","message":"encoding"}`)
	}
	w.Header().Set(wire.HeaderContentType, wire.ContentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeSimErr(w http.ResponseWriter, err error) {
	var se *SimError
	if !errors.As(err, &se) {
		se = &SimError{Status: http.StatusInternalServerError, Code: wire.CodeDS5000, Message: err.Error()}
	}
	writeJSON(w, se.Status, se)
}

func readSimBody(r *http.Request, v any, optional bool) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxSimBody+1))
	if err != nil || len(b) > maxSimBody {
		return &SimError{Status: http.StatusBadRequest, Code: wire.CodeDS2001, Message: "cannot read body"}
	}
	if optional && len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	if e := decodeObject(b, v); e != nil {
		return &SimError{Status: http.StatusBadRequest, Code: e.code, Message: e.msg}
	}
	return nil
}

// serveSim is the unsigned control API of §9 (plain JSON, not wrapped).
func (s *Sim) serveSim(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, wire.SimPrefix)
	parts := strings.Split(strings.Trim(p, "/"), "/")
	route := r.Method + " " + parts[0]
	switch {
	case route == "GET holders":
		writeJSON(w, http.StatusOK, map[string]any{"holders": s.Holders()})
	case route == "GET registry":
		// The gateway tokens are secrets even here: a registry file may hold
		// real-looking ones, and /_sim/ is unsigned.
		reg := s.Registry()
		for i := range reg.Systems {
			reg.Systems[i].PaasToken = ""
		}
		writeJSON(w, http.StatusOK, reg)
	case route == "GET phone" || route == "GET ":
		servePhone(w)
	case route == "POST scan":
		var body struct {
			QRContent string    `json:"qrContent"`
			Holder    HolderRef `json:"holder"`
		}
		if err := readSimBody(r, &body, false); err != nil {
			writeSimErr(w, err)
			return
		}
		id, err := s.Scan(body.QRContent, body.Holder)
		if err != nil {
			writeSimErr(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"authorizationId": id})
	case route == "GET authorizations" && len(parts) == 1:
		ref := HolderRef{IDType: r.URL.Query().Get("idType"), IDNumber: r.URL.Query().Get("idNumber")}
		writeJSON(w, http.StatusOK, map[string]any{"authorizations": s.PhoneAuthorizations(ref)})
	case route == "POST authorizations" && len(parts) == 3 && parts[2] == "open":
		var body struct {
			Holder *HolderRef `json:"holder"`
		}
		if err := readSimBody(r, &body, true); err != nil {
			writeSimErr(w, err)
			return
		}
		if err := s.Open(parts[1], body.Holder); err != nil {
			writeSimErr(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"authorizationId": parts[1], "status": wire.StatusScanned})
	case route == "POST authorizations" && len(parts) == 3 && parts[2] == "decide":
		var d Decision
		if err := readSimBody(r, &d, false); err != nil {
			writeSimErr(w, err)
			return
		}
		if err := s.Decide(parts[1], d); err != nil {
			writeSimErr(w, err)
			return
		}
		st := ""
		s.mu.Lock()
		if a := s.auths[parts[1]]; a != nil {
			st = a.status
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]string{"authorizationId": parts[1], "status": st})
	case route == "POST clock" || route == "GET clock":
		var body struct {
			AdvanceSeconds int64 `json:"advanceSeconds"`
		}
		if r.Method == http.MethodPost {
			if err := readSimBody(r, &body, false); err != nil {
				writeSimErr(w, err)
				return
			}
			if body.AdvanceSeconds < 0 || body.AdvanceSeconds > 10*365*86400 {
				writeSimErr(w, &SimError{Status: http.StatusBadRequest, Code: wire.CodeDS2001, Message: "advanceSeconds must be 0..315360000"})
				return
			}
		}
		now := s.AdvanceClock(time.Duration(body.AdvanceSeconds) * time.Second)
		s.mu.Lock()
		off := s.offset
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"now": fmtTime(now), "offsetSeconds": int64(off / time.Second)})
	case route == "POST faults":
		var body struct {
			Rules []FaultRule `json:"rules"`
		}
		if err := readSimBody(r, &body, false); err != nil {
			writeSimErr(w, err)
			return
		}
		if err := s.SetFaults(body.Rules); err != nil {
			writeSimErr(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"rules": s.Faults()})
	case route == "GET faults":
		writeJSON(w, http.StatusOK, map[string]any{"rules": s.Faults()})
	case route == "DELETE faults":
		s.ClearFaults()
		writeJSON(w, http.StatusOK, map[string]any{"rules": []FaultRule{}})
	case route == "POST platform-keys" && len(parts) == 2 && parts[1] == "rotate":
		var body struct {
			KeyID string `json:"keyId"`
		}
		if err := readSimBody(r, &body, false); err != nil {
			writeSimErr(w, err)
			return
		}
		pem, err := s.RotatePlatformKey(body.KeyID, nil)
		if err != nil {
			writeSimErr(w, &SimError{Status: http.StatusBadRequest, Code: wire.CodeDS2001, Message: err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"keyId": body.KeyID, "publicKeyPem": pem})
	case route == "GET callbacks":
		writeJSON(w, http.StatusOK, map[string]any{"callbacks": s.Callbacks()})
	case route == "GET reconciliations":
		writeJSON(w, http.StatusOK, map[string]any{"reconciliations": s.Reconciliations()})
	default:
		writeJSON(w, http.StatusNotFound, SimError{Code: wire.CodeDS3001, Message: "no such /_sim/ call"})
	}
}
