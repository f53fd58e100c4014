package scenario_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/zsdata/digitalspace/dstest"
	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/simenv"
	"github.com/zsdata/digitalspace/personal"
	"github.com/zsdata/digitalspace/scenario"
)

// exampleSystem starts an in-process simulator and returns it with the
// Service of 新一代住房公积金管理系统 (zs-gjj-001), built with the TEST keys of
// dstest (public: never use them in production), the shared fields of its
// first personal matter and a synthetic citizen. Close the server when done.
func exampleSystem() (*dstest.Server, *scenario.Service, scenario.Common, dstest.Holder) {
	e, err := simenv.New("zs-gjj-001", scenario.Personal)
	if err != nil {
		panic(err)
	}
	return e.Srv, e.Svc, e.Common, e.Holder
}

func ExampleService_Deliver() {
	srv, svc, common, holder := exampleSystem()
	defer srv.Close()
	ctx := context.Background()

	page, err := (&personal.YSSCode{Common: common, ScanCode: holder.ScanCode}).Create(ctx, svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "approve"}) // the citizen approves

	a, err := svc.Get(ctx, page.AuthorizationID) // or Wait, or a callback
	if err != nil {
		fmt.Println(err)
		return
	}
	// Deliver opens the envelope in memory, verifies the 数据资产凭证 and
	// checks each license (identifier check character, file SM3, holder).
	d, err := svc.Deliver(ctx, a, nil)
	if err != nil {
		fmt.Println(dserrors.UserMessageFor(err))
		return
	}
	defer d.Wipe() // never written to disk, cache or log
	for _, l := range d.Licenses {
		fmt.Println("license:", l.TypeName, l.Format)
	}
	for _, di := range d.Data {
		fmt.Println("data:", di.Name)
	}
	fmt.Println("granted items:", len(d.Certificate.GrantedItems))
	fmt.Println("certificate names the holder:", d.Certificate.HolderMatches(scenario.IDType(holder.IDType), holder.IDNumber))
	// Output:
	// license: 居民身份证 PDF
	// license: 居民户口簿 PDF
	// license: 结婚证 PDF
	// license: 不动产权证书 PDF
	// data: 住房公积金账户余额
	// data: 户籍地址
	// granted items: 6
	// certificate names the holder: true
}

func ExampleService_Wait() {
	srv, svc, common, holder := exampleSystem()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	page, err := (&personal.YSSCode{Common: common, ScanCode: holder.ScanCode}).Create(ctx, svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := scenario.WaitOptions{Interval: 20 * time.Millisecond, MaxInterval: 200 * time.Millisecond}

	// The citizen opens the page: UntilScanned returns at SCANNED.
	_ = srv.Sim.Open(page.AuthorizationID, nil)
	a, err := svc.Wait(ctx, page.AuthorizationID, scenario.WaitOptions{Interval: opts.Interval, UntilScanned: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Status)

	// The citizen rejects: Wait returns the final state.
	_ = srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "reject"})
	a, err = svc.Wait(ctx, page.AuthorizationID, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Status, a.Status.Final())

	// Nothing can be delivered: refused before any call.
	_, err = svc.Deliver(ctx, a, nil)
	if e, ok := dserrors.As(err); ok {
		fmt.Println(e.Code(), e.Kind().String(), e.UserMessage())
	}
	// Output:
	// SCANNED
	// REJECTED true
	// DS3002 validation 持证人尚未完成授权
}

func ExampleService_NewCallbackReceiver() {
	srv, svc, common, holder := exampleSystem()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The receiver verifies the platform's signature, the timestamp window
	// and the nonce, dedupes by event id, then calls the handler once per
	// event. The Hub wakes Waits on the event's authorization.
	hub := scenario.NewHub()
	types := make(chan scenario.EventType, 8)
	receiver := svc.NewCallbackReceiver(func(ctx context.Context, ev *scenario.Event) error {
		types <- ev.Type
		hub.Publish(ev)
		return nil // an error makes the platform deliver the event again
	})
	mux := http.NewServeMux()
	mux.Handle("POST /ds/callback", receiver)
	web := httptest.NewServer(mux) // the usage system's own web server
	defer web.Close()

	c := common
	c.CallbackURL = web.URL + "/ds/callback"
	page, err := (&personal.YSSCode{Common: c, ScanCode: holder.ScanCode}).Create(ctx, svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "approve"})

	// Polling is only the fallback: a callback wakes Wait at once.
	a, err := svc.Wait(ctx, page.AuthorizationID, scenario.WaitOptions{Events: hub})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("status:", a.Status)
	for range 2 {
		select {
		case t := <-types:
			fmt.Println("callback:", t)
		case <-ctx.Done():
			fmt.Println("no callback")
			return
		}
	}
	// Output:
	// status: AUTHORIZED
	// callback: authorization.scanned
	// callback: authorization.authorized
}

func ExampleCheck() {
	id := scenario.Identity{PaasID: "zs-gjj-001", OrgName: "中山市住房公积金管理中心",
		OrgCode: "12442000MB2C00040H", SystemName: "新一代住房公积金管理系统"}
	r := &scenario.Request{
		Subject: scenario.Personal, Scenario: scenario.YSSCode,
		Matter:  scenario.Matter{Code: "ZS-GJJ-TQ-001", Name: "住房公积金提取"},
		Items:   []scenario.Item{{Kind: scenario.LicenseItem, Code: "11100000000013338W001", Name: "居民身份证", Required: true}},
		Purpose: "办理住房公积金提取",
		Operator: scenario.Operator{Name: "窗口工作人员", IDType: scenario.IDCard,
			IDNumber: "442000199001011230", // wrong check digit
			Verified: true, Method: "face", VerifiedAt: time.Date(2026, 11, 27, 9, 0, 0, 0, time.Local)},
		ClientIP: "10.20.30.40",
		ScanCode: "yss:01234567890123456789",
	}
	show := func(err error) {
		e, _ := dserrors.As(err)
		fmt.Println(e.Code(), e.Kind().String(), e.Field(), e.UserMessage())
	}

	// Format (DS2001): the request never leaves the system.
	show(scenario.Check(id, scenario.DefaultPolicy(), r))

	// Business type (DS2003): the provident fund has no service codes (§8).
	r.Operator.IDNumber = "442000199001011233"
	r.Scenario, r.ScanCode = scenario.ServiceCode, ""
	show(scenario.Check(id, scenario.DefaultPolicy(), r))

	// Source (DS2002): the organization differs from the registration.
	r.Scenario, r.ScanCode = scenario.YSSCode, "yss:01234567890123456789"
	other := id
	other.OrgCode = "11442000MB2C00010H"
	show(scenario.Check(other, scenario.DefaultPolicy(), r))

	fmt.Println(scenario.Check(id, scenario.DefaultPolicy(), r) == nil)
	// Output:
	// DS2001 validation operator.idNumber 用证人身份证号码不正确，请核对（含末位校验码）
	// DS2003 validation scenario 本系统未开通该用证场景
	// DS2002 validation org 用证单位与登记信息不符，请联系系统管理员
	// true
}
