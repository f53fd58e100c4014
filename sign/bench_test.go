package sign

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func BenchmarkSign(b *testing.B) {
	v, k := loadVectors(b)
	s, err := NewSigner(v.ClientKeyID, k.clientPriv)
	require.NoError(b, err)
	msg := []byte(v.Request.StringToSign)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sign(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	v, k := loadVectors(b)
	msg := []byte(v.Request.StringToSign)
	b.ReportAllocs()
	for b.Loop() {
		if err := VerifyBase64(k.clientPub, msg, v.Request.Signature); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenEnvelope(b *testing.B) {
	v, k := loadVectors(b)
	env := vectorEnvelope(b, v)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := OpenEnvelope(k.clientPriv, v.ClientKeyID, v.Envelope.AuthorizationID, &env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealEnvelope(b *testing.B) {
	v, k := loadVectors(b)
	pt := []byte(v.Envelope.Plaintext)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SealEnvelope(k.clientPub, v.ClientKeyID, "au_01", pt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReplayCheck(b *testing.B) {
	g := NewReplayGuard(ReplayConfig{MaxEntries: 1 << 30})
	now := strconv.FormatInt(time.Now().Unix(), 10)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := g.Check("zs-scdj-001", now, strconv.Itoa(i)); err != nil {
			b.Fatal(err)
		}
	}
}
