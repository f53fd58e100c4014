// Command personal-service-code: the hall shows a 办事码 that the citizen scans with WeChat (personal / service_code).
// With no flags it runs against an in-process simulator; give -base URL (or
// DS_BASE_URL) to run the same flow against a running dsim.
package main

import (
	"context"
	"io"

	"github.com/zsdata/digitalspace/examples/internal/demo"
	"github.com/zsdata/digitalspace/internal/mask"
	"github.com/zsdata/digitalspace/personal"
	"github.com/zsdata/digitalspace/scenario"
)

func main() { demo.Main(run) }

func run(ctx context.Context, args []string, out io.Writer) error {
	env, err := demo.Setup(ctx, demo.Options{PaasID: "zs-rsj-001", Args: args, Out: out})
	if err != nil {
		return err
	}
	defer env.Close()

	common, err := env.Common(ctx, scenario.Personal)
	if err != nil {
		return err
	}
	holder, err := env.HolderFor(ctx, scenario.Personal, common)
	if err != nil {
		return err
	}
	code, err := (&personal.ServiceCode{Common: common, TerminalID: "hall-screen-01"}).Create(ctx, env.Svc)
	if err != nil {
		return err
	}
	env.Step("大厅屏展示办事码 / service code %s shown, valid until %s", code.CodeID, code.ExpiresAt.Format("15:04:05"))
	env.Printf("%s", scenario.QRTerminal(code.QRContent))
	id, err := env.Sim.Scan(ctx, code.QRContent, holder)
	if err != nil {
		return err
	}
	env.Step("持证人微信扫码 / %s scanned the code", mask.Name(holder.Name))
	list, err := env.Svc.ServiceCodeAuthorizations(ctx, code.CodeID)
	if err != nil {
		return err
	}
	env.Step("系统查到由该码发起的授权 / %d authorization(s) from this code: %s", len(list), id)
	if err := env.Sim.Approve(ctx, id, nil); err != nil {
		return err
	}
	env.Step("持证人已授权 / holder authorized")
	return env.Finish(ctx, id, nil)
}
