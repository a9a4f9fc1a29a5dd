package metrics

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// vectors are the client_golang vectors the compact per-source counters
// replaced: the reference for what a scrape shows.
type vectors struct {
	reg      *prometheus.Registry
	fetches  *prometheus.CounterVec
	duration *prometheus.HistogramVec
	items    *prometheus.CounterVec
}

func newVectors() *vectors {
	v := &vectors{
		reg: prometheus.NewRegistry(),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_fetches_total",
			Help: "Source fetches by source and outcome (ok, not_modified, error).",
		}, []string{"source", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tributary_fetch_duration_seconds",
			Help:    "Time to fetch and store one source.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 10),
		}, []string{"source"}),
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tributary_items_ingested_total",
			Help: "Items stored by source and kind (new, updated).",
		}, []string{"source", "kind"}),
	}
	v.reg.MustRegister(v.fetches, v.duration, v.items)
	return v
}

func (v *vectors) fetched(source, outcome string, took time.Duration) {
	v.fetches.WithLabelValues(source, outcome).Inc()
	v.duration.WithLabelValues(source).Observe(took.Seconds())
}

func (v *vectors) ingested(source string, n, u int) {
	if n > 0 {
		v.items.WithLabelValues(source, "new").Add(float64(n))
	}
	if u > 0 {
		v.items.WithLabelValues(source, "updated").Add(float64(u))
	}
}

func text(t *testing.T, g prometheus.Gatherer, names ...string) string {
	t.Helper()
	fams, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	keep := map[string]bool{}
	for _, n := range names {
		keep[n] = true
	}
	var b bytes.Buffer
	for _, f := range fams {
		if keep[f.GetName()] {
			if _, err := expfmt.MetricFamilyToText(&b, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b.String()
}

// TestSourceMetricsAsVectors: a scrape shows the same text, series for
// series and bucket for bucket, as client_golang's vectors fed the same
// fetches, including bounds hit exactly, forgotten sources and sources
// that only ever failed.
func TestSourceMetricsAsVectors(t *testing.T) {
	m, ref := New("test"), newVectors()
	durations := []time.Duration{0, 10 * time.Millisecond, 11 * time.Millisecond, 250 * time.Millisecond,
		time.Second, 3 * time.Second, 38 * time.Second, time.Minute, time.Hour}
	outs := []string{OutcomeOK, OutcomeNotModified, OutcomeError}
	for i := range 40 {
		src := fmt.Sprintf("s%d", i%7)
		o, d := outs[i%3], durations[i%len(durations)]
		if i%7 == 6 {
			o = OutcomeError // s6 never succeeds
		}
		m.Fetched(src, o, d)
		ref.fetched(src, o, d)
		m.Ingested(src, i%4, i%3)
		ref.ingested(src, i%4, i%3)
	}
	m.ForgetSource("s2")
	ref.fetches.DeletePartialMatch(prometheus.Labels{"source": "s2"})
	ref.duration.DeletePartialMatch(prometheus.Labels{"source": "s2"})
	ref.items.DeletePartialMatch(prometheus.Labels{"source": "s2"})
	m.Ingested("pushed-only", 2, 0)
	ref.ingested("pushed-only", 2, 0)

	names := []string{"tributary_fetches_total", "tributary_fetch_duration_seconds", "tributary_items_ingested_total"}
	got, want := text(t, m.Registry, names...), text(t, ref.reg, names...)
	if got != want {
		t.Errorf("scrape differs from the vectors'\ngot:\n%s\nwant:\n%s", got, want)
	}
	if want == "" {
		t.Fatal("nothing scraped")
	}
}

// TestSourceMetricsConcurrent: counts from many goroutines all land (run
// with -race). The durations are multiples of 1/8 s, whose float sums are
// exact in any order.
func TestSourceMetricsConcurrent(t *testing.T) {
	m, ref := New("test"), newVectors()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				m.Fetched(fmt.Sprint("s", i%5), OutcomeOK, time.Duration((g+i)%40)*125*time.Millisecond)
				m.Ingested(fmt.Sprint("s", i%5), 1, 0)
			}
		})
		wg.Go(func() { _ = text(t, m.Registry, "tributary_fetches_total") })
	}
	wg.Wait()
	for g := range 8 {
		for i := range 500 {
			ref.fetched(fmt.Sprint("s", i%5), OutcomeOK, time.Duration((g+i)%40)*125*time.Millisecond)
			ref.ingested(fmt.Sprint("s", i%5), 1, 0)
		}
	}
	names := []string{"tributary_fetches_total", "tributary_fetch_duration_seconds", "tributary_items_ingested_total"}
	if got, want := text(t, m.Registry, names...), text(t, ref.reg, names...); got != want {
		t.Errorf("scrape differs from the vectors'\ngot:\n%s\nwant:\n%s", got, want)
	}
}

// BenchmarkFetched: the cost of recording one fetch.
func BenchmarkFetched(b *testing.B) {
	m := New("test")
	for i := 0; b.Loop(); i++ {
		m.Fetched("source-1", OutcomeOK, time.Duration(i)*time.Millisecond)
	}
}
