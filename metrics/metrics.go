// Package metrics defines tributary's Prometheus collectors in one place, so
// every package records into the same registry and names stay consistent.
package metrics

import (
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Fetch outcomes.
const (
	OutcomeOK          = "ok"
	OutcomeNotModified = "not_modified"
	OutcomeError       = "error"
)

// Metrics holds every collector tributary exports. A nil *Metrics is not
// valid; tests use New("test").
type Metrics struct {
	Registry *prometheus.Registry

	// sources: tributary_fetches_total, tributary_fetch_duration_seconds
	// and tributary_items_ingested_total, by source (Fetched, Ingested).
	sources     *sourceMetrics
	FeedItems   *prometheus.GaugeVec   // feed
	FeedRenders *prometheus.CounterVec // feed
	// RenderCacheBytes and RenderCacheEvictions describe the bounded
	// cache of rendered feeds (server.render_cache).
	RenderCacheBytes     prometheus.Gauge
	RenderCacheEvictions prometheus.Counter
	HTTPRequests         *prometheus.CounterVec // route, format, code
	ConfigReloads        *prometheus.CounterVec // outcome (ok|error|unchanged)
	BuildInfo            *prometheus.GaugeVec   // version
}

// New creates the collectors and registers them, with the Go and process
// collectors, on a fresh registry.
func New(version string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		sources:  newSourceMetrics(),
		FeedItems: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "tributary_feed_items",
			Help: "Items in the latest render of each feed.",
		}, []string{"feed"}),
		FeedRenders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_feed_renders_total",
			Help: "Feed renders (one per feed and batch of formats rendered together).",
		}, []string{"feed"}),
		RenderCacheBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tributary_render_cache_bytes",
			Help: "Rendered feed bytes held in memory (bounded by server.render_cache).",
		}),
		RenderCacheEvictions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tributary_render_cache_evictions_total",
			Help: "Rendered feeds dropped from memory to keep within server.render_cache.",
		}),
		HTTPRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_http_requests_total",
			Help: "HTTP requests by route, feed format and status code.",
		}, []string{"route", "format", "code"}),
		ConfigReloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_config_reloads_total",
			Help: "Configuration reloads by outcome (ok, error, unchanged).",
		}, []string{"outcome"}),
		BuildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "tributary_build_info",
			Help: "Build information; the value is always 1.",
		}, []string{"version"}),
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.sources, m.FeedItems,
		m.FeedRenders, m.RenderCacheBytes, m.RenderCacheEvictions, m.HTTPRequests, m.ConfigReloads, m.BuildInfo,
	)
	m.BuildInfo.WithLabelValues(version).Set(1)
	return m
}

// Fetched counts one fetch of source, by outcome (OutcomeOK,
// OutcomeNotModified, OutcomeError), and observes how long it took.
func (m *Metrics) Fetched(source, outcome string, took time.Duration) {
	st := m.sources.of(source)
	if k := slices.Index(outcomes[:], outcome); k >= 0 {
		st.fetches[k].Add(1)
	}
	st.observe(took)
}

// Ingested counts the items of source stored as new and as updated.
func (m *Metrics) Ingested(source string, new, updated int) {
	if new <= 0 && updated <= 0 {
		return
	}
	st := m.sources.of(source)
	st.items[0].Add(uint64(max(new, 0)))
	st.items[1].Add(uint64(max(updated, 0)))
}

// ForgetSource drops the series of a source that is no longer configured,
// so dashboards do not show it frozen at its last values.
func (m *Metrics) ForgetSource(name string) {
	m.sources.forget(name)
}

// ForgetFeed drops the series of a feed that is no longer configured.
func (m *Metrics) ForgetFeed(slug string) {
	l := prometheus.Labels{"feed": slug}
	m.FeedItems.DeletePartialMatch(l)
	m.FeedRenders.DeletePartialMatch(l)
}

// WatchStore exports the store's health, read at each scrape:
// tributary_store_healthy (1 while writes succeed, 0 while they fail) and
// tributary_store_write_errors_total.
func (m *Metrics) WatchStore(healthy func() bool, failures func() int64) {
	m.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "tributary_store_healthy",
			Help: "1 while store writes succeed, 0 while they fail (full disk, lost database).",
		}, func() float64 {
			if healthy() {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "tributary_store_write_errors_total",
			Help: "Store writes that failed since start.",
		}, func() float64 { return float64(failures()) }),
	)
}
