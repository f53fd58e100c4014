// Command personal-h5: the H5 authorization page inside the 粤省事 app; the holder removes an optional item (personal / h5).
// With no flags it runs against an in-process simulator; give -base URL (or
// DS_BASE_URL) to run the same flow against a running dsim.
package main

import (
	"context"
	"io"

	"github.com/zsdata/digitalspace/examples/internal/demo"
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
	page, err := (&personal.H5{Common: common, ReturnURL: "https://zjj.example.invalid/h5/return"}).Create(ctx, env.Svc)
	if err != nil {
		return err
	}
	env.Step("在粤省事中打开 H5 授权页 / open the H5 page: %s", page.AuthorizationID)
	granted := []string{common.Items[0].Code}
	if err := env.Sim.Approve(ctx, page.AuthorizationID, granted); err != nil {
		return err
	}
	env.Step("持证人只授权必需项 / holder granted the required item only: %s", common.Items[0].Name)
	return env.Finish(ctx, page.AuthorizationID, nil)
}
