package demo

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/zsdata/digitalspace/dstest"
)

// TestRun runs an example's run function twice, against its own in-process
// simulator and against a simulator over HTTP behind a gateway prefix given
// with -base, and checks that the flow reached a verified certificate.
func TestRun(t *testing.T, run func(ctx context.Context, args []string, out io.Writer) error) {
	t.Helper()
	t.Setenv("DS_BASE_URL", "")
	srv := dstest.Start(t, dstest.Config{PathPrefix: "/ebus"})
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"in-process", nil},
		{"against a server", []string{"-base", srv.URL + "/ebus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var out bytes.Buffer
			if err := run(ctx, tc.args, &out); err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), "数据资产凭证已验签") {
				t.Fatalf("the flow did not reach a verified certificate:\n%s", out.String())
			}
		})
	}
}
