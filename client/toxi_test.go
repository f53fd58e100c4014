package client

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dserrors "github.com/zsdata/digitalspace/errors"
)

// newToxiproxy starts an in-process toxiproxy between the client and
// upstream (host:port) with one toxic (JSON as the toxiproxy API takes it)
// and returns the proxy's address.
func newToxiproxy(t *testing.T, upstream, toxic string) string {
	t.Helper()
	server := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	proxy := toxiproxy.NewProxy(server, "dsp-"+t.Name(), "127.0.0.1:0", upstream)
	require.NoError(t, proxy.Start())
	t.Cleanup(proxy.Stop)
	if toxic != "" {
		_, err := proxy.Toxics.AddToxicJson(strings.NewReader(toxic))
		require.NoError(t, err)
	}
	return proxy.Listen
}

// TestToxiproxyFaults injects network faults between the client and the
// signed test server and checks the error kinds.
func TestToxiproxyFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		toxic    string
		timeout  time.Duration
		mod      func(*Config)
		wantKind dserrors.Kind // Unknown: success
		wantCode string
	}{
		{name: "no toxic"},
		{name: "small latency", toxic: `{"type":"latency","stream":"downstream","attributes":{"latency":30,"jitter":10}}`},
		{name: "latency past the deadline", toxic: `{"type":"latency","stream":"downstream","attributes":{"latency":3000}}`,
			timeout: 400 * time.Millisecond, wantKind: dserrors.NoResponse, wantCode: dserrors.CodeDeadline},
		{name: "timeout: data stops", toxic: `{"type":"timeout","stream":"downstream","attributes":{"timeout":0}}`,
			timeout: 400 * time.Millisecond, wantKind: dserrors.NoResponse, wantCode: dserrors.CodeDeadline},
		{name: "timeout then close", toxic: `{"type":"timeout","stream":"upstream","attributes":{"timeout":50}}`,
			timeout: 2 * time.Second, mod: func(c *Config) { c.Retry.DisableHedging = true }, wantKind: dserrors.Network},
		{name: "reset_peer before the request", toxic: `{"type":"reset_peer","stream":"upstream","attributes":{"timeout":0}}`,
			mod: func(c *Config) { c.Retry.DisableHedging = true }, wantKind: dserrors.Network, wantCode: dserrors.CodeNetwork},
		{name: "slicer: answer in small pieces", toxic: `{"type":"slicer","stream":"downstream","attributes":{"average_size":16,"size_variation":8,"delay":2000}}`},
		{name: "slicer too slow for the deadline", toxic: `{"type":"slicer","stream":"downstream","attributes":{"average_size":2,"size_variation":1,"delay":100000}}`,
			timeout: 500 * time.Millisecond, mod: func(c *Config) { c.Retry.DisableHedging = true }, wantKind: dserrors.NoResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSrv(t, func(int, rec) reply { return reply{} })
			u, err := url.Parse(s.ts.URL)
			require.NoError(t, err)
			addr := newToxiproxy(t, u.Host, tt.toxic)
			c := newClient(t, "http://"+addr+testPrefix, tt.mod)
			call := getCall()
			call.Timeout = tt.timeout
			resp, err := c.Do(context.Background(), call)
			if tt.wantKind == dserrors.Unknown {
				require.NoError(t, err)
				assert.Equal(t, "0", resp.Code)
				return
			}
			e := dsErr(t, err)
			assert.Equal(t, tt.wantKind, e.Kind(), "%v", err)
			if tt.wantCode != "" {
				assert.Equal(t, tt.wantCode, e.Code(), "%v", err)
			}
			assert.Positive(t, e.Attempts())
		})
	}
}
