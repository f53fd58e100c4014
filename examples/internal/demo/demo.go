// Package demo is what the example programs share: flags, an in-process
// simulator when no platform URL is given, a client with the TEST keys, the
// holder's part played through the simulator's /_sim/ API, and step printing.
//
// Everything here uses TEST keys and tokens: never use them in production.
package demo

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/zsdata/digitalspace/client"
	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/mask"
	"github.com/zsdata/digitalspace/internal/simenv"
	"github.com/zsdata/digitalspace/scenario"
)

// Env is a ready example environment.
type Env struct {
	Client  *client.Client
	Svc     *scenario.Service
	Sim     *SimAPI
	PaasID  string
	reg     *dstest.Registry
	out     io.Writer
	step    int
	cleanup []func()
}

// Options of Setup.
type Options struct {
	// PaasID of the system the example plays (a §9 default-registry paasId).
	PaasID string
	// Args are the command-line arguments (os.Args[1:]).
	Args []string
	// Out receives the printed steps (default os.Stdout).
	Out io.Writer
}

// Setup parses -base (or DS_BASE_URL) and -paas, starts an in-process
// simulator when no base URL is given, and builds the client and service.
func Setup(ctx context.Context, o Options) (*Env, error) {
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	base := fs.String("base", os.Getenv("DS_BASE_URL"), "base URL of a DSP/1 platform or simulator (default: an in-process simulator)")
	paas := fs.String("paas", o.PaasID, "paasId of the system (a TEST registry entry)")
	if err := fs.Parse(o.Args); err != nil {
		return nil, err
	}
	out := o.Out
	if out == nil {
		out = os.Stdout
	}
	e := &Env{PaasID: *paas, out: out}
	if *base == "" {
		srv, err := dstest.NewServer(dstest.Config{})
		if err != nil {
			return nil, fmt.Errorf("start simulator: %w", err)
		}
		e.cleanup = append(e.cleanup, srv.Close)
		*base = srv.URL
		e.Printf("使用进程内模拟器 / in-process simulator at %s", srv.URL)
	} else {
		e.Printf("使用平台 / platform at %s", *base)
	}
	u, err := url.Parse(*base)
	if err != nil || u.Host == "" {
		e.Close()
		return nil, fmt.Errorf("bad base URL %q", *base)
	}
	e.Sim = &SimAPI{root: u.Scheme + "://" + u.Host}
	reg, err := e.Sim.Registry(ctx)
	if err != nil {
		e.Close()
		return nil, err
	}
	e.reg = reg
	sys, err := simenv.System(reg, e.PaasID)
	if err != nil {
		e.Close()
		return nil, err
	}
	// The simulator's registry is this system's registration: the client
	// carries its identity, and the service uses it for the business-type
	// check, as a system team would use theirs.
	if e.Client, e.Svc, err = simenv.Service(*base, reg, e.PaasID, nil); err != nil {
		e.Close()
		return nil, err
	}
	e.Printf("用证系统 / system: %s（%s，paasId %s）", sys.SystemName, sys.OrgName, e.PaasID)
	return e, nil
}

// Close stops what Setup started.
func (e *Env) Close() {
	for i := len(e.cleanup) - 1; i >= 0; i-- {
		e.cleanup[i]()
	}
	e.cleanup = nil
}

// Printf prints one line.
func (e *Env) Printf(format string, args ...any) {
	fmt.Fprintf(e.out, format+"\n", args...)
}

// Step prints a numbered step.
func (e *Env) Step(format string, args ...any) {
	e.step++
	fmt.Fprintf(e.out, "%d. "+format+"\n", append([]any{e.step}, args...)...)
}

// Common builds the shared fields for the first matter of subject in the registry.
func (e *Env) Common(_ context.Context, subject scenario.Subject) (scenario.Common, error) {
	return simenv.Common(e.reg, e.PaasID, subject)
}

// Finish waits for the decision, fetches the delivery and prints it with
// the holder masked; expect is the holder known in full, if any.
func (e *Env) Finish(ctx context.Context, authorizationID string, expect *scenario.Holder) error {
	a, err := e.Svc.Wait(ctx, authorizationID, scenario.WaitOptions{Interval: 200 * time.Millisecond})
	if err != nil {
		return err
	}
	e.Step("授权结果 / decision: %s", a.Status)
	if a.Status != scenario.StatusAuthorized {
		return fmt.Errorf("authorization ended %s", a.Status)
	}
	d, err := e.Svc.Deliver(ctx, a, expect)
	if err != nil {
		return err
	}
	defer d.Wipe()
	for _, l := range d.Licenses {
		e.Step("收到证照 / license: %s，持证人 %s（%s），%s %d 字节，SM3 已核验", l.TypeName, mask.Name(l.HolderName), mask.ID(l.HolderCode), l.Format, len(l.Content))
	}
	for _, di := range d.Data {
		e.Step("收到数据 / data: %s（%d 字节）", di.Name, len(di.Value))
	}
	c := d.Certificate
	e.Step("数据资产凭证已验签 / certificate verified: %s，授权项 %s，链上交易 %s", c.CertID, strings.Join(c.GrantedItems, ","), c.LedgerTxID)
	return nil
}

// HolderFor returns a simulator holder of subject who holds every license
// item of c.
func (e *Env) HolderFor(ctx context.Context, subject scenario.Subject, c scenario.Common) (SimHolder, error) {
	var codes []string
	for _, it := range c.Items {
		if it.Kind == scenario.LicenseItem {
			codes = append(codes, it.Code)
		}
	}
	return e.Sim.Holder(ctx, subject, codes...)
}

// Main runs an example's run function with a 30 s deadline and exits 1 on error.
func Main(run func(ctx context.Context, args []string, out io.Writer) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	err := run(ctx, os.Args[1:], os.Stdout)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "错误 / error:", err)
		os.Exit(1)
	}
}
