package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/dstest"
)

func TestRunInProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, nil, &out), out.String())
	assert.Contains(t, out.String(), "数据资产凭证已验签")
}

func TestRunAgainstServer(t *testing.T) {
	srv := dstest.Start(t, dstest.Config{PathPrefix: "/ebus"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"-base", srv.URL + "/ebus"}, &out), out.String())
	assert.Contains(t, out.String(), "数据资产凭证已验签")
}
