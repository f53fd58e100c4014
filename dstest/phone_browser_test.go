package dstest_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zsdata/digitalspace/internal/wire"
)

// chromium is Debian's chromium package, installed by .ci/run.
const chromium = "/usr/bin/chromium"

// TestPhonePageInBrowser plays the holder in real headless Chromium: the
// phone page shows the authorization pushed to the first person's phone,
// and pressing 同意授权 authorizes it; a second one is rejected.
func TestPhonePageInBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("headless Chromium is required at %s (apt-get install -y chromium; .ci/run installs it): %v", chromium, err)
	}
	c := start(t, "zs-gjj-001")
	first := c.create(c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode))
	second := c.create(c.createBody(wire.SubjectPersonal, wire.ScenarioYSSCode), withRequestID("second-request"))

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()

	wait := func(expr string) {
		t.Helper()
		_, err := chromedp.Run(bctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second)))
		require.NoError(t, err, expr)
	}
	listText := func() string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.getElementById("list").innerText`))
		require.NoError(t, err)
		return v
	}
	// click presses the button labelled label on the card of authorization id.
	click := func(id, label string) {
		t.Helper()
		expr := `(() => { for (const c of document.querySelectorAll("#list .card")) {
			if (!c.innerText.includes("` + id + `")) continue;
			for (const b of c.querySelectorAll("button")) if (b.textContent === "` + label + `") { b.click(); return "ok"; } }
			return "missing"; })()`
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		require.NoError(t, err)
		require.Equal(t, "ok", v, "button %s of %s", label, id)
	}

	// The first holder in the list is the first person, whose 粤省事码 was scanned.
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(c.simURL+"/_sim/phone")))
	wait(`document.querySelectorAll("#list button").length === 6`) // 打开, 同意授权, 拒绝 on each
	text := listText()
	assert.Contains(t, text, first.AuthorizationID)
	assert.Contains(t, text, second.AuthorizationID)
	assert.Contains(t, text, "PENDING")

	click(first.AuthorizationID, "同意授权")
	require.Eventually(t, func() bool { return c.get(first.AuthorizationID).Status == wire.StatusAuthorized }, 10*time.Second, 50*time.Millisecond)
	wait(`document.querySelectorAll("#list button").length === 3`)
	click(second.AuthorizationID, "拒绝")
	require.Eventually(t, func() bool { return c.get(second.AuthorizationID).Status == wire.StatusRejected }, 10*time.Second, 50*time.Millisecond)

	require.NoError(t, chromedp.Do(bctx, chromedp.Reload()))
	wait(`document.getElementById("list").innerText.includes("REJECTED")`)
	text = listText()
	assert.Contains(t, text, "AUTHORIZED")
	assert.Contains(t, text, "REJECTED")
	assert.False(t, strings.Contains(text, "同意授权"), "decided requests offer no buttons")
}
