package scenario

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/zsdata/digitalspace/client"
	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/ident"
	"github.com/zsdata/digitalspace/internal/mask"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// Delivery is what the holder granted: licenses and data, decrypted in
// memory only, and the 数据资产凭证 (data asset certificate) whose platform
// signature has been verified. The SDK never writes it to disk, cache or
// log; call Wipe when done with it.
type Delivery struct {
	AuthorizationID string
	Licenses        []License
	Data            []DataItem
	Certificate     *Certificate
}

// License is a delivered 电子证照 (electronic license). Its String and
// LogValue show masked values only.
type License struct {
	Identifier           string // 电子证照标识, checked on arrival
	TypeCode             string // 证照类型代码
	TypeName             string
	Number               string // 证照编号
	HolderName           string
	HolderCode           string
	HolderTypeCode       string // 111 公民身份号码, 001 统一社会信用代码, 999 other
	IssuingAuthorityName string
	IssuingAuthorityCode string
	IssuedDate           string
	EffectiveDate        string
	ExpiringDate         string // "" for long-term
	AreaCode             string
	Format               string // OFD or PDF
	SM3                  string // of Content, checked on arrival
	Content              []byte
	Metadata             map[string]string
}

// String shows the license with its holder masked and without content.
func (l License) String() string {
	return fmt.Sprintf("%s %s holder=%s(%s) %s %d bytes", l.TypeName, l.TypeCode, mask.Name(l.HolderName), mask.ID(l.HolderCode), l.Format, len(l.Content))
}

// LogValue implements slog.LogValuer with masked values only.
func (l License) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("typeCode", l.TypeCode), slog.String("typeName", l.TypeName),
		slog.String("holder", mask.Name(l.HolderName)), slog.String("holderCode", mask.ID(l.HolderCode)),
		slog.String("format", l.Format), slog.Int("bytes", len(l.Content)))
}

// DataItem is a delivered data item.
type DataItem struct {
	Code  string
	Name  string
	Value json.RawMessage
}

// LogValue implements slog.LogValuer: the value is never logged.
func (d DataItem) LogValue() slog.Value {
	return slog.GroupValue(slog.String("code", d.Code), slog.String("name", d.Name), slog.Int("bytes", len(d.Value)))
}

// Wipe overwrites the delivered contents in memory.
func (d *Delivery) Wipe() {
	for i := range d.Licenses {
		clear(d.Licenses[i].Content)
		d.Licenses[i].Content = nil
	}
	for i := range d.Data {
		clear(d.Data[i].Value)
		d.Data[i].Value = nil
	}
}

// Deliver fetches the granted licenses and data of an AUTHORIZED
// authorization (call 4), opens the envelope in memory, verifies the
// certificate and checks every license on arrival: identifier form and check
// character, file SM3, and holder matching the authorization.
//
// auth is the authorization as last read (Get, Wait or a callback); it must
// be AUTHORIZED. expect, when not nil, is the holder the system knows in
// full (e.g. the ID number keyed in for data_code): the certificate's holder
// digest must match it.
func (s *Service) Deliver(ctx context.Context, auth *Authorization, expect *Holder) (*Delivery, error) {
	if auth == nil || auth.ID == "" {
		return nil, formatErr("authorizationId", "authorization is required", "授权编号不正确")
	}
	if auth.Status != StatusAuthorized {
		return nil, invalid("DS3002", "status", fmt.Sprintf("authorization %s is %s, not AUTHORIZED", auth.ID, auth.Status), "持证人尚未完成授权")
	}
	resp, err := s.c.Do(ctx, &client.Call{Route: string(wire.RouteDelivery), Method: "POST",
		Path: wire.DeliveryPath(auth.ID), Body: []byte("{}"), Idempotent: true})
	if err != nil {
		return nil, err
	}
	var sealed wire.SealedDelivery
	if err := decodeData(resp, &sealed); err != nil {
		return nil, err
	}
	if sealed.Envelope == nil || sealed.AuthorizationID != auth.ID {
		return nil, badResponse(resp, "delivery envelope missing or for another authorization")
	}
	plain, err := s.c.OpenEnvelope(sealed.Envelope, auth.ID)
	if err != nil {
		return nil, deliveryErr(resp, "envelope cannot be opened", err)
	}
	defer clear(plain)
	var d wire.Delivery
	dec := json.NewDecoder(bytes.NewReader(plain))
	if err := dec.Decode(&d); err != nil {
		return nil, deliveryErr(resp, "delivery cannot be decoded", err)
	}
	if d.Certificate == nil {
		return nil, deliveryErr(resp, "delivery carries no certificate", nil)
	}
	cert := certificateFromWire(d.Certificate)
	if err := s.VerifyCertificate(ctx, cert, auth, expect); err != nil {
		return nil, err
	}
	out := &Delivery{AuthorizationID: auth.ID, Certificate: cert}
	for i := range d.Licenses {
		l, err := checkLicense(&d.Licenses[i], cert)
		if err != nil {
			out.Wipe()
			return nil, deliveryErr(resp, fmt.Sprintf("license %d rejected on arrival", i), err)
		}
		out.Licenses = append(out.Licenses, l)
	}
	for _, di := range d.Data {
		if !slices.Contains(cert.GrantedItems, di.Code) {
			out.Wipe()
			return nil, deliveryErr(resp, "data item "+di.Code+" was not granted", nil)
		}
		out.Data = append(out.Data, DataItem{Code: di.Code, Name: di.Name, Value: append(json.RawMessage(nil), di.Value...)})
	}
	return out, nil
}

func deliveryErr(resp *client.Response, msg string, cause error) error {
	return dserrors.New(dserrors.Details{Kind: dserrors.Signature, Code: dserrors.CodeEnvelope, Message: msg,
		RequestID: resp.RequestID, HTTPStatus: resp.Status, Attempts: resp.Attempts, Cause: cause})
}

var holderTypeByCode = map[string]IDType{"111": IDCard, "001": USCC}

func checkLicense(w *wire.License, cert *Certificate) (License, error) {
	li, err := ident.ParseLicenseIdentifier(w.CertificateIdentifier)
	if err != nil {
		return License{}, err
	}
	if li.TypeCode != w.CertificateTypeCode {
		return License{}, fmt.Errorf("identifier type code differs from certificateTypeCode")
	}
	if !slices.Contains(cert.GrantedItems, w.CertificateTypeCode) {
		return License{}, fmt.Errorf("license type %s was not granted", w.CertificateTypeCode)
	}
	if w.File.Format != "OFD" && w.File.Format != "PDF" {
		return License{}, fmt.Errorf("file format %q is not OFD or PDF", w.File.Format)
	}
	content, err := base64.StdEncoding.DecodeString(w.File.Content)
	if err != nil {
		return License{}, fmt.Errorf("file content is not base64: %w", err)
	}
	if sign.SM3Hex(content) != w.File.SM3 {
		clear(content)
		return License{}, fmt.Errorf("file SM3 does not match")
	}
	idType, ok := holderTypeByCode[w.CertificateHolderTypeCode]
	if !ok {
		clear(content)
		return License{}, fmt.Errorf("holder type code %q cannot be matched to the holder", w.CertificateHolderTypeCode)
	}
	if !constantTimeEqual(wire.HolderDigest(string(idType), w.CertificateHolderCode), cert.HolderDigest) {
		clear(content)
		return License{}, fmt.Errorf("license holder is not the authorizing holder")
	}
	return License{
		Identifier: w.CertificateIdentifier, TypeCode: w.CertificateTypeCode, TypeName: w.CertificateTypeName,
		Number: w.CertificateNumber, HolderName: w.CertificateHolderName, HolderCode: w.CertificateHolderCode,
		HolderTypeCode: w.CertificateHolderTypeCode, IssuingAuthorityName: w.CertificateIssuingAuthorityName,
		IssuingAuthorityCode: w.CertificateIssuingAuthorityCode, IssuedDate: w.CertificateIssuedDate,
		EffectiveDate: w.CertificateEffectiveDate, ExpiringDate: w.CertificateExpiringDate,
		AreaCode: w.CertificateAreaCode, Format: w.File.Format, SM3: w.File.SM3, Content: content,
		Metadata: w.Metadata,
	}, nil
}
