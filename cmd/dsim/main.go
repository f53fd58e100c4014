// Command dsim serves the Digital Space (数字空间) simulator of package dstest
// over HTTP: every DSP/1 call under PREFIX/dsp/v1, the unsigned /_sim/
// control API and the holder's phone page at /_sim/phone.
//
// It binds loopback by default because /_sim/ is unsigned. TEST keys and
// synthetic data only.
//
//	dsim -addr 127.0.0.1:8086 -registry registry.json -prefix /ebus -log-level info
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/zsdata/digitalspace/dstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "dsim:", err)
		os.Exit(1)
	}
}

// run parses args, serves the simulator until ctx ends, then shuts down.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("dsim", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "127.0.0.1:8086", "listen address (loopback by default: /_sim/ is unsigned)")
	regFile := fs.String("registry", "", "registry JSON file (default: the §9 registry)")
	prefix := fs.String("prefix", "", `gateway path prefix in front of /dsp/v1, e.g. "/ebus"`)
	gwPrefix := fs.String("gateway-prefix", "x-tif-", `gateway header prefix ("x-tif-" or "x-rio-")`)
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	seed := fs.Int64("seed", 0, "seed of the synthetic data (0: the default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("bad -log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
	cfg := dstest.Config{PathPrefix: *prefix, GatewayPrefix: *gwPrefix, Logger: logger, Seed: *seed}
	if *regFile != "" {
		f, err := os.Open(*regFile)
		if err != nil {
			return fmt.Errorf("registry: %w", err)
		}
		reg, err := dstest.LoadRegistry(f)
		_ = f.Close()
		if err != nil {
			return err
		}
		cfg.Registry = reg
	}
	sim, err := dstest.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		sim.Close()
		return fmt.Errorf("listen: %w", err)
	}
	srv := dstest.Serve(sim, ln)
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			logger.Warn("dsim listens beyond loopback: the /_sim/ control API is unsigned")
		}
	}
	fmt.Fprintf(stdout, "dsim listening on %s\n", srv.URL)
	fmt.Fprintf(stdout, "  DSP/1 base URL: %s%s   (calls under %s/dsp/v1)\n", srv.URL, strings.TrimRight(*prefix, "/"), strings.TrimRight(*prefix, "/"))
	fmt.Fprintf(stdout, "  phone page:     %s/_sim/phone\n", srv.URL)
	fmt.Fprintf(stdout, "  registry:       %s/_sim/registry   holders: %s/_sim/holders\n", srv.URL, srv.URL)
	fmt.Fprintf(stdout, "  TEST keys: client k2026a / platform p2026a; paasToken TEST-token-<paasId>\n")
	<-ctx.Done()
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		return errors.New("shutdown timed out")
	}
	fmt.Fprintln(stdout, "dsim stopped")
	return nil
}
