package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/scheduler"
	"github.com/tributaryfeeds/tributary/server"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/sources/build"
	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/postgres"
	"github.com/tributaryfeeds/tributary/store/sqlite"
)

// DefaultShutdownGrace is how long in-flight fetches and HTTP requests may
// finish after SIGTERM before they are cancelled.
const DefaultShutdownGrace = 10 * time.Second

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to `file` (for go tool pprof)")
	if err := fs.parse(args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	logger, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	tuneGC(os.Getenv)
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	// Catch SIGHUP, whose default action kills the process, before the
	// slow start; one that arrives meanwhile reloads once serving.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	m := &Main{ConfigPath: fs.config, Logger: logger}
	if err := m.Open(ctx); err != nil {
		return err
	}
	// Reloads stop before Close, so none races the shutdown.
	m.AutoReload(ctx, hup, watchDebounce)
	logger.Info("shutting down")
	return m.Close()
}

// GC settings for the daemon, unless GOGC or GOMEMLIMIT say otherwise.
// tributary's live heap is small next to the roots every collection scans
// (the globals of the SQLite, HTML and feed libraries it links), so at the
// default GOGC=100 the collector runs often for little: at 100,000 requests
// a second it cost the serving path about 6%. GOGC=400 collects a quarter as
// often; the soft memory limit makes the collector work harder instead
// when the heap nears it (during a large ingest), keeping memory bounded.
const (
	gcPercent   = 400
	memoryLimit = 160 << 20
)

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// startCPUProfile profiles until the returned function is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// watchDebounce coalesces the burst of events an editor's save makes.
const watchDebounce = 500 * time.Millisecond

// AutoReload reloads the configuration on every value from hup and after
// every change to the file, until ctx is done; then it returns. When the
// file cannot be watched, hup still reloads.
func (m *Main) AutoReload(ctx context.Context, hup <-chan os.Signal, debounce time.Duration) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() {
		if err := config.Watch(ctx, m.ConfigPath, debounce, func() { m.Reload(ctx) }); err != nil {
			m.Logger.Warn("config watch stopped; SIGHUP still reloads", "err", err)
		}
	})
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			m.Reload(ctx)
		}
	}
}

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

	cfgMu sync.Mutex
	cfg   *config.Config

	metrics   *metrics.Metrics
	store     store.Store
	publisher *feeds.Publisher
	scheduler *scheduler.Scheduler
	server    *server.Server
	http      *http.Server
	listener  net.Listener
	client    *sources.Client

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
	m.metrics = metrics.New(version)
	if m.store, err = openStore(ctx, cfg.Storage); err != nil {
		return err
	}
	m.client = build.Client(cfg)
	runCtx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel

	m.publisher = feeds.NewPublisher(feeds.Options{
		Store: m.store, Config: cfg, Metrics: m.metrics, Logger: m.Logger,
	})
	m.scheduler = scheduler.New(scheduler.Options{
		Store:    m.store,
		Build:    m.buildSource,
		OnChange: m.publisher.SourceChanged,
		Metrics:  m.metrics,
		Logger:   m.Logger,
		Owner:    replicaID(),
	})
	m.server = server.New(server.Options{
		Feeds:      m.publisher,
		Sources:    m.scheduler,
		Metrics:    m.metrics,
		BaseURL:    cfg.Server.BaseURL,
		AdminToken: cfg.Server.AdminToken,
		Logger:     m.Logger,
		Version:    version,
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

	// Serve what is stored before the first fetch: a restart must not
	// publish empty feeds while upstreams are slow or gone.
	if err := m.publisher.RenderAll(ctx); err != nil {
		m.Close()
		return fmt.Errorf("render feeds: %w", err)
	}
	m.goRun(func() { m.publisher.Run(runCtx) })
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
	return build.Source(src, m.client, m.Logger)
}

// Reload reads the configuration again and, when it is valid and changed,
// swaps it in. An invalid file is logged with its file:line errors and the
// running configuration keeps serving.
func (m *Main) Reload(ctx context.Context) {
	m.cfgMu.Lock()
	defer m.cfgMu.Unlock()
	cfg, err := config.Load(m.ConfigPath)
	if err != nil {
		m.rejectReload(err)
		return
	}
	if cfg.Checksum == m.cfg.Checksum {
		m.metrics.ConfigReloads.WithLabelValues("unchanged").Inc()
		return
	}
	if cfg.Storage != m.cfg.Storage || cfg.Server.Listen != m.cfg.Server.Listen {
		m.Logger.Warn("storage and server.listen changes take effect at the next restart")
	}
	if err := m.apply(ctx, cfg); err != nil {
		m.rejectReload(err)
		return
	}
	m.server.SetAdminToken(cfg.Server.AdminToken)
	if cfg.Fetch.RunOnStart {
		m.refreshAdded(m.cfg, cfg)
	}
	m.forgetRemoved(m.cfg, cfg)
	m.cfg = cfg
	m.metrics.ConfigReloads.WithLabelValues("ok").Inc()
	m.Logger.Info("config reloaded", "sources", len(cfg.Sources), "feeds", len(cfg.Feeds))
}

// apply swaps cfg into the feeds and the scheduler, both or neither.
func (m *Main) apply(ctx context.Context, cfg *config.Config) error {
	prevClient := m.client
	if !cfg.Fetch.SameClient(m.cfg.Fetch) {
		m.client = build.Client(cfg) // the scheduler rebuilds every source with it
	}
	// Feeds first: undoing them is a re-render, undoing the scheduler is not.
	if err := m.publisher.SetConfig(ctx, cfg); err != nil {
		m.client = prevClient
		return fmt.Errorf("feeds: %w", err)
	}
	if err := m.scheduler.Sync(cfg); err != nil {
		m.client = prevClient
		if rerr := m.publisher.SetConfig(ctx, m.cfg); rerr != nil {
			m.Logger.Error("config reload: restoring the running feeds", "err", rerr)
		}
		return fmt.Errorf("scheduler: %w", err)
	}
	return nil
}

func (m *Main) rejectReload(err error) {
	m.metrics.ConfigReloads.WithLabelValues("error").Inc()
	m.Logger.Error("config reload rejected; keeping the running config", "err", err)
}

// forgetRemoved drops the metric series of sources and feeds that next no
// longer has.
func (m *Main) forgetRemoved(prev, next *config.Config) {
	for _, src := range prev.Sources {
		if _, ok := next.Source(src.Name); !ok {
			m.metrics.ForgetSource(src.Name)
		}
	}
	for _, f := range prev.Feeds {
		if _, ok := next.Feed(f.Slug); !ok {
			m.metrics.ForgetFeed(f.Slug)
		}
	}
}

// refreshAdded fetches the sources that next adds to prev now, as a start
// would, rather than a whole schedule period later.
func (m *Main) refreshAdded(prev, next *config.Config) {
	for _, src := range next.Sources {
		if _, ok := prev.Source(src.Name); ok {
			continue
		}
		if err := m.scheduler.Refresh(src.Name); err != nil {
			m.Logger.Warn("config reload: first fetch", "source", src.Name, "err", err)
		}
	}
}

// Close stops scheduling, lets in-flight fetches and requests finish within
// a grace period, then closes the store. It is safe to call once.
func (m *Main) Close() error {
	grace := m.ShutdownGrace
	if grace <= 0 {
		grace = DefaultShutdownGrace
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	var errs []error
	if m.scheduler != nil {
		errs = append(errs, m.scheduler.Stop(ctx))
	}
	if m.http != nil {
		errs = append(errs, m.http.Shutdown(ctx))
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.done.Wait()
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

func openStore(ctx context.Context, s config.Storage) (store.Store, error) {
	switch s.Driver {
	case "postgres":
		db, err := postgres.Open(ctx, s.DSN)
		if err != nil {
			return nil, fmt.Errorf("open postgres store: %w", err)
		}
		return db, nil
	default:
		db, err := sqlite.Open(ctx, s.DSN)
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
