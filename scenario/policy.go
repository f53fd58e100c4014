package scenario

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// Policy is the business-type registry (业务类型): which scenarios, matters
// and items each usage system may use. The source check also uses it: the
// configured organization and system must be registered in it.
//
// It is registration data, not code: DefaultPolicy holds the six Zhongshan
// systems of DSP/1 §8; LoadPolicy reads another from JSON.
type Policy struct {
	Systems []SystemPolicy `json:"systems"`
}

// SystemPolicy is one usage system's registration.
type SystemPolicy struct {
	// PaasID pins the system to one paasId; empty matches any.
	PaasID     string `json:"paasId,omitempty"`
	SystemName string `json:"systemName"`
	OrgName    string `json:"orgName"`
	OrgCode    string `json:"orgCode"`
	// Scenarios are the enabled scenarios of each subject.
	Scenarios Scenarios `json:"scenarios"`
	// Matters lists the matters the system may handle and their items; nil
	// means the platform alone decides (any well-formed matter passes here).
	Matters []MatterPolicy `json:"matters,omitempty"`
}

// Scenarios lists enabled scenarios by subject.
type Scenarios struct {
	Personal []Kind `json:"personal"`
	Legal    []Kind `json:"legal"`
}

// MatterPolicy is one matter a system may handle, with the items it may ask for.
type MatterPolicy struct {
	Code    string  `json:"code"`
	Name    string  `json:"name"`
	Subject Subject `json:"subject,omitempty"` // empty: either subject
	Items   []Item  `json:"items"`
}

// MarshalJSON and UnmarshalJSON of Item use the wire's lower-case names.
type itemJSON struct {
	Kind     ItemKind `json:"kind"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Required bool     `json:"required,omitempty"`
}

// MarshalJSON implements json.Marshaler.
func (it Item) MarshalJSON() ([]byte, error) { return json.Marshal(itemJSON(it)) }

// UnmarshalJSON implements json.Unmarshaler.
func (it *Item) UnmarshalJSON(b []byte) error {
	var j itemJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*it = Item(j)
	return nil
}

// LoadPolicy reads a Policy from JSON: {"systems":[{"paasId","systemName",
// "orgName","orgCode","scenarios":{"personal":[…],"legal":[…]},"matters":[{"code",
// "name","subject","items":[{"kind","code","name"}]}]}]} — the shape of the
// simulator's GET /_sim/registry, whose other fields are ignored.
func LoadPolicy(r io.Reader) (*Policy, error) {
	var p Policy
	dec := json.NewDecoder(io.LimitReader(r, 8<<20))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("scenario: policy: %w", err)
	}
	if len(p.Systems) == 0 {
		return nil, fmt.Errorf("scenario: policy has no systems")
	}
	return &p, nil
}

// System returns the registration matching the paasId and system name.
func (p *Policy) System(paasID, systemName string) (*SystemPolicy, bool) {
	for i := range p.Systems {
		s := &p.Systems[i]
		if s.SystemName == systemName && (s.PaasID == "" || s.PaasID == paasID) {
			return s, true
		}
	}
	return nil, false
}

// Enabled reports whether the system may use scenario k for subject.
func (s *SystemPolicy) Enabled(subject Subject, k Kind) bool {
	switch subject {
	case Personal:
		return slices.Contains(s.Scenarios.Personal, k)
	case Legal:
		return slices.Contains(s.Scenarios.Legal, k)
	}
	return false
}

// Matter returns the registered matter with code.
func (s *SystemPolicy) Matter(code string) (*MatterPolicy, bool) {
	for i := range s.Matters {
		if s.Matters[i].Code == code {
			return &s.Matters[i], true
		}
	}
	return nil, false
}

// DefaultPolicy returns the six Zhongshan systems and their scenarios of
// DSP/1 §8 (data_code enabled for none), with the organizations of §9.
// Matters are left to the platform (nil).
func DefaultPolicy() *Policy {
	return &Policy{Systems: []SystemPolicy{
		{SystemName: "中山市商事登记全程电子化智能申报审批平台", OrgName: "中山市市场监督管理局", OrgCode: "11442000MB2C00010H",
			Scenarios: Scenarios{Personal: []Kind{ServiceCode}, Legal: []Kind{ServiceCode}}},
		{SystemName: "中山市一照通行服务平台", OrgName: "中山市市场监督管理局", OrgCode: "11442000MB2C00010H",
			Scenarios: Scenarios{Personal: []Kind{ServiceCode}, Legal: []Kind{ServiceCode}}},
		{SystemName: "中山市住房和城乡建设管理信息系统", OrgName: "中山市住房和城乡建设局", OrgCode: "11442000MB2C00020J",
			Scenarios: Scenarios{Personal: []Kind{YSSCode, ServiceCode, H5}, Legal: []Kind{ServiceCode, H5}}},
		{SystemName: "新一代住房公积金管理系统", OrgName: "中山市住房公积金管理中心", OrgCode: "12442000MB2C00040H",
			Scenarios: Scenarios{Personal: []Kind{YSSCode, MobileApp, H5}, Legal: []Kind{YSTCode, H5}}},
		{SystemName: "中山市公共资源交易平台", OrgName: "中山市公共资源交易中心", OrgCode: "11442000MB2C00030K",
			Scenarios: Scenarios{Personal: []Kind{YSSCode, ServiceCode}, Legal: []Kind{YSTCode, ServiceCode}}},
		{SystemName: "公共服务网上自助申报系统", OrgName: "中山市人力资源和社会保障局", OrgCode: "11442000MB2C00050M",
			Scenarios: Scenarios{Personal: []Kind{ServiceCode}, Legal: []Kind{ServiceCode}}},
	}}
}
