package metrics

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// fetchBuckets are the upper bounds of tributary_fetch_duration_seconds:
// 10 ms to about 38 s.
var fetchBuckets = prometheus.ExponentialBuckets(0.01, 2.5, numBuckets)

const numBuckets = 10

var (
	outcomes  = [...]string{OutcomeOK, OutcomeNotModified, OutcomeError}
	itemKinds = [...]string{"new", "updated"}
)

// sourceStats are one source's counters. A source costs this struct (about
// 150 bytes) however many series it exports; client_golang's vectors cost
// about 2 KiB per source for the same series (a histogram alone is 1 KiB),
// which at 50,000 sources was a hundred MiB.
type sourceStats struct {
	fetches [len(outcomes)]atomic.Uint64
	items   [len(itemKinds)]atomic.Uint64
	buckets [numBuckets + 1]atomic.Uint64 // per bucket, not cumulative; the last is +Inf
	count   atomic.Uint64
	sum     atomic.Uint64 // float64 bits: seconds
}

// sourceMetrics exports every source's counters at scrape time, as
// tributary_fetches_total{source,outcome},
// tributary_fetch_duration_seconds{source} and
// tributary_items_ingested_total{source,kind}. As with client_golang's
// vectors, a series appears once it has counted something.
type sourceMetrics struct {
	fetches, duration, items *prometheus.Desc

	mu    sync.RWMutex
	stats map[string]*sourceStats
}

func newSourceMetrics() *sourceMetrics {
	return &sourceMetrics{
		fetches: prometheus.NewDesc("tributary_fetches_total",
			"Source fetches by source and outcome (ok, not_modified, error).", []string{"source", "outcome"}, nil),
		duration: prometheus.NewDesc("tributary_fetch_duration_seconds",
			"Time to fetch and store one source.", []string{"source"}, nil),
		items: prometheus.NewDesc("tributary_items_ingested_total",
			"Items stored by source and kind (new, updated).", []string{"source", "kind"}, nil),
		stats: make(map[string]*sourceStats),
	}
}

func (m *sourceMetrics) of(source string) *sourceStats {
	m.mu.RLock()
	st := m.stats[source]
	m.mu.RUnlock()
	if st != nil {
		return st
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if st = m.stats[source]; st == nil {
		st = new(sourceStats)
		m.stats[source] = st
	}
	return st
}

func (m *sourceMetrics) forget(source string) {
	m.mu.Lock()
	delete(m.stats, source)
	m.mu.Unlock()
}

func (st *sourceStats) observe(d time.Duration) {
	v := d.Seconds()
	i, _ := slices.BinarySearch(fetchBuckets, v) // the first bound >= v
	st.buckets[i].Add(1)
	st.count.Add(1)
	for {
		old := st.sum.Load()
		if st.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// Describe implements prometheus.Collector.
func (m *sourceMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.fetches
	ch <- m.duration
	ch <- m.items
}

// Collect implements prometheus.Collector.
func (m *sourceMetrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.RLock()
	names := make([]string, 0, len(m.stats))
	stats := make([]*sourceStats, 0, len(m.stats))
	for name, st := range m.stats {
		names = append(names, name)
		stats = append(stats, st)
	}
	m.mu.RUnlock()
	for i, name := range names {
		m.collect(ch, name, stats[i])
	}
}

func (m *sourceMetrics) collect(ch chan<- prometheus.Metric, name string, st *sourceStats) {
	for k, outcome := range outcomes {
		if n := st.fetches[k].Load(); n > 0 {
			ch <- prometheus.MustNewConstMetric(m.fetches, prometheus.CounterValue, float64(n), name, outcome)
		}
	}
	for k, kind := range itemKinds {
		if n := st.items[k].Load(); n > 0 {
			ch <- prometheus.MustNewConstMetric(m.items, prometheus.CounterValue, float64(n), name, kind)
		}
	}
	// The count is read first: observations that land meanwhile may make
	// the buckets exceed it by a few, never fall short.
	count := st.count.Load()
	if count == 0 {
		return
	}
	sum := math.Float64frombits(st.sum.Load())
	cumulative := make(map[float64]uint64, len(fetchBuckets))
	var acc uint64
	for k, bound := range fetchBuckets {
		acc += st.buckets[k].Load()
		cumulative[bound] = min(acc, count)
	}
	ch <- prometheus.MustNewConstHistogram(m.duration, count, sum, cumulative, name)
}
