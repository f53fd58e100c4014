package client

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/internal/wire"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsHoldNoSecrets runs successful and failing calls with a debug
// logger and checks that no token, key or body reaches the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	f := loadFixture(t)
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	const marker = "SECRET-BODY-MARKER-4711"
	body := []byte(`{"subject":"personal","purpose":"` + marker + `"}`)
	rogue, _ := newPlatformKey(t, "p-unknown")
	s := newSrv(t, func(n int, _ rec) reply {
		switch n {
		case 1:
			return reply{}
		case 2:
			return reply{code: wire.CodeDS3002}
		default:
			return reply{signer: rogue}
		}
	})
	cfg := baseConfig(t, s.base())
	cfg.Logger = logger
	c, err := New(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	for range 3 {
		call := postCall()
		call.Body = body
		_, err := c.Do(ctx, call)
		if err != nil {
			logger.Error("call failed", "err", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	cfg.BaseURL = "http://" + addr
	c2, err := New(cfg)
	require.NoError(t, err)
	_, err = c2.Do(ctx, &Call{Method: "POST", Path: wire.AuthorizationsPath(), Body: body, Idempotent: true})
	require.Error(t, err)
	logger.Error("call failed", "err", err)
	logger.Info("config", "config", cfg)
	logger.Info("config", "config", cfg.String())

	out := buf.String()
	require.Contains(t, out, "digitalspace call")
	require.Contains(t, out, "digitalspace call failed")
	assert.NotContains(t, out, testToken)
	assert.NotContains(t, out, marker)
	for _, line := range strings.Split(f.v.ClientPrivateKeyPEM, "\n") {
		if len(line) > 20 && !strings.HasPrefix(line, "-----") {
			assert.NotContains(t, out, line, "private key material in the log")
		}
	}
	assert.NotContains(t, out, "PRIVATE KEY")
}
