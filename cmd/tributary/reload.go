package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources/build"
)

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
	m.reloadPush(ctx, m.cfg, cfg)
	logWarnings(m.Logger, cfg)
	m.cfg = cfg
	m.metrics.ConfigReloads.WithLabelValues("ok").Inc()
	m.Logger.Info("config reloaded", "sources", len(cfg.Sources), "feeds", len(cfg.Feeds))
}

// apply swaps cfg into the feeds and the scheduler, both or neither.
func (m *Main) apply(ctx context.Context, cfg *config.Config) error {
	prevClient := m.client
	if cfg.Client != m.cfg.Client {
		m.client = build.Client(cfg, m.hosts) // the scheduler rebuilds every source with it
	}
	if cfg.Browser != m.cfg.Browser || cfg.Client != m.cfg.Client {
		// One browser for the daemon's life: sources keep their handle.
		m.browser.Reconfigure(build.BrowserOptions(cfg, m.Logger))
	}
	// Feeds first: undoing them is a re-render, undoing the scheduler is not.
	if err := m.publisher.SetConfig(ctx, cfg); err != nil {
		m.client = prevClient
		m.browser.Reconfigure(build.BrowserOptions(m.cfg, m.Logger))
		return fmt.Errorf("feeds: %w", err)
	}
	if err := m.scheduler.Sync(cfg); err != nil {
		m.client = prevClient
		m.browser.Reconfigure(build.BrowserOptions(m.cfg, m.Logger))
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
	sources, feeds := names(next)
	for _, src := range prev.Sources {
		if !sources[src.Name] {
			m.metrics.ForgetSource(src.Name)
		}
	}
	for _, f := range prev.Feeds {
		if !feeds[f.Slug] {
			m.metrics.ForgetFeed(f.Slug)
		}
	}
}

// names are the source names and feed slugs of c: comparing two
// configurations with a lookup (a scan) per name took 9 s at 50,000.
func names(c *config.Config) (sources, feeds map[string]bool) {
	sources = make(map[string]bool, len(c.Sources))
	for i := range c.Sources {
		sources[c.Sources[i].Name] = true
	}
	feeds = make(map[string]bool, len(c.Feeds))
	for i := range c.Feeds {
		feeds[c.Feeds[i].Slug] = true
	}
	return sources, feeds
}

// refreshAdded fetches the sources that next adds to prev now, as a start
// would, rather than a whole schedule period later.
func (m *Main) refreshAdded(prev, next *config.Config) {
	known, _ := names(prev)
	for _, src := range next.Sources {
		if known[src.Name] {
			continue
		}
		if err := m.scheduler.Refresh(src.Name); err != nil {
			m.Logger.Warn("config reload: first fetch", "source", src.Name, "err", err)
		}
	}
}
