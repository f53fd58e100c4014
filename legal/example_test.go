package legal_test

import (
	"context"
	"fmt"
	"time"

	"github.com/zsdata/digitalspace/client"
	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/legal"
	"github.com/zsdata/digitalspace/scenario"
	"github.com/zsdata/digitalspace/sign"
)

// exampleEnv is one usage system talking to an in-process simulator.
type exampleEnv struct {
	srv    *dstest.Server
	svc    *scenario.Service
	common legal.Common  // the first legal matter of the system, all items
	holder dstest.Holder // a synthetic enterprise holding every license
}

// exampleSetup starts a simulator and builds the client and service of the
// system paasID with the TEST keys of dstest. TEST keys and tokens are
// public: never use them in production. Close the server when done.
func exampleSetup(paasID string) *exampleEnv {
	srv, err := dstest.NewServer(dstest.Config{})
	if err != nil {
		panic(err)
	}
	reg := srv.Sim.Registry()
	var sys dstest.RegSystem
	for _, s := range reg.Systems {
		if s.PaasID == paasID {
			sys = s
		}
	}
	priv, err := sign.ParsePrivateKeyPEM([]byte(dstest.TestClientPrivateKeyPEM), nil)
	if err != nil {
		panic(err)
	}
	platform, err := sign.ParsePublicKeyPEM([]byte(dstest.TestPlatformPublicKeyPEM))
	if err != nil {
		panic(err)
	}
	cl, err := client.New(client.Config{
		BaseURL: srv.URL, PaasID: paasID, PaasToken: dstest.DefaultPaasToken(paasID),
		KeyID: dstest.TestClientKeyID, Signer: priv,
		PlatformKeys: []sign.PublicKey{{KeyID: dstest.TestPlatformKeyID, Key: platform}},
		OrgName:      sys.OrgName, OrgCode: sys.OrgCode, SystemName: sys.SystemName,
		AuthPageTimeout: 3 * time.Second,
	})
	if err != nil {
		panic(err)
	}
	svc, err := scenario.New(cl, scenario.WithPolicy(examplePolicy(reg)))
	if err != nil {
		panic(err)
	}
	e := &exampleEnv{srv: srv, svc: svc}
	for _, m := range sys.Matters {
		if m.Subject != string(scenario.Legal) || e.common.Matter.Code != "" {
			continue
		}
		e.common = legal.Common{
			Matter:  scenario.Matter{Code: m.Code, Name: m.Name},
			Purpose: "办理" + m.Name,
			Operator: scenario.Operator{Name: "窗口工作人员", IDType: scenario.IDCard, IDNumber: "442000199001011233",
				Verified: true, Method: "face", VerifiedAt: time.Now().Add(-time.Hour)},
			ClientIP: "10.20.30.40",
		}
		for i, it := range m.Items {
			// the first item is required; the holder may leave out the others in h5
			e.common.Items = append(e.common.Items, scenario.Item{Kind: scenario.ItemKind(it.Kind), Code: it.Code, Name: it.Name, Required: i == 0})
		}
	}
	for _, h := range srv.Sim.Holders() {
		if h.Type == string(scenario.LegalHolder) {
			e.holder = h
			break
		}
	}
	return e
}

// examplePolicy turns the simulator's registry into the SDK's business-type
// registry, as a system team would from its registration data.
func examplePolicy(reg *dstest.Registry) *scenario.Policy {
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

// ref names the holder to the simulator.
func (e *exampleEnv) ref() *dstest.HolderRef {
	return &dstest.HolderRef{IDType: e.holder.IDType, IDNumber: e.holder.IDNumber}
}

// finish waits for the holder's decision, fetches the delivery (certificate
// verified, licenses checked on arrival) and prints what arrived. expect is
// the holder the system knows in full, if any.
func (e *exampleEnv) finish(ctx context.Context, authorizationID string, expect *scenario.Holder) {
	a, err := e.svc.Wait(ctx, authorizationID, scenario.WaitOptions{Interval: 20 * time.Millisecond})
	if err != nil {
		fmt.Println("wait:", err)
		return
	}
	fmt.Println("status:", a.Status)
	d, err := e.svc.Deliver(ctx, a, expect)
	if err != nil {
		fmt.Println("deliver:", err)
		return
	}
	defer d.Wipe() // delivered data lives in memory only
	fmt.Printf("licenses: %d, data items: %d\n", len(d.Licenses), len(d.Data))
	// Deliver has verified the certificate already; VerifyCertificate
	// repeats the check, e.g. on a certificate kept for an audit.
	fmt.Println("certificate verified:", e.svc.VerifyCertificate(ctx, d.Certificate, a, expect) == nil)
}

func ExampleYSTCode_Create() {
	e := exampleSetup("zs-ggzy-001") // 中山市公共资源交易平台
	defer e.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	scanned := e.holder.ScanCode // what the clerk's scanner read from the 粤商码
	page, err := (&legal.YSTCode{Common: e.common, ScanCode: scanned}).Create(ctx, e.svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("authorization page pushed:", page.URL != "")

	// The legal person or agent authorizes by face in 粤商通 (played by the simulator).
	if err := e.srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "approve"}); err != nil {
		fmt.Println(err)
		return
	}
	e.finish(ctx, page.AuthorizationID, nil)
	// Output:
	// authorization page pushed: true
	// status: AUTHORIZED
	// licenses: 3, data items: 1
	// certificate verified: true
}

func ExampleServiceCode_Create() {
	e := exampleSetup("zs-scdj-001") // 中山市商事登记全程电子化智能申报审批平台
	defer e.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	code, err := (&legal.ServiceCode{Common: e.common, TerminalID: "hall-screen-01"}).Create(ctx, e.svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("refresh before expiry:", !code.RefreshAt.After(code.ExpiresAt))
	// Show code.QRContent as a QR image (scenario.QRPNG), or keep a fresh
	// code on a hall screen with scenario.Rotator and scenario.Screen.

	// The enterprise's agent scans the code in the 粤商通 app (played by the simulator).
	id, err := e.srv.Sim.Scan(code.QRContent, *e.ref())
	if err != nil {
		fmt.Println(err)
		return
	}
	list, err := e.svc.ServiceCodeAuthorizations(ctx, code.CodeID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("authorizations from this code:", len(list), list[0].Status)

	if err := e.srv.Sim.Decide(id, dstest.Decision{Decision: "approve"}); err != nil {
		fmt.Println(err)
		return
	}
	e.finish(ctx, id, nil)
	// Output:
	// refresh before expiry: true
	// authorizations from this code: 1 SCANNED
	// status: AUTHORIZED
	// licenses: 1, data items: 1
	// certificate verified: true
}

func ExampleH5_Create() {
	e := exampleSetup("zs-zjj-001") // 中山市住房和城乡建设管理信息系统
	defer e.srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	page, err := (&legal.H5{Common: e.common, ReturnURL: "https://zjj.example.invalid/h5/return"}).Create(ctx, e.svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("open in the 粤商通 app:", page.URL != "")

	// The legal person or agent opens the page and approves every item.
	if err := e.srv.Sim.Open(page.AuthorizationID, e.ref()); err != nil {
		fmt.Println(err)
		return
	}
	if err := e.srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "approve"}); err != nil {
		fmt.Println(err)
		return
	}
	e.finish(ctx, page.AuthorizationID, nil)
	// Output:
	// open in the 粤商通 app: true
	// status: AUTHORIZED
	// licenses: 3, data items: 1
	// certificate verified: true
}
