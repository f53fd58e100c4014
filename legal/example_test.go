package legal_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/simenv"
	"github.com/zsdata/digitalspace/legal"
	"github.com/zsdata/digitalspace/scenario"
)

// exampleSetup starts an in-process simulator and builds the client and
// service of the system paasID with the TEST keys of dstest (public: never
// use them in production). Close it when done.
func exampleSetup(paasID string) *simenv.Env {
	e, err := simenv.New(paasID, scenario.Legal)
	if err != nil {
		panic(err)
	}
	return e
}

func ExampleYSTCode_Create() {
	e := exampleSetup("zs-ggzy-001") // 中山市公共资源交易平台
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	scanned := e.Holder.ScanCode // what the clerk's scanner read from the 粤商码
	page, err := (&legal.YSTCode{Common: e.Common, ScanCode: scanned}).Create(ctx, e.Svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("authorization page pushed:", page.URL != "")

	// The legal person or agent authorizes by face in 粤商通 (played by the simulator).
	if err := e.Srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "approve"}); err != nil {
		fmt.Println(err)
		return
	}
	e.Finish(ctx, os.Stdout, page.AuthorizationID, nil)
	// Output:
	// authorization page pushed: true
	// status: AUTHORIZED
	// licenses: 3, data items: 1
	// certificate verified: true
}

func ExampleServiceCode_Create() {
	e := exampleSetup("zs-scdj-001") // 中山市商事登记全程电子化智能申报审批平台
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	code, err := (&legal.ServiceCode{Common: e.Common, TerminalID: "hall-screen-01"}).Create(ctx, e.Svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("refresh before expiry:", !code.RefreshAt.After(code.ExpiresAt))
	// Show code.QRContent as a QR image (scenario.QRPNG), or keep a fresh
	// code on a hall screen with scenario.Rotator and scenario.Screen.

	// The enterprise's agent scans the code in the 粤商通 app (played by the simulator).
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
	// licenses: 1, data items: 1
	// certificate verified: true
}

func ExampleH5_Create() {
	e := exampleSetup("zs-zjj-001") // 中山市住房和城乡建设管理信息系统
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	page, err := (&legal.H5{Common: e.Common, ReturnURL: "https://zjj.example.invalid/h5/return"}).Create(ctx, e.Svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("open in the 粤商通 app:", page.URL != "")

	// The legal person or agent opens the page and approves every item.
	if err := e.Srv.Sim.Open(page.AuthorizationID, e.Ref()); err != nil {
		fmt.Println(err)
		return
	}
	if err := e.Srv.Sim.Decide(page.AuthorizationID, dstest.Decision{Decision: "approve"}); err != nil {
		fmt.Println(err)
		return
	}
	e.Finish(ctx, os.Stdout, page.AuthorizationID, nil)
	// Output:
	// open in the 粤商通 app: true
	// status: AUTHORIZED
	// licenses: 3, data items: 1
	// certificate verified: true
}
