// Command legal-service-code: the hall shows a 办事码 that the enterprise's agent scans in 粤商通 (legal / service_code).
// With no flags it runs against an in-process simulator; give -base URL (or
// DS_BASE_URL) to run the same flow against a running dsim.
package main

import (
	"context"
	"io"

	"github.com/zsdata/digitalspace/examples/internal/demo"
	"github.com/zsdata/digitalspace/internal/mask"
	"github.com/zsdata/digitalspace/legal"
	"github.com/zsdata/digitalspace/scenario"
)

func main() { demo.Main(run) }

func run(ctx context.Context, args []string, out io.Writer) error {
	env, err := demo.Setup(ctx, demo.Options{PaasID: "zs-scdj-001", Args: args, Out: out})
	if err != nil {
		return err
	}
	defer env.Close()

	common, err := env.Common(ctx, scenario.Legal)
	if err != nil {
		return err
	}
	holder, err := env.HolderFor(ctx, scenario.Legal, common)
	if err != nil {
		return err
	}
	code, err := (&legal.ServiceCode{Common: common}).Create(ctx, env.Svc)
	if err != nil {
		return err
	}
	env.Step("展示办事码 / service code %s shown, valid until %s", code.CodeID, code.ExpiresAt.Format("15:04:05"))
	env.Printf("%s", scenario.QRTerminal(code.QRContent))
	id, err := env.Sim.Scan(ctx, code.QRContent, holder)
	if err != nil {
		return err
	}
	env.Step("经办人用粤商通扫码 / agent of %s scanned: %s", mask.Name(holder.Name), id)
	if err := env.Sim.Approve(ctx, id, nil); err != nil {
		return err
	}
	env.Step("企业已授权 / enterprise authorized")
	return env.Finish(ctx, id, nil)
}
