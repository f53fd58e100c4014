// Package simenv builds, for tests and godoc examples inside this module, a
// usage system talking to the simulator: a client.Client with the TEST keys
// of dstest and a scenario.Service whose business-type registry is the
// simulator's, as a system team would build theirs from its registration.
//
// TEST keys and tokens only: they are public and never for production.
package simenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/zsdata/digitalspace/client"
	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/scenario"
	"github.com/zsdata/digitalspace/sign"
)

// System returns the registry entry of paasID.
func System(reg *dstest.Registry, paasID string) (dstest.RegSystem, error) {
	for _, s := range reg.Systems {
		if s.PaasID == paasID {
			return s, nil
		}
	}
	return dstest.RegSystem{}, fmt.Errorf("simenv: paasId %s is not in the registry", paasID)
}

// ClientConfig is a complete client.Config of the registered system paasID
// at baseURL, with the TEST keys and token of dstest.
func ClientConfig(baseURL string, reg *dstest.Registry, paasID string) (client.Config, error) {
	sys, err := System(reg, paasID)
	if err != nil {
		return client.Config{}, err
	}
	priv, err := sign.ParsePrivateKeyPEM([]byte(dstest.TestClientPrivateKeyPEM), nil)
	if err != nil {
		return client.Config{}, err
	}
	platform, err := sign.ParsePublicKeyPEM([]byte(dstest.TestPlatformPublicKeyPEM))
	if err != nil {
		return client.Config{}, err
	}
	return client.Config{
		BaseURL: baseURL, PaasID: paasID, PaasToken: dstest.DefaultPaasToken(paasID),
		KeyID: dstest.TestClientKeyID, Signer: priv,
		PlatformKeys: []sign.PublicKey{{KeyID: dstest.TestPlatformKeyID, Key: platform}},
		OrgName:      sys.OrgName, OrgCode: sys.OrgCode, SystemName: sys.SystemName,
	}, nil
}

// Policy is the simulator's registry as the SDK's business-type registry.
func Policy(reg *dstest.Registry) (*scenario.Policy, error) {
	b, err := json.Marshal(reg)
	if err != nil {
		return nil, err
	}
	return scenario.LoadPolicy(bytes.NewReader(b))
}

// Service builds the client (adjusted by mod, if given) and the service of
// paasID against the simulator at baseURL.
func Service(baseURL string, reg *dstest.Registry, paasID string, mod func(*client.Config)) (*client.Client, *scenario.Service, error) {
	cfg, err := ClientConfig(baseURL, reg, paasID)
	if err != nil {
		return nil, nil, err
	}
	if mod != nil {
		mod(&cfg)
	}
	cl, err := client.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	p, err := Policy(reg)
	if err != nil {
		return nil, nil, err
	}
	svc, err := scenario.New(cl, scenario.WithPolicy(p))
	if err != nil {
		return nil, nil, err
	}
	return cl, svc, nil
}

// Operator is the TEST operator (用证人) of tests and examples.
func Operator() scenario.Operator {
	return scenario.Operator{Name: "窗口工作人员", IDType: scenario.IDCard, IDNumber: "442000199001011233",
		Verified: true, Method: "face", VerifiedAt: time.Now().Add(-time.Hour)}
}

// Common returns the shared fields for the first matter of subject that
// paasID has registered, with all its items, the first one required.
func Common(reg *dstest.Registry, paasID string, subject scenario.Subject) (scenario.Common, error) {
	sys, err := System(reg, paasID)
	if err != nil {
		return scenario.Common{}, err
	}
	for _, m := range sys.Matters {
		if m.Subject != string(subject) {
			continue
		}
		c := scenario.Common{Matter: scenario.Matter{Code: m.Code, Name: m.Name}, Purpose: "办理" + m.Name,
			Operator: Operator(), ClientIP: "10.20.30.40"}
		for i, it := range m.Items {
			c.Items = append(c.Items, scenario.Item{Kind: scenario.ItemKind(it.Kind), Code: it.Code, Name: it.Name, Required: i == 0})
		}
		return c, nil
	}
	return scenario.Common{}, fmt.Errorf("simenv: no %s matter registered for %s", subject, paasID)
}

// Env is one usage system talking to an in-process simulator over HTTP,
// for godoc examples: the first matter of a subject with all its items and a
// synthetic holder of that subject.
type Env struct {
	Srv    *dstest.Server
	Svc    *scenario.Service
	Common scenario.Common
	Holder dstest.Holder
}

// New starts a simulator and builds the service of paasID for subject.
// Close the Env when done.
func New(paasID string, subject scenario.Subject) (*Env, error) {
	srv, err := dstest.NewServer(dstest.Config{})
	if err != nil {
		return nil, err
	}
	e := &Env{Srv: srv}
	reg := srv.Sim.Registry()
	if _, e.Svc, err = Service(srv.URL, reg, paasID, func(c *client.Config) { c.AuthPageTimeout = 3 * time.Second }); err != nil {
		srv.Close()
		return nil, err
	}
	if e.Common, err = Common(reg, paasID, subject); err != nil {
		srv.Close()
		return nil, err
	}
	for _, h := range srv.Sim.Holders() {
		if h.Type == string(scenario.HolderTypeOf(subject)) {
			e.Holder = h
			break
		}
	}
	return e, nil
}

// Close stops the simulator.
func (e *Env) Close() { e.Srv.Close() }

// Ref names the holder to the simulator.
func (e *Env) Ref() *dstest.HolderRef {
	return &dstest.HolderRef{IDType: e.Holder.IDType, IDNumber: e.Holder.IDNumber}
}

// Finish waits for the holder's decision, fetches the delivery (certificate
// verified, licenses checked on arrival) and prints to out what arrived:
// the status, the counts and whether the certificate verifies. expect is the
// holder the system knows in full, if any.
func (e *Env) Finish(ctx context.Context, out io.Writer, authorizationID string, expect *scenario.Holder) {
	a, err := e.Svc.Wait(ctx, authorizationID, scenario.WaitOptions{Interval: 20 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(out, "wait:", err)
		return
	}
	fmt.Fprintln(out, "status:", a.Status)
	d, err := e.Svc.Deliver(ctx, a, expect)
	if err != nil {
		fmt.Fprintln(out, "deliver:", err)
		return
	}
	defer d.Wipe() // delivered data lives in memory only
	fmt.Fprintf(out, "licenses: %d, data items: %d\n", len(d.Licenses), len(d.Data))
	// Deliver has verified the certificate already; VerifyCertificate
	// repeats the check, e.g. on a certificate kept for an audit.
	fmt.Fprintln(out, "certificate verified:", e.Svc.VerifyCertificate(ctx, d.Certificate, a, expect) == nil)
}
