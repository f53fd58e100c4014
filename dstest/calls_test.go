package dstest_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/ident"
	"github.com/zsdata/digitalspace/internal/mask"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

func TestCreateEveryScenario(t *testing.T) {
	tests := []struct {
		paasID, subject, scenario string
		launch                    bool
	}{
		{"zs-gjj-001", wire.SubjectPersonal, wire.ScenarioYSSCode, false},
		{"zs-gjj-001", wire.SubjectPersonal, wire.ScenarioMobileApp, true},
		{"zs-gjj-001", wire.SubjectPersonal, wire.ScenarioH5, false},
		{"zs-gjj-001", wire.SubjectPersonal, wire.ScenarioDataCode, false},
		{"zs-gjj-001", wire.SubjectLegal, wire.ScenarioYSTCode, false},
		{"zs-zjj-001", wire.SubjectLegal, wire.ScenarioH5, false},
		{"zs-rsj-001", wire.SubjectPersonal, wire.ScenarioDataCode, false},
	}
	c := start(t, "zs-gjj-001")
	for _, tt := range tests {
		t.Run(tt.paasID+"/"+tt.subject+"/"+tt.scenario, func(t *testing.T) {
			cc := *c
			cc.t, cc.paasID, cc.token = t, tt.paasID, dstest.DefaultPaasToken(tt.paasID)
			out := cc.create(cc.createBody(tt.subject, tt.scenario))
			assert.True(t, strings.HasPrefix(out.AuthorizationID, "au_"))
			assert.Equal(t, wire.StatusPending, out.Status)
			assert.Equal(t, tt.scenario, out.Scenario)
			exp, err := time.Parse(time.RFC3339, out.ExpiresAt)
			require.NoError(t, err)
			assert.WithinDuration(t, time.Now().Add(300*time.Second), exp, 5*time.Second)
			if tt.launch {
				require.NotNil(t, out.Launch)
				assert.NotEmpty(t, out.Launch.MiniProgram.AppID)
				assert.Contains(t, out.Launch.URL, "/_sim/phone?auth=")
			} else {
				require.NotNil(t, out.AuthPage)
				assert.Contains(t, out.AuthPage.URL, "/_sim/phone?auth="+out.AuthorizationID)
			}
			got := cc.get(out.AuthorizationID)
			assert.Equal(t, wire.StatusPending, got.Status)
		})
	}
}

func TestHappyPathDeliveryAndCertificate(t *testing.T) {
	c := start(t, "zs-gjj-001")
	req := c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode)
	out := c.create(req)
	h := c.holder("person", 0)

	a := c.get(out.AuthorizationID)
	require.NotNil(t, a.Holder, "yss_code binds the holder")
	assert.Equal(t, mask.Name(h.Name), a.Holder.Name)
	assert.Equal(t, mask.ID(h.IDNumber), a.Holder.IDNumber)

	require.NoError(t, c.sim.Open(out.AuthorizationID, nil))
	assert.Equal(t, wire.StatusScanned, c.get(out.AuthorizationID).Status)
	require.NoError(t, c.sim.Decide(out.AuthorizationID, dstest.Decision{Decision: "approve"}))
	a = c.get(out.AuthorizationID)
	require.Equal(t, wire.StatusAuthorized, a.Status)
	decided, err := time.Parse(time.RFC3339, a.DecidedAt)
	require.NoError(t, err)
	until, err := time.Parse(time.RFC3339, a.UseUntil)
	require.NoError(t, err)
	assert.Equal(t, 30*time.Minute, until.Sub(decided))
	require.NotEmpty(t, a.CertificateID)

	var sealed wire.SealedDelivery
	c.do("POST", wire.DeliveryPath(out.AuthorizationID), nil).ok(t, &sealed)
	require.Equal(t, out.AuthorizationID, sealed.AuthorizationID)
	require.NotNil(t, sealed.Envelope)
	assert.Equal(t, wire.EnvelopeAlg, sealed.Envelope.Alg)
	assert.Equal(t, dstest.TestClientKeyID, sealed.Envelope.KeyID)
	plain, err := sign.OpenEnvelope(c.key, dstest.TestClientKeyID, out.AuthorizationID, (*sign.Envelope)(sealed.Envelope))
	require.NoError(t, err)
	var d wire.Delivery
	require.NoError(t, json.Unmarshal(plain, &d))

	// Only granted items, every license valid.
	nLic, nData := 0, 0
	for _, it := range req.Items {
		if it.Kind == wire.ItemLicense {
			nLic++
		} else {
			nData++
		}
	}
	require.Len(t, d.Licenses, nLic)
	require.Len(t, d.Data, nData)
	for _, l := range d.Licenses {
		li, err := ident.ParseLicenseIdentifier(l.CertificateIdentifier)
		require.NoError(t, err, l.CertificateIdentifier)
		assert.Equal(t, l.CertificateTypeCode, li.TypeCode)
		assert.Len(t, l.CertificateTypeCode, 21)
		assert.Equal(t, "111", l.CertificateHolderTypeCode)
		assert.Equal(t, h.IDNumber, l.CertificateHolderCode)
		file, err := base64.StdEncoding.DecodeString(l.File.Content)
		require.NoError(t, err)
		assert.Equal(t, wire.SM3Hex(file), l.File.SM3)
		assert.True(t, strings.HasPrefix(string(file), "%PDF-"))
		assert.Equal(t, "PDF", l.File.Format)
		assert.NoError(t, ident.ValidUSCC(l.CertificateIssuingAuthorityCode))
	}

	// The certificate verifies and matches call 7.
	cert := d.Certificate
	require.NotNil(t, cert)
	pub := mustPlatformPub(t)
	require.NoError(t, sign.VerifyBase64(pub, []byte(wire.CertificateToSign(cert)), cert.Signature))
	assert.Equal(t, wire.HolderDigest(h.IDType, h.IDNumber), cert.HolderDigest)
	assert.Equal(t, a.DecidedAt, cert.AuthorizedAt)
	assert.Equal(t, a.UseUntil, cert.ExpiresAt)
	assert.Equal(t, dstest.LedgerName, cert.Ledger.Name)
	assert.NotEmpty(t, cert.Ledger.TxID)
	assert.Positive(t, cert.Ledger.BlockHeight)
	assert.IsNonDecreasing(t, cert.GrantedItems)
	assert.Equal(t, req.Purpose, cert.Purpose)
	assert.Equal(t, "12442000MB2C00040H", cert.OrgCode)
	var cert7 wire.Certificate
	c.do("GET", wire.CertificatePath(cert.CertID), nil).ok(t, &cert7)
	assert.Equal(t, *cert, cert7)

	// Another system sees neither the authorization nor the certificate.
	other := *c
	other.paasID, other.token = "zs-zjj-001", dstest.DefaultPaasToken("zs-zjj-001")
	other.do("GET", wire.AuthorizationPath(out.AuthorizationID), nil).fails(t, http.StatusNotFound, wire.CodeDS3001)
	other.do("GET", wire.CertificatePath(cert.CertID), nil).fails(t, http.StatusNotFound, wire.CodeDS3001)
	other.do("POST", wire.DeliveryPath(out.AuthorizationID), nil).fails(t, http.StatusNotFound, wire.CodeDS3001)
}

func TestCancel(t *testing.T) {
	c := start(t, "zs-gjj-001")
	out := c.create(c.createBody(wire.SubjectPersonal, wire.ScenarioH5))
	var a wire.Authorization
	c.do("POST", wire.CancelPath(out.AuthorizationID), []byte(`{}`)).ok(t, &a)
	assert.Equal(t, wire.StatusCanceled, a.Status)
	c.do("POST", wire.CancelPath(out.AuthorizationID), nil).fails(t, http.StatusConflict, wire.CodeDS3002)
	c.do("POST", wire.CancelPath("au_nope"), nil).fails(t, http.StatusNotFound, wire.CodeDS3001)
	var se *dstest.SimError
	require.ErrorAs(t, c.sim.Decide(out.AuthorizationID, dstest.Decision{Decision: "approve"}), &se)
	assert.Equal(t, wire.CodeDS3002, se.Code)
}

func TestServiceCodeScanAndList(t *testing.T) {
	c := start(t, "zs-ggzy-001")
	req := c.createBody(wire.SubjectLegal, wire.ScenarioServiceCode)
	req.TerminalID = "hall-screen-01"
	req.CallbackURL = ""
	var code wire.ServiceCode
	c.do("POST", wire.ServiceCodesPath(), mustJSON(t, req)).ok(t, &code)
	require.NotEmpty(t, code.CodeID)
	require.NotEmpty(t, code.QRContent)
	exp, err := time.Parse(time.RFC3339, code.ExpiresAt)
	require.NoError(t, err)
	ref, err := time.Parse(time.RFC3339, code.RefreshAt)
	require.NoError(t, err)
	assert.False(t, ref.After(exp))
	assert.WithinDuration(t, time.Now().Add(300*time.Second), exp, 5*time.Second)

	h := c.holder("legal", 1)
	st, body := c.simCall("POST", "scan", map[string]any{"qrContent": code.QRContent, "holder": map[string]string{"idType": h.IDType, "idNumber": h.IDNumber}})
	require.Equal(t, http.StatusOK, st, body)
	id, _ := body["authorizationId"].(string)
	require.NotEmpty(t, id)

	var list wire.ServiceCodeAuthorizations
	c.do("GET", wire.ServiceCodeAuthorizationsPath(code.CodeID), nil).ok(t, &list)
	require.Len(t, list.Authorizations, 1)
	got := list.Authorizations[0]
	assert.Equal(t, id, got.AuthorizationID)
	assert.Equal(t, wire.StatusScanned, got.Status)
	assert.Equal(t, code.CodeID, got.ServiceCodeID)
	assert.Equal(t, wire.ScenarioServiceCode, got.Scenario)
	assert.Equal(t, mask.Name(h.Name), got.Holder.Name)

	// A person cannot scan a legal code; an expired code cannot be scanned.
	p := c.holder("person", 0)
	st, body = c.simCall("POST", "scan", map[string]any{"qrContent": code.QRContent, "holder": map[string]string{"idType": p.IDType, "idNumber": p.IDNumber}})
	assert.Equal(t, http.StatusConflict, st, body)
	c.sim.AdvanceClock(301 * time.Second)
	st, body = c.simCall("POST", "scan", map[string]any{"qrContent": code.QRContent, "holder": map[string]string{"idType": h.IDType, "idNumber": h.IDNumber}})
	assert.Equal(t, http.StatusGone, st)
	assert.Equal(t, wire.CodeDS3003, body["code"])

	// Short ttl: a code lives min(ttl, 300) s.
	req.TTLSeconds = 60
	c.do("POST", wire.ServiceCodesPath(), mustJSON(t, req)).ok(t, &code)
	exp, _ = time.Parse(time.RFC3339, code.ExpiresAt)
	assert.WithinDuration(t, c.sim.Now().Add(60*time.Second), exp, 5*time.Second)
	c.do("GET", wire.ServiceCodeAuthorizationsPath("sc_nope"), nil).fails(t, http.StatusNotFound, wire.CodeDS3001)
}

func TestPlatformKeys(t *testing.T) {
	c := start(t, "zs-scdj-001")
	var keys wire.PlatformKeys
	c.do("GET", wire.PlatformKeysPath(), nil).ok(t, &keys)
	require.Len(t, keys.Keys, 1)
	assert.Equal(t, dstest.TestPlatformKeyID, keys.Keys[0].KeyID)
	pub, err := sign.ParsePublicKeyPEM([]byte(keys.Keys[0].PublicKeyPEM))
	require.NoError(t, err)
	assert.True(t, pub.Equal(mustPlatformPub(t)))
	nb, err := time.Parse(time.RFC3339, keys.Keys[0].NotBefore)
	require.NoError(t, err)
	na, err := time.Parse(time.RFC3339, keys.Keys[0].NotAfter)
	require.NoError(t, err)
	assert.True(t, nb.Before(time.Now()) && na.After(time.Now()))
}

func TestRegistryAndHolders(t *testing.T) {
	c := start(t, "zs-scdj-001")
	st, reg := c.simCall("GET", "registry", nil)
	require.Equal(t, http.StatusOK, st)
	systems := reg["systems"].([]any)
	require.Len(t, systems, 6)
	for _, s := range systems {
		assert.NotContains(t, s.(map[string]any), "paasToken", "gateway tokens stay out of /_sim/registry")
	}

	// The registry round-trips through LoadRegistry.
	loaded, err := dstest.LoadRegistry(strings.NewReader(string(mustJSON(t, reg))))
	require.NoError(t, err)
	require.Len(t, loaded.Systems, 6)

	licenses := map[string]bool{}
	for _, s := range loaded.Systems {
		assert.Contains(t, s.Scenarios.Personal, wire.ScenarioDataCode)
		assert.GreaterOrEqual(t, len(s.Matters), 2)
		for _, m := range s.Matters {
			var lic, dat bool
			for _, it := range m.Items {
				if it.Kind == wire.ItemLicense {
					lic = true
					assert.Len(t, it.Code, 21)
					licenses[it.Code] = true
				} else {
					dat = true
				}
			}
			assert.True(t, lic && dat, m.Code)
		}
	}
	holders := c.sim.Holders()
	covered := map[string]bool{}
	persons, legals := 0, 0
	for _, h := range holders {
		for _, l := range h.Licenses {
			covered[l] = true
		}
		assert.NotEmpty(t, h.ScanCode)
		switch h.Type {
		case "person":
			persons++
			assert.NoError(t, ident.ValidIDCard(h.IDNumber))
			assert.NoError(t, ident.ValidDataCode(h.DataCode))
		case "legal":
			legals++
			assert.NoError(t, ident.ValidUSCC(h.IDNumber))
		}
	}
	assert.GreaterOrEqual(t, persons, 4)
	assert.GreaterOrEqual(t, legals, 3)
	for code := range licenses {
		assert.True(t, covered[code], code)
	}
	st, hb := c.simCall("GET", "holders", nil)
	require.Equal(t, http.StatusOK, st)
	assert.Len(t, hb["holders"], len(holders))
}

func TestPhonePage(t *testing.T) {
	c := start(t, "zs-scdj-001")
	resp, err := c.hc.Get(c.simURL + "/_sim/phone")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
}

// TestPlatformKeyRotation: after a rotation the new key signs answers,
// callbacks and certificates; /platform-keys lists both keys and is signed
// by the old one, which the system already trusts.
func TestPlatformKeyRotation(t *testing.T) {
	c := start(t, "zs-gjj-001")
	st, out := c.simCall("POST", "platform-keys/rotate", map[string]string{"keyId": "p2027b"})
	require.Equal(t, http.StatusOK, st)
	newPub, err := sign.ParsePublicKeyPEM([]byte(out["publicKeyPem"].(string)))
	require.NoError(t, err)

	// The keys answer is signed by the old key (the raw client checks every
	// signature with the vector platform key).
	var keys wire.PlatformKeys
	r := c.do("GET", wire.PlatformKeysPath(), nil)
	r.ok(t, &keys)
	assert.Equal(t, dstest.TestPlatformKeyID, r.Header.Get(wire.HeaderKeyID))
	require.Len(t, keys.Keys, 2)
	assert.Equal(t, "p2027b", keys.Keys[1].KeyID)

	// Everything else is signed by the new key.
	body := mustJSON(t, c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	req := c.request("POST", wire.AuthorizationsPath(), body)
	resp, err := c.hc.Do(req)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
	h := resp.Header
	assert.Equal(t, "p2027b", h.Get(wire.HeaderKeyID))
	sts := wire.ResponseToSign{Status: 200, RequestID: h.Get(wire.HeaderRequestID), KeyID: "p2027b",
		Timestamp: h.Get(wire.HeaderTimestamp), Nonce: h.Get(wire.HeaderNonce), Body: b}.String()
	assert.NoError(t, sign.VerifyBase64(newPub, []byte(sts), h.Get(wire.HeaderSignature)))

	st, _ = c.simCall("POST", "platform-keys/rotate", map[string]string{"keyId": "p2027b"})
	assert.Equal(t, http.StatusBadRequest, st, "a key id is used once")
}
