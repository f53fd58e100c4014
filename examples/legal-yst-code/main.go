// Command legal-yst-code: the clerk scans an enterprise's 粤商码; the legal person authorizes by face (legal / yst_code).
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
	env, err := demo.Setup(ctx, demo.Options{PaasID: "zs-ggzy-001", Args: args, Out: out})
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
	env.Step("企业出示粤商码，窗口扫码 / clerk scans the 粤商码 of %s（%s）", mask.Name(holder.Name), mask.ID(holder.IDNumber))
	page, err := (&legal.YSTCode{Common: common, ScanCode: holder.ScanCode}).Create(ctx, env.Svc)
	if err != nil {
		return err
	}
	env.Step("授权页已推送 / authorization page pushed: %s", page.AuthorizationID)
	if err := env.Sim.Approve(ctx, page.AuthorizationID, nil); err != nil {
		return err
	}
	env.Step("法定代表人刷脸授权 / legal person authorized by face")
	return env.Finish(ctx, page.AuthorizationID, nil)
}
