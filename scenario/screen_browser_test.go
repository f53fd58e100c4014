package scenario

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// screenChromium is Debian's chromium package, installed by .ci/run.
const screenChromium = "/usr/bin/chromium"

// screenBrowser starts headless Chromium with a fresh profile and returns
// its context.
func screenBrowser(t *testing.T, ctx context.Context) (context.Context, context.CancelFunc) {
	t.Helper()
	if _, err := os.Stat(screenChromium); err != nil {
		t.Fatalf("headless Chromium is required at %s (Debian: apt-get install -y chromium; .ci/run installs it): %v", screenChromium, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(screenChromium),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	return bctx, func() { cancelBrowser(); cancelAlloc() }
}

// screenQRReady is true once the page shows the QR image of codeID.
func screenQRReady(codeID string) string {
	return fmt.Sprintf(`(() => { const i = document.getElementById('qr');
		return !!i && !i.hidden && i.complete && i.naturalWidth > 0 && i.dataset.codeId === %q; })()`, codeID)
}

// screenQRPixels is the QR image's own pixels as a PNG data URL.
const screenQRPixels = `(() => { const i = document.getElementById('qr');
	const c = document.createElement('canvas');
	c.width = i.naturalWidth; c.height = i.naturalHeight;
	const g = c.getContext('2d'); g.imageSmoothingEnabled = false; g.drawImage(i, 0, 0);
	return c.toDataURL('image/png'); })()`

// pageQR decodes the QR code the page shows, both from the image's pixels
// and from a screenshot of the element as rendered.
func pageQR(t *testing.T, ctx context.Context) (fromPixels, fromScreen string) {
	t.Helper()
	dataURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](screenQRPixels))
	require.NoError(t, err)
	shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("qr")))
	require.NoError(t, err)
	b64, ok := strings.CutPrefix(dataURL, "data:image/png;base64,")
	require.True(t, ok, "canvas data URL")
	raw, err := base64.StdEncoding.DecodeString(b64)
	require.NoError(t, err)
	fromPixels = decodeQRPNG(t, raw)
	img, err := png.Decode(bytes.NewReader(shot))
	require.NoError(t, err)
	fromScreen, err = decodeQR(img)
	require.NoError(t, err, "QR code not readable from the screenshot")
	return fromPixels, fromScreen
}

// evalString evaluates a JavaScript expression giving a string.
func evalString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	require.NoError(t, err, "evaluating %s", expr)
	return v
}

func TestScreenBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	f := newScreenFixture(t, ScreenConfig{Title: "中山市住房公积金管理中心 办事大厅", Subject: Personal}, nil)
	require.NoError(t, f.rot.Rotate(ctx))
	first, ok := f.rot.Current()
	require.True(t, ok)

	bctx, stop := screenBrowser(t, ctx)
	defer stop()

	// Collect script errors and console complaints (CSP violations among
	// them) while the test runs.
	var mu sync.Mutex
	var problems []string
	cctx, stopConsole := context.WithCancel(bctx)
	consoleDone := make(chan struct{})
	messages := chromedp.Console(cctx)
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !strings.Contains(m.URL, "favicon") {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("%s (%s %s)", m, m.Source, m.URL))
				mu.Unlock()
			}
		}
	}()
	defer func() { stopConsole(); <-consoleDone }()

	wait := func(expr, what string) {
		t.Helper()
		_, err := chromedp.Run(bctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
		require.NoError(t, err, "waiting for %s", what)
	}

	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate(f.srv.URL+"/hall/")))
	assert.Equal(t, "same page", evalString(t, bctx, `window.__screenMarker = 'same page'`))
	assert.Equal(t, "中山市住房公积金管理中心 办事大厅", evalString(t, bctx, `document.getElementById('title').textContent`))
	assert.Equal(t, "请使用微信扫一扫", evalString(t, bctx, `document.getElementById('hint').textContent`))

	// The QR shown is the current code.
	wait(screenQRReady(first.CodeID), "the first code")
	pixels, screen := pageQR(t, bctx)
	assert.Equal(t, first.QRContent, pixels)
	assert.Equal(t, first.QRContent, screen)
	wait(`document.getElementById('countdown').textContent.startsWith('有效期剩余')`, "the countdown")

	// Rotation: replaced in place, without a reload.
	require.NoError(t, f.rot.Rotate(ctx))
	second, ok := f.rot.Current()
	require.True(t, ok)
	require.NotEqual(t, first.QRContent, second.QRContent)
	wait(screenQRReady(second.CodeID), "the second code")
	pixels, screen = pageQR(t, bctx)
	assert.Equal(t, second.QRContent, pixels)
	assert.Equal(t, second.QRContent, screen)
	assert.Equal(t, "same page", evalString(t, bctx, `window.__screenMarker`), "the page was reloaded")
	assert.Equal(t, "qr.png?v=2", evalString(t, bctx, `document.getElementById('qr').getAttribute('src')`))

	// An authorization arrives from the code shown, then its decision.
	f.lister.add(second.CodeID, screenAuthorization("AU20250301", second.CodeID, StatusScanned))
	wait(`(() => { const r = document.querySelector('#auths tr[data-id="AU20250301"]');
		return !!r && r.querySelector('.holder').textContent === '张**' && r.querySelector('.status').textContent === '已扫码'; })()`,
		"the authorization")
	f.lister.add(second.CodeID, screenAuthorization("AU20250301", second.CodeID, StatusAuthorized))
	wait(`document.querySelector('#auths tr[data-id="AU20250301"] .status').textContent === '已授权'`, "the decision")
	assert.Equal(t, "1", evalString(t, bctx, `String(document.querySelectorAll('#auths tr').length)`))
	assert.Equal(t, "same page", evalString(t, bctx, `window.__screenMarker`))

	html := evalString(t, bctx, `document.documentElement.outerHTML`)
	for _, secret := range []string{first.QRContent, second.QRContent, screenIDNumber, screenFullName} {
		assert.NotContains(t, html, secret, "the page must not show it")
	}

	stopConsole()
	<-consoleDone
	mu.Lock()
	assert.Empty(t, problems, "browser errors")
	mu.Unlock()
}
