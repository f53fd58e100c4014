package scenario

import (
	"time"

	"github.com/zsdata/digitalspace/internal/wire"
)

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(wire.TimeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(wire.TimeLayout)
}

func toWireItems(items []Item) []wire.Item {
	out := make([]wire.Item, len(items))
	for i, it := range items {
		out[i] = wire.Item{Kind: string(it.Kind), Code: it.Code, Name: it.Name, Required: it.Required}
	}
	return out
}

func fromWireItems(items []wire.Item) []Item {
	out := make([]Item, len(items))
	for i, it := range items {
		out[i] = Item{Kind: ItemKind(it.Kind), Code: it.Code, Name: it.Name, Required: it.Required}
	}
	return out
}

func toWireRequest(id Identity, r *Request) *wire.CreateAuthorization {
	w := &wire.CreateAuthorization{
		Subject:  string(r.Subject),
		Scenario: string(r.Scenario),
		Matter:   wire.Matter{Code: r.Matter.Code, Name: r.Matter.Name},
		Items:    toWireItems(r.Items),
		Purpose:  r.Purpose,
		Org:      wire.Org{Name: id.OrgName, Code: id.OrgCode},
		System:   wire.System{Name: id.SystemName},
		Operator: wire.Operator{
			Name: r.Operator.Name, IDType: string(r.Operator.IDType), IDNumber: r.Operator.IDNumber,
			Verified: r.Operator.Verified, Method: r.Operator.Method, VerifiedAt: formatTime(r.Operator.VerifiedAt),
		},
		ClientIP:    r.ClientIP,
		TTLSeconds:  int(r.TTL / time.Second),
		CallbackURL: r.CallbackURL,
		ScanCode:    r.ScanCode,
		DataCode:    r.DataCode,
		ReturnURL:   r.ReturnURL,
		TerminalID:  r.TerminalID,
	}
	if r.Holder != nil {
		w.Holder = &wire.Holder{Type: string(r.Holder.Type), Name: r.Holder.Name, IDType: string(r.Holder.IDType), IDNumber: r.Holder.IDNumber}
		if w.Holder.Type == "" {
			w.Holder.Type = string(HolderTypeOf(r.Subject))
		}
	}
	return w
}

// FromWireAuthorization converts the wire form (used by the callback parser
// and by the calls).
func fromWireAuthorization(a *wire.Authorization) *Authorization {
	out := &Authorization{
		ID:            a.AuthorizationID,
		Subject:       Subject(a.Subject),
		Scenario:      Kind(a.Scenario),
		Status:        Status(a.Status),
		Matter:        Matter{Code: a.Matter.Code, Name: a.Matter.Name},
		Items:         fromWireItems(a.Items),
		GrantedItems:  append([]string(nil), a.GrantedItems...),
		CreatedAt:     parseTime(a.CreatedAt),
		ScannedAt:     parseTime(a.ScannedAt),
		DecidedAt:     parseTime(a.DecidedAt),
		ExpiresAt:     parseTime(a.ExpiresAt),
		UseUntil:      parseTime(a.UseUntil),
		CertificateID: a.CertificateID,
		ServiceCodeID: a.ServiceCodeID,
	}
	if a.Holder != nil {
		out.Holder = &Holder{Type: HolderType(a.Holder.Type), Name: a.Holder.Name, IDType: IDType(a.Holder.IDType), IDNumber: a.Holder.IDNumber}
	}
	return out
}
