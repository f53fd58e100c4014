package dstest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/zsdata/digitalspace/internal/ident"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// Registry is the simulator's registration data (注册信息): the usage systems
// (用证系统) allowed to call it, their keys, gateway tokens, enabled scenarios
// and matters (事项). GET /_sim/registry returns it in the JSON form that
// LoadRegistry reads.
type Registry struct {
	Systems []RegSystem `json:"systems"`
}

// RegSystem is one registered usage system, identified by its paasId.
type RegSystem struct {
	PaasID string `json:"paasId"`
	// PaasToken is the gateway credential secret. The default registry uses
	// the TEST tokens "TEST-token-<paasId>".
	PaasToken  string      `json:"paasToken,omitempty"`
	SystemName string      `json:"systemName"`
	OrgName    string      `json:"orgName"`
	OrgCode    string      `json:"orgCode"`
	Scenarios  RegScenario `json:"scenarios"`
	Keys       []RegKey    `json:"keys"`
	Matters    []RegMatter `json:"matters"`
}

// RegScenario lists the scenarios enabled for a system, by subject.
type RegScenario struct {
	Personal []string `json:"personal"`
	Legal    []string `json:"legal"`
}

// RegKey is a system's registered SM2 public key.
type RegKey struct {
	KeyID        string `json:"keyId"`
	PublicKeyPEM string `json:"publicKeyPem"`
}

// RegMatter is a matter (事项) registered for a system, with the items
// (证照 licenses and 数据 data) it may request.
type RegMatter struct {
	Code    string    `json:"code"`
	Name    string    `json:"name"`
	Subject string    `json:"subject"` // personal or legal
	Items   []RegItem `json:"items"`
}

// RegItem is a license or data item registered for a matter.
type RegItem struct {
	Kind string `json:"kind"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// LoadRegistry reads a registry in the JSON form of GET /_sim/registry and
// validates it. GET /_sim/registry leaves the gateway tokens out; a system
// without "paasToken" gets the TEST token DefaultPaasToken(paasId).
func LoadRegistry(r io.Reader) (*Registry, error) {
	var reg Registry
	dec := json.NewDecoder(io.LimitReader(r, 16<<20))
	if err := dec.Decode(&reg); err != nil {
		return nil, fmt.Errorf("dstest: reading registry: %w", err)
	}
	for i := range reg.Systems {
		if reg.Systems[i].PaasToken == "" && reg.Systems[i].PaasID != "" {
			reg.Systems[i].PaasToken = DefaultPaasToken(reg.Systems[i].PaasID)
		}
	}
	if err := reg.Validate(); err != nil {
		return nil, err
	}
	return &reg, nil
}

// Validate checks the registry: unique paasIds, valid org codes, parseable
// keys, known scenarios and well-formed matters.
func (r *Registry) Validate() error {
	if r == nil || len(r.Systems) == 0 {
		return errors.New("dstest: registry has no systems")
	}
	seen := map[string]bool{}
	for i, s := range r.Systems {
		if s.PaasID == "" || seen[s.PaasID] {
			return fmt.Errorf("dstest: registry system %d: empty or duplicate paasId %q", i, s.PaasID)
		}
		seen[s.PaasID] = true
		if s.PaasToken == "" || s.SystemName == "" || s.OrgName == "" {
			return fmt.Errorf("dstest: registry system %s: paasToken, systemName and orgName are required", s.PaasID)
		}
		if err := ident.ValidUSCC(s.OrgCode); err != nil {
			return fmt.Errorf("dstest: registry system %s: orgCode: %w", s.PaasID, err)
		}
		if len(s.Keys) == 0 {
			return fmt.Errorf("dstest: registry system %s: no keys", s.PaasID)
		}
		for _, k := range s.Keys {
			if k.KeyID == "" {
				return fmt.Errorf("dstest: registry system %s: empty keyId", s.PaasID)
			}
			if _, err := sign.ParsePublicKeyPEM([]byte(k.PublicKeyPEM)); err != nil {
				return fmt.Errorf("dstest: registry system %s key %s: %w", s.PaasID, k.KeyID, err)
			}
		}
		for _, sc := range s.Scenarios.Personal {
			if !validScenario(wire.SubjectPersonal, sc) {
				return fmt.Errorf("dstest: registry system %s: unknown personal scenario %q", s.PaasID, sc)
			}
		}
		for _, sc := range s.Scenarios.Legal {
			if !validScenario(wire.SubjectLegal, sc) {
				return fmt.Errorf("dstest: registry system %s: unknown legal scenario %q", s.PaasID, sc)
			}
		}
		for _, m := range s.Matters {
			if err := ident.ValidMatterCode(m.Code); err != nil {
				return fmt.Errorf("dstest: registry system %s: matter: %w", s.PaasID, err)
			}
			if m.Subject != wire.SubjectPersonal && m.Subject != wire.SubjectLegal {
				return fmt.Errorf("dstest: registry system %s matter %s: subject must be personal or legal", s.PaasID, m.Code)
			}
			for _, it := range m.Items {
				if it.Kind != wire.ItemLicense && it.Kind != wire.ItemData || it.Code == "" || it.Name == "" {
					return fmt.Errorf("dstest: registry system %s matter %s: bad item %q", s.PaasID, m.Code, it.Code)
				}
			}
		}
	}
	return nil
}

// clone returns a deep copy through JSON (the registry is plain data).
func (r *Registry) clone() *Registry {
	b, err := json.Marshal(r)
	if err != nil {
		return &Registry{}
	}
	var out Registry
	if err := json.Unmarshal(b, &out); err != nil {
		return &Registry{}
	}
	return &out
}

func (r *Registry) system(paasID string) *RegSystem {
	for i := range r.Systems {
		if r.Systems[i].PaasID == paasID {
			return &r.Systems[i]
		}
	}
	return nil
}

func (s *RegSystem) key(keyID string) *RegKey {
	for i := range s.Keys {
		if s.Keys[i].KeyID == keyID {
			return &s.Keys[i]
		}
	}
	return nil
}

func (s *RegSystem) scenarioEnabled(subject, scenario string) bool {
	if subject == wire.SubjectPersonal {
		return slices.Contains(s.Scenarios.Personal, scenario)
	}
	return slices.Contains(s.Scenarios.Legal, scenario)
}

func (s *RegSystem) matter(code string) *RegMatter {
	for i := range s.Matters {
		if s.Matters[i].Code == code {
			return &s.Matters[i]
		}
	}
	return nil
}

func (m *RegMatter) item(kind, code string) *RegItem {
	for i := range m.Items {
		if m.Items[i].Code == code && m.Items[i].Kind == kind {
			return &m.Items[i]
		}
	}
	return nil
}

func validScenario(subject, scenario string) bool {
	switch subject {
	case wire.SubjectPersonal:
		switch scenario {
		case wire.ScenarioYSSCode, wire.ScenarioServiceCode, wire.ScenarioMobileApp, wire.ScenarioH5, wire.ScenarioDataCode:
			return true
		}
	case wire.SubjectLegal:
		switch scenario {
		case wire.ScenarioYSTCode, wire.ScenarioServiceCode, wire.ScenarioH5:
			return true
		}
	}
	return false
}
