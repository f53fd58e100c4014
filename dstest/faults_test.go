package dstest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

func TestFaults(t *testing.T) {
	c := start(t, "zs-gjj-001")
	body := mustJSON(t, c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	path := "^/dsp/v1/authorizations$"
	set := func(rules ...dstest.FaultRule) {
		st, out := c.simCall("POST", "faults", map[string]any{"rules": rules})
		require.Equal(t, http.StatusOK, st, out)
	}

	t.Run("error codes", func(t *testing.T) {
		for _, code := range []string{wire.CodeDS4001, wire.CodeDS5000, wire.CodeDS5003} {
			set(dstest.FaultRule{Path: path, Kind: dstest.FaultError, Code: code})
			info, _ := wire.LookupCode(code)
			r := c.do("POST", wire.AuthorizationsPath(), body)
			r.fails(t, info.Status, code)
		}
		set(dstest.FaultRule{Path: path, Kind: dstest.FaultError, Code: wire.CodeGW403})
		r := c.do("POST", wire.AuthorizationsPath(), body)
		assert.Equal(t, http.StatusForbidden, r.Status)
		require.NotNil(t, r.GW)
	})
	t.Run("unsigned5xx", func(t *testing.T) {
		set(dstest.FaultRule{Path: path, Kind: dstest.FaultUnsigned5xx})
		r := c.do("POST", wire.AuthorizationsPath(), body)
		assert.Equal(t, http.StatusBadGateway, r.Status)
		assert.False(t, r.Signed)
	})
	t.Run("badsig", func(t *testing.T) {
		set(dstest.FaultRule{Path: path, Kind: dstest.FaultBadSig})
		resp, err := c.hc.Do(c.request("POST", wire.AuthorizationsPath(), body))
		require.NoError(t, err)
		b := readAll(t, resp)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		sts := wire.ResponseToSign{Status: 200, RequestID: resp.Header.Get(wire.HeaderRequestID), KeyID: resp.Header.Get(wire.HeaderKeyID),
			Timestamp: resp.Header.Get(wire.HeaderTimestamp), Nonce: resp.Header.Get(wire.HeaderNonce), Body: b}.String()
		assert.ErrorIs(t, sign.VerifyBase64(mustPlatformPub(t), []byte(sts), resp.Header.Get(wire.HeaderSignature)), sign.ErrBadSignature)
	})
	t.Run("latency", func(t *testing.T) {
		set(dstest.FaultRule{Path: path, Kind: dstest.FaultLatency, MS: 150})
		t0 := time.Now()
		c.do("POST", wire.AuthorizationsPath(), body).ok(t, nil)
		assert.GreaterOrEqual(t, time.Since(t0), 150*time.Millisecond)
	})
	t.Run("reset", func(t *testing.T) {
		set(dstest.FaultRule{Path: path, Kind: dstest.FaultReset})
		_, err := c.hc.Do(c.request("POST", wire.AuthorizationsPath(), body))
		assert.Error(t, err)
	})
	t.Run("hang until client leaves", func(t *testing.T) {
		set(dstest.FaultRule{Path: path, Kind: dstest.FaultHang})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := c.hc.Do(c.request("POST", wire.AuthorizationsPath(), body).WithContext(ctx))
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("hang with ms then close", func(t *testing.T) {
		set(dstest.FaultRule{Path: path, Kind: dstest.FaultHang, MS: 100})
		_, err := c.hc.Do(c.request("POST", wire.AuthorizationsPath(), body))
		assert.Error(t, err)
	})
	t.Run("probability zero and other paths", func(t *testing.T) {
		zero := 0.0
		set(dstest.FaultRule{Path: path, Kind: dstest.FaultReset, Probability: &zero},
			dstest.FaultRule{Path: "^/dsp/v1/platform-keys$", Kind: dstest.FaultUnsigned5xx})
		c.do("POST", wire.AuthorizationsPath(), body).ok(t, nil)
		assert.Equal(t, http.StatusBadGateway, c.do("GET", wire.PlatformKeysPath(), nil).Status)
	})
	t.Run("invalid rules refused", func(t *testing.T) {
		st, _ := c.simCall("POST", "faults", map[string]any{"rules": []dstest.FaultRule{{Path: "(", Kind: "reset"}}})
		assert.Equal(t, http.StatusBadRequest, st)
		st, _ = c.simCall("POST", "faults", map[string]any{"rules": []dstest.FaultRule{{Path: ".", Kind: "error", Code: "DS9999"}}})
		assert.Equal(t, http.StatusBadRequest, st)
	})
	st, _ := c.simCall("DELETE", "faults", nil)
	require.Equal(t, http.StatusOK, st)
	c.do("GET", wire.PlatformKeysPath(), nil).ok(t, nil)
	// Only the calls that reached the service are logged: badsig, latency
	// and the probability-0 one.
	assertUsageCount(t, c, 3)
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	var b []byte
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			break
		}
	}
	return b
}
