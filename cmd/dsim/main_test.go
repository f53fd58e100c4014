package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/internal/wire"
	"github.com/zsdata/digitalspace/sign"
)

func startRun(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw)
		_ = pw.Close()
		errc <- err
	}()
	sc := bufio.NewScanner(pr)
	var url string
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "dsim listening on "); ok {
			url = u
			break
		}
	}
	require.NotEmpty(t, url, "dsim did not print its URL")
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	stop := func() error {
		cancel()
		select {
		case err := <-errc:
			return err
		case <-time.After(15 * time.Second):
			return context.DeadlineExceeded
		}
	}
	return url, stop
}

func TestRunServesRegistryAndSignedCall(t *testing.T) {
	// A registry file in the /_sim/registry form.
	b, err := json.Marshal(dstest.DefaultRegistry())
	require.NoError(t, err)
	regFile := filepath.Join(t.TempDir(), "registry.json")
	require.NoError(t, os.WriteFile(regFile, b, 0o600))

	url, stop := startRun(t, "-addr", "127.0.0.1:0", "-prefix", "/ebus", "-registry", regFile, "-log-level", "error")
	resp, err := http.Get(url + "/_sim/registry")
	require.NoError(t, err)
	var reg dstest.Registry
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&reg))
	resp.Body.Close()
	assert.Len(t, reg.Systems, 6)

	// One signed call: platform keys, with the /ebus prefix in the string.
	key, err := sign.ParsePrivateKeyPEM([]byte(dstest.TestClientPrivateKeyPEM), nil)
	require.NoError(t, err)
	signer, err := sign.NewSigner(dstest.TestClientKeyID, key)
	require.NoError(t, err)
	paas := "zs-scdj-001"
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce, err := sign.NewNonce()
	require.NoError(t, err)
	rid := uuid.NewString()
	path := "/ebus" + wire.PlatformKeysPath()
	sig, err := signer.SignBase64([]byte(wire.RequestToSign{Method: "GET", Path: path, PaasID: paas, KeyID: dstest.TestClientKeyID,
		Timestamp: ts, Nonce: nonce, RequestID: rid}.String()))
	require.NoError(t, err)
	req, err := http.NewRequest("GET", url+path, nil)
	require.NoError(t, err)
	gw := wire.NewGatewayHeaders("")
	req.Header.Set(gw.PaasID, paas)
	req.Header.Set(gw.Timestamp, ts)
	req.Header.Set(gw.Nonce, nonce)
	req.Header.Set(gw.Signature, wire.GatewaySignature(ts, dstest.DefaultPaasToken(paas), nonce))
	req.Header.Set(wire.HeaderKeyID, dstest.TestClientKeyID)
	req.Header.Set(wire.HeaderRequestID, rid)
	req.Header.Set(wire.HeaderSignature, sig)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	pub, err := sign.ParsePublicKeyPEM([]byte(dstest.TestPlatformPublicKeyPEM))
	require.NoError(t, err)
	sts := wire.ResponseToSign{Status: 200, RequestID: rid, KeyID: resp.Header.Get(wire.HeaderKeyID),
		Timestamp: resp.Header.Get(wire.HeaderTimestamp), Nonce: resp.Header.Get(wire.HeaderNonce), Body: body}.String()
	require.NoError(t, sign.VerifyBase64(pub, []byte(sts), resp.Header.Get(wire.HeaderSignature)))

	require.NoError(t, stop())
}

func TestRunBadFlags(t *testing.T) {
	assert.Error(t, run(context.Background(), []string{"-log-level", "loud"}, io.Discard))
	assert.Error(t, run(context.Background(), []string{"-registry", "/nonexistent/registry.json"}, io.Discard))
	assert.Error(t, run(context.Background(), []string{"-nope"}, io.Discard))
}
