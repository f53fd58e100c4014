package dstest

import (
	"errors"
	"fmt"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

// platformKey is one platform key (§2.5) with its validity.
type platformKey struct {
	signer      *sign.Signer
	pem         string
	from, until time.Time
}

// keySet is the platform's keys: the last signs answers, callbacks and
// certificates; all are listed by /platform-keys, whose answer the oldest
// signs, so that a system trusting only the previous key learns the new one.
type keySet struct {
	listed []*platformKey // oldest first; the current key last
}

// maxListedKeys bounds the keys listed during rotations.
const maxListedKeys = 3

func newPlatformKey(keyID string, key *sm2.PrivateKey, from time.Time) (*platformKey, error) {
	signer, err := sign.NewSigner(keyID, key)
	if err != nil {
		return nil, fmt.Errorf("dstest: platform signer: %w", err)
	}
	pubPEM, err := sign.MarshalPublicKeyPEM(signer.Public())
	if err != nil {
		return nil, fmt.Errorf("dstest: platform public key: %w", err)
	}
	return &platformKey{signer: signer, pem: string(pubPEM), from: from.Add(-24 * time.Hour), until: from.AddDate(10, 0, 0)}, nil
}

func (k *keySet) current() *platformKey { return k.listed[len(k.listed)-1] }

// signer is the key that signs answers, callbacks and certificates.
func (s *Sim) signer() *sign.Signer {
	s.keyMu.RLock()
	defer s.keyMu.RUnlock()
	return s.keys.current().signer
}

// keysSigner is the key that signs the /platform-keys answer: the oldest
// listed one.
func (s *Sim) keysSigner() *sign.Signer {
	s.keyMu.RLock()
	defer s.keyMu.RUnlock()
	return s.keys.listed[0].signer
}

// RotatePlatformKey makes a new platform key current, as a platform does
// when it rotates: answers, callbacks and certificates are signed by the new
// key from now on, and /platform-keys lists it beside the previous ones
// (at most 3), signed by the oldest, so systems that trust only the previous
// key can learn the new one. A nil key generates one. It returns the new
// key's public PEM.
func (s *Sim) RotatePlatformKey(keyID string, key *sm2.PrivateKey) (string, error) {
	if keyID == "" {
		return "", errors.New("dstest: RotatePlatformKey needs a key id")
	}
	if key == nil {
		k, err := sign.GenerateKey()
		if err != nil {
			return "", fmt.Errorf("dstest: generating a platform key: %w", err)
		}
		key = k
	}
	pk, err := newPlatformKey(keyID, key, s.now())
	if err != nil {
		return "", err
	}
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	for _, k := range s.keys.listed {
		if k.signer.KeyID() == keyID {
			return "", fmt.Errorf("dstest: platform key id %s is already in use", keyID)
		}
	}
	listed := append(append([]*platformKey(nil), s.keys.listed...), pk)
	if len(listed) > maxListedKeys {
		listed = listed[len(listed)-maxListedKeys:]
	}
	s.keys = &keySet{listed: listed}
	return pk.pem, nil
}

func (s *Sim) callPlatformKeys(rc *reqCtx) answer {
	s.keyMu.RLock()
	out := wire.PlatformKeys{}
	for _, k := range s.keys.listed {
		out.Keys = append(out.Keys, wire.PlatformKey{KeyID: k.signer.KeyID(), PublicKeyPEM: k.pem,
			NotBefore: fmtTime(k.from), NotAfter: fmtTime(k.until)})
	}
	oldest := s.keys.listed[0].signer
	s.keyMu.RUnlock()
	a := s.okAnswer(rc, out)
	a.signer = oldest
	return a
}
