package dstest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/zsdata/digitalspace/internal/ident"
	"github.com/zsdata/digitalspace/internal/wire"
)

// LedgerName is the blockchain ledger (区块链存证) named in certificates.
const LedgerName = "gd-data-asset"

// newCertificateLocked prepares the 数据资产凭证 of an approval; Decide fills
// the times and signs it.
func (s *Sim) newCertificateLocked(a *authz, h *Holder, granted []string) (*wire.Certificate, error) {
	if h == nil {
		return nil, fmt.Errorf("dstest: certificate without holder")
	}
	s.blockHeight++
	return &wire.Certificate{
		CertID: newID("cert_"), AuthorizationID: a.id, PaasID: a.paasID, OrgCode: a.orgCode,
		MatterCode: a.matter.Code, Purpose: a.purpose, HolderDigest: wire.HolderDigest(h.IDType, h.IDNumber),
		GrantedItems: granted, Ledger: wire.Ledger{Name: LedgerName, TxID: newID("tx_"), BlockHeight: s.blockHeight},
	}, nil
}

// signCertificate sets the certificate's keyId to the current platform key
// and signs it with that key.
func (s *Sim) signCertificate(c *wire.Certificate) error {
	signer := s.signer()
	c.KeyID = signer.KeyID()
	sig, err := signer.SignBase64([]byte(wire.CertificateToSign(c)))
	if err != nil {
		return fmt.Errorf("dstest: signing certificate: %w", err)
	}
	c.Signature = sig
	return nil
}

// rngFor returns a generator seeded by the simulator seed and the parts, so
// that a holder's license is the same on every delivery.
func (s *Sim) rngFor(parts ...string) *rand.Rand {
	f := fnv.New64a()
	for _, p := range parts {
		_, _ = f.Write([]byte(p))
		_, _ = f.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(uint64(s.seed), f.Sum64()))
}

func holderTypeCode(idType string) string {
	switch idType {
	case wire.IDTypeIDCard:
		return "111"
	case wire.IDTypeUSCC:
		return "001"
	}
	return "999"
}

func lookupType(code, name string) licenseType {
	for _, t := range catalogue() {
		if t.Code == code {
			return t
		}
	}
	return licenseType{Code: code, Name: name, IssuerName: "中山市政务服务数据管理局", IssuerCode: "11442000MB2C00011L"}
}

// makeLicense builds the synthetic 电子证照 of type code for holder h, with a
// valid identifier (§4.1) and a small PDF-like file whose sm3 is correct.
func (s *Sim) makeLicense(h *Holder, code, name string) (wire.License, error) {
	t := lookupType(code, name)
	rng := s.rngFor("license", h.IDNumber, code)
	issued := time.Date(2015+rng.IntN(10), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, cst)
	expiring := ""
	if t.YearsValid > 0 {
		expiring = issued.AddDate(t.YearsValid, 0, 0).Format(wire.DateLayout)
	}
	serial := fmt.Sprintf("ZS%d%08d", issued.Year(), rng.IntN(100_000_000))
	id, err := ident.BuildLicenseIdentifier(code, t.IssuerCode, serial, "001")
	if err != nil {
		return wire.License{}, fmt.Errorf("dstest: license identifier: %w", err)
	}
	number := serial
	if code == codeIDCard {
		number = h.IDNumber
	}
	file := []byte(fmt.Sprintf("%%PDF-1.7\n%% DSP/1 simulator TEST license, not a real document\n"+
		"1 0 obj << /Type /Catalog >> endobj\n%% %s\n%% %s %s\n%% %s\n%%%%EOF\n", t.Name, h.Name, h.IDNumber, id))
	return wire.License{
		CertificateIdentifier: id, CertificateTypeCode: code, CertificateTypeName: t.Name,
		CertificateNumber: number, CertificateHolderName: h.Name, CertificateHolderCode: h.IDNumber,
		CertificateHolderTypeCode:       holderTypeCode(h.IDType),
		CertificateIssuingAuthorityName: t.IssuerName, CertificateIssuingAuthorityCode: t.IssuerCode,
		CertificateIssuedDate: issued.Format(wire.DateLayout), CertificateEffectiveDate: issued.Format(wire.DateLayout),
		CertificateExpiringDate: expiring, CertificateAreaCode: "442000",
		File:     wire.LicenseFile{Format: "PDF", SM3: wire.SM3Hex(file), Content: base64.StdEncoding.EncodeToString(file)},
		Metadata: map[string]string{"source": "dsim", "note": "TEST data"},
	}, nil
}

// makeData returns the synthetic value of data item code for holder h.
func (s *Sim) makeData(h *Holder, code, name string) wire.DataItem {
	rng := s.rngFor("data", h.IDNumber, code)
	var v any
	switch code {
	case "hukou.address":
		v = fmt.Sprintf("广东省中山市石岐街道民生路%d号", 1+rng.IntN(200))
	case "civil.marital_status":
		v = []string{"未婚", "已婚", "离异"}[rng.IntN(3)]
	case "tax.monthly_income":
		v = map[string]any{"amount": 5000 + rng.IntN(20000), "currency": "CNY"}
	case "gjj.balance":
		v = map[string]any{"amount": float64(rng.IntN(20_000_000)) / 100, "currency": "CNY"}
	case "si.paid_months":
		v = 12 + rng.IntN(240)
	case "si.insured_staff":
		v = 5 + rng.IntN(500)
	case "tax.credit_level":
		v = []string{"A", "B", "M"}[rng.IntN(3)]
	case "market.annual_report":
		v = "已公示"
	case "market.reg_status":
		v = "存续（在营、开业、在册）"
	default:
		v = fmt.Sprintf("TEST-%s-%06d", code, rng.IntN(1_000_000))
	}
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`null`)
	}
	return wire.DataItem{Code: code, Name: name, Value: b}
}

// deliveryLocked assembles the plaintext of a delivery: the granted items only.
func (s *Sim) deliveryLocked(a *authz) (*wire.Delivery, error) {
	d := &wire.Delivery{Licenses: []wire.License{}, Data: []wire.DataItem{}, Certificate: s.certs[a.certID]}
	if d.Certificate == nil || a.holder == nil {
		return nil, fmt.Errorf("dstest: authorization %s has no certificate", a.id)
	}
	granted := map[string]bool{}
	for _, c := range a.granted {
		granted[c] = true
	}
	for _, it := range a.items {
		if !granted[it.Code] {
			continue
		}
		if it.Kind == wire.ItemData {
			d.Data = append(d.Data, s.makeData(a.holder, it.Code, it.Name))
			continue
		}
		if !a.holder.holds(it.Code) {
			continue
		}
		l, err := s.makeLicense(a.holder, it.Code, it.Name)
		if err != nil {
			return nil, err
		}
		d.Licenses = append(d.Licenses, l)
	}
	return d, nil
}
