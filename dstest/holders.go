package dstest

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/zsdata/digitalspace/internal/ident"
	"github.com/zsdata/digitalspace/internal/wire"
)

// Holder is a synthetic holder (持证主体) of the simulator: a person (自然人)
// or a legal person (法人) with valid identifiers, the type codes of the
// licenses they hold, their current scan code (粤省事码 for persons, 粤商码 for
// legal persons) and, for persons, their 6-digit data code (数据码).
type Holder struct {
	Type     string   `json:"type"`
	Name     string   `json:"name"`
	IDType   string   `json:"idType"`
	IDNumber string   `json:"idNumber"`
	Licenses []string `json:"licenses"`
	ScanCode string   `json:"scanCode"`
	DataCode string   `json:"dataCode,omitempty"`
}

// HolderRef names a holder by identifier type and number.
type HolderRef struct {
	IDType   string `json:"idType"`
	IDNumber string `json:"idNumber"`
}

func (h *Holder) ref() HolderRef { return HolderRef{IDType: h.IDType, IDNumber: h.IDNumber} }

func (h *Holder) subject() string {
	if h.Type == "legal" {
		return wire.SubjectLegal
	}
	return wire.SubjectPersonal
}

func (h *Holder) holds(typeCode string) bool { return slices.Contains(h.Licenses, typeCode) }

// makeHolders builds the synthetic holders deterministically from seed. Each
// holds every license type of its subject in the registry and the catalogue.
func makeHolders(seed int64, reg *Registry) ([]*Holder, error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x64737369))
	personNames := [...]string{"陈小明", "李华", "黄丽娟", "梁志强"}
	legalNames := [...]string{"中山市云帆科技有限公司", "中山市粤建建筑工程有限公司", "中山市岐江食品贸易有限公司"}
	codes := map[string][]string{}
	add := func(subject, code string) {
		if !slices.Contains(codes[subject], code) {
			codes[subject] = append(codes[subject], code)
		}
	}
	for _, t := range catalogue() {
		add(t.Subject, t.Code)
	}
	for _, s := range reg.Systems {
		for _, m := range s.Matters {
			for _, it := range m.Items {
				if it.Kind == wire.ItemLicense {
					add(m.Subject, it.Code)
				}
			}
		}
	}
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	var out []*Holder
	for i, name := range personNames {
		body := fmt.Sprintf("442000%04d%02d%02d%03d", 1965+rng.IntN(36), 1+rng.IntN(12), 1+rng.IntN(28), 100+i*37+rng.IntN(30))
		c, err := ident.IDCardCheck(body)
		if err != nil {
			return nil, fmt.Errorf("dstest: synthetic ID card: %w", err)
		}
		out = append(out, &Holder{
			Type: "person", Name: name, IDType: wire.IDTypeIDCard, IDNumber: body + string(c),
			Licenses: slices.Clone(codes[wire.SubjectPersonal]),
			ScanCode: "yss:" + digits(20), DataCode: digits(6),
		})
	}
	const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for _, name := range legalNames {
		b := []byte("91442000MA")
		for len(b) < 17 {
			b = append(b, usccChars[rng.IntN(len(usccChars))])
		}
		c, err := ident.USCCCheck(string(b))
		if err != nil {
			return nil, fmt.Errorf("dstest: synthetic USCC: %w", err)
		}
		out = append(out, &Holder{
			Type: "legal", Name: name, IDType: wire.IDTypeUSCC, IDNumber: string(b) + string(c),
			Licenses: slices.Clone(codes[wire.SubjectLegal]),
			ScanCode: "yst:" + digits(20),
		})
	}
	// Data codes must be unique among persons.
	seen := map[string]bool{}
	for _, h := range out {
		for h.DataCode != "" && seen[h.DataCode] {
			h.DataCode = digits(6)
		}
		seen[h.DataCode] = true
	}
	return out, nil
}

func (s *Sim) holderByRef(ref HolderRef) *Holder {
	for _, h := range s.holders {
		if h.IDType == ref.IDType && h.IDNumber == ref.IDNumber {
			return h
		}
	}
	return nil
}

func (s *Sim) holderByScanCode(code, subject string) *Holder {
	for _, h := range s.holders {
		if h.ScanCode == code && h.subject() == subject {
			return h
		}
	}
	return nil
}

func (s *Sim) defaultHolder(subject string) *Holder {
	for _, h := range s.holders {
		if h.subject() == subject {
			return h
		}
	}
	return nil
}
