package feeds

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// TestLoadRendersNothing checks that a publisher is ready once it has read
// the versions, without selecting a single item, and that the validators it
// gives then are those of the render that comes later, and of another
// publisher on the same store (a restarted or other replica).
func TestLoadRendersNothing(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}}, config.Feed{Slug: "c", Sources: []string{"c"}})
	p, st, m := newTestPublisher(t, cfg)
	ctx := context.Background()
	if p.Ready() {
		t.Fatal("ready before Load")
	}
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if !p.Ready() || st.queries.Load() != 0 {
		t.Fatalf("after Load: ready %v, %d item queries; want ready, none", p.Ready(), st.queries.Load())
	}
	before := map[Format]*Rendered{}
	for _, f := range formats {
		if p.Get("world", f) != nil {
			t.Fatalf("%v served from memory before any request", f)
		}
		before[f] = p.Validators("world", f)
	}
	if p.Validators("nope", RSS) != nil || p.Validators("world", Format(9)) != nil {
		t.Error("validators for an unknown slug or format")
	}
	if st.queries.Load() != 0 {
		t.Fatalf("validators selected items (%d queries)", st.queries.Load())
	}
	other := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime }})
	if err := other.Load(ctx); err != nil {
		t.Fatal(err)
	}
	tags := map[string]bool{}
	for _, f := range formats {
		rd, err := p.Render(ctx, "world", f)
		if err != nil {
			t.Fatal(err)
		}
		v, o := before[f], other.Validators("world", f)
		if rd.ETag != v.ETag || rd.GzipETag != v.GzipETag || rd.LastModifiedHTTP != v.LastModifiedHTTP ||
			rd.CacheControl != v.CacheControl || rd.ContentType != v.ContentType {
			t.Errorf("%v: render %+v, validators before it %+v", f, rd, v)
		}
		if o.ETag != v.ETag || o.LastModifiedHTTP != v.LastModifiedHTTP {
			t.Errorf("%v: another publisher's validators %s %s, want %s %s", f, o.ETag, o.LastModifiedHTTP, v.ETag, v.LastModifiedHTTP)
		}
		tags[rd.ETag] = true
	}
	if len(tags) != len(formats) {
		t.Errorf("formats share ETags: %v", tags)
	}
	if got := value(t, m.FeedRenders.WithLabelValues("world")); got != 3 {
		t.Errorf("world rendered %v times, want once per format asked", got)
	}
	// A render already current is not done again.
	q := st.queries.Load()
	if rd, err := p.Render(ctx, "world", Atom); err != nil || rd != p.Get("world", Atom) || st.queries.Load() != q {
		t.Errorf("current render redone: %v, %d queries", err, st.queries.Load()-q)
	}
}

// TestValidatorsFollowData checks that a feed's validators move when one of
// its sources changes or its configuration does, and only then.
func TestValidatorsFollowData(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}}, config.Feed{Slug: "c", Sources: []string{"c"}})
	p, st, _ := newTestPublisher(t, cfg)
	ctx := context.Background()
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	world, c := p.Validators("world", Atom), p.Validators("c", Atom)
	late := fixtureTime.Add(-10 * time.Minute)
	st.add(sources.Item{Source: "a", ID: "late", Title: "late", Published: fixtureTime.Add(-48 * time.Hour), FirstSeen: late})
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	w2, c2 := p.Validators("world", Atom), p.Validators("c", Atom)
	if w2.ETag == world.ETag || !w2.LastModified.Equal(late) {
		t.Errorf("world after a change: %s %v, before %s %v; want a new tag dated %v", w2.ETag, w2.LastModified, world.ETag, world.LastModified, late)
	}
	if c2.ETag != c.ETag || !c2.LastModified.Equal(c.LastModified) {
		t.Errorf("c changed with a source it does not include: %+v -> %+v", c, c2)
	}
	next := testConfig(config.Feed{Slug: "world", Title: "Renamed", Sources: []string{"tag:world"}}, config.Feed{Slug: "c", Sources: []string{"c"}})
	if err := p.SetConfig(ctx, next); err != nil {
		t.Fatal(err)
	}
	if w3 := p.Validators("world", Atom); w3.ETag == w2.ETag {
		t.Error("a new title kept the ETag")
	}
	if c3 := p.Validators("c", Atom); c3.ETag != c.ETag {
		t.Error("an unchanged feed's ETag moved with a reload")
	}
}

// TestChangesRenderOnlyCachedFeeds checks that a change re-renders the
// cached feeds that include the source, in the formats cached, announces
// every feed that includes it, and that a source whose version did not move
// renders nothing.
func TestChangesRenderOnlyCachedFeeds(t *testing.T) {
	cfg := testConfig(
		config.Feed{Slug: "world", Sources: []string{"tag:world"}},
		config.Feed{Slug: "all", Sources: []string{"a", "c"}},
		config.Feed{Slug: "c", Sources: []string{"c"}})
	st := &fakeStore{}
	st.add(item("a", "1", "https://e.org/1", time.Hour), item("c", "3", "https://e.org/3", 3*time.Hour))
	var (
		mu        sync.Mutex
		announced []string
	)
	p := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime },
		OnChange: func(slug string) { mu.Lock(); announced = append(announced, slug); mu.Unlock() }})
	ctx := context.Background()
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	cached, err := p.Render(ctx, "world", RSS)
	if err != nil {
		t.Fatal(err)
	}
	allBefore := p.Validators("all", JSON)
	mu.Lock()
	if len(announced) != 3 {
		t.Errorf("Load announced %v, want every feed", announced)
	}
	announced = nil
	mu.Unlock()

	st.add(item("a", "4", "https://e.org/4", time.Minute))
	n, err := p.applyChanges(ctx, []string{"a", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d feeds rendered, want 1 (world, the only one cached)", n)
	}
	now := p.Get("world", RSS)
	if now == nil || now == cached || now.ETag == cached.ETag {
		t.Errorf("world not re-rendered: %+v", now)
	}
	for _, f := range []Format{Atom, JSON} {
		if p.Get("world", f) != nil {
			t.Errorf("world rendered in %v, which nobody asked for", f)
		}
	}
	if p.Get("all", JSON) != nil {
		t.Error("all rendered ahead of demand")
	}
	if p.Validators("all", JSON).ETag == allBefore.ETag {
		t.Error("all's validators did not move with its source")
	}
	mu.Lock()
	slices.Sort(announced)
	got := slices.Clone(announced)
	announced = nil
	mu.Unlock()
	if !slices.Equal(got, []string{"all", "world"}) {
		t.Errorf("announced %v, want [all world]", got)
	}

	// Nothing new in a or c: nothing rendered, nothing announced.
	q := st.queries.Load()
	if n, err := p.applyChanges(ctx, []string{"a", "c"}); err != nil || n != 0 || st.queries.Load() != q {
		t.Errorf("unchanged sources: %d rendered, %d queries, err %v", n, st.queries.Load()-q, err)
	}
	if len(announced) != 0 {
		t.Errorf("unchanged sources announced %v", announced)
	}
}

// TestMergedFeedRenderedOncePerBatch checks that a feed of many sources,
// all changing within one debounce window, is rendered once.
func TestMergedFeedRenderedOncePerBatch(t *testing.T) {
	const n = 500
	cfg := rawConfig(config.Feed{Slug: "merged", Sources: []string{"tag:all"}})
	for i := range n {
		cfg.Sources = append(cfg.Sources, config.Source{Name: fmt.Sprintf("s%d", i), Kind: config.KindFeed, URL: "https://e.org/", Tags: []string{"all"}})
	}
	if err := cfg.Compile(); err != nil {
		t.Fatal(err)
	}
	st := &fakeStore{}
	p := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime }})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Render(ctx, "merged", Atom); err != nil {
		t.Fatal(err)
	}
	fire := make(chan time.Time)
	done := make(chan int)
	p.after = func(time.Duration) <-chan time.Time { return fire }
	p.batchDone = func(n int) { done <- n }
	go p.Run(ctx)
	q := st.queries.Load()
	for i := range n {
		name := fmt.Sprintf("s%d", i)
		st.add(item(name, "x-"+name, "https://e.org/"+name, time.Minute))
		p.SourceChanged(name)
	}
	fire <- fixtureTime
	if got := <-done; got != 1 {
		t.Errorf("batch rendered %d feeds, want 1", got)
	}
	if got := st.queries.Load() - q; got != 1 {
		t.Errorf("the merged feed was built %d times, want once", got)
	}
}

// TestCacheBound checks that the cache keeps within its bound and evicts
// the least recently used renders first.
func TestCacheBound(t *testing.T) {
	var fs []config.Feed
	for i := range 12 {
		fs = append(fs, config.Feed{Slug: fmt.Sprintf("f%d", i), Sources: []string{"a"}})
	}
	cfg := testConfig(fs...)
	st := &fakeStore{}
	st.add(benchItems(30)...)
	for i := range 30 {
		st.items[i].Source = "a"
	}
	st.add(item("a", "seed", "https://e.org/seed", time.Hour))
	probe := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime }})
	ctx := context.Background()
	if err := probe.Load(ctx); err != nil {
		t.Fatal(err)
	}
	one, err := probe.Render(ctx, "f0", Atom)
	if err != nil {
		t.Fatal(err)
	}
	limit := 4*cost(one) + cost(one)/2 // room for four renders
	p := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime }, CacheBytes: limit})
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if _, err := p.Render(ctx, fmt.Sprintf("f%d", i), Atom); err != nil {
			t.Fatal(err)
		}
		p.Get("f0", Atom) // f0 stays in use
		if got := p.cache.bytes(); got > limit {
			t.Fatalf("after %d renders the cache holds %d bytes, bound %d", i+1, got, limit)
		}
	}
	if p.Get("f0", Atom) == nil {
		t.Error("the feed in constant use was evicted")
	}
	if p.Get("f1", Atom) != nil || p.Get("f11", Atom) == nil {
		t.Error("eviction did not follow recency: f1 kept or f11 (the newest) dropped")
	}
	// A render larger than the whole cache is served but not kept.
	tiny := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime }, CacheBytes: 100})
	if err := tiny.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if rd, err := tiny.Render(ctx, "f0", Atom); err != nil || rd == nil || tiny.Get("f0", Atom) != nil || tiny.cache.bytes() != 0 {
		t.Errorf("oversized render: %v, %v, cached %v, %d bytes", rd != nil, err, tiny.Get("f0", Atom) != nil, tiny.cache.bytes())
	}
}

// TestStaleWhenStoreDown checks that a publisher whose store fails keeps
// serving what it has cached and keeps the change for later.
func TestStaleWhenStoreDown(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}}, config.Feed{Slug: "c", Sources: []string{"c"}})
	p, st, _ := newTestPublisher(t, cfg)
	ctx := context.Background()
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	cached, err := p.Render(ctx, "world", Atom)
	if err != nil {
		t.Fatal(err)
	}
	st.failing.Store(true)
	if _, err := p.applyChanges(ctx, []string{"a"}); err == nil {
		t.Error("a batch with the store down reported no error")
	}
	if p.Get("world", Atom) != cached {
		t.Error("the cached render was dropped while the store is down")
	}
	if _, err := p.Render(ctx, "c", Atom); err == nil {
		t.Error("rendering with the store down reported no error")
	}
	if p.Validators("c", Atom) == nil {
		t.Error("no validators while the store is down")
	}
	if !p.hasDirty() {
		t.Error("the failed batch's sources were forgotten")
	}
}

// TestWarmRendersFeedsInDemand checks that the feeds asked for before a
// restart are rendered by Warm after it, most recent first, and others not.
func TestWarmRendersFeedsInDemand(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "world", Sources: []string{"tag:world"}}, config.Feed{Slug: "c", Sources: []string{"c"}})
	p, st, _ := newTestPublisher(t, cfg)
	ctx := context.Background()
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Render(ctx, "world", JSON); err != nil {
		t.Fatal(err)
	}
	p.FlushDemand(ctx)
	if _, err := p.Render(ctx, "c", RSS); err != nil {
		t.Fatal(err)
	}
	p.FlushDemand(ctx)
	// Served from the cache since the last flush: recorded too.
	p.Get("world", JSON)
	p.FlushDemand(ctx)
	if got, _ := st.HotFeeds(ctx, time.Time{}, 10); !slices.Equal(got, []string{"c.rss", "world.json"}) {
		t.Fatalf("hot feeds %v", got)
	}

	restarted := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime }})
	if err := restarted.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if n := restarted.Warm(ctx, 0); n != 2 {
		t.Errorf("warmed %d feeds, want 2", n)
	}
	if restarted.Get("world", JSON) == nil || restarted.Get("c", RSS) == nil || restarted.Get("world", Atom) != nil {
		t.Error("warming rendered the wrong feeds")
	}
}

// TestWarmStoppedQuietly: a daemon that stops while warming (its context
// cancelled) warms nothing more and logs no failure: the cancelled store
// read is the stop, not a problem.
func TestWarmStoppedQuietly(t *testing.T) {
	cfg := testConfig(config.Feed{Slug: "c", Sources: []string{"c"}})
	_, st, _ := newTestPublisher(t, cfg)
	var logs bytes.Buffer
	p := NewPublisher(Options{Store: st, Config: cfg, Now: func() time.Time { return fixtureTime },
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := p.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n := p.Warm(ctx, 0); n != 0 {
		t.Errorf("warmed %d feeds after the stop", n)
	}
	if logs.Len() > 0 {
		t.Errorf("a stop while warming logged:\n%s", logs.String())
	}
}
