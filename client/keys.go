package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// noRefreshKey marks the context of a platform-keys fetch: an unknown key id
// in its own answer must not trigger another fetch.
type noRefreshKey struct{}

// errRefreshTooSoon reports an automatic refresh refused by the once-a-minute
// limit.
var errRefreshTooSoon = errors.New("client: platform keys were refreshed less than a minute ago")

// verifyPlatform checks a platform signature with the key ring; an unknown key
// id triggers one automatic refresh (at most once a minute) and a second try.
func (c *Client) verifyPlatform(ctx context.Context, keyID string, msg []byte, sigB64 string) error {
	err := c.ring.Verify(keyID, c.now(), msg, sigB64)
	if err == nil || !errors.Is(err, sign.ErrUnknownKey) {
		return err
	}
	if ctx.Value(noRefreshKey{}) != nil {
		return err
	}
	if rerr := c.refresh(ctx, false); rerr != nil && !errors.Is(rerr, errRefreshTooSoon) {
		c.log.LogAttrs(ctx, slog.LevelWarn, "digitalspace platform key refresh failed",
			slog.String("kind", dserrors.KindOf(rerr).String()), slog.String("code", dserrors.CodeOf(rerr)))
	}
	return c.ring.Verify(keyID, c.now(), msg, sigB64)
}

// VerifyPlatformSignature checks a platform signature over msg (a callback's
// or a certificate's string to sign) with the trusted key keyID. An unknown
// key id triggers one refresh of the platform keys (at most once a minute)
// before the second try. Failures are Kind Signature, code SDK_BAD_SIGNATURE.
func (c *Client) VerifyPlatformSignature(ctx context.Context, keyID string, msg []byte, sigB64 string) error {
	if err := c.verifyPlatform(ctx, keyID, msg, sigB64); err != nil {
		return dserrors.New(dserrors.Details{Kind: dserrors.Signature, Code: dserrors.CodeBadSignature,
			Message: "platform signature is not valid", Cause: err})
	}
	return nil
}

// RefreshPlatformKeys fetches GET /platform-keys now (a signed answer,
// verified against the current ring) and replaces the ring with the
// bootstrap keys plus the fetched ones (a bootstrap key wins over a fetched
// key of the same id). Automatic refreshes, on an unknown key id, happen at
// most once a minute; this explicit call is not limited.
func (c *Client) RefreshPlatformKeys(ctx context.Context) error {
	return c.refresh(ctx, true)
}

func (c *Client) refresh(ctx context.Context, force bool) error {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	now := c.now()
	if !force && !c.lastRefresh.IsZero() && now.Sub(c.lastRefresh) < KeyRefreshInterval {
		return errRefreshTooSoon
	}
	c.lastRefresh = now
	call := &Call{Route: string(wire.RoutePlatformKeys), Method: http.MethodGet,
		Path: wire.PlatformKeysPath(), RequestID: uuid.NewString(), Idempotent: true}
	resp, err := c.do(context.WithValue(ctx, noRefreshKey{}, true), call)
	if err != nil {
		return err
	}
	keys, err := parsePlatformKeys(resp.Data)
	if err != nil {
		return dserrors.New(dserrors.Details{Kind: dserrors.Platform, Code: dserrors.CodeBadResponse,
			RequestID: resp.RequestID, Attempts: resp.Attempts, HTTPStatus: resp.Status,
			Message: "platform keys answer is malformed", Cause: err})
	}
	merged := make([]sign.PublicKey, 0, len(keys)+len(c.bootstrap))
	merged = append(merged, keys...)
	merged = append(merged, c.bootstrap...) // last wins: bootstrap keys
	c.ring.Replace(merged)
	c.log.LogAttrs(ctx, slog.LevelInfo, "digitalspace platform keys refreshed", slog.Int("keys", len(merged)))
	return nil
}

// parsePlatformKeys reads the data of a call 10 answer. Entries that are not
// valid SM2 keys are refused, and so is a list without a usable key.
func parsePlatformKeys(data json.RawMessage) ([]sign.PublicKey, error) {
	var pk wire.PlatformKeys
	if err := json.Unmarshal(data, &pk); err != nil {
		return nil, fmt.Errorf("platform keys: %w", err)
	}
	if len(pk.Keys) == 0 {
		return nil, errors.New("platform keys: empty list")
	}
	out := make([]sign.PublicKey, 0, len(pk.Keys))
	for i, k := range pk.Keys {
		if k.KeyID == "" {
			return nil, fmt.Errorf("platform keys: entry %d has no keyId", i)
		}
		pub, err := sign.ParsePublicKeyPEM([]byte(k.PublicKeyPEM))
		if err != nil {
			return nil, fmt.Errorf("platform keys: entry %d: %w", i, err)
		}
		p := sign.PublicKey{KeyID: k.KeyID, Key: pub}
		if p.NotBefore, err = parseOptionalTime(k.NotBefore); err != nil {
			return nil, fmt.Errorf("platform keys: entry %d notBefore: %w", i, err)
		}
		if p.NotAfter, err = parseOptionalTime(k.NotAfter); err != nil {
			return nil, fmt.Errorf("platform keys: entry %d notAfter: %w", i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func parseOptionalTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, s)
}
