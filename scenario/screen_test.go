package scenario

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// screenIssuer issues distinct codes on a clock (the real one by default).
type screenIssuer struct {
	mu  sync.Mutex
	n   int
	now func() time.Time
}

func (f *screenIssuer) Issue(ctx context.Context) (*ServiceCodeInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	now := time.Now()
	if f.now != nil {
		now = f.now()
	}
	return &ServiceCodeInfo{
		CodeID:    fmt.Sprintf("SC2025%06d", f.n),
		QRContent: fmt.Sprintf("https://dsp.example.gov.cn/sc/SC2025%06d?sig=%08x", f.n, f.n*2654435761),
		ExpiresAt: now.Add(300 * time.Second),
		RefreshAt: now.Add(240 * time.Second),
	}, nil
}

// screenLister is an in-memory AuthorizationLister.
type screenLister struct {
	mu    sync.Mutex
	byID  map[string][]*Authorization
	calls map[string]int
}

func newScreenLister() *screenLister {
	return &screenLister{byID: map[string][]*Authorization{}, calls: map[string]int{}}
}

func (l *screenLister) add(codeID string, a *Authorization) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, old := range l.byID[codeID] {
		if old.ID == a.ID {
			l.byID[codeID][i] = a
			return
		}
	}
	l.byID[codeID] = append(l.byID[codeID], a)
}

func (l *screenLister) List(ctx context.Context, codeID string) ([]*Authorization, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls[codeID]++
	out := make([]*Authorization, 0, len(l.byID[codeID]))
	for _, a := range l.byID[codeID] {
		c := *a
		out = append(out, &c)
	}
	return out, nil
}

// Holder data as the platform might send it, once badly (unmasked).
const (
	screenIDNumber = "440101199001011234"
	screenFullName = "张三丰"
)

func screenAuthorization(id, codeID string, st Status) *Authorization {
	return &Authorization{
		ID: id, Subject: Personal, Scenario: ServiceCode, Status: st,
		Holder:        &Holder{Type: PersonHolder, Name: screenFullName, IDType: IDCard, IDNumber: screenIDNumber},
		CreatedAt:     time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC),
		ScannedAt:     time.Date(2025, 3, 1, 9, 0, 5, 0, time.UTC),
		ServiceCodeID: codeID,
	}
}

type screenFixture struct {
	rot    *Rotator
	lister *screenLister
	screen *Screen
	srv    *httptest.Server
}

func newScreenFixture(t *testing.T, cfg ScreenConfig, now func() time.Time) *screenFixture {
	t.Helper()
	rot, err := NewRotator(RotatorConfig{Issue: (&screenIssuer{now: now}).Issue, Now: now})
	require.NoError(t, err)
	f := &screenFixture{rot: rot, lister: newScreenLister()}
	cfg.Rotator = rot
	if cfg.List == nil {
		cfg.List = f.lister.List
	}
	if cfg.Poll == 0 {
		cfg.Poll = 20 * time.Millisecond
	}
	f.screen, err = NewScreen(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = f.screen.Run(ctx); close(done) }()
	mux := http.NewServeMux()
	mux.Handle("/hall/", http.StripPrefix("/hall", f.screen))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.srv.CloseClientConnections()
		f.srv.Close()
		cancel()
		<-done
	})
	return f
}

func (f *screenFixture) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(f.srv.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

func TestNewScreenConfig(t *testing.T) {
	rot, err := NewRotator(RotatorConfig{Issue: (&screenIssuer{}).Issue})
	require.NoError(t, err)
	_, err = NewScreen(ScreenConfig{})
	assert.Error(t, err, "rotator required")
	_, err = NewScreen(ScreenConfig{Rotator: rot, Poll: -time.Second})
	assert.Error(t, err)
	s, err := NewScreen(ScreenConfig{Rotator: rot})
	require.NoError(t, err)
	assert.Equal(t, 2*time.Second, s.poll)
}

func TestScreenPage(t *testing.T) {
	tests := []struct {
		name, title string
		subject     Subject
		want        []string
	}{
		{"personal", "中山市住房公积金管理中心 办事大厅", Personal, []string{`lang="zh-CN"`, "<title>中山市住房公积金管理中心 办事大厅</title>", "请使用微信扫一扫"}},
		{"legal", "", Legal, []string{"<title>办事码</title>", "请使用粤商通扫一扫"}},
		{"escaped", `<script>alert(1)</script>`, "", []string{"&lt;script&gt;", "请使用微信或粤商通扫一扫"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newScreenFixture(t, ScreenConfig{Title: tc.title, Subject: tc.subject}, nil)
			require.NoError(t, f.rot.Rotate(context.Background()))
			resp, body := f.get(t, "/hall/")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
			for _, w := range tc.want {
				assert.Contains(t, string(body), w)
			}
			assert.NotContains(t, string(body), "<script>alert")
			assert.Contains(t, string(body), `src="app.js"`, "relative, external script")
			assert.NotContains(t, string(body), "http", "no external assets")
			cur, _ := f.rot.Current()
			assert.NotContains(t, string(body), cur.QRContent)
		})
	}
}

func TestScreenHeadersAndRoutes(t *testing.T) {
	f := newScreenFixture(t, ScreenConfig{}, nil)
	require.NoError(t, f.rot.Rotate(context.Background()))
	tests := []struct {
		path   string
		status int
		ctype  string
	}{
		{"/hall/", 200, "text/html; charset=utf-8"},
		{"/hall/app.js", 200, "text/javascript; charset=utf-8"},
		{"/hall/app.css", 200, "text/css; charset=utf-8"},
		{"/hall/qr.png", 200, "image/png"},
		{"/hall/state", 200, "application/json; charset=utf-8"},
		{"/hall/nope", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, _ := f.get(t, tc.path)
			assert.Equal(t, tc.status, resp.StatusCode)
			if tc.ctype != "" {
				assert.Equal(t, tc.ctype, resp.Header.Get("Content-Type"))
			}
			assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'")
			assert.NotContains(t, resp.Header.Get("Content-Security-Policy"), "unsafe-inline")
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
		})
	}
	resp, err := http.Post(f.srv.URL+"/hall/state", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	// Mounted without the trailing slash: redirected to it.
	mux := http.NewServeMux()
	mux.Handle("/hall", http.StripPrefix("/hall", f.screen))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/hall", nil))
	assert.Equal(t, http.StatusFound, rec.Code)
	assert.Equal(t, "hall/", rec.Header().Get("Location"))
}

func TestScreenQR(t *testing.T) {
	f := newScreenFixture(t, ScreenConfig{}, nil)
	resp, _ := f.get(t, "/hall/qr.png")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "no code yet")

	for i := 0; i < 2; i++ {
		require.NoError(t, f.rot.Rotate(context.Background()))
		cur, _ := f.rot.Current()
		resp, body := f.get(t, fmt.Sprintf("/hall/qr.png?v=%d", i))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, cur.QRContent, decodeQRPNG(t, body))
	}
}

func TestScreenState(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	f := newScreenFixture(t, ScreenConfig{}, clock)

	_, body := f.get(t, "/hall/state")
	assert.JSONEq(t, `{"available":false,"qrVersion":0,"expiresInMs":0,"authorizations":[]}`, string(body))

	require.NoError(t, f.rot.Rotate(context.Background()))
	cur, _ := f.rot.Current()
	f.lister.add(cur.CodeID, screenAuthorization("AU0001", cur.CodeID, StatusScanned))
	require.Eventually(t, func() bool {
		_, b := f.get(t, "/hall/state")
		return strings.Contains(string(b), "AU0001")
	}, 5*time.Second, 10*time.Millisecond)

	_, body = f.get(t, "/hall/state")
	var st map[string]any
	require.NoError(t, json.Unmarshal(body, &st))
	assert.Equal(t, map[string]any{
		"available":   true,
		"codeId":      cur.CodeID,
		"expiresAt":   cur.ExpiresAt.UTC().Format(time.RFC3339),
		"refreshAt":   cur.RefreshAt.UTC().Format(time.RFC3339),
		"qrVersion":   float64(1),
		"expiresInMs": float64(300000),
		"authorizations": []any{map[string]any{
			"authorizationId": "AU0001", "status": "SCANNED", "holder": "张**", "scannedAt": "2025-03-01T09:00:05Z",
		}},
	}, st)
	for _, secret := range []string{cur.QRContent, screenIDNumber, screenFullName, "44010", "1234"} {
		assert.NotContains(t, string(body), secret)
	}

	// Expired, not renewed: no code, authorizations kept.
	mu.Lock()
	now = now.Add(300 * time.Second)
	mu.Unlock()
	_, body = f.get(t, "/hall/state")
	st = nil
	require.NoError(t, json.Unmarshal(body, &st))
	assert.Equal(t, false, st["available"])
	assert.Nil(t, st["codeId"])
	assert.Len(t, st["authorizations"], 1)
	resp, _ := f.get(t, "/hall/qr.png")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	name string
	data map[string]any
}

// readSSE sends the events of body to the returned channel.
func readSSE(body io.Reader) <-chan sseEvent {
	ch := make(chan sseEvent, 64)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data)
			case line == "" && ev.name != "":
				ch <- ev
				ev = sseEvent{}
			}
		}
	}()
	return ch
}

func nextSSE(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		require.True(t, ok, "stream ended")
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	return sseEvent{}
}

func TestScreenEvents(t *testing.T) {
	f := newScreenFixture(t, ScreenConfig{}, nil)
	require.NoError(t, f.rot.Rotate(context.Background()))
	first, _ := f.rot.Current()
	f.lister.add(first.CodeID, screenAuthorization("AU0001", first.CodeID, StatusScanned))
	require.Eventually(t, func() bool { return len(f.screen.authList()) == 1 }, 5*time.Second, 5*time.Millisecond)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/hall/events", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "text/event-stream; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	events := readSSE(resp.Body)

	// A new stream starts with the current code and the authorizations.
	ev := nextSSE(t, events)
	assert.Equal(t, "rotate", ev.name)
	assert.Equal(t, first.CodeID, ev.data["codeId"])
	assert.Equal(t, float64(1), ev.data["qrVersion"])
	assert.NotContains(t, fmt.Sprint(ev.data), first.QRContent)
	ev = nextSSE(t, events)
	assert.Equal(t, "authorization", ev.name)
	assert.Equal(t, map[string]any{"authorizationId": "AU0001", "status": "SCANNED", "holder": "张**", "scannedAt": "2025-03-01T09:00:05Z"}, ev.data)

	// Rotation.
	require.NoError(t, f.rot.Rotate(context.Background()))
	second, _ := f.rot.Current()
	ev = nextSSE(t, events)
	assert.Equal(t, "rotate", ev.name)
	assert.Equal(t, second.CodeID, ev.data["codeId"])
	assert.Equal(t, float64(2), ev.data["qrVersion"])

	// An authorization from the new code, then a decision on the old one.
	f.lister.add(second.CodeID, screenAuthorization("AU0002", second.CodeID, StatusScanned))
	ev = nextSSE(t, events)
	assert.Equal(t, "authorization", ev.name)
	assert.Equal(t, "AU0002", ev.data["authorizationId"])
	f.lister.add(first.CodeID, screenAuthorization("AU0001", first.CodeID, StatusAuthorized))
	ev = nextSSE(t, events)
	assert.Equal(t, "authorization", ev.name)
	assert.Equal(t, "AU0001", ev.data["authorizationId"])
	assert.Equal(t, "AUTHORIZED", ev.data["status"])
}

func TestScreenEventsExpiry(t *testing.T) {
	// A code living 150 ms that is not renewed: the stream says so.
	rot, err := NewRotator(RotatorConfig{Issue: func(context.Context) (*ServiceCodeInfo, error) {
		now := time.Now()
		return &ServiceCodeInfo{CodeID: "SC1", QRContent: "q1", ExpiresAt: now.Add(150 * time.Millisecond)}, nil
	}})
	require.NoError(t, err)
	s, err := NewScreen(ScreenConfig{Rotator: rot})
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	defer srv.Close()
	defer srv.CloseClientConnections()
	require.NoError(t, rot.Rotate(context.Background()))
	resp, err := http.Get(srv.URL + "/events")
	require.NoError(t, err)
	defer resp.Body.Close()
	events := readSSE(resp.Body)
	ev := nextSSE(t, events)
	assert.Equal(t, true, ev.data["available"])
	ev = nextSSE(t, events)
	assert.Equal(t, "rotate", ev.name)
	assert.Equal(t, false, ev.data["available"])
}

func TestScreenTracksLastCodes(t *testing.T) {
	f := newScreenFixture(t, ScreenConfig{}, nil)
	tracked := func(id string) bool {
		f.screen.mu.Lock()
		defer f.screen.mu.Unlock()
		return len(f.screen.codes) > 0 && f.screen.codes[len(f.screen.codes)-1] == id
	}
	var cur *ServiceCodeInfo
	for i := 0; i < screenMaxCodes+5; i++ {
		require.NoError(t, f.rot.Rotate(context.Background()))
		cur, _ = f.rot.Current()
		require.Eventually(t, func() bool { return tracked(cur.CodeID) }, 5*time.Second, time.Millisecond)
	}
	f.screen.mu.Lock()
	assert.Len(t, f.screen.codes, screenMaxCodes)
	assert.Equal(t, "SC2025000006", f.screen.codes[0])
	f.screen.mu.Unlock()
	require.Eventually(t, func() bool {
		f.lister.mu.Lock()
		defer f.lister.mu.Unlock()
		return f.lister.calls[cur.CodeID] > 0
	}, 5*time.Second, 5*time.Millisecond)
}
