// Command legal-h5: the H5 authorization page inside the 粤商通 app (legal / h5).
// With no flags it runs against an in-process simulator; give -base URL (or
// DS_BASE_URL) to run the same flow against a running dsim.
package main

import (
	"context"
	"io"

	"github.com/zsdata/digitalspace/examples/internal/demo"
	"github.com/zsdata/digitalspace/legal"
	"github.com/zsdata/digitalspace/scenario"
)

func main() { demo.Main(run) }

func run(ctx context.Context, args []string, out io.Writer) error {
	env, err := demo.Setup(ctx, demo.Options{PaasID: "zs-zjj-001", Args: args, Out: out})
	if err != nil {
		return err
	}
	defer env.Close()

	common, err := env.Common(ctx, scenario.Legal)
	if err != nil {
		return err
	}
	page, err := (&legal.H5{Common: common, ReturnURL: "https://zjj.example.invalid/h5/return"}).Create(ctx, env.Svc)
	if err != nil {
		return err
	}
	env.Step("在粤商通中打开 H5 授权页 / open the H5 page: %s", page.AuthorizationID)
	if err := env.Sim.Approve(ctx, page.AuthorizationID, nil); err != nil {
		return err
	}
	env.Step("企业已授权 / enterprise authorized")
	return env.Finish(ctx, page.AuthorizationID, nil)
}
