// Command quickstart is the shortest whole flow: a hall clerk of the housing
// provident fund scans a citizen's 粤省事码, the citizen authorizes on the
// phone, and the system receives the licenses and the verified data asset
// certificate. With no flags it runs against an in-process simulator; give
// -base URL (or DS_BASE_URL) to run against a running dsim.
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
	env.Step("持证人出示粤省事码 / holder shows a 粤省事码: %s（%s）", mask.Name(holder.Name), mask.ID(holder.IDNumber))

	page, err := (&personal.YSSCode{Common: common, ScanCode: holder.ScanCode}).Create(ctx, env.Svc)
	if err != nil {
		return err
	}
	env.Step("已发起授权 / authorization %s created; page pushed to the phone", page.AuthorizationID)

	if err := env.Sim.Approve(ctx, page.AuthorizationID, nil); err != nil {
		return err
	}
	env.Step("持证人在手机上授权 / holder authorized on the phone")
	return env.Finish(ctx, page.AuthorizationID, nil)
}
