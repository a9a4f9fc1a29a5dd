package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// Health is a source's condition as the dashboard and the alerts see it.
type Health int

// The conditions. The zero value is Pending, so that a status nobody
// classified never claims a problem or health it does not know of.
const (
	// Pending: never fetched yet.
	Pending Health = iota
	// Failing: the last fetch failed.
	Failing
	// Stale: fetches succeed, but no new item arrived within
	// sources[].expect (a selector that quietly broke, a dead newsletter).
	Stale
	// Healthy: the last fetch succeeded and, with expect, items are fresh.
	Healthy
)

// Rank orders conditions problems first, as the dashboard lists them:
// failing, stale, healthy, pending.
func (h Health) Rank() int {
	if h == Pending {
		return int(Healthy) + 1
	}
	return int(h)
}

// String names the condition as /status.json does.
func (h Health) String() string {
	switch h {
	case Failing:
		return "failing"
	case Stale:
		return "stale"
	case Healthy:
		return "healthy"
	case Pending:
		return "pending"
	}
	return fmt.Sprintf("Health(%d)", int(h))
}

// healthOf classifies one source's state at now. A source with expect that
// has succeeded but never brought an item is stale: nothing is arriving.
func healthOf(st store.State, expect time.Duration, now time.Time) Health {
	switch {
	case st.Failures > 0:
		return Failing
	case st.LastFetch.IsZero():
		return Pending
	case isStale(st, expect, now):
		return Stale
	}
	return Healthy
}

func isStale(st store.State, expect time.Duration, now time.Time) bool {
	if expect <= 0 || st.LastSuccess.IsZero() {
		return false
	}
	return st.LastNewItem.IsZero() || now.Sub(st.LastNewItem) > expect
}

// record appends the fetch to the source's history in the store, where
// every replica's status page reads it.
func (s *Scheduler) record(ctx context.Context, name string, o outcome, res *sources.Result, err error, now time.Time, took time.Duration) {
	f := store.Fetch{Source: name, At: now, Outcome: o.kind, New: o.new, Updated: o.updated, Duration: took}
	if res != nil {
		f.Status, f.Warnings, f.Matches = res.Status, res.Warnings, res.Matches
	}
	if err != nil {
		f.Error = err.Error()
		var he *sources.HTTPError
		if errors.As(err, &he) {
			f.Status = he.StatusCode
		}
		// A selector that matched nothing fails the fetch: what each
		// selector did match shows which one broke.
		var pe *sources.PageError
		if errors.As(err, &pe) {
			f.Matches = pe.Page.Matches
		}
	}
	if f.Outcome == "" {
		f.Outcome = metrics.OutcomeError
	}
	werr := s.opts.Store.RecordFetch(ctx, f, store.FetchHistory)
	s.opts.Health.Record(werr, now)
	if werr != nil {
		s.log.Error("record fetch", "source", name, "err", werr)
	}
}

// collectTimeout bounds the store read of one scrape.
const collectTimeout = 5 * time.Second

// healthCollector exports each configured source's health at scrape time,
// read from the store, so that every replica reports the same and
// staleness moves with the clock, not only when a fetch runs.
type healthCollector struct {
	s                        *Scheduler
	stale, lastNew, failures *prometheus.Desc
}

func newHealthCollector(s *Scheduler) *healthCollector {
	return &healthCollector{
		s: s,
		stale: prometheus.NewDesc("tributary_source_stale",
			"1 when a source with sources[].expect has brought no new item for longer than expect, else 0.",
			[]string{"source"}, nil),
		lastNew: prometheus.NewDesc("tributary_source_last_new_item_timestamp_seconds",
			"When a fetch last brought a new item of the source (Unix seconds); absent if none ever has.",
			[]string{"source"}, nil),
		failures: prometheus.NewDesc("tributary_source_consecutive_failures",
			"Failed fetches of the source in a row; 0 once one succeeds.",
			[]string{"source"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *healthCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.stale
	ch <- c.lastNew
	ch <- c.failures
}

// Collect implements prometheus.Collector. It reads only the fetch states,
// not the item counts, so a scrape stays cheap with many items.
func (c *healthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(c.s.ctx, collectTimeout)
	defer cancel()
	type conf struct {
		name   string
		expect time.Duration
	}
	c.s.mu.Lock()
	confs := make([]conf, 0, len(c.s.order))
	for _, name := range c.s.order {
		confs = append(confs, conf{name, c.s.entries[name].cfg.Compiled.Expect})
	}
	c.s.mu.Unlock()
	list, err := c.s.opts.Store.States(ctx)
	if err != nil {
		c.s.log.Error("metrics: read fetch states", "err", err)
		ch <- prometheus.NewInvalidMetric(c.stale, err)
		return
	}
	states := make(map[string]store.State, len(list))
	for _, st := range list {
		states[st.Source] = st
	}
	now := c.s.opts.Now()
	for _, cf := range confs {
		st := states[cf.name]
		stale := 0.0
		if isStale(st, cf.expect, now) && st.Failures == 0 {
			stale = 1
		}
		ch <- prometheus.MustNewConstMetric(c.stale, prometheus.GaugeValue, stale, cf.name)
		ch <- prometheus.MustNewConstMetric(c.failures, prometheus.GaugeValue, float64(st.Failures), cf.name)
		if !st.LastNewItem.IsZero() {
			ch <- prometheus.MustNewConstMetric(c.lastNew, prometheus.GaugeValue,
				float64(st.LastNewItem.UnixMilli())/1000, cf.name)
		}
	}
}

// History returns the source's recorded fetches, newest first, or
// ErrUnknownSource when the source is not configured (its old history is
// not shown: the name may since mean something else).
func (s *Scheduler) History(ctx context.Context, name string) ([]store.Fetch, error) {
	s.mu.Lock()
	_, ok := s.entries[name]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("history %q: %w", name, ErrUnknownSource)
	}
	list, err := s.opts.Store.Fetches(ctx, name, store.FetchHistory)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", name, err)
	}
	return list, nil
}

// noteNewItems records that items pushed to the source (not fetched) were
// new, so a source fed by its hub is not reported stale.
func (s *Scheduler) noteNewItems(ctx context.Context, name string) {
	st, err := s.state(ctx, name)
	if err != nil {
		s.log.Error("note new items", "source", name, "err", err)
		return
	}
	st.LastNewItem = s.opts.Now()
	s.setState(ctx, st)
}
