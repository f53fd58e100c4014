package dstest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/wire"
)

func TestPathPrefixAndGatewayPrefix(t *testing.T) {
	srv := dstest.Start(t, dstest.Config{PathPrefix: "/ebus", GatewayPrefix: "x-rio-"})
	c := newClient(t, srv, "/ebus", "x-rio-", "zs-gjj-001")
	out := c.create(c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	assert.NotEmpty(t, out.AuthorizationID)
	assert.Contains(t, out.AuthPage.URL, srv.URL+"/_sim/phone")
	var page wire.UsageLogPage
	c.do("GET", wire.UsageLogsPath(srv.Sim.Now().Format(wire.DateLayout), 10, ""), nil).ok(t, &page)
	assert.Len(t, page.Records, 1)

	// Signing the path without the prefix fails: the string holds the full path.
	noPrefix := *c
	noPrefix.prefix = ""
	noPrefix.do("GET", wire.PlatformKeysPath(), nil).fails(t, http.StatusUnauthorized, wire.CodeDS1001)

	// x-tif- headers are not the configured gateway's: GW401.
	tif := newClient(t, srv, "/ebus", "x-tif-", "zs-gjj-001")
	r := tif.do("GET", wire.PlatformKeysPath(), nil)
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	require.NotNil(t, r.GW)

	// Without the prefix the path is unknown; /_sim/ stays at the root.
	resp, err := c.hc.Get(srv.URL + "/dsp/v1/platform-keys")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	st, _ := c.simCall("GET", "registry", nil)
	assert.Equal(t, http.StatusOK, st)

	// Faults match the path after the prefix.
	require.NoError(t, srv.Sim.SetFaults([]dstest.FaultRule{{Path: "^/dsp/v1/platform-keys$", Kind: dstest.FaultError, Code: wire.CodeDS5003}}))
	c.do("GET", wire.PlatformKeysPath(), nil).fails(t, http.StatusServiceUnavailable, wire.CodeDS5003)
}
