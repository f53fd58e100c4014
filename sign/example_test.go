package sign_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/zsdata/digitalspace/sign"
)

// A system signs the DSP/1 string to sign of a request; the receiver checks it
// with the system's public key from its key ring.
func ExampleSigner_Sign() {
	priv, err := sign.GenerateKey()
	if err != nil {
		fmt.Println(err)
		return
	}
	signer, err := sign.NewSigner("k2026a", priv)
	if err != nil {
		fmt.Println(err)
		return
	}
	body := []byte(`{"subject":"personal","scenario":"data_code"}`)
	msg := []byte("DSP1-SM2-SM3\nPOST\n/dsp/v1/authorizations\nzs-scdj-001\nk2026a\n" +
		"1795392000\n0f1e2d3c4b5a69788796a5b4c3d2e1f0\n6f1c8e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b\n" +
		sign.SM3Hex(body) + "\n")
	sig, err := signer.SignBase64(msg)
	if err != nil {
		fmt.Println(err)
		return
	}

	ring := sign.NewKeyRing(sign.PublicKey{KeyID: signer.KeyID(), Key: signer.Public()})
	now := time.Unix(1795392000, 0)
	fmt.Println("valid:", ring.Verify("k2026a", now, msg, sig) == nil)
	msg[len(msg)-2] ^= 1
	fmt.Println("tampered rejected:", errors.Is(ring.Verify("k2026a", now, msg, sig), sign.ErrBadSignature))
	fmt.Println("unknown key rejected:", errors.Is(ring.Verify("k2025z", now, msg, sig), sign.ErrUnknownKey))
	// Output:
	// valid: true
	// tampered rejected: true
	// unknown key rejected: true
}

// The platform seals license data to a system's key; only that system opens it.
func ExampleOpenEnvelope() {
	priv, err := sign.GenerateKey()
	if err != nil {
		fmt.Println(err)
		return
	}
	env, err := sign.SealEnvelope(&priv.PublicKey, "k2026a", "au_01", []byte(`{"licenses":[]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	plaintext, err := sign.OpenEnvelope(priv, "k2026a", "au_01", env)
	fmt.Println(string(plaintext), err)
	_, err = sign.OpenEnvelope(priv, "k2026a", "au_02", env)
	fmt.Println(errors.Is(err, sign.ErrBadEnvelope))
	// Output:
	// {"licenses":[]} <nil>
	// true
}
