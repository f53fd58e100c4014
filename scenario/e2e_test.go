package scenario_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/ident"
	"github.com/zsdata/digitalspace/legal"
	"github.com/zsdata/digitalspace/personal"
	"github.com/zsdata/digitalspace/scenario"
)

// startFn creates the authorization of one scenario the way its users
// would, playing the holder's scan where the holder starts it, and returns
// its id and the holder the system knows in full (if any).
type startFn func(t *testing.T, e *env, c scenario.Common, h dstest.Holder) (string, *scenario.Holder)

var scenarios = []struct {
	name    string
	paasID  string
	subject scenario.Subject
	start   startFn
}{
	{"personal/yss_code", "zs-gjj-001", scenario.Personal, func(t *testing.T, e *env, c scenario.Common, h dstest.Holder) (string, *scenario.Holder) {
		p, err := (&personal.YSSCode{Common: c, ScanCode: h.ScanCode}).Create(ctx(t), e.svc)
		require.NoError(t, err)
		assert.NotEmpty(t, p.URL)
		return p.AuthorizationID, nil
	}},
	{"personal/service_code", "zs-rsj-001", scenario.Personal, func(t *testing.T, e *env, c scenario.Common, h dstest.Holder) (string, *scenario.Holder) {
		sc, err := (&personal.ServiceCode{Common: c, TerminalID: "screen-1"}).Create(ctx(t), e.svc)
		require.NoError(t, err)
		assert.False(t, sc.RefreshAt.After(sc.ExpiresAt))
		id, err := e.srv.Sim.Scan(sc.QRContent, ref(h))
		require.NoError(t, err)
		list, err := e.svc.ServiceCodeAuthorizations(ctx(t), sc.CodeID)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, id, list[0].ID)
		assert.Equal(t, sc.CodeID, list[0].ServiceCodeID)
		return id, nil
	}},
	{"personal/mobile_app", "zs-gjj-001", scenario.Personal, func(t *testing.T, e *env, c scenario.Common, h dstest.Holder) (string, *scenario.Holder) {
		l, err := (&personal.MobileApp{Common: c, ReturnURL: "https://app.example.invalid/r"}).Create(ctx(t), e.svc)
		require.NoError(t, err)
		assert.NotEmpty(t, l.MiniProgramAppID)
		assert.NotEmpty(t, l.MiniProgramPath)
		r := ref(h)
		require.NoError(t, e.srv.Sim.Open(l.AuthorizationID, &r))
		return l.AuthorizationID, nil
	}},
	{"personal/h5", "zs-zjj-001", scenario.Personal, func(t *testing.T, e *env, c scenario.Common, h dstest.Holder) (string, *scenario.Holder) {
		p, err := (&personal.H5{Common: c, ReturnURL: "https://zjj.example.invalid/r"}).Create(ctx(t), e.svc)
		require.NoError(t, err)
		r := ref(h)
		require.NoError(t, e.srv.Sim.Open(p.AuthorizationID, &r))
		return p.AuthorizationID, nil
	}},
	{"personal/data_code", "zs-gjj-001", scenario.Personal, func(t *testing.T, e *env, c scenario.Common, h dstest.Holder) (string, *scenario.Holder) {
		req := &personal.DataCode{Common: c, DataCode: h.DataCode, IDNumber: h.IDNumber}
		p, err := req.Create(ctx(t), e.svc)
		require.NoError(t, err)
		return p.AuthorizationID, req.Holder()
	}},
	{"legal/yst_code", "zs-ggzy-001", scenario.Legal, func(t *testing.T, e *env, c scenario.Common, h dstest.Holder) (string, *scenario.Holder) {
		p, err := (&legal.YSTCode{Common: c, ScanCode: h.ScanCode}).Create(ctx(t), e.svc)
		require.NoError(t, err)
		return p.AuthorizationID, nil
	}},
	{"legal/service_code", "zs-scdj-001", scenario.Legal, func(t *testing.T, e *env, c scenario.Common, h dstest.Holder) (string, *scenario.Holder) {
		sc, err := (&legal.ServiceCode{Common: c}).Create(ctx(t), e.svc)
		require.NoError(t, err)
		id, err := e.srv.Sim.Scan(sc.QRContent, ref(h))
		require.NoError(t, err)
		return id, nil
	}},
	{"legal/h5", "zs-zjj-001", scenario.Legal, func(t *testing.T, e *env, c scenario.Common, h dstest.Holder) (string, *scenario.Holder) {
		p, err := (&legal.H5{Common: c, ReturnURL: "https://zjj.example.invalid/r"}).Create(ctx(t), e.svc)
		require.NoError(t, err)
		r := ref(h)
		require.NoError(t, e.srv.Sim.Open(p.AuthorizationID, &r))
		return p.AuthorizationID, nil
	}},
}

func TestScenariosHappyPath(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			e := newEnv(t, sc.paasID)
			c := e.common(t, sc.subject)
			h := e.holder(t, sc.subject, c)
			id, expect := sc.start(t, e, c, h)

			require.NoError(t, e.srv.Sim.Decide(id, dstest.Decision{Decision: "approve"}))
			a, err := e.svc.Wait(ctx(t), id, scenario.WaitOptions{Interval: 50 * time.Millisecond})
			require.NoError(t, err)
			require.Equal(t, scenario.StatusAuthorized, a.Status)
			require.NotNil(t, a.Holder)
			assert.NotEqual(t, h.IDNumber, a.Holder.IDNumber, "the platform masks the holder")

			d, err := e.svc.Deliver(ctx(t), a, expect)
			require.NoError(t, err)
			defer d.Wipe()
			var licenses, data int
			for _, it := range c.Items {
				switch {
				case it.Kind == scenario.DataItemKind:
					data++
				case slices.Contains(h.Licenses, it.Code):
					licenses++ // the platform delivers the licenses the holder has
				}
			}
			require.Len(t, d.Licenses, licenses)
			require.Len(t, d.Data, data)
			for _, l := range d.Licenses {
				_, err := ident.ParseLicenseIdentifier(l.Identifier)
				assert.NoError(t, err)
				assert.Equal(t, h.IDNumber, l.HolderCode)
				assert.NotEmpty(t, l.Content)
				assert.NotContains(t, l.String(), h.IDNumber, "String masks the holder")
			}
			assert.True(t, d.Certificate.HolderMatches(scenario.IDType(h.IDType), h.IDNumber))

			// The platform's record of the certificate verifies too.
			cert, err := e.svc.GetCertificate(ctx(t), d.Certificate.CertID)
			require.NoError(t, err)
			assert.Equal(t, d.Certificate.HolderDigest, cert.HolderDigest)
		})
	}
}

func TestScenariosRejectExpireCancel(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			e := newEnv(t, sc.paasID)
			c := e.common(t, sc.subject)
			h := e.holder(t, sc.subject, c)

			// Rejected by the holder: Wait ends REJECTED, delivery refused.
			id, _ := sc.start(t, e, c, h)
			require.NoError(t, e.srv.Sim.Decide(id, dstest.Decision{Decision: "reject"}))
			a, err := e.svc.Wait(ctx(t), id, scenario.WaitOptions{Interval: 50 * time.Millisecond})
			require.NoError(t, err)
			assert.Equal(t, scenario.StatusRejected, a.Status)
			_, err = e.svc.Deliver(ctx(t), a, nil)
			assert.Equal(t, "DS3002", dserrors.CodeOf(err))

			// Canceled by the system.
			id, _ = sc.start(t, e, c, h)
			a, err = e.svc.Cancel(ctx(t), id)
			require.NoError(t, err)
			assert.Equal(t, scenario.StatusCanceled, a.Status)
			_, err = e.svc.Cancel(ctx(t), id)
			assert.Equal(t, "DS3002", dserrors.CodeOf(err), "a canceled authorization cannot be canceled again")

			// Expired: nobody decides within the TTL.
			id, _ = sc.start(t, e, c, h)
			e.srv.Sim.AdvanceClock(31 * time.Minute)
			a, err = e.svc.Wait(ctx(t), id, scenario.WaitOptions{Interval: 50 * time.Millisecond})
			require.NoError(t, err)
			assert.Equal(t, scenario.StatusExpired, a.Status)
		})
	}
}

func TestRequiredItemLeftOut(t *testing.T) {
	e := newEnv(t, "zs-zjj-001")
	c := e.common(t, scenario.Personal)
	require.GreaterOrEqual(t, len(c.Items), 2)
	h := e.holder(t, scenario.Personal, c)
	p, err := (&personal.H5{Common: c, ReturnURL: "https://zjj.example.invalid/r"}).Create(ctx(t), e.svc)
	require.NoError(t, err)
	r := ref(h)
	require.NoError(t, e.srv.Sim.Open(p.AuthorizationID, &r))

	// The holder's side refuses an approval without the required item, and
	// nothing changes.
	err = e.srv.Sim.Decide(p.AuthorizationID, dstest.Decision{Decision: "approve", GrantedItems: []string{c.Items[1].Code}})
	require.Error(t, err)
	var se *dstest.SimError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, "DS2001", se.Code)
	a, err := e.svc.Get(ctx(t), p.AuthorizationID)
	require.NoError(t, err)
	assert.Equal(t, scenario.StatusScanned, a.Status)

	// The holder may leave out an optional item.
	require.NoError(t, e.srv.Sim.Decide(p.AuthorizationID, dstest.Decision{Decision: "approve", GrantedItems: []string{c.Items[0].Code}}))
	a, err = e.svc.Get(ctx(t), p.AuthorizationID)
	require.NoError(t, err)
	d, err := e.svc.Deliver(ctx(t), a, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{c.Items[0].Code}, d.Certificate.GrantedItems)
	d.Wipe()

	// A certificate missing a required item is refused by the SDK.
	a.Items[1].Required = true
	err = e.svc.VerifyCertificate(ctx(t), d.Certificate, a, nil)
	assert.ErrorIs(t, err, dserrors.Signature)
}

func TestDeliveryAfterUseUntil(t *testing.T) {
	e := newEnv(t, "zs-gjj-001")
	c := e.common(t, scenario.Personal)
	h := e.holder(t, scenario.Personal, c)
	p, err := (&personal.YSSCode{Common: c, ScanCode: h.ScanCode}).Create(ctx(t), e.svc)
	require.NoError(t, err)
	require.NoError(t, e.srv.Sim.Decide(p.AuthorizationID, dstest.Decision{Decision: "approve"}))
	a, err := e.svc.Get(ctx(t), p.AuthorizationID)
	require.NoError(t, err)
	require.Equal(t, scenario.StatusAuthorized, a.Status)

	e.srv.Sim.AdvanceClock(31 * time.Minute)
	_, err = e.svc.Deliver(ctx(t), a, nil)
	de, ok := dserrors.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "DS3003", de.Code())
	assert.Equal(t, dserrors.Platform, de.Kind())
	assert.Equal(t, "授权已过期，请重新发起授权。", de.UserMessage())
}

func TestRefusedBeforeSending(t *testing.T) {
	e := newEnv(t, "zs-gjj-001")
	c := e.common(t, scenario.Personal)
	before := len(e.srv.Sim.Callbacks())
	_ = before
	c.Operator.IDNumber = "442000199001011230" // wrong check digit
	_, err := (&personal.YSSCode{Common: c, ScanCode: "x"}).Create(ctx(t), e.svc)
	de, ok := dserrors.As(err)
	require.True(t, ok)
	assert.Equal(t, dserrors.Validation, de.Kind())
	assert.Equal(t, "operator.idNumber", de.Field())
	assert.Zero(t, de.Attempts(), "a refused call never leaves the system")

	// Business type: service_code is not enabled for the provident fund.
	c = e.common(t, scenario.Personal)
	_, err = (&personal.ServiceCode{Common: c}).Create(ctx(t), e.svc)
	assert.Equal(t, "DS2003", dserrors.CodeOf(err))
	assert.ErrorIs(t, err, dserrors.Validation)
}

func TestWaitCanceled(t *testing.T) {
	e := newEnv(t, "zs-gjj-001")
	c := e.common(t, scenario.Personal)
	h := e.holder(t, scenario.Personal, c)
	p, err := (&personal.YSSCode{Common: c, ScanCode: h.ScanCode}).Create(ctx(t), e.svc)
	require.NoError(t, err)
	cctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err = e.svc.Wait(cctx, p.AuthorizationID, scenario.WaitOptions{Interval: 20 * time.Millisecond})
	assert.ErrorIs(t, err, dserrors.Canceled)
}
