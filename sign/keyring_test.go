package sign

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeyRingRotation(t *testing.T) {
	v, k := loadVectors(t)
	t0 := time.Date(2026, 11, 27, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	oldKey := PublicKey{KeyID: "p2025a", Key: k.clientPub, NotAfter: t0.Add(time.Hour)}
	newKey := PublicKey{KeyID: v.PlatformKeyID, Key: k.platformPub, NotBefore: t0.Add(-time.Hour)}
	ring := NewKeyRing(oldKey, newKey)
	assert.Equal(t, []string{"p2025a", "p2026a"}, ring.KeyIDs())

	msg := []byte(v.Response.StringToSign)
	clientSigner, err := NewSigner("p2025a", k.clientPriv)
	require.NoError(t, err)
	oldSig, err := clientSigner.SignBase64(msg)
	require.NoError(t, err)

	tests := []struct {
		name    string
		keyID   string
		at      time.Time
		sig     string
		wantErr error
	}{
		{"new key, vector signature", "p2026a", t0, v.Response.Signature, nil},
		{"old key during overlap", "p2025a", t0, oldSig, nil},
		{"old key at its NotAfter", "p2025a", t0.Add(time.Hour), oldSig, nil},
		{"old key after NotAfter", "p2025a", t0.Add(time.Hour + time.Nanosecond), oldSig, ErrKeyNotValidNow},
		{"new key at its NotBefore", "p2026a", t0.Add(-time.Hour), v.Response.Signature, nil},
		{"new key before NotBefore", "p2026a", t0.Add(-2 * time.Hour), v.Response.Signature, ErrKeyNotValidNow},
		{"new key far future (unbounded)", "p2026a", t0.AddDate(50, 0, 0), v.Response.Signature, nil},
		{"signature under the wrong key id", "p2025a", t0, v.Response.Signature, ErrBadSignature},
		{"unknown key", "p2027a", t0, v.Response.Signature, ErrUnknownKey},
		{"empty key id", "", t0, v.Response.Signature, ErrUnknownKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ring.Verify(tc.keyID, tc.at, msg, tc.sig)
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
		})
	}

	// Errors name the key id.
	_, err = ring.Get("p2027a", t0)
	require.ErrorContains(t, err, `"p2027a"`)
	_, err = ring.Get("p2025a", t0.AddDate(1, 0, 0))
	require.ErrorContains(t, err, `"p2025a"`)

	// Add replaces the same key id; Replace swaps the whole set.
	ring.Add(PublicKey{KeyID: "p2025a", Key: k.platformPub})
	require.NoError(t, ring.Verify("p2025a", t0.AddDate(1, 0, 0), msg, v.Response.Signature))
	ring.Replace([]PublicKey{{KeyID: "p2028a", Key: k.platformPub}})
	assert.Equal(t, []string{"p2028a"}, ring.KeyIDs())
	assert.ErrorIs(t, ring.Verify("p2026a", t0, msg, v.Response.Signature), ErrUnknownKey)
	require.NoError(t, ring.Verify("p2028a", t0, msg, v.Response.Signature))
}

func TestKeyRingEdgeCases(t *testing.T) {
	var zero KeyRing
	assert.Empty(t, zero.KeyIDs())
	_, err := zero.Get("x", time.Now())
	assert.ErrorIs(t, err, ErrUnknownKey)
	zero.Add(PublicKey{KeyID: "x"})
	assert.Equal(t, []string{"x"}, zero.KeyIDs())
	// A key without a usable public key never verifies.
	assert.ErrorIs(t, zero.Verify("x", time.Now(), []byte("m"), "AAAA"), ErrBadSignature)

	var nilRing *KeyRing
	assert.Nil(t, nilRing.KeyIDs())
	_, err = nilRing.Get("x", time.Now())
	assert.ErrorIs(t, err, ErrUnknownKey)

	// Long key ids are truncated in errors.
	long := strings.Repeat("k", 1000)
	_, err = NewKeyRing().Get(long, time.Now())
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200)
}

func TestKeyRingConcurrent(t *testing.T) {
	v, k := loadVectors(t)
	msg := []byte(v.Response.StringToSign)
	ring := NewKeyRing(PublicKey{KeyID: v.PlatformKeyID, Key: k.platformPub})
	now := time.Now()

	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				switch (g + i) % 4 {
				case 0:
					assert.NoError(t, ring.Verify(v.PlatformKeyID, now, msg, v.Response.Signature))
				case 1:
					ring.Add(PublicKey{KeyID: fmt.Sprintf("extra-%d-%d", g, i), Key: k.clientPub})
				case 2:
					ring.Replace([]PublicKey{
						{KeyID: v.PlatformKeyID, Key: k.platformPub},
						{KeyID: "other", Key: k.clientPub},
					})
				default:
					assert.Contains(t, ring.KeyIDs(), v.PlatformKeyID)
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, ring.Verify(v.PlatformKeyID, now, msg, v.Response.Signature))
}
