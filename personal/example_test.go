package personal_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/simenv"
	"github.com/zsdata/digitalspace/personal"
	"github.com/zsdata/digitalspace/scenario"
)

// exampleSetup starts an in-process simulator and builds the client and
// service of the system paasID with the TEST keys of dstest (public: never
// use them in production). Close it when done.
func exampleSetup(paasID string) *simenv.Env {
	e, err := simenv.New(paasID, scenario.Personal)
	if err != nil {
		panic(err)
	}
	return e
}

func ExampleYSSCode_Create() {
	e := exampleSetup("zs-gjj-001") // 新一代住房公积金管理系统
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	scanned := e.Holder.ScanCode // what the clerk's scanner read from the 粤省事码
	page, err := (&personal.YSSCode{Common: e.Common, ScanCode: scanned}).Create(ctx, e.Svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("authorization page pushed:", page.URL != "")

	// The citizen approves on the phone (played by the simulator).
	if err := e.Srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "approve"}); err != nil {
		fmt.Println(err)
		return
	}
	e.Finish(ctx, os.Stdout, page.AuthorizationID, nil)
	// Output:
	// authorization page pushed: true
	// status: AUTHORIZED
	// licenses: 4, data items: 2
	// certificate verified: true
}

func ExampleServiceCode_Create() {
	e := exampleSetup("zs-rsj-001") // 公共服务网上自助申报系统
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	code, err := (&personal.ServiceCode{Common: e.Common, TerminalID: "hall-screen-01"}).Create(ctx, e.Svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("refresh before expiry:", !code.RefreshAt.After(code.ExpiresAt))
	// Show code.QRContent as a QR image (scenario.QRPNG), or keep a fresh
	// code on a hall screen with scenario.Rotator and scenario.Screen.

	// The citizen scans the code with WeChat (played by the simulator).
	id, err := e.Srv.Sim.Scan(code.QRContent, *e.Ref())
	if err != nil {
		fmt.Println(err)
		return
	}
	list, err := e.Svc.ServiceCodeAuthorizations(ctx, code.CodeID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("authorizations from this code:", len(list), list[0].Status)

	if err := e.Srv.Sim.Decide(id, dstest.Decision{Decision: "approve"}); err != nil {
		fmt.Println(err)
		return
	}
	e.Finish(ctx, os.Stdout, id, nil)
	// Output:
	// refresh before expiry: true
	// authorizations from this code: 1 SCANNED
	// status: AUTHORIZED
	// licenses: 2, data items: 1
	// certificate verified: true
}

func ExampleMobileApp_Create() {
	e := exampleSetup("zs-gjj-001") // 新一代住房公积金管理系统
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	launch, err := (&personal.MobileApp{Common: e.Common, ReturnURL: "https://app.example.invalid/gjj/return"}).Create(ctx, e.Svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The app opens the personal-space mini program with these.
	fmt.Println("mini program:", launch.MiniProgramAppID != "", launch.MiniProgramPath != "")

	// The citizen opens the page in the mini program, then approves.
	if err := e.Srv.Sim.Open(launch.AuthorizationID, e.Ref()); err != nil {
		fmt.Println(err)
		return
	}
	a, err := e.Svc.Get(ctx, launch.AuthorizationID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after opening:", a.Status)
	if err := e.Srv.Sim.Decide(launch.AuthorizationID, dstest.Decision{Decision: "approve"}); err != nil {
		fmt.Println(err)
		return
	}
	e.Finish(ctx, os.Stdout, launch.AuthorizationID, nil)
	// Output:
	// mini program: true true
	// after opening: SCANNED
	// status: AUTHORIZED
	// licenses: 4, data items: 2
	// certificate verified: true
}

func ExampleH5_Create() {
	e := exampleSetup("zs-zjj-001") // 中山市住房和城乡建设管理信息系统
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	page, err := (&personal.H5{Common: e.Common, ReturnURL: "https://zjj.example.invalid/h5/return"}).Create(ctx, e.Svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("open in the 粤省事 app:", page.URL != "")

	// In h5 the citizen may remove items that are not required: here they
	// grant the required item only.
	granted := []string{e.Common.Items[0].Code}
	if err := e.Srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "approve", GrantedItems: granted, Holder: e.Ref()}); err != nil {
		fmt.Println(err)
		return
	}
	e.Finish(ctx, os.Stdout, page.AuthorizationID, nil)
	// Output:
	// open in the 粤省事 app: true
	// status: AUTHORIZED
	// licenses: 1, data items: 0
	// certificate verified: true
}

func ExampleDataCode_Create() {
	e := exampleSetup("zs-gjj-001") // data_code: enabled by the simulator for every system
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The clerk keys in the 6-digit 数据码 and the citizen's ID number.
	req := &personal.DataCode{Common: e.Common, DataCode: e.Holder.DataCode, IDNumber: e.Holder.IDNumber}
	page, err := req.Create(ctx, e.Svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("authorization page pushed:", page.URL != "")

	if err := e.Srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "approve"}); err != nil {
		fmt.Println(err)
		return
	}
	// req.Holder() is the holder keyed in: Deliver checks that the
	// certificate's holder digest is theirs.
	e.Finish(ctx, os.Stdout, page.AuthorizationID, req.Holder())
	// Output:
	// authorization page pushed: true
	// status: AUTHORIZED
	// licenses: 4, data items: 2
	// certificate verified: true
}
