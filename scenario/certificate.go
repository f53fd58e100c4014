package scenario

import (
	"context"
	"crypto/subtle"
	"fmt"
	"slices"
	"time"

	"github.com/zsdata/digitalspace/client"
	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
)

// Certificate is a 数据资产凭证 (data asset certificate): the platform's
// non-repudiable record that the holder authorized this use.
type Certificate struct {
	CertID          string
	AuthorizationID string
	PaasID          string
	OrgCode         string
	MatterCode      string
	Purpose         string
	HolderDigest    string // sm3hex(idType|idNumber)
	GrantedItems    []string
	AuthorizedAt    time.Time
	ExpiresAt       time.Time
	LedgerName      string
	LedgerTxID      string
	LedgerHeight    int64
	KeyID           string
	Signature       string

	// raw times exactly as signed
	authorizedAtRaw, expiresAtRaw string
}

func certificateFromWire(c *wire.Certificate) *Certificate {
	return &Certificate{
		CertID: c.CertID, AuthorizationID: c.AuthorizationID, PaasID: c.PaasID, OrgCode: c.OrgCode,
		MatterCode: c.MatterCode, Purpose: c.Purpose, HolderDigest: c.HolderDigest,
		GrantedItems: append([]string(nil), c.GrantedItems...), AuthorizedAt: parseTime(c.AuthorizedAt),
		ExpiresAt: parseTime(c.ExpiresAt), LedgerName: c.Ledger.Name, LedgerTxID: c.Ledger.TxID,
		LedgerHeight: c.Ledger.BlockHeight, KeyID: c.KeyID, Signature: c.Signature,
		authorizedAtRaw: c.AuthorizedAt, expiresAtRaw: c.ExpiresAt,
	}
}

func (c *Certificate) toWire() *wire.Certificate {
	at, exp := c.authorizedAtRaw, c.expiresAtRaw
	if at == "" {
		at = formatTime(c.AuthorizedAt)
	}
	if exp == "" {
		exp = formatTime(c.ExpiresAt)
	}
	return &wire.Certificate{CertID: c.CertID, AuthorizationID: c.AuthorizationID, PaasID: c.PaasID,
		OrgCode: c.OrgCode, MatterCode: c.MatterCode, Purpose: c.Purpose, HolderDigest: c.HolderDigest,
		GrantedItems: c.GrantedItems, AuthorizedAt: at, ExpiresAt: exp,
		Ledger: wire.Ledger{Name: c.LedgerName, TxID: c.LedgerTxID, BlockHeight: c.LedgerHeight},
		KeyID:  c.KeyID, Signature: c.Signature}
}

// StringToSign returns the DSP1-CERT string the platform signed.
func (c *Certificate) StringToSign() string { return wire.CertificateToSign(c.toWire()) }

// Verify checks the certificate's platform signature with the client's
// platform key ring (refreshing it once on an unknown key id).
func (c *Certificate) Verify(ctx context.Context, cl *client.Client) error {
	if cl == nil {
		return dserrors.New(dserrors.Details{Kind: dserrors.Validation, Code: dserrors.CodeConfig, Message: "certificate verify: client is nil"})
	}
	if !slices.IsSorted(c.GrantedItems) {
		return certErr("grantedItems are not sorted", nil)
	}
	if err := cl.VerifyPlatformSignature(ctx, c.KeyID, []byte(c.StringToSign()), c.Signature); err != nil {
		return certErr("certificate signature does not verify", err)
	}
	return nil
}

// HolderMatches reports whether the certificate is about the holder with
// this identifier (compared in constant time).
func (c *Certificate) HolderMatches(idType IDType, idNumber string) bool {
	return constantTimeEqual(wire.HolderDigest(string(idType), idNumber), c.HolderDigest)
}

// VerifyCertificate checks cert fully against what the system knows: the
// platform signature, that it is about this authorization, this system and
// organization, this matter, and exactly the granted items; and, when
// expect is given, that its holder digest is that holder's.
func (s *Service) VerifyCertificate(ctx context.Context, cert *Certificate, auth *Authorization, expect *Holder) error {
	if err := cert.Verify(ctx, s.c); err != nil {
		return err
	}
	switch {
	case auth != nil && cert.AuthorizationID != auth.ID:
		return certErr("certificate is for another authorization", nil)
	case cert.PaasID != s.id.PaasID:
		return certErr("certificate is for another paasId", nil)
	case cert.OrgCode != s.id.OrgCode:
		return certErr("certificate is for another organization", nil)
	case auth != nil && cert.MatterCode != auth.Matter.Code:
		return certErr("certificate is for another matter", nil)
	}
	if auth != nil {
		granted := slices.Clone(auth.GrantedItems)
		slices.Sort(granted)
		if !slices.Equal(granted, cert.GrantedItems) {
			return certErr("certificate grants other items than the authorization", nil)
		}
		for _, it := range auth.Items {
			if it.Required && !slices.Contains(cert.GrantedItems, it.Code) {
				return certErr("a required item was not granted: "+it.Code, nil)
			}
		}
	}
	if expect != nil && !cert.HolderMatches(expect.IDType, expect.IDNumber) {
		return certErr("certificate holder digest does not match the holder", nil)
	}
	return nil
}

// GetCertificate reads the platform's record of a certificate (call 7) and
// verifies its signature.
func (s *Service) GetCertificate(ctx context.Context, certID string) (*Certificate, error) {
	if err := checkID("certId", certID); err != nil {
		return nil, err
	}
	resp, err := s.c.Do(ctx, &client.Call{Route: string(wire.RouteGetCertificate), Method: "GET", Path: wire.CertificatePath(certID), Idempotent: true})
	if err != nil {
		return nil, err
	}
	var w wire.Certificate
	if err := decodeData(resp, &w); err != nil {
		return nil, err
	}
	c := certificateFromWire(&w)
	if err := c.Verify(ctx, s.c); err != nil {
		return nil, err
	}
	return c, nil
}

func certErr(msg string, cause error) error {
	return dserrors.New(dserrors.Details{Kind: dserrors.Signature, Code: dserrors.CodeBadSignature,
		Message: fmt.Sprintf("data asset certificate: %s", msg), Cause: cause})
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
