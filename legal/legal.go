// Package legal holds the three scenarios of the legal-person Digital Space
// (法人数字空间): YSTCode (粤商码 shown in the 粤商通 app and scanned by the
// clerk), ServiceCode (办事码 scanned by the legal person or agent in 粤商通)
// and H5 (the authorization page inside the 粤商通 app). The legal person or
// its agent authorizes by face.
package legal

import (
	"context"

	"github.com/zsdata/digitalspace/scenario"
)

// Common is the set of fields every scenario shares.
type Common = scenario.Common

// YSTCode is a 粤商码 scenario.
type YSTCode struct {
	Common
	// ScanCode is the string the scanner read from the enterprise's 粤商码.
	ScanCode string
}

// Create validates and creates the authorization; the result carries the
// authorization page URL.
func (r *YSTCode) Create(ctx context.Context, svc *scenario.Service) (*scenario.AuthPage, error) {
	req := r.Request(scenario.Legal, scenario.YSTCode)
	req.ScanCode = r.ScanCode
	c, err := svc.Create(ctx, req)
	if err != nil {
		return nil, err
	}
	return scenario.AuthPageOf(c), nil
}

// ServiceCode is a legal 办事码, scanned in the 粤商通 app.
type ServiceCode struct {
	Common
	// TerminalID names the hall screen or handset showing the code (optional).
	TerminalID string
}

// Create validates and creates one service code.
func (r *ServiceCode) Create(ctx context.Context, svc *scenario.Service) (*scenario.ServiceCodeInfo, error) {
	return svc.CreateServiceCode(ctx, r.ScenarioRequest())
}

// ScenarioRequest returns the shared Request of r (for scenario.Rotator).
func (r *ServiceCode) ScenarioRequest() *scenario.Request {
	req := r.Request(scenario.Legal, scenario.ServiceCode)
	req.TerminalID = r.TerminalID
	return req
}

// H5 is the authorization page inside the 粤商通 app; items can be added and
// removed by the legal person.
type H5 struct {
	Common
	// ReturnURL is where the page returns after the decision.
	ReturnURL string
}

// Create validates and creates the authorization.
func (r *H5) Create(ctx context.Context, svc *scenario.Service) (*scenario.AuthPage, error) {
	req := r.Request(scenario.Legal, scenario.H5)
	req.ReturnURL = r.ReturnURL
	c, err := svc.Create(ctx, req)
	if err != nil {
		return nil, err
	}
	return scenario.AuthPageOf(c), nil
}
