package dstest

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/zsdata/digitalspace/internal/wire"
)

// usageEntry is one record of the platform's usage log (用证日志, §6.5).
type usageEntry struct {
	rec  wire.UsageRecord
	date string // business date in UTC+8
}

// usageFields are the parts of a record a call knows.
type usageFields struct {
	authorizationID, orgCode, matterCode, holderDigest, operatorDigest, clientIP string
}

func actionOf(r wire.RouteName) string {
	switch r {
	case wire.RouteCreateAuthorization:
		return wire.ActionCreate
	case wire.RouteCancelAuthorization:
		return wire.ActionCancel
	case wire.RouteDelivery:
		return wire.ActionDelivery
	case wire.RouteCreateServiceCode:
		return wire.ActionServiceCode
	}
	return ""
}

// logUsageLocked records a call of 1, 3, 4 or 5 (§11.12), one record per
// requestId: an authenticated call replaces the result of an earlier failed
// attempt; an unauthenticated one never overwrites.
func (s *Sim) logUsageLocked(rc *reqCtx, f usageFields, result string) {
	action := actionOf(rc.route)
	if action == "" || rc.sys == nil {
		return
	}
	if f.orgCode == "" {
		f.orgCode = rc.sys.OrgCode
	}
	key := rc.sys.PaasID + "\x00" + rc.requestID
	if e := s.usageIdx[key]; e != nil && rc.requestID != "" {
		if rc.authed {
			id, occurred := e.rec.RecordID, e.rec.OccurredAt
			e.rec = s.record(rc, action, f, result)
			e.rec.RecordID, e.rec.OccurredAt = id, occurred
		}
		return
	}
	now := s.nowLocked()
	e := &usageEntry{rec: s.record(rc, action, f, result), date: now.Format(wire.DateLayout)}
	e.rec.RecordID = newID("ur_")
	e.rec.OccurredAt = fmtTime(now)
	s.usage = append(s.usage, e)
	if rc.requestID != "" {
		s.usageIdx[key] = e
	}
	for len(s.usage) > maxUsageRecords {
		old := s.usage[0]
		s.usage = s.usage[1:]
		if s.usageIdx[old.rec.PaasID+"\x00"+old.rec.RequestID] == old {
			delete(s.usageIdx, old.rec.PaasID+"\x00"+old.rec.RequestID)
		}
	}
}

func (s *Sim) record(rc *reqCtx, action string, f usageFields, result string) wire.UsageRecord {
	return wire.UsageRecord{
		RequestID: rc.requestID, AuthorizationID: f.authorizationID, PaasID: rc.sys.PaasID,
		OrgCode: f.orgCode, MatterCode: f.matterCode, HolderDigest: f.holderDigest,
		OperatorDigest: f.operatorDigest, ClientIP: f.clientIP, Action: action, Result: result,
	}
}

// bestEffortFields reads what it can of a request that failed before or
// during validation, for its usage record.
func (s *Sim) bestEffortFieldsLocked(rc *reqCtx) usageFields {
	var f usageFields
	switch rc.route {
	case wire.RouteCreateAuthorization, wire.RouteCreateServiceCode:
		var req wire.CreateAuthorization
		if json.Unmarshal(rc.body, &req) == nil {
			f.orgCode, f.matterCode, f.clientIP = req.Org.Code, req.Matter.Code, req.ClientIP
			if req.Operator.IDNumber != "" {
				f.operatorDigest = wire.HolderDigest(req.Operator.IDType, req.Operator.IDNumber)
			}
			if req.Holder != nil && req.Holder.IDNumber != "" {
				f.holderDigest = wire.HolderDigest(req.Holder.IDType, req.Holder.IDNumber)
			}
		}
	case wire.RouteCancelAuthorization, wire.RouteDelivery:
		f.authorizationID = rc.id
		if a := s.auths[rc.id]; a != nil && rc.sys != nil && a.paasID == rc.sys.PaasID {
			f = authFields(a)
		}
	}
	return f
}

func authFields(a *authz) usageFields {
	return usageFields{authorizationID: a.id, orgCode: a.orgCode, matterCode: a.matter.Code,
		holderDigest: a.holderDigest(), operatorDigest: a.operatorDigest, clientIP: a.clientIP}
}

// logUsageFailure logs a call that failed with code.
func (s *Sim) logUsageFailure(rc *reqCtx, code string) {
	if actionOf(rc.route) == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logUsageLocked(rc, s.bestEffortFieldsLocked(rc), code)
}

// failLogged logs a failed call and returns its error answer.
func (s *Sim) failLogged(rc *reqCtx, e *apiError) answer {
	s.logUsageFailure(rc, e.code)
	return s.errAnswer(rc, 0, e.code, e.msg)
}

type pageToken struct {
	Date   string `json:"d"`
	Offset int    `json:"o"`
}

// callUsageLogs is call 8.
func (s *Sim) callUsageLogs(rc *reqCtx) answer {
	q := rc.r.URL.Query()
	date := q.Get("date")
	if _, err := time.Parse(wire.DateLayout, date); err != nil {
		return s.errAnswer(rc, 0, wire.CodeDS2001, "date must be YYYY-MM-DD")
	}
	size := wire.DefaultPageSize
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > wire.MaxPageSize {
			return s.errAnswer(rc, 0, wire.CodeDS2001, "pageSize must be 1-500")
		}
		size = n
	}
	offset := 0
	if v := q.Get("pageToken"); v != "" {
		var t pageToken
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || len(b) > 256 || json.Unmarshal(b, &t) != nil || t.Date != date || t.Offset < 0 {
			return s.errAnswer(rc, 0, wire.CodeDS2001, "pageToken invalid")
		}
		offset = t.Offset
	}
	s.mu.Lock()
	var recs []wire.UsageRecord
	for _, e := range s.usage {
		if e.rec.PaasID == rc.sys.PaasID && e.date == date {
			recs = append(recs, e.rec)
		}
	}
	s.mu.Unlock()
	page := wire.UsageLogPage{Records: []wire.UsageRecord{}}
	if offset < len(recs) {
		end := min(offset+size, len(recs))
		page.Records = recs[offset:end]
		if end < len(recs) {
			b, _ := json.Marshal(pageToken{Date: date, Offset: end})
			page.NextPageToken = base64.RawURLEncoding.EncodeToString(b)
		}
	}
	return s.okAnswer(rc, page)
}

// ReconciliationRecord is an uploaded reconciliation (对账结果) with its
// receipt, as GET /_sim/reconciliations shows it.
type ReconciliationRecord struct {
	ReceiptID  string              `json:"receiptId"`
	PaasID     string              `json:"paasId"`
	RequestID  string              `json:"requestId"`
	ReceivedAt string              `json:"receivedAt"`
	Body       wire.Reconciliation `json:"reconciliation"`
}

// callReconciliation is call 9.
func (s *Sim) callReconciliation(rc *reqCtx) answer {
	var present map[string]json.RawMessage
	if e := decodeObject(rc.body, &present); e != nil {
		return s.errAnswer(rc, 0, e.code, e.msg)
	}
	var rec wire.Reconciliation
	if e := decodeObject(rc.body, &rec); e != nil {
		return s.errAnswer(rc, 0, e.code, e.msg)
	}
	for _, f := range []string{"date", "localCount", "remoteCount", "matched"} {
		if _, ok := present[f]; !ok {
			return s.errAnswer(rc, 0, wire.CodeDS2001, "missing required field "+f)
		}
	}
	if _, err := time.Parse(wire.DateLayout, rec.Date); err != nil {
		return s.errAnswer(rc, 0, wire.CodeDS2001, "date must be YYYY-MM-DD")
	}
	if rec.LocalCount < 0 || rec.RemoteCount < 0 || rec.Matched < 0 ||
		rec.Matched > rec.LocalCount || rec.Matched > rec.RemoteCount {
		return s.errAnswer(rc, 0, wire.CodeDS2001, "counts must be non-negative and matched at most each count")
	}
	for _, l := range [][]string{rec.MissingLocal, rec.MissingRemote, rec.Mismatched} {
		for _, id := range l {
			if id == "" || len(id) > 128 {
				return s.errAnswer(rc, 0, wire.CodeDS2001, "requestIds must be 1-128 characters")
			}
		}
	}
	r := ReconciliationRecord{ReceiptID: newID("rc_"), PaasID: rc.sys.PaasID, RequestID: rc.requestID, Body: rec}
	s.mu.Lock()
	r.ReceivedAt = fmtTime(s.nowLocked())
	s.recons = append(s.recons, r)
	if len(s.recons) > maxReconciliation {
		s.recons = s.recons[1:]
	}
	s.mu.Unlock()
	return s.okAnswer(rc, wire.Receipt{ReceiptID: r.ReceiptID})
}

// Reconciliations returns the uploaded reconciliations, oldest first.
func (s *Sim) Reconciliations() []ReconciliationRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ReconciliationRecord, len(s.recons))
	copy(out, s.recons)
	return out
}

// callPlatformKeys is call 10.
