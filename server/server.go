// Package server is tributary's HTTP surface: the feed endpoints (the hot
// path, serving pre-rendered bytes), the HTML index, OPML, status pages,
// health checks, Prometheus metrics and the token-protected admin routes.
package server

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/scheduler"
	"github.com/tributaryfeeds/tributary/store"
)

// Feeds is what the server needs of the published feeds; *feeds.Publisher
// implements it. A Rendered it returns must never be modified afterwards:
// the server caches its header values by pointer.
type Feeds interface {
	// Get returns the cached render; nil when it is not cached or the
	// slug is unknown. It is called per request and must not allocate.
	Get(slug string, f feeds.Format) *feeds.Rendered
	// Validators returns the headers of the feed (ETag, GzipETag,
	// Last-Modified, Content-Type, Cache-Control) without its bodies and
	// without rendering it; nil for an unknown slug.
	Validators(slug string, f feeds.Format) *feeds.Rendered
	// Render renders the feed (or returns the current cached render);
	// nil and no error for an unknown slug.
	Render(ctx context.Context, slug string, f feeds.Format) (*feeds.Rendered, error)
	// Page returns the feed's HTML page, built unless current; nil and
	// no error for an unknown slug.
	Page(ctx context.Context, slug string) (*feeds.Page, error)
	Feeds() []feeds.Info
	Ready() bool
	// Access is the token check of a private feed; nil for a public one.
	Access(slug string) *feeds.Access
	// Archive is page n of an archived feed (RFC 5005); nil when there is
	// no such page.
	Archive(ctx context.Context, slug string, n int, f feeds.Format) (*feeds.Rendered, error)
}

// Sources is what the server needs of the scheduler; *scheduler.Scheduler
// implements it.
type Sources interface {
	Status(ctx context.Context) ([]scheduler.SourceStatus, error)
	Refresh(name string) error // scheduler.ErrUnknownSource for unknown names
	// History returns a source's recent fetches, newest first, or an error
	// wrapping scheduler.ErrUnknownSource.
	History(ctx context.Context, name string) ([]store.Fetch, error)
}

// Options configures a Server.
type Options struct {
	Feeds      Feeds
	Sources    Sources
	Metrics    *metrics.Metrics // may be nil
	BaseURL    string           // absolute, no trailing slash needed
	AdminToken string           // empty: no /admin routes at all
	Logger     *slog.Logger
	Version    string
	// Now is the clock of the HTML pages' relative times; nil: time.Now.
	Now func() time.Time
	// WebSub serves /websub and /websub/callback/...; nil: 404.
	WebSub WebSub
	// Health is the store's write health, shown on the status pages and
	// required for readiness; nil counts as healthy.
	Health *store.Health
	// RefreshInterval is the least time between two admin refreshes of
	// one source. Zero: DefaultRefreshInterval; negative: none.
	RefreshInterval time.Duration
}

// Server serves tributary's HTTP endpoints. It is an http.Handler.
type Server struct {
	feeds    Feeds
	sources  Sources
	baseURL  string
	basePath string // the path of baseURL, for links between pages
	version  string
	log      *slog.Logger
	token    atomic.Pointer[string]
	websub   WebSub
	// draining is set once shutdown begins: /readyz answers 503 so that
	// balancers stop routing here before the listener closes.
	draining atomic.Bool
	health   *store.Health
	throttle *throttle

	headers   headerCache
	counters  *counters
	metrics   http.Handler // nil without Metrics
	pages     *pages
	static    staticHeaders
	assets    assets
	pageCache pageCache // rendered feed pages
	clock     func() time.Time
}

// New returns a Server for opts.
func New(opts Options) *Server {
	s := &Server{
		feeds:    opts.Feeds,
		sources:  opts.Sources,
		baseURL:  strings.TrimRight(opts.BaseURL, "/"),
		basePath: basePathOf(opts.BaseURL),
		version:  opts.Version,
		log:      opts.Logger,
		health:   opts.Health,
		throttle: newThrottle(cmp.Or(opts.RefreshInterval, DefaultRefreshInterval)),
		headers:  newHeaderCache(),
		pages:    newPages(),
		static:   newStaticHeaders(),
		assets:   newAssets(),
		clock:    opts.Now,
		websub:   opts.WebSub,
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics != nil {
		s.counters = newCounters(opts.Metrics)
		s.metrics = promhttp.HandlerFor(opts.Metrics.Registry, promhttp.HandlerOpts{})
		s.registerReady(opts.Metrics)
	}
	s.SetAdminToken(opts.AdminToken)
	return s
}

// SetAdminToken replaces the admin token; the empty string disables the
// /admin routes. It is safe to call while serving (configuration reload).
func (s *Server) SetAdminToken(token string) {
	s.token.Store(&token)
}

// Drain makes /readyz answer 503 from now on, while everything else is
// still served: the first step of a graceful shutdown.
func (s *Server) Drain() { s.draining.Store(true) }

// NewHTTPServer returns an http.Server for h on addr with timeouts that
// keep slow or idle clients from holding connections forever. There is no
// ReadTimeout: no route reads a request body, so ReadHeaderTimeout already
// bounds every read, and each timeout set costs a deadline per request on
// the hot path.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// ServeHTTP routes r with a prefix switch: the feed path comes first and
// costs one comparison, which ServeMux pattern matching would not.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	debug := s.log.Enabled(r.Context(), slog.LevelDebug)
	var start time.Time
	if debug {
		start = time.Now()
	}
	if r.ContentLength != 0 {
		// Only /websub reads a body (under its own deadline). Closing
		// the connection spares net/http draining one after the handler,
		// a read that only ReadTimeout would bound (and NewHTTPServer
		// sets none).
		w.Header()["Connection"] = s.static.connectionClose
	}
	rt, f, code := s.route(w, r)
	s.counters.inc(rt, f, code)
	if debug {
		// Never log headers: Authorization carries the admin token.
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "http request",
			slog.String("method", r.Method), slog.String("path", logPath(r.URL.Path)),
			slog.Int("code", code), slog.Duration("duration", time.Since(start)))
	}
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) (route, formatLabel, int) {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/feeds/"); ok {
		return s.serveFeed(w, r, rest)
	}
	if strings.HasPrefix(p, "/websub") {
		return routeWebSub, noFormat, s.serveWebSub(w, r)
	}
	if strings.HasPrefix(p, "/admin/") {
		return routeAdmin, noFormat, s.serveAdmin(w, r)
	}
	if rest, ok := strings.CutPrefix(p, "/status/sources/"); ok {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return routeStatus, noFormat, methodNotAllowed(w, s.static.allowGetHead)
		}
		return routeStatus, noFormat, s.serveSource(w, r, rest)
	}
	if strings.HasPrefix(p, "/assets/") {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return routeAsset, noFormat, methodNotAllowed(w, s.static.allowGetHead)
		}
		return routeAsset, noFormat, s.serveAsset(w, r)
	}
	var rt route
	var h func(http.ResponseWriter, *http.Request) int
	switch p {
	case "/":
		rt, h = routeIndex, s.serveIndex
	case "/opml":
		rt, h = routeOPML, s.serveOPML
	case "/status":
		rt, h = routeStatus, s.serveStatusHTML
	case "/status.json":
		rt, h = routeStatus, s.serveStatusJSON
	case "/healthz":
		rt, h = routeHealth, s.serveHealth
	case "/readyz":
		rt, h = routeHealth, s.serveReady
	case "/metrics":
		if s.metrics == nil {
			return routeOther, noFormat, notFound(w)
		}
		rt, h = routeMetrics, s.serveMetrics
	default:
		return routeOther, noFormat, notFound(w)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return rt, noFormat, methodNotAllowed(w, s.static.allowGetHead)
	}
	return rt, noFormat, h(w, r)
}

func notFound(w http.ResponseWriter) int {
	http.Error(w, "404 page not found", http.StatusNotFound)
	return http.StatusNotFound
}

// methodNotAllowed answers 405 with allow, one of the staticHeaders.
func methodNotAllowed(w http.ResponseWriter, allow []string) int {
	w.Header()["Allow"] = allow
	http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
	return http.StatusMethodNotAllowed
}
