package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/zsdata/digitalspace/client"
	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
)

// Service runs the scenario calls of one usage system through a
// client.Client. It is safe for concurrent use.
type Service struct {
	c      *client.Client
	policy *Policy
	id     Identity
	now    func() time.Time
}

// Option configures a Service.
type Option func(*Service)

// WithPolicy sets the business-type registry used for the source and
// business-type checks (default DefaultPolicy()). WithPolicy(nil) turns both
// checks off and leaves them to the platform.
func WithPolicy(p *Policy) Option { return func(s *Service) { s.policy = p } }

// WithClock sets the clock used for expiry checks (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns a Service over c.
func New(c *client.Client, opts ...Option) (*Service, error) {
	if c == nil {
		return nil, dserrors.New(dserrors.Details{Kind: dserrors.Validation, Code: dserrors.CodeConfig, Message: "scenario.New: client is nil"})
	}
	s := &Service{
		c:      c,
		policy: DefaultPolicy(),
		id:     Identity{PaasID: c.PaasID(), OrgName: c.OrgName(), OrgCode: c.OrgCode(), SystemName: c.SystemName()},
		now:    time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Client returns the underlying client.
func (s *Service) Client() *client.Client { return s.c }

// Identity returns the system's registration used in every call.
func (s *Service) Identity() Identity { return s.id }

// Create validates r (format, source, business type), then creates the
// authorization (call 1) within the authorization-page deadline (default
// 1000 ms). Service codes use CreateServiceCode.
func (s *Service) Create(ctx context.Context, r *Request) (*Created, error) {
	if r != nil && r.Scenario == ServiceCode {
		return nil, formatErr("scenario", "service codes are created with CreateServiceCode", "办事码请使用办事码接口生成")
	}
	var d wire.CreatedAuthorization
	resp, err := s.create(ctx, r, wire.RouteCreateAuthorization, wire.AuthorizationsPath(), &d)
	if err != nil {
		return nil, err
	}
	if d.AuthorizationID == "" {
		return nil, badResponse(resp, "authorizationId missing")
	}
	out := &Created{
		AuthorizationID: d.AuthorizationID, Subject: Subject(d.Subject), Scenario: Kind(d.Scenario),
		Status: Status(d.Status), ExpiresAt: parseTime(d.ExpiresAt), RequestID: resp.RequestID,
	}
	if d.AuthPage != nil {
		out.AuthPageURL = d.AuthPage.URL
	}
	if d.Launch != nil {
		out.Launch = &Launch{MiniProgramAppID: d.Launch.MiniProgram.AppID, MiniProgramPath: d.Launch.MiniProgram.Path, URL: d.Launch.URL}
	}
	if r.Scenario == MobileApp && out.Launch == nil {
		return nil, badResponse(resp, "launch missing for mobile_app")
	}
	if r.Scenario != MobileApp && out.AuthPageURL == "" {
		return nil, badResponse(resp, "authPage missing")
	}
	return out, nil
}

// CreateServiceCode validates r and creates a 办事码 (call 5).
func (s *Service) CreateServiceCode(ctx context.Context, r *Request) (*ServiceCodeInfo, error) {
	if r != nil && r.Scenario != ServiceCode {
		return nil, formatErr("scenario", "CreateServiceCode needs scenario service_code", "场景应为办事码")
	}
	var d wire.ServiceCode
	resp, err := s.create(ctx, r, wire.RouteCreateServiceCode, wire.ServiceCodesPath(), &d)
	if err != nil {
		return nil, err
	}
	sc := &ServiceCodeInfo{CodeID: d.CodeID, QRContent: d.QRContent, ExpiresAt: parseTime(d.ExpiresAt), RefreshAt: parseTime(d.RefreshAt), RequestID: resp.RequestID}
	if sc.CodeID == "" || sc.QRContent == "" || sc.ExpiresAt.IsZero() {
		return nil, badResponse(resp, "service code incomplete")
	}
	if sc.RefreshAt.IsZero() || sc.RefreshAt.After(sc.ExpiresAt) {
		sc.RefreshAt = sc.ExpiresAt
	}
	return sc, nil
}

// create runs the legality checks on r, sends it as call 1 or 5 (idempotent
// by its requestId, within the authorization-page deadline) and decodes the
// answer's data into data.
func (s *Service) create(ctx context.Context, r *Request, route wire.RouteName, path string, data any) (*client.Response, error) {
	if err := Check(s.id, s.policy, r); err != nil {
		return nil, err
	}
	body, err := json.Marshal(toWireRequest(s.id, r))
	if err != nil {
		return nil, fmt.Errorf("scenario: encode request: %w", err)
	}
	resp, err := s.c.Do(ctx, &client.Call{
		Route: string(route), Method: "POST", Path: path,
		Body: body, RequestID: r.RequestID, Idempotent: true, AuthPage: true,
	})
	if err != nil {
		return nil, err
	}
	if err := decodeData(resp, data); err != nil {
		return nil, err
	}
	return resp, nil
}

// Get returns the current state of an authorization (call 2).
func (s *Service) Get(ctx context.Context, authorizationID string) (*Authorization, error) {
	if err := checkID("authorizationId", authorizationID); err != nil {
		return nil, err
	}
	return s.authorizationCall(ctx, wire.RouteGetAuthorization, "GET", wire.AuthorizationPath(authorizationID))
}

// Cancel cancels an authorization that is still PENDING or SCANNED (call 3).
func (s *Service) Cancel(ctx context.Context, authorizationID string) (*Authorization, error) {
	if err := checkID("authorizationId", authorizationID); err != nil {
		return nil, err
	}
	return s.authorizationCall(ctx, wire.RouteCancelAuthorization, "POST", wire.CancelPath(authorizationID))
}

func (s *Service) authorizationCall(ctx context.Context, route wire.RouteName, method, path string) (*Authorization, error) {
	call := &client.Call{Route: string(route), Method: method, Path: path, Idempotent: true}
	if method == "POST" {
		call.Body = []byte("{}")
	}
	resp, err := s.c.Do(ctx, call)
	if err != nil {
		return nil, err
	}
	var a wire.Authorization
	if err := decodeData(resp, &a); err != nil {
		return nil, err
	}
	if a.AuthorizationID == "" {
		return nil, badResponse(resp, "authorization missing")
	}
	return fromWireAuthorization(&a), nil
}

// ServiceCodeAuthorizations lists the authorizations that holders started by
// scanning a service code (call 6).
func (s *Service) ServiceCodeAuthorizations(ctx context.Context, codeID string) ([]*Authorization, error) {
	if err := checkID("codeId", codeID); err != nil {
		return nil, err
	}
	resp, err := s.c.Do(ctx, &client.Call{Route: string(wire.RouteServiceCodeAuthorizations), Method: "GET",
		Path: wire.ServiceCodeAuthorizationsPath(codeID), Idempotent: true})
	if err != nil {
		return nil, err
	}
	var d wire.ServiceCodeAuthorizations
	if err := decodeData(resp, &d); err != nil {
		return nil, err
	}
	out := make([]*Authorization, len(d.Authorizations))
	for i := range d.Authorizations {
		out[i] = fromWireAuthorization(&d.Authorizations[i])
	}
	return out, nil
}

func checkID(field, id string) error {
	if id == "" || len(id) > 128 {
		return formatErr(field, field+" must be 1-128 characters", "授权编号不正确")
	}
	return nil
}

func decodeData(resp *client.Response, v any) error {
	if len(resp.Data) == 0 {
		return badResponse(resp, "data missing")
	}
	if err := json.Unmarshal(resp.Data, v); err != nil {
		return dserrors.New(dserrors.Details{Kind: dserrors.Platform, Code: dserrors.CodeBadResponse,
			Message: "answer data cannot be decoded", RequestID: resp.RequestID, HTTPStatus: resp.Status, Attempts: resp.Attempts, Cause: err})
	}
	return nil
}

func badResponse(resp *client.Response, msg string) error {
	return dserrors.New(dserrors.Details{Kind: dserrors.Platform, Code: dserrors.CodeBadResponse,
		Message: msg, RequestID: resp.RequestID, HTTPStatus: resp.Status, Attempts: resp.Attempts})
}
