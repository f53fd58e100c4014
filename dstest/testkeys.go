package dstest

// TEST ONLY. These are the fixed TEST keys of spec/dsp1-vectors.json. They are
// public, so anything signed with them proves nothing. NEVER use them in
// production, never load them outside tests, demos and the simulator.

// TestClientKeyID is the key id (密钥标识) of the TEST client key that every
// system of the default registry uses.
const TestClientKeyID = "k2026a"

// TestPlatformKeyID is the key id of the simulator's default TEST platform key.
const TestPlatformKeyID = "p2026a"

// TestClientPrivateKeyPEM is the TEST client SM2 private key (PKCS#8 PEM).
// TEST ONLY.
const TestClientPrivateKeyPEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgOUUgj3shRLE/NuOK
xtOflYiTk2koYLUaQvuB7033xbihRANCAAQJ+d8xHlQhoVDdfRYeS8XGchefrRgz
/AdrsI/zVvNQIMzqSQziZ3WlLcbqcYzBqmAK7QX7814ISmYy9gctqa0T
-----END PRIVATE KEY-----
`

// TestClientPublicKeyPEM is the TEST client SM2 public key (PKIX PEM).
// TEST ONLY.
const TestClientPublicKeyPEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAECfnfMR5UIaFQ3X0WHkvFxnIXn60Y
M/wHa7CP81bzUCDM6kkM4md1pS3G6nGMwapgCu0F+/NeCEpmMvYHLamtEw==
-----END PUBLIC KEY-----
`

// TestPlatformPrivateKeyPEM is the TEST platform SM2 private key (PKCS#8 PEM)
// the simulator signs with by default. TEST ONLY.
const TestPlatformPrivateKeyPEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgEosvqL1DPGwGjI2A
Pf95eSpRmlUXGxtlDCNmHRWJcmOhRANCAATVVIx4Jcu1YVCjUGzVdGSvihrgUZ36
88WCIdyBDK8o3ZIQc3aP49Wc5U55pJRFz3P+0jCGU3AnJk0WiUbUeVM+
-----END PRIVATE KEY-----
`

// TestPlatformPublicKeyPEM is the TEST platform SM2 public key (PKIX PEM) that
// verifies the simulator's answers, callbacks and certificates. TEST ONLY.
const TestPlatformPublicKeyPEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE1VSMeCXLtWFQo1Bs1XRkr4oa4FGd
+vPFgiHcgQyvKN2SEHN2j+PVnOVOeaSURc9z/tIwhlNwJyZNFolG1HlTPg==
-----END PUBLIC KEY-----
`

// DefaultPaasToken returns the TEST gateway paasToken of a default-registry
// system: "TEST-token-" + paasID. TEST ONLY.
func DefaultPaasToken(paasID string) string { return "TEST-token-" + paasID }
