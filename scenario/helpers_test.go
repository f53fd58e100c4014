package scenario_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/client"
	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/scenario"
	"github.com/zsdata/digitalspace/sign"
)

// env is one system talking to an in-process simulator over real HTTP.
type env struct {
	srv *dstest.Server
	cl  *client.Client
	svc *scenario.Service
	sys dstest.RegSystem
}

func newEnv(t *testing.T, paasID string) *env {
	t.Helper()
	return newEnvLog(t, paasID, nil)
}

// newEnvLog is newEnv with the client logging to log (nil: discard).
func newEnvLog(t *testing.T, paasID string, log *slog.Logger) *env {
	t.Helper()
	srv := dstest.Start(t, dstest.Config{})
	var sys dstest.RegSystem
	for _, s := range srv.Sim.Registry().Systems {
		if s.PaasID == paasID {
			sys = s
		}
	}
	require.Equal(t, paasID, sys.PaasID)
	priv, err := sign.ParsePrivateKeyPEM([]byte(dstest.TestClientPrivateKeyPEM), nil)
	require.NoError(t, err)
	pub, err := sign.ParsePublicKeyPEM([]byte(dstest.TestPlatformPublicKeyPEM))
	require.NoError(t, err)
	cl, err := client.New(client.Config{
		BaseURL: srv.URL, PaasID: paasID, PaasToken: dstest.DefaultPaasToken(paasID),
		KeyID: dstest.TestClientKeyID, Signer: priv,
		PlatformKeys: []sign.PublicKey{{KeyID: dstest.TestPlatformKeyID, Key: pub}},
		OrgName:      sys.OrgName, OrgCode: sys.OrgCode, SystemName: sys.SystemName,
		Timeout: 5 * time.Second, AuthPageTimeout: 3 * time.Second, Logger: log,
	})
	require.NoError(t, err)
	svc, err := scenario.New(cl, scenario.WithPolicy(policyOf(srv.Sim.Registry())))
	require.NoError(t, err)
	return &env{srv: srv, cl: cl, svc: svc, sys: sys}
}

// policyOf turns the simulator's registry into the SDK's business-type
// registry, as a system team would from its registration data.
func policyOf(reg *dstest.Registry) *scenario.Policy {
	p := &scenario.Policy{}
	for _, s := range reg.Systems {
		sp := scenario.SystemPolicy{PaasID: s.PaasID, SystemName: s.SystemName, OrgName: s.OrgName, OrgCode: s.OrgCode}
		for _, k := range s.Scenarios.Personal {
			sp.Scenarios.Personal = append(sp.Scenarios.Personal, scenario.Kind(k))
		}
		for _, k := range s.Scenarios.Legal {
			sp.Scenarios.Legal = append(sp.Scenarios.Legal, scenario.Kind(k))
		}
		for _, m := range s.Matters {
			mp := scenario.MatterPolicy{Code: m.Code, Name: m.Name, Subject: scenario.Subject(m.Subject)}
			for _, it := range m.Items {
				mp.Items = append(mp.Items, scenario.Item{Kind: scenario.ItemKind(it.Kind), Code: it.Code, Name: it.Name})
			}
			sp.Matters = append(sp.Matters, mp)
		}
		p.Systems = append(p.Systems, sp)
	}
	return p
}

// common returns the shared fields for the first matter of subject; the
// first item is required.
func (e *env) common(t *testing.T, subject scenario.Subject) scenario.Common {
	t.Helper()
	for _, m := range e.sys.Matters {
		if m.Subject != string(subject) {
			continue
		}
		c := scenario.Common{Matter: scenario.Matter{Code: m.Code, Name: m.Name}, Purpose: "办理" + m.Name,
			Operator: scenario.Operator{Name: "李四", IDType: scenario.IDCard, IDNumber: "442000199001011233",
				Verified: true, Method: "face", VerifiedAt: time.Now().Add(-time.Minute)},
			ClientIP: "10.1.2.3"}
		for i, it := range m.Items {
			c.Items = append(c.Items, scenario.Item{Kind: scenario.ItemKind(it.Kind), Code: it.Code, Name: it.Name, Required: i == 0})
		}
		return c
	}
	t.Fatalf("no %s matter for %s", subject, e.sys.PaasID)
	return scenario.Common{}
}

// holder returns a simulator holder of subject holding every required license of c.
func (e *env) holder(t *testing.T, subject scenario.Subject, c scenario.Common) dstest.Holder {
	t.Helper()
	for _, h := range e.srv.Sim.Holders() {
		if h.Type != string(scenario.HolderTypeOf(subject)) {
			continue
		}
		ok := true
		for _, it := range c.Items {
			if it.Kind == scenario.LicenseItem && it.Required {
				found := false
				for _, l := range h.Licenses {
					found = found || l == it.Code
				}
				ok = ok && found
			}
		}
		if ok {
			return h
		}
	}
	t.Fatalf("no holder for %v", c.Items)
	return dstest.Holder{}
}

func ref(h dstest.Holder) dstest.HolderRef {
	return dstest.HolderRef{IDType: h.IDType, IDNumber: h.IDNumber}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}
