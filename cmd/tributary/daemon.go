package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/internal/limit"
	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/push"
	"github.com/tributaryfeeds/tributary/scheduler"
	"github.com/tributaryfeeds/tributary/server"
	"github.com/tributaryfeeds/tributary/sources"
	headless "github.com/tributaryfeeds/tributary/sources/browser"
	"github.com/tributaryfeeds/tributary/sources/build"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/postgres"
	"github.com/tributaryfeeds/tributary/store/sqlite"
)

// DefaultShutdownGrace is how long in-flight fetches and HTTP requests may
// finish after SIGTERM before they are cancelled.
const DefaultShutdownGrace = 10 * time.Second

// Main is the running daemon: the store, the publisher, the scheduler and
// the HTTP server, wired together. End-to-end tests start it on a temporary
// directory and port 0.
type Main struct {
	ConfigPath string
	Logger     *slog.Logger
	// Addr overrides server.listen when set (tests use "127.0.0.1:0").
	Addr string
	// ShutdownGrace bounds how long Close waits for fetches and requests
	// in flight; 0 means DefaultShutdownGrace.
	ShutdownGrace time.Duration
	// RefreshInterval overrides the least time between two admin
	// refreshes of a source (server.DefaultRefreshInterval); negative:
	// none (tests that refresh on purpose).
	RefreshInterval time.Duration
	// DrainDelay is how long Close keeps serving after /readyz turned 503,
	// so that a balancer probing it stops routing here before the
	// listener closes. 0: close at once (balancers that retry refused
	// connections, such as nginx, need no delay).
	DrainDelay time.Duration

	cfgMu sync.Mutex
	// pushFeeds are the slugs of the feeds push acts on (setPushFeeds).
	pushFeeds atomic.Pointer[map[string]bool]
	cfg       *config.Config

	metrics   *metrics.Metrics
	store     store.Store
	publisher *feeds.Publisher
	scheduler *scheduler.Scheduler
	server    *server.Server
	http      *http.Server
	listener  net.Listener
	client    *sources.Client
	hosts     *limit.Hosts      // fetch.per_host, shared by the scheduler and client
	push      *push.Service     // nil when the store keeps no push state
	browser   *headless.Browser // render: browser sources; starts on first use
	health    *store.Health

	cancel context.CancelFunc
	done   sync.WaitGroup
}

// Open loads the configuration, opens the store, renders every feed from
// what is stored, starts listening and starts the scheduler. It returns once
// the daemon serves.
func (m *Main) Open(ctx context.Context) error {
	if m.Logger == nil {
		m.Logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := config.Load(m.ConfigPath)
	if err != nil {
		return err
	}
	m.cfg = cfg
	m.setPushFeeds(cfg)
	logWarnings(m.Logger, cfg)
	m.metrics = metrics.New(version)
	if m.store, err = openStore(ctx, cfg.Storage, m.Logger); err != nil {
		return err
	}
	m.hosts = limit.NewHosts(cfg.Fetch.PerHost)
	m.client = build.Client(cfg, m.hosts)
	m.browser = headless.New(build.BrowserOptions(cfg, m.Logger))
	runCtx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel

	m.publisher = feeds.NewPublisher(feeds.Options{
		Store: m.store, Config: cfg, Metrics: m.metrics, Logger: m.Logger,
		OnChange:   m.feedChanged,
		CacheBytes: int64(cfg.Server.RenderCache),
	})
	owner := replicaID()
	m.health = &store.Health{}
	m.metrics.WatchStore(m.health.OK, m.health.Failures)
	m.scheduler = scheduler.New(scheduler.Options{
		Health:   m.health,
		Store:    m.store,
		Build:    m.buildSource,
		OnChange: m.publisher.SourceChanged,
		Metrics:  m.metrics,
		Logger:   m.Logger,
		Owner:    owner,
		Hosts:    m.hosts,
	})
	if m.push, err = m.newPush(cfg, owner); err != nil {
		m.closeStore()
		return err
	}
	m.server = server.New(server.Options{
		Feeds:      m.publisher,
		Sources:    m.scheduler,
		Metrics:    m.metrics,
		BaseURL:    cfg.Server.BaseURL,
		AdminToken: cfg.Server.AdminToken,
		Logger:     m.Logger,
		Version:    version,
		WebSub:     m.webSubHandler(),
		Health:     m.health,

		RefreshInterval: m.RefreshInterval,
	})
	addr := cfg.Server.Listen
	if m.Addr != "" {
		addr = m.Addr
	}
	if m.listener, err = net.Listen("tcp", addr); err != nil {
		m.closeStore()
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	m.http = server.NewHTTPServer(addr, m.server)
	m.goRun(func() {
		if err := m.http.Serve(m.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("http server stopped", "err", err)
		}
	})
	m.Logger.Info("listening", "addr", m.listener.Addr().String(), "base_url", cfg.Server.BaseURL)

	// Ready once the sources' versions are read: feeds render on demand
	// from what is stored (a restart never publishes empty feeds while
	// upstreams are slow or gone), those in demand before the restart
	// first, in the background.
	if err := m.publisher.Load(ctx); err != nil {
		m.Close()
		return fmt.Errorf("load feeds: %w", err)
	}
	m.goRun(func() { m.publisher.Run(runCtx) })
	if m.push != nil {
		m.goRun(func() { m.push.Run(runCtx) })
	}
	m.goRun(func() {
		if n := m.publisher.Warm(runCtx, 0); n > 0 {
			m.Logger.Info("rendered the feeds in demand before the restart", "feeds", n)
		}
	})
	if w, ok := m.store.(store.Watcher); ok {
		// Replicas sharing the store re-render when another one ingests.
		m.goRun(func() {
			if err := w.Watch(runCtx, m.publisher.SourceChanged); err != nil {
				m.Logger.Error("watching the store for changes stopped", "err", err)
			}
		})
	}
	if err := m.scheduler.Start(runCtx, cfg); err != nil {
		m.Close()
		return fmt.Errorf("start scheduler: %w", err)
	}
	return nil
}

func (m *Main) goRun(f func()) {
	m.done.Add(1)
	go func() {
		defer m.done.Done()
		f()
	}()
}

// URL is the address the daemon listens on, as an http:// URL.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

func (m *Main) buildSource(src config.Source) (sources.Source, error) {
	return build.SourceIn(src, build.Env{Client: m.client, Browser: m.browser, Logger: m.Logger})
}

// Close shuts down without failing a request: /readyz turns 503 first,
// then (after DrainDelay) the listener closes while requests in flight
// finish and scheduling stops, both within a grace period; last the store
// closes. Calling it again does nothing.
func (m *Main) Close() error {
	if m.server != nil {
		m.server.Drain()
		if m.DrainDelay > 0 {
			time.Sleep(m.DrainDelay)
		}
	}
	grace := m.ShutdownGrace
	if grace <= 0 {
		grace = DefaultShutdownGrace
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	var (
		errs []error
		mu   sync.Mutex
		wg   sync.WaitGroup
	)
	stop := func(f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := f(ctx)
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}()
	}
	if m.scheduler != nil {
		stop(m.scheduler.Stop)
	}
	if m.http != nil {
		stop(m.http.Shutdown)
	}
	wg.Wait()
	if m.cancel != nil {
		m.cancel()
	}
	m.done.Wait()
	if m.browser != nil {
		_ = m.browser.Close() // after the scheduler: no page is rendering
	}
	if m.publisher != nil && m.store != nil {
		m.publisher.FlushDemand(ctx)
	}
	errs = append(errs, m.closeStore())
	return errors.Join(errs...)
}

func (m *Main) closeStore() error {
	if m.store == nil {
		return nil
	}
	err := m.store.Close()
	m.store = nil
	return err
}

func openStore(ctx context.Context, s config.Storage, logger *slog.Logger) (store.Store, error) {
	switch s.Driver {
	case "postgres":
		db, err := postgres.Open(ctx, s.DSN, postgres.WithLogger(logger))
		if err != nil {
			return nil, fmt.Errorf("open postgres store: %w", err)
		}
		return db, nil
	default:
		db, err := sqlite.Open(ctx, s.DSN, sqlite.WithLogger(logger))
		if err != nil {
			return nil, fmt.Errorf("open sqlite store %s: %w", s.DSN, err)
		}
		return db, nil
	}
}

// replicaID names this daemon for store leases shared by replicas. The
// random part keeps two daemons in one process (tests) apart.
func replicaID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), rand.Text()[:8])
}

// logWarnings logs what check prints as warnings: things that are valid
// but probably not meant, such as an unset ${VAR}.
func logWarnings(logger *slog.Logger, cfg *config.Config) {
	for _, w := range cfg.Warnings {
		logger.Warn("config: " + w)
	}
	if w := build.BrowserWarning(cfg); w != "" {
		logger.Warn("config: " + w)
	}
}
