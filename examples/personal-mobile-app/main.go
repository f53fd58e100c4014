// Command personal-mobile-app: a mobile app launches the personal-space mini program (personal / mobile_app).
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
	launch, err := (&personal.MobileApp{Common: common, ReturnURL: "https://app.example.invalid/gjj/return"}).Create(ctx, env.Svc)
	if err != nil {
		return err
	}
	env.Step("应用拉起小程序 / app launches mini program %s at %s", launch.MiniProgramAppID, launch.MiniProgramPath)
	if err := env.Sim.Open(ctx, launch.AuthorizationID); err != nil {
		return err
	}
	env.Step("持证人打开授权页 / %s opened the page", mask.Name(holder.Name))
	if err := env.Sim.Approve(ctx, launch.AuthorizationID, nil); err != nil {
		return err
	}
	env.Step("持证人已授权 / holder authorized")
	return env.Finish(ctx, launch.AuthorizationID, nil)
}
