package scenario_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/client"
	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/simenv"
	"github.com/zsdata/digitalspace/scenario"
)

// env is one system talking to an in-process simulator over real HTTP.
type env struct {
	srv *dstest.Server
	cl  *client.Client
	svc *scenario.Service
	sys dstest.RegSystem
}

func newEnv(t *testing.T, paasID string) *env {
	t.Helper()
	return newEnvLog(t, paasID, nil)
}

// newEnvLog is newEnv with the client logging to log (nil: discard).
func newEnvLog(t *testing.T, paasID string, log *slog.Logger) *env {
	t.Helper()
	srv := dstest.Start(t, dstest.Config{})
	reg := srv.Sim.Registry()
	sys, err := simenv.System(reg, paasID)
	require.NoError(t, err)
	cl, svc, err := simenv.Service(srv.URL, reg, paasID, func(c *client.Config) {
		c.Timeout, c.AuthPageTimeout, c.Logger = 5*time.Second, 3*time.Second, log
	})
	require.NoError(t, err)
	return &env{srv: srv, cl: cl, svc: svc, sys: sys}
}

// common returns the shared fields for the first matter of subject; the
// first item is required.
func (e *env) common(t *testing.T, subject scenario.Subject) scenario.Common {
	t.Helper()
	c, err := simenv.Common(e.srv.Sim.Registry(), e.sys.PaasID, subject)
	require.NoError(t, err)
	return c
}

// holder returns a simulator holder of subject holding every required license of c.
func (e *env) holder(t *testing.T, subject scenario.Subject, c scenario.Common) dstest.Holder {
	t.Helper()
	for _, h := range e.srv.Sim.Holders() {
		if h.Type != string(scenario.HolderTypeOf(subject)) {
			continue
		}
		ok := true
		for _, it := range c.Items {
			if it.Kind == scenario.LicenseItem && it.Required {
				found := false
				for _, l := range h.Licenses {
					found = found || l == it.Code
				}
				ok = ok && found
			}
		}
		if ok {
			return h
		}
	}
	t.Fatalf("no holder for %v", c.Items)
	return dstest.Holder{}
}

func ref(h dstest.Holder) dstest.HolderRef {
	return dstest.HolderRef{IDType: h.IDType, IDNumber: h.IDNumber}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}
