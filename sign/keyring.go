package sign

import (
	"crypto/ecdsa"
	"fmt"
	"slices"
	"sync"
	"time"
)

// maxKeyIDInError bounds how much of an (untrusted) key id an error quotes.
const maxKeyIDInError = 64

// PublicKey is a trusted SM2 public key with its key id and validity period.
// A zero NotBefore or NotAfter leaves that side of the period unbounded; both
// bounds are inclusive.
type PublicKey struct {
	KeyID     string
	Key       *ecdsa.PublicKey
	NotBefore time.Time
	NotAfter  time.Time
}

// validAt reports whether t lies within the key's validity period.
func (k PublicKey) validAt(t time.Time) bool {
	if !k.NotBefore.IsZero() && t.Before(k.NotBefore) {
		return false
	}
	if !k.NotAfter.IsZero() && t.After(k.NotAfter) {
		return false
	}
	return true
}

// KeyRing holds trusted public keys by key id (密钥标识). Several keys may be
// live at once, which is how key rotation works: the new key is added before
// the old one expires. A KeyRing is safe for concurrent use; the zero value is
// an empty ring ready to use.
//
// Keys are not validated when added; Verify rejects a key that is not a valid
// SM2 public key with ErrBadSignature.
type KeyRing struct {
	mu   sync.RWMutex
	keys map[string]PublicKey
}

// NewKeyRing returns a key ring holding keys. Of several keys with the same
// KeyID, the last one wins.
func NewKeyRing(keys ...PublicKey) *KeyRing {
	r := &KeyRing{}
	r.Replace(keys)
	return r
}

// Add adds k, replacing any key with the same KeyID.
func (r *KeyRing) Add(k PublicKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys == nil {
		r.keys = make(map[string]PublicKey)
	}
	r.keys[k.KeyID] = k
}

// Replace atomically replaces the whole set of keys with keys, for example
// with a freshly fetched platform key list (§2.5).
func (r *KeyRing) Replace(keys []PublicKey) {
	m := make(map[string]PublicKey, len(keys))
	for _, k := range keys {
		m[k.KeyID] = k
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys = m
}

// Get returns the public key with id keyID if it is valid at time at. It
// returns an error wrapping ErrUnknownKey or ErrKeyNotValidNow otherwise.
func (r *KeyRing) Get(keyID string, at time.Time) (*ecdsa.PublicKey, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: %q (nil key ring)", ErrUnknownKey, truncate(keyID, maxKeyIDInError))
	}
	r.mu.RLock()
	k, ok := r.keys[keyID]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKey, truncate(keyID, maxKeyIDInError))
	}
	if !k.validAt(at) {
		return nil, fmt.Errorf("%w: %q", ErrKeyNotValidNow, truncate(keyID, maxKeyIDInError))
	}
	return k.Key, nil
}

// KeyIDs returns the ids of all keys in the ring, valid now or not, sorted.
func (r *KeyRing) KeyIDs() []string {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	ids := make([]string, 0, len(r.keys))
	for id := range r.keys {
		ids = append(ids, id)
	}
	r.mu.RUnlock()
	slices.Sort(ids)
	return ids
}

// Verify looks up keyID as Get does at time at and checks the base64 SM2-SM3
// signature sigB64 over msg with it (VerifyBase64). Errors wrap
// ErrUnknownKey, ErrKeyNotValidNow or ErrBadSignature.
func (r *KeyRing) Verify(keyID string, at time.Time, msg []byte, sigB64 string) error {
	pub, err := r.Get(keyID, at)
	if err != nil {
		return err
	}
	return VerifyBase64(pub, msg, sigB64)
}

// truncate shortens s to at most n bytes for quoting in an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
