// Command personal-yss-code: the clerk scans the citizen's 粤省事码 (personal / yss_code).
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
	env, err := demo.Setup(ctx, demo.Options{PaasID: "zs-zjj-001", Args: args, Out: out})
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
	env.Step("持证人出示粤省事码，窗口扫码 / clerk scans the 粤省事码 of %s（%s）", mask.Name(holder.Name), mask.ID(holder.IDNumber))
	page, err := (&personal.YSSCode{Common: common, ScanCode: holder.ScanCode}).Create(ctx, env.Svc)
	if err != nil {
		return err
	}
	env.Step("授权页已推送到持证人手机 / authorization page pushed: %s", page.AuthorizationID)
	if err := env.Sim.Approve(ctx, page.AuthorizationID, nil); err != nil {
		return err
	}
	env.Step("持证人已授权 / holder authorized")
	return env.Finish(ctx, page.AuthorizationID, nil)
}
