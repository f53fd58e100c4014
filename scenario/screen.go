package scenario

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"sync"
	"time"

	"github.com/zsdata/digitalspace/internal/mask"
)

//go:embed screenassets/index.html screenassets/app.js screenassets/app.css
var screenAssets embed.FS

// AuthorizationLister lists the authorizations holders started from one
// service code. ListerFor adapts a *Service (call 6).
type AuthorizationLister func(ctx context.Context, codeID string) ([]*Authorization, error)

// ListerFor returns svc.ServiceCodeAuthorizations as an AuthorizationLister.
func ListerFor(svc *Service) AuthorizationLister {
	return func(ctx context.Context, codeID string) ([]*Authorization, error) {
		if svc == nil {
			return nil, errors.New("scenario: ListerFor needs a service")
		}
		return svc.ServiceCodeAuthorizations(ctx, codeID)
	}
}

// ScreenConfig configures a Screen.
type ScreenConfig struct {
	// Rotator holds the code shown. Required.
	Rotator *Rotator
	// List lists the authorizations of a code. Optional: without it the
	// page shows no authorizations.
	List AuthorizationLister
	// Title heads the page, e.g. "中山市住房公积金管理中心 办事大厅"
	// (default "办事码").
	Title string
	// Subject, when set, picks the hint: WeChat (微信) for Personal,
	// the 粤商通 app for Legal.
	Subject Subject
	// Poll is how often the authorizations of recent codes are listed
	// (default 2 s).
	Poll time.Duration
	// Logger receives listing failures (default: discarded).
	Logger *slog.Logger
}

// Screen is the http.Handler of a hall screen (大厅屏) or handset showing
// the current service code: its routes are relative, so it can be mounted
// under any prefix with http.StripPrefix (mount "/prefix/", strip
// "/prefix").
//
//	GET /         the page (zh-CN, self-contained)
//	GET /app.js   its script; GET /app.css its style sheet
//	GET /qr.png   the current code's QR image
//	GET /state    JSON: the current code (without its QR content) and the
//	              authorizations that arrived from the codes shown
//	GET /events   Server-Sent Events "rotate" and "authorization"
//
// The page swaps the QR image in place when the code rotates. Run lists the
// authorizations of the last codes shown; holder names are masked and no
// identifier number is ever sent.
type Screen struct {
	rot   *Rotator
	list  AuthorizationLister
	poll  time.Duration
	log   *slog.Logger
	page  []byte
	js    []byte
	css   []byte
	mux   *http.ServeMux
	clock func() time.Time

	qrMu  sync.Mutex
	qrVer uint64
	qrPNG []byte

	mu       sync.Mutex
	codes    []string // code ids shown, oldest first
	auths    map[string]*screenAuth
	order    []string // authorization ids, first seen first
	watchers map[chan struct{}]struct{}
}

// screenAuth is an authorization as the page may see it.
type screenAuth struct {
	AuthorizationID string `json:"authorizationId"`
	Status          Status `json:"status"`
	Holder          string `json:"holder"` // masked name only
	ScannedAt       string `json:"scannedAt,omitempty"`
}

// screenCode is the current code as the page may see it: never the QR
// content, which only the image carries.
type screenCode struct {
	Available   bool   `json:"available"`
	CodeID      string `json:"codeId,omitempty"`
	ExpiresAt   string `json:"expiresAt,omitempty"`
	RefreshAt   string `json:"refreshAt,omitempty"`
	QRVersion   uint64 `json:"qrVersion"`
	ExpiresInMs int64  `json:"expiresInMs"`
}

type screenState struct {
	screenCode
	Authorizations []screenAuth `json:"authorizations"`
}

// Limits of a Screen.
const (
	screenMaxCodes = 10  // codes whose authorizations are listed
	screenMaxAuths = 100 // authorizations kept
	screenQRSize   = 384 // pixels of /qr.png
	screenPing     = 15 * time.Second
)

// Security headers of every Screen answer.
var screenHeaders = [][2]string{
	{"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"},
	{"X-Content-Type-Options", "nosniff"},
	{"Cache-Control", "no-store"},
	{"Referrer-Policy", "no-referrer"},
}

// NewScreen checks cfg and builds a Screen. Call Run to list the
// authorizations that arrive.
func NewScreen(cfg ScreenConfig) (*Screen, error) {
	if cfg.Rotator == nil {
		return nil, errors.New("scenario: ScreenConfig.Rotator is required")
	}
	if cfg.Poll < 0 {
		return nil, errors.New("scenario: ScreenConfig.Poll must not be negative")
	}
	s := &Screen{
		rot: cfg.Rotator, list: cfg.List, poll: cfg.Poll, log: cfg.Logger, clock: cfg.Rotator.now,
		auths: map[string]*screenAuth{}, watchers: map[chan struct{}]struct{}{},
	}
	if s.poll == 0 {
		s.poll = 2 * time.Second
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	title := cfg.Title
	if title == "" {
		title = "办事码"
	}
	hint := "请使用微信或粤商通扫一扫"
	switch cfg.Subject {
	case Personal:
		hint = "请使用微信扫一扫"
	case Legal:
		hint = "请使用粤商通扫一扫"
	}
	tpl, err := template.ParseFS(screenAssets, "screenassets/index.html")
	if err != nil {
		return nil, fmt.Errorf("scenario: screen page: %w", err)
	}
	var page bytes.Buffer
	if err := tpl.Execute(&page, struct {
		Title, Hint string
		Size        int
	}{title, hint, screenQRSize}); err != nil {
		return nil, fmt.Errorf("scenario: screen page: %w", err)
	}
	s.page = page.Bytes()
	if s.js, err = screenAssets.ReadFile("screenassets/app.js"); err != nil {
		return nil, fmt.Errorf("scenario: screen script: %w", err)
	}
	if s.css, err = screenAssets.ReadFile("screenassets/app.css"); err != nil {
		return nil, fmt.Errorf("scenario: screen style: %w", err)
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /{$}", s.static(s.page, "text/html; charset=utf-8"))
	s.mux.HandleFunc("GET /app.js", s.static(s.js, "text/javascript; charset=utf-8"))
	s.mux.HandleFunc("GET /app.css", s.static(s.css, "text/css; charset=utf-8"))
	s.mux.HandleFunc("GET /qr.png", s.serveQR)
	s.mux.HandleFunc("GET /state", s.serveState)
	s.mux.HandleFunc("GET /events", s.serveEvents)
	return s, nil
}

// ServeHTTP serves the screen's routes.
func (s *Screen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, h := range screenHeaders {
		w.Header().Set(h[0], h[1])
	}
	if r.URL.Path == "" {
		// Mounted as "/prefix" without the slash: the page's relative links
		// need "/prefix/".
		u, err := url.ParseRequestURI(r.RequestURI)
		if err != nil || u.Path == "" {
			http.NotFound(w, r)
			return
		}
		// Relative, so that any outer prefix is kept (http.Redirect would
		// resolve it against the stripped path).
		w.Header().Set("Location", path.Base(u.Path)+"/")
		w.WriteHeader(http.StatusFound)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Run lists, every Poll, the authorizations of the last codes shown and
// pushes the new or changed ones to the pages, until ctx ends; it then
// returns ctx.Err(). Without a lister it only waits.
func (s *Screen) Run(ctx context.Context) error {
	sub, cancel := s.rot.Subscribe()
	defer cancel()
	if cur, ok := s.rot.Current(); ok {
		s.track(cur.CodeID)
	}
	t := time.NewTicker(s.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case info := <-sub:
			if info != nil {
				s.track(info.CodeID)
			}
		case <-t.C:
			s.pollOnce(ctx)
		}
	}
}

func (s *Screen) static(body []byte, ctype string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		_, _ = w.Write(body)
	}
}

func (s *Screen) serveQR(w http.ResponseWriter, r *http.Request) {
	info, ver, ok := s.rot.currentVersion()
	if !ok {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "正在获取办事码…", http.StatusServiceUnavailable)
		return
	}
	s.track(info.CodeID)
	s.qrMu.Lock()
	if s.qrVer != ver || s.qrPNG == nil {
		png, err := QRPNG(info.QRContent, screenQRSize)
		if err != nil {
			s.qrMu.Unlock()
			s.log.ErrorContext(r.Context(), "service code QR", "codeId", info.CodeID, "err", err)
			http.Error(w, "QR rendering failed", http.StatusInternalServerError)
			return
		}
		s.qrVer, s.qrPNG = ver, png
	}
	png := s.qrPNG
	s.qrMu.Unlock()
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(png)
}

func (s *Screen) serveState(w http.ResponseWriter, r *http.Request) {
	st := screenState{screenCode: s.code(), Authorizations: s.authList()}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(st)
}

// serveEvents streams "rotate" (a screenCode) when the code changes or
// expires and "authorization" (a screenAuth) when one arrives or changes.
// A new stream starts with the current code and every authorization.
func (s *Screen) serveEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("X-Accel-Buffering", "no")
	sub, unsub := s.rot.Subscribe()
	defer unsub()
	wake, unwatch := s.watch()
	defer unwatch()
	ping := time.NewTicker(screenPing)
	defer ping.Stop()
	expiry := time.NewTimer(time.Hour)
	defer expiry.Stop()

	if _, err := io.WriteString(w, "retry: 2000\n\n"); err != nil {
		return
	}
	var last *screenCode
	sent := map[string]screenAuth{}
	for {
		c := s.code()
		if last == nil || c.Available != last.Available || c.QRVersion != last.QRVersion {
			if err := screenEvent(w, "rotate", c); err != nil {
				return
			}
			last = &c
		}
		if c.Available {
			expiry.Reset(time.Duration(c.ExpiresInMs)*time.Millisecond + 10*time.Millisecond)
		}
		for _, a := range s.authList() {
			if sent[a.AuthorizationID] == a {
				continue
			}
			if err := screenEvent(w, "authorization", a); err != nil {
				return
			}
			sent[a.AuthorizationID] = a
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-sub:
		case <-wake:
		case <-expiry.C:
		case <-ping.C:
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil {
				return
			}
		}
	}
}

func screenEvent(w io.Writer, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b)
	return err
}

// code is the current code without its QR content.
func (s *Screen) code() screenCode {
	info, ver, ok := s.rot.currentVersion()
	if !ok {
		return screenCode{QRVersion: ver}
	}
	return screenCode{
		Available:   true,
		CodeID:      info.CodeID,
		ExpiresAt:   info.ExpiresAt.UTC().Format(time.RFC3339),
		RefreshAt:   info.RefreshAt.UTC().Format(time.RFC3339),
		QRVersion:   ver,
		ExpiresInMs: max(info.ExpiresAt.Sub(s.clock()).Milliseconds(), 0),
	}
}

// track remembers a code id shown, keeping the last screenMaxCodes.
func (s *Screen) track(codeID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.codes {
		if c == codeID {
			return
		}
	}
	s.codes = append(s.codes, codeID)
	if n := len(s.codes) - screenMaxCodes; n > 0 {
		s.codes = append(s.codes[:0:0], s.codes[n:]...)
	}
}

// pollOnce lists the authorizations of the codes tracked and records them.
func (s *Screen) pollOnce(ctx context.Context) {
	if s.list == nil {
		return
	}
	s.mu.Lock()
	codes := append([]string(nil), s.codes...)
	s.mu.Unlock()
	changed := false
	for _, code := range codes {
		lctx, cancel := context.WithTimeout(ctx, max(s.poll, 5*time.Second))
		list, err := s.list(lctx, code)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.WarnContext(ctx, "listing service code authorizations failed", "codeId", code, "err", err)
			continue
		}
		for _, a := range list {
			if s.record(a) {
				changed = true
			}
		}
	}
	if changed {
		s.notify()
	}
}

// record stores the page's view of a; it reports whether it is new or
// changed.
func (s *Screen) record(a *Authorization) bool {
	if a == nil || a.ID == "" {
		return false
	}
	v := screenAuth{AuthorizationID: a.ID, Status: a.Status}
	if a.Holder != nil {
		v.Holder = mask.Name(a.Holder.Name) // masked again: never trust upstream
	}
	at := a.ScannedAt
	if at.IsZero() {
		at = a.CreatedAt
	}
	if !at.IsZero() {
		v.ScannedAt = at.UTC().Format(time.RFC3339)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.auths[a.ID]; ok {
		if *old == v {
			return false
		}
		*old = v
		return true
	}
	s.auths[a.ID] = &v
	s.order = append(s.order, a.ID)
	if n := len(s.order) - screenMaxAuths; n > 0 {
		for _, id := range s.order[:n] {
			delete(s.auths, id)
		}
		s.order = append(s.order[:0:0], s.order[n:]...)
	}
	return true
}

// authList is the authorizations recorded, first seen first.
func (s *Screen) authList() []screenAuth {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]screenAuth, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, *s.auths[id])
	}
	return out
}

// watch registers for a wake-up after authorizations change.
func (s *Screen) watch() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.watchers[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.watchers, ch)
		s.mu.Unlock()
	}
}

func (s *Screen) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.watchers {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
