package client

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/sign"
)

// TestConfigValidation: each missing or bad field yields a Validation
// SDK_CONFIG error naming it, never a panic.
func TestConfigValidation(t *testing.T) {
	f := loadFixture(t)
	tests := []struct {
		name  string
		mod   func(*Config)
		field string
	}{
		{"zero config", func(c *Config) { *c = Config{} }, "BaseURL"},
		{"no BaseURL", func(c *Config) { c.BaseURL = "" }, "BaseURL"},
		{"BaseURL not http", func(c *Config) { c.BaseURL = "ftp://x/y" }, "BaseURL"},
		{"BaseURL without host", func(c *Config) { c.BaseURL = "https:///ebus" }, "BaseURL"},
		{"BaseURL with credentials", func(c *Config) { c.BaseURL = "https://u:p@gw.example/ebus" }, "BaseURL"},
		{"BaseURL with query", func(c *Config) { c.BaseURL = "https://gw.example/ebus?a=1" }, "BaseURL"},
		{"BaseURL garbage", func(c *Config) { c.BaseURL = "http://[::1" }, "BaseURL"},
		{"no PaasID", func(c *Config) { c.PaasID = "" }, "PaasID"},
		{"PaasID with space", func(c *Config) { c.PaasID = "a b" }, "PaasID"},
		{"no token", func(c *Config) { c.PaasToken = "" }, "PaasToken"},
		{"two token sources", func(c *Config) { c.PaasTokenEnv = "X" }, "PaasToken"},
		{"token env unset", func(c *Config) { c.PaasToken = ""; c.PaasTokenEnv = "DS_TEST_TOKEN_UNSET_VAR" }, "PaasTokenEnv"},
		{"token file without password", func(c *Config) { c.PaasToken = ""; c.PaasTokenFile = "/nonexistent" }, "PaasTokenPassword"},
		{"token file missing", func(c *Config) {
			c.PaasToken = ""
			c.PaasTokenFile = "/nonexistent/token.json"
			c.PaasTokenPassword = []byte("pw")
		}, "PaasTokenFile"},
		{"token with newline", func(c *Config) { c.PaasToken = "abc\n" }, "PaasToken"},
		{"no KeyID", func(c *Config) { c.KeyID = "" }, "KeyID"},
		{"nil Signer", func(c *Config) { c.Signer = nil }, "Signer"},
		{"typed nil Signer", func(c *Config) { c.Signer = (*sm2.PrivateKey)(nil) }, "Signer"},
		{"empty SM2 key", func(c *Config) { c.Signer = &sm2.PrivateKey{} }, "Signer"},
		{"no PlatformKeys", func(c *Config) { c.PlatformKeys = nil }, "PlatformKeys"},
		{"platform key without Key", func(c *Config) { c.PlatformKeys = []sign.PublicKey{{KeyID: "p"}} }, "PlatformKeys"},
		{"no OrgName", func(c *Config) { c.OrgName = " " }, "OrgName"},
		{"no OrgCode", func(c *Config) { c.OrgCode = "" }, "OrgCode"},
		{"bad OrgCode", func(c *Config) { c.OrgCode = "11442000MB2C00010X" }, "OrgCode"},
		{"no SystemName", func(c *Config) { c.SystemName = "" }, "SystemName"},
		{"negative Timeout", func(c *Config) { c.Timeout = -time.Second }, "Timeout"},
		{"negative HedgeDelay", func(c *Config) { c.Retry.HedgeDelay = -1 }, "Retry.HedgeDelay"},
		{"negative MaxAttempts", func(c *Config) { c.Retry.MaxAttempts = -1 }, "Retry.MaxAttempts"},
		{"bad GatewayPrefix", func(c *Config) { c.GatewayPrefix = "x tif:" }, "GatewayPrefix"},
		{"negative RateLimit", func(c *Config) { c.RateLimit = -1 }, "RateLimit"},
		{"nil Middleware", func(c *Config) { c.Middleware = []Middleware{nil} }, "Middleware"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := baseConfig(t, mockBase)
			tt.mod(&cfg)
			var c *Client
			var err error
			require.NotPanics(t, func() { c, err = New(cfg) })
			assert.Nil(t, c)
			e := dsErr(t, err)
			assert.Equal(t, dserrors.Validation, e.Kind())
			assert.Equal(t, dserrors.CodeConfig, e.Code())
			assert.Equal(t, tt.field, e.Field())
			assert.Contains(t, err.Error(), tt.field)
			assert.NotContains(t, err.Error(), testToken)
		})
	}
	// The complete config is valid, and so are the defaults it leaves.
	c, err := New(baseConfig(t, mockBase+"/"))
	require.NoError(t, err)
	assert.Equal(t, testPaasID, c.PaasID())
	assert.Equal(t, f.v.ClientKeyID, c.KeyID())
	assert.Equal(t, testOrgCode, c.OrgCode())
	assert.NotEmpty(t, c.OrgName())
	assert.NotEmpty(t, c.SystemName())
	assert.Equal(t, DefaultAuthPageTimeout, c.s.AuthPageTimeout)
	assert.Equal(t, DefaultTimeout, c.s.Timeout)
	assert.Equal(t, DefaultMaxAttempts, c.s.Retry.MaxAttempts)
	assert.Equal(t, mockBase, c.s.baseStr, "trailing slash dropped")
}

// TestConfigRedaction: String, %#v and LogValue never show the secrets.
func TestConfigRedaction(t *testing.T) {
	cfg := baseConfig(t, mockBase)
	cfg.PaasTokenPassword = []byte("pw-secret-123")
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), cfg.LogValue().String()} {
		assert.NotContains(t, s, testToken)
		assert.NotContains(t, s, "pw-secret-123")
		assert.Contains(t, s, testPaasID)
	}
	assert.Equal(t, "[REDACTED]", fmt.Sprintf("%v", secret{v: testToken}))
	c, err := New(cfg)
	require.NoError(t, err)
	for _, s := range []string{fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), c.LogValue().String()} {
		assert.NotContains(t, s, testToken)
		assert.Contains(t, s, testPaasID)
	}
}

// TestTokenFromEnv reads the paasToken from an environment variable.
func TestTokenFromEnv(t *testing.T) {
	t.Setenv("DS_TEST_PAAS_TOKEN", testToken)
	s := newSrv(t, nil)
	c := newClient(t, s.base(), func(c *Config) { c.PaasToken = ""; c.PaasTokenEnv = "DS_TEST_PAAS_TOKEN" })
	_, err := c.Do(context.Background(), getCall())
	require.NoError(t, err)
	assert.Zero(t, s.badReqs.Load())
}

// TestTokenFromEncryptedFile reads the paasToken from a token file and
// refuses a wrong password or a tampered file.
func TestTokenFromEncryptedFile(t *testing.T) {
	t.Parallel()
	data, err := EncryptTokenFile([]byte(testToken), []byte("correct horse"))
	require.NoError(t, err)
	assert.NotContains(t, string(data), testToken)
	assert.True(t, strings.HasPrefix(string(data), `{"v":1,`))
	path := filepath.Join(t.TempDir(), "token.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))

	s := newSrv(t, nil)
	c := newClient(t, s.base(), func(c *Config) {
		c.PaasToken = ""
		c.PaasTokenFile = path
		c.PaasTokenPassword = []byte("correct horse")
	})
	_, err = c.Do(context.Background(), getCall())
	require.NoError(t, err)
	assert.Zero(t, s.badReqs.Load())

	// The failure cases use a cheap iteration count.
	data, err = encryptTokenFile([]byte(testToken), []byte("correct horse"), 1000)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	cfg := baseConfig(t, s.base())
	cfg.PaasToken, cfg.PaasTokenFile, cfg.PaasTokenPassword = "", path, []byte("wrong")
	_, err = New(cfg)
	assert.Equal(t, "PaasTokenFile", dsErr(t, err).Field())

	tampered := strings.Replace(string(data), `"ct":"`, `"ct":"AAAA`, 1)
	require.NoError(t, os.WriteFile(path, []byte(tampered), 0o600))
	cfg.PaasTokenPassword = []byte("correct horse")
	_, err = New(cfg)
	assert.Equal(t, "PaasTokenFile", dsErr(t, err).Field())

	_, err = EncryptTokenFile(nil, []byte("pw"))
	assert.Error(t, err)
	_, err = EncryptTokenFile([]byte("t"), nil)
	assert.Error(t, err)
	_, err = decryptTokenFile([]byte(`{"v":2}`), []byte("pw"))
	assert.Error(t, err)
	_, err = decryptTokenFile([]byte(`{"v":1,"iter":99999999,"salt":"AAAAAAAAAAA=","iv":"AAAAAAAAAAAAAAAA","ct":"AAAAAAAAAAAAAAAAAAAAAAAA"}`), []byte("pw"))
	assert.ErrorContains(t, err, "iteration")
}

// TestClientsIndependent: two Clients with different paasIds do not share
// state (replay caches, budgets, limiters, key rings).
func TestClientsIndependent(t *testing.T) {
	const nonce = "00112233445566778899aabbccddeeff"
	s := newSrv(t, func(int, rec) reply { return reply{nonce: nonce} })
	a := newClient(t, s.base(), nil)
	b := newClient(t, s.base(), nil)
	_, err := a.Do(context.Background(), getCall())
	require.NoError(t, err)
	_, err = b.Do(context.Background(), getCall())
	require.NoError(t, err, "b's replay cache is its own")
	assert.NotSame(t, a.PlatformKeys(), b.PlatformKeys())
}
