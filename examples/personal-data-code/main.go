// Command personal-data-code: the clerk keys in the citizen's 6-digit 数据码 and ID number (personal / data_code).
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
	env, err := demo.Setup(ctx, demo.Options{PaasID: "zs-gjj-001", Args: args, Out: out})
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
	req := &personal.DataCode{Common: common, DataCode: holder.DataCode, IDNumber: holder.IDNumber}
	env.Step("窗口录入数据码与身份证号 / clerk keys in data code ****** and ID %s", mask.ID(holder.IDNumber))
	page, err := req.Create(ctx, env.Svc)
	if err != nil {
		return err
	}
	env.Step("授权页已推送到持证人手机 / page pushed: %s", page.AuthorizationID)
	if err := env.Sim.Approve(ctx, page.AuthorizationID, nil); err != nil {
		return err
	}
	env.Step("持证人已授权 / holder authorized")
	return env.Finish(ctx, page.AuthorizationID, req.Holder())
}
