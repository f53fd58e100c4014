package client

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/sign"
)

// newPlatformKey makes a fresh platform key with its PEM.
func newPlatformKey(t *testing.T, id string) (*sign.Signer, string) {
	priv, err := sm2.GenerateKey(rand.Reader)
	require.NoError(t, err)
	s, err := sign.NewSigner(id, priv)
	require.NoError(t, err)
	der, err := smx509.MarshalPKIXPublicKey(&priv.PublicKey)
	require.NoError(t, err)
	return s, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// keysBody is the §2.5 answer listing ids with their PEMs.
func keysBody(rid string, keys map[string]string) []byte {
	type k struct {
		KeyID        string `json:"keyId"`
		PublicKeyPEM string `json:"publicKeyPem"`
		NotBefore    string `json:"notBefore"`
		NotAfter     string `json:"notAfter"`
	}
	var list []k
	for id, p := range keys {
		list = append(list, k{KeyID: id, PublicKeyPEM: p, NotBefore: "2020-01-01T00:00:00+08:00"})
	}
	data, _ := json.Marshal(map[string]any{"keys": list})
	return []byte(fmt.Sprintf(`{"code":"0","message":"OK","requestId":%q,"data":%s}`, rid, data))
}

// TestKeyRotation: an answer signed by a new platform key triggers one
// refresh of the platform keys, after which the key is trusted.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	newKey, newPEM := newPlatformKey(t, "p2027b")
	s := newSrv(t, func(int, rec) reply { return reply{signer: newKey} })
	var lastKeysRID string
	srvKeys := func(rid string) reply {
		lastKeysRID = rid
		return reply{body: keysBody(rid, map[string]string{f.v.PlatformKeyID: f.v.PlatformPublicKeyPEM, "p2027b": newPEM})}
	}
	// the keys answer is signed by the trusted bootstrap key p2026a
	s.keysFn = srvKeys
	c := newClient(t, s.base(), nil)
	resp, err := c.Do(context.Background(), getCall())
	require.NoError(t, err)
	assert.Equal(t, "p2027b", resp.KeyID)
	assert.Equal(t, int32(1), s.keysN.Load())
	assert.NotEmpty(t, lastKeysRID)
	assert.Equal(t, []string{"p2026a", "p2027b"}, c.PlatformKeys().KeyIDs())

	_, err = c.Do(context.Background(), getCall())
	require.NoError(t, err)
	assert.Equal(t, int32(1), s.keysN.Load(), "known now: no second refresh")
}

// TestKeyRefreshAtMostOnceAMinute: an unknown key id triggers at most one
// automatic refresh a minute; an explicit refresh is not limited.
func TestKeyRefreshAtMostOnceAMinute(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	rogue, _ := newPlatformKey(t, "p-unknown")
	s := newSrv(t, func(int, rec) reply { return reply{signer: rogue} })
	s.keysFn = func(rid string) reply {
		return reply{body: keysBody(rid, map[string]string{f.v.PlatformKeyID: f.v.PlatformPublicKeyPEM})}
	}
	clk := &fakeClock{}
	c := newClient(t, s.base(), func(c *Config) { c.Now = clk.Now })
	for i := range 3 {
		_, err := c.Do(context.Background(), getCall())
		e := dsErr(t, err)
		assert.Equal(t, dserrors.Signature, e.Kind(), "call %d", i)
		assert.Equal(t, dserrors.CodeBadSignature, e.Code())
	}
	assert.Equal(t, int32(1), s.keysN.Load())
	clk.Advance(61 * time.Second)
	_, err := c.Do(context.Background(), getCall())
	assert.Equal(t, dserrors.Signature, dserrors.KindOf(err))
	assert.Equal(t, int32(2), s.keysN.Load())

	require.NoError(t, c.RefreshPlatformKeys(context.Background()))
	require.NoError(t, c.RefreshPlatformKeys(context.Background()))
	assert.Equal(t, int32(4), s.keysN.Load())
	assert.NoError(t, c.VerifyPlatformSignature(context.Background(), f.v.PlatformKeyID,
		[]byte(f.v.Callback.StringToSign), f.v.Callback.Signature))
}

// TestKeyRefreshKeepsBootstrap: a fetched list without the bootstrap key
// does not remove it; a keys answer signed by an untrusted key is refused.
func TestKeyRefreshKeepsBootstrap(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	other, otherPEM := newPlatformKey(t, "p2028c")
	s := newSrv(t, nil)
	s.keysFn = func(rid string) reply { return reply{body: keysBody(rid, map[string]string{"p2028c": otherPEM})} }
	c := newClient(t, s.base(), nil)
	require.NoError(t, c.RefreshPlatformKeys(context.Background()))
	assert.Equal(t, []string{f.v.PlatformKeyID, "p2028c"}, c.PlatformKeys().KeyIDs())

	// A key may not vouch for itself: c2 does not trust p2028c.
	s.keysFn = func(rid string) reply {
		return reply{signer: other, body: keysBody(rid, map[string]string{"p2028c": otherPEM})}
	}
	c2 := newClient(t, s.base(), nil)
	err := c2.RefreshPlatformKeys(context.Background())
	assert.Equal(t, dserrors.Signature, dserrors.KindOf(err), "%v", err)
	assert.Equal(t, []string{f.v.PlatformKeyID}, c2.PlatformKeys().KeyIDs())
}

// TestVerifyPlatformSignature: callbacks and certificates verify through the
// ring; failures are Kind Signature.
func TestVerifyPlatformSignature(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	s := newSrv(t, nil) // keys endpoint answers DS3001
	c := newClient(t, s.base(), nil)
	ctx := context.Background()
	require.NoError(t, c.VerifyPlatformSignature(ctx, f.v.PlatformKeyID, []byte(f.v.Callback.StringToSign), f.v.Callback.Signature))
	require.NoError(t, c.VerifyPlatformSignature(ctx, f.v.PlatformKeyID, []byte(f.v.Certificate.StringToSign), f.v.Certificate.Signature))
	err := c.VerifyPlatformSignature(ctx, f.v.PlatformKeyID, []byte(f.v.Callback.StringToSign+"x"), f.v.Callback.Signature)
	assert.Equal(t, dserrors.Signature, dserrors.KindOf(err))
	err = c.VerifyPlatformSignature(ctx, "p-none", []byte(f.v.Callback.StringToSign), f.v.Callback.Signature)
	assert.Equal(t, dserrors.Signature, dserrors.KindOf(err))
	assert.Equal(t, int32(1), s.keysN.Load(), "unknown key id: one refresh")
	_ = c.VerifyPlatformSignature(ctx, "p-none", []byte(f.v.Callback.StringToSign), f.v.Callback.Signature)
	assert.Equal(t, int32(1), s.keysN.Load(), "at most once a minute")
}

// TestOpenEnvelope opens the vector envelope with the client key.
func TestOpenEnvelope(t *testing.T) {
	t.Parallel()
	f := loadFixture(t)
	c := newClient(t, mockBase, nil)
	var env sign.Envelope
	require.NoError(t, json.Unmarshal(f.v.Envelope.JSON, &env))
	pt, err := c.OpenEnvelope(&env, f.v.Envelope.AuthorizationID)
	require.NoError(t, err)
	assert.Equal(t, f.v.Envelope.Plaintext, string(pt))
	_, err = c.OpenEnvelope(&env, "au_other")
	assert.Equal(t, dserrors.Signature, dserrors.KindOf(err))
	assert.Equal(t, dserrors.CodeEnvelope, dserrors.CodeOf(err))
}
