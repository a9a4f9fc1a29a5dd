package feeds

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/metrics"
)

func newTestPublisher(t *testing.T, cfg *config.Config) (*Publisher, *fakeStore, *metrics.Metrics) {
	t.Helper()
	st := &fakeStore{}
	st.add(item("a", "1", "https://e.org/1", time.Hour), item("b", "2", "https://e.org/2", 2*time.Hour), item("c", "3", "https://e.org/3", 3*time.Hour))
	m := metrics.New("test")
	p := NewPublisher(Options{Store: st, Config: cfg, Metrics: m, Now: func() time.Time { return fixtureTime }})
	return p, st, m
}

func TestPublisherRenderAll(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Title: "World", Sources: []string{"tag:world"}}, config.Feed{Slug: "c", Sources: []string{"c"}})
	p, _, m := newTestPublisher(t, cfg)
	if p.Ready() || p.Get("world", RSS) != nil {
		t.Fatal("ready or serving before RenderAll")
	}
	if err := p.RenderAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !p.Ready() {
		t.Error("not ready after RenderAll")
	}
	if p.Get("nope", RSS) != nil || p.Get("world", Format(7)) != nil {
		t.Error("Get returned a feed for an unknown slug or format")
	}
	r := p.Get("world", Atom)
	if r == nil || r.ContentType != Atom.ContentType() || r.CacheControl != "public, max-age=900" ||
		r.LastModifiedHTTP != "Sun, 10 Mar 2024 11:00:00 GMT" || len(r.ETag) != 34 || len(r.Gzip) == 0 {
		t.Fatalf("rendered = %+v", r)
	}
	infos := p.Feeds()
	if len(infos) != 2 || infos[0].Slug != "world" || infos[0].Items != 2 || infos[0].Description != "World" || infos[1].Title != "c" {
		t.Errorf("Feeds() = %+v", infos)
	}
	if got := value(t, m.FeedItems.WithLabelValues("world")); got != 2 {
		t.Errorf("feed items gauge = %v", got)
	}

	// Same items: the same Rendered pointer, so the ETag is stable.
	if err := p.RenderAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.Get("world", Atom) != r {
		t.Error("an unchanged render replaced the Rendered")
	}
	p2, _, _ := newTestPublisher(t, cfg)
	if err := p2.RenderAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, f := range formats {
		if p2.Get("world", f).ETag != p.Get("world", f).ETag {
			t.Errorf("%s ETag differs between two publishers", f)
		}
	}
}

func TestPublisherSetConfig(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}}, config.Feed{Slug: "c", Sources: []string{"c"}})
	p, _, m := newTestPublisher(t, cfg)
	ctx := context.Background()
	if err := p.RenderAll(ctx); err != nil {
		t.Fatal(err)
	}
	keep := p.Get("world", RSS)
	next := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}}, config.Feed{Slug: "new", Sources: []string{"a"}})
	next.Feeds[0].Line = 42 // moved in the file: not a change
	if err := p.SetConfig(ctx, next); err != nil {
		t.Fatal(err)
	}
	if p.Get("c", RSS) != nil {
		t.Error("removed feed still served")
	}
	if p.Get("new", JSON) != nil || p.Validators("new", JSON) == nil {
		t.Error("added feed rendered ahead of demand, or unknown")
	}
	if rd, err := p.Render(ctx, "new", JSON); err != nil || rd == nil || p.Get("new", JSON) != rd {
		t.Errorf("added feed: Render = %v, %v; not cached", rd, err)
	}
	if p.Get("world", RSS) != keep || value(t, m.FeedRenders.WithLabelValues("world")) != 1 {
		t.Error("unchanged feed was re-rendered")
	}
	bad := rawConfig(config.Feed{Slug: "x", Sources: []string{"a"}, Include: []string{"re:("}})
	if err := p.SetConfig(ctx, bad); err == nil {
		t.Error("a bad config was accepted")
	}
	if p.Get("new", JSON) == nil {
		t.Error("a refused config changed what is served")
	}
}

func TestPublisherCoalesces(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}}, config.Feed{Slug: "c", Sources: []string{"c"}}, config.Feed{Slug: "all", Sources: []string{"a", "c"}})
	p, st, m := newTestPublisher(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := p.RenderAll(ctx); err != nil {
		t.Fatal(err)
	}
	fire := make(chan time.Time)
	done := make(chan int)
	p.after = func(time.Duration) <-chan time.Time { return fire }
	p.batchDone = func(n int) { done <- n }
	go p.Run(ctx)

	st.add(item("a", "4", "https://e.org/4", time.Minute))
	for range 50 {
		p.SourceChanged("a")
		p.SourceChanged("b")
	}
	p.SourceChanged("unknown")
	fire <- fixtureTime // the debounce window ends
	if n := <-done; n != 2 {
		t.Errorf("batch rendered %d feeds, want 2 (world, all)", n)
	}
	for slug, want := range map[string]float64{"world": 2, "all": 2, "c": 1} {
		if got := value(t, m.FeedRenders.WithLabelValues(slug)); got != want {
			t.Errorf("%s rendered %v times, want %v", slug, got, want)
		}
	}
}

// TestPublisherCountsChanges checks that the renders metric counts only
// renders that changed the served bytes.
func TestPublisherCountsChanges(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}})
	p, st, m := newTestPublisher(t, cfg)
	ctx := context.Background()
	for range 3 {
		if err := p.RenderAll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := value(t, m.FeedRenders.WithLabelValues("world")); got != 1 {
		t.Errorf("three renders of the same items counted %v times, want 1", got)
	}
	st.add(item("b", "4", "https://e.org/4", time.Minute))
	if err := p.RenderAll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := value(t, m.FeedRenders.WithLabelValues("world")); got != 2 {
		t.Errorf("after a new item: %v renders counted, want 2", got)
	}
}

// value reads a counter or gauge.
func value(t *testing.T, c prometheus.Metric) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}
