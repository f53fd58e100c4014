// Package personal holds the five scenarios of the personal Digital Space
// (个人数字空间): YSSCode (粤省事码 scanned by the clerk), ServiceCode (办事码
// scanned by the holder), MobileApp (a mobile app or mini program), H5 (the
// authorization page inside the 粤省事 app) and DataCode (数据码 keyed in with
// the holder's ID number). Each has its own typed request holding exactly
// its fields.
package personal

import (
	"context"
	"time"

	"github.com/zsdata/digitalspace/scenario"
)

// Common is the set of fields every scenario shares.
type Common = scenario.Common

// YSSCode is a 粤省事码 scenario: the clerk scans the code the holder shows in
// the 粤省事 app; the authorization page is pushed to the holder's phone.
type YSSCode struct {
	Common
	// ScanCode is the string the scanner read from the holder's code.
	ScanCode string
}

// Create validates and creates the authorization; the result carries the
// authorization page URL.
func (r *YSSCode) Create(ctx context.Context, svc *scenario.Service) (*scenario.AuthPage, error) {
	req := r.Request(scenario.Personal, scenario.YSSCode)
	req.ScanCode = r.ScanCode
	c, err := svc.Create(ctx, req)
	if err != nil {
		return nil, err
	}
	return scenario.AuthPageOf(c), nil
}

// ServiceCode is a 办事码 scenario: the system shows a dynamic QR code (on a
// hall screen, a handset or a PC page) that the holder scans with WeChat.
type ServiceCode struct {
	Common
	// TerminalID names the hall screen or handset showing the code (optional).
	TerminalID string
}

// Create validates and creates one service code. For a screen that always
// shows a fresh code, use scenario.Rotator.
func (r *ServiceCode) Create(ctx context.Context, svc *scenario.Service) (*scenario.ServiceCodeInfo, error) {
	return svc.CreateServiceCode(ctx, r.ScenarioRequest())
}

// ScenarioRequest returns the shared Request of r (for scenario.Rotator).
func (r *ServiceCode) ScenarioRequest() *scenario.Request {
	req := r.Request(scenario.Personal, scenario.ServiceCode)
	req.TerminalID = r.TerminalID
	return req
}

// MobileApp is the scenario where a mobile app or mini program calls the
// personal space: the result carries the launch parameters of the mini program.
type MobileApp struct {
	Common
	// ReturnURL is where the holder returns after deciding.
	ReturnURL string
}

// Create validates and creates the authorization.
func (r *MobileApp) Create(ctx context.Context, svc *scenario.Service) (*Launch, error) {
	req := r.Request(scenario.Personal, scenario.MobileApp)
	req.ReturnURL = r.ReturnURL
	c, err := svc.Create(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Launch{AuthorizationID: c.AuthorizationID, Launch: *c.Launch, ExpiresAt: c.ExpiresAt, RequestID: c.RequestID}, nil
}

// Launch is the result of MobileApp: what the app needs to open the
// authorization in the personal-space mini program.
type Launch struct {
	AuthorizationID string
	scenario.Launch
	ExpiresAt time.Time
	RequestID string
}

// H5 is the authorization page inside the 粤省事 app; the holder may add
// items registered for the matter and remove items that are not required.
type H5 struct {
	Common
	// ReturnURL is where the page returns after the decision.
	ReturnURL string
}

// Create validates and creates the authorization; open the page URL in the app.
func (r *H5) Create(ctx context.Context, svc *scenario.Service) (*scenario.AuthPage, error) {
	req := r.Request(scenario.Personal, scenario.H5)
	req.ReturnURL = r.ReturnURL
	c, err := svc.Create(ctx, req)
	if err != nil {
		return nil, err
	}
	return scenario.AuthPageOf(c), nil
}

// DataCode is a 数据码 scenario: the holder shows a 6-digit data code in the
// personal space; the clerk keys it in with the holder's ID number.
type DataCode struct {
	Common
	// DataCode is the 6-digit code the holder shows.
	DataCode string
	// IDType is the holder's identifier type (default ID_CARD).
	IDType scenario.IDType
	// IDNumber is the holder's identifier number (GB 11643 checked for ID_CARD).
	IDNumber string
}

// Create validates and creates the authorization; the page is pushed to the
// holder's phone.
func (r *DataCode) Create(ctx context.Context, svc *scenario.Service) (*scenario.AuthPage, error) {
	req := r.Request(scenario.Personal, scenario.DataCode)
	req.DataCode = r.DataCode
	req.Holder = r.Holder()
	c, err := svc.Create(ctx, req)
	if err != nil {
		return nil, err
	}
	return scenario.AuthPageOf(c), nil
}

// Holder returns the holder the clerk keyed in, to check the delivery against.
func (r *DataCode) Holder() *scenario.Holder {
	t := r.IDType
	if t == "" {
		t = scenario.IDCard
	}
	return &scenario.Holder{Type: scenario.PersonHolder, IDType: t, IDNumber: r.IDNumber}
}
