package sign

import (
	"encoding/json"
	"encoding/pem"
	"testing"

	"github.com/emmansun/gmsm/pkcs"
	"github.com/emmansun/gmsm/pkcs8"

	"github.com/stretchr/testify/require"
)

// The fuzz targets only require that the functions never panic and that
// their results are consistent (a nil error comes with a usable value).

func FuzzParsePrivateKeyPEM(f *testing.F) {
	v, k := loadVectors(f)
	f.Add([]byte(v.ClientPrivateKeyPEM), false)
	f.Add([]byte(v.PlatformPrivateKeyPEM), true)
	f.Add([]byte(v.ClientPublicKeyPEM), false)
	// A cheap seed: OpenSSL's default of 2048 PBKDF2 iterations.
	der, err := pkcs8.MarshalPrivateKey(k.clientPriv, []byte("fuzz"),
		pkcs.NewPBESEncrypter(pkcs.AES256CBC, pkcs.NewPBKDF2Opts(pkcs.SHA256, 8, 2048)))
	require.NoError(f, err)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}), true)
	f.Add([]byte("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n"), false)
	f.Add([]byte(""), false)
	f.Fuzz(func(t *testing.T, data []byte, withPassword bool) {
		var pw []byte
		if withPassword {
			pw = []byte("fuzz")
		}
		priv, err := ParsePrivateKeyPEM(data, pw)
		if err == nil && (priv == nil || priv.D == nil) {
			t.Fatal("nil key without error")
		}
	})
}

func FuzzParsePublicKeyPEM(f *testing.F) {
	v, _ := loadVectors(f)
	f.Add([]byte(v.ClientPublicKeyPEM))
	f.Add([]byte(v.PlatformPublicKeyPEM))
	f.Add([]byte(v.ClientPrivateKeyPEM))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, err := ParsePublicKeyPEM(data)
		if err != nil {
			return
		}
		if pub == nil {
			t.Fatal("nil key without error")
		}
		if _, err := MarshalPublicKeyPEM(pub); err != nil {
			t.Fatalf("parsed key does not marshal: %v", err)
		}
	})
}

func FuzzOpenEnvelope(f *testing.F) {
	v, k := loadVectors(f)
	raw, err := json.Marshal(vectorEnvelope(f, v))
	require.NoError(f, err)
	f.Add(raw, v.Envelope.AuthorizationID)
	sealed, err := SealEnvelope(k.clientPub, v.ClientKeyID, "au_01", []byte(`{"x":1}`))
	require.NoError(f, err)
	raw, err = json.Marshal(sealed)
	require.NoError(f, err)
	f.Add(raw, "au_01")
	f.Add([]byte(`{"alg":"SM2-SM4-GCM","keyId":"k2026a","encryptedKey":"","iv":"","ciphertext":""}`), "")
	f.Add([]byte(`null`), "au_01")
	f.Fuzz(func(t *testing.T, data []byte, aad string) {
		var env *Envelope
		if json.Unmarshal(data, &env) != nil {
			return
		}
		pt, err := OpenEnvelope(k.clientPriv, v.ClientKeyID, aad, env)
		if err == nil && env == nil {
			t.Fatalf("opened a nil envelope: %q", pt)
		}
	})
}

func FuzzVerifyBase64(f *testing.F) {
	v, k := loadVectors(f)
	f.Add([]byte(v.Request.StringToSign), v.Request.Signature)
	f.Add([]byte(v.GetRequest.StringToSign), v.GetRequest.Signature)
	f.Add([]byte(v.Response.StringToSign), v.Response.Signature)
	f.Add([]byte(v.Callback.StringToSign), v.Callback.Signature)
	f.Add([]byte(""), "")
	f.Add([]byte("x"), "MAYCAQECAQE=")
	f.Fuzz(func(t *testing.T, msg []byte, sig string) {
		// Whatever the input, the two keys never both accept it.
		errClient := VerifyBase64(k.clientPub, msg, sig)
		errPlatform := VerifyBase64(k.platformPub, msg, sig)
		if errClient == nil && errPlatform == nil {
			t.Fatal("one signature verified under two keys")
		}
	})
}
