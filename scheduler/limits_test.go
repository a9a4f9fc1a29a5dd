package scheduler

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// gauge tracks concurrent fetches overall and per host.
type gauge struct {
	mu      sync.Mutex
	cur     map[string]int
	max     map[string]int
	entered chan string
}

func newGauge() *gauge {
	return &gauge{cur: map[string]int{}, max: map[string]int{}, entered: make(chan string, 100)}
}

// blocking returns a fetch function that counts itself in g and blocks
// until gate yields or ctx is done.
func (g *gauge) blocking(name string, gate <-chan struct{}) func(context.Context, sources.Request) (*sources.Result, error) {
	host, _, _ := strings.Cut(name, "-")
	return func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
		g.move(host, 1)
		defer g.move(host, -1)
		g.entered <- name
		select {
		case <-gate:
			return &sources.Result{}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (g *gauge) move(host string, d int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range []string{"", host} {
		g.cur[k] += d
		g.max[k] = max(g.max[k], g.cur[k])
	}
}

func (g *gauge) maxOf(host string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.max[host]
}

func stopNow(t *testing.T, s *Scheduler) {
	t.Helper()
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestGlobalConcurrencyLimit(t *testing.T) {
	h := newHarness(t, nil)
	g := newGauge()
	gate := make(chan struct{})
	names := []string{"a-1", "b-1", "c-1", "d-1", "e-1", "f-1"}
	for _, n := range names {
		h.add(n, g.blocking(n, gate))
	}
	c := cfg(config.Fetch{Concurrency: 2, PerHost: 5, RunOnStart: true}, names...)
	if err := h.s.Start(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	<-g.entered
	<-g.entered
	for range len(names) - 2 {
		gate <- struct{}{}
		<-g.entered
	}
	gate <- struct{}{}
	gate <- struct{}{}
	stopNow(t, h.s)
	if got := g.maxOf(""); got != 2 {
		t.Errorf("max concurrent fetches = %d, want 2", got)
	}
	for _, n := range names {
		if h.store.get(t, n).LastSuccess.IsZero() {
			t.Errorf("%s not fetched", n)
		}
	}
}

func TestPerHostLimitDoesNotBlockOtherHosts(t *testing.T) {
	h := newHarness(t, nil)
	g := newGauge()
	gateA, gateB := make(chan struct{}), make(chan struct{})
	for _, n := range []string{"a-1", "a-2", "a-3"} {
		h.add(n, g.blocking(n, gateA))
	}
	h.add("b-1", g.blocking("b-1", gateB))
	c := cfg(config.Fetch{Concurrency: 10, PerHost: 1, RunOnStart: true}, "a-1", "a-2", "a-3", "b-1")
	if err := h.s.Start(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	// While host a is busy, b must get through.
	first := map[string]bool{}
	for range 2 {
		n := <-g.entered
		host, _, _ := strings.Cut(n, "-")
		first[host] = true
	}
	if !first["a"] || !first["b"] {
		t.Fatalf("first two fetches hit hosts %v, want a and b", first)
	}
	gateB <- struct{}{}
	for range 2 {
		gateA <- struct{}{}
		<-g.entered
	}
	gateA <- struct{}{}
	stopNow(t, h.s)
	if got := g.maxOf("a"); got != 1 {
		t.Errorf("max concurrent fetches on host a = %d, want 1", got)
	}
	if n := h.s.hosts.size(); n != 0 {
		t.Errorf("%d host limiters left after all fetches", n)
	}
}

func TestFilesSourcesHaveNoHostLimit(t *testing.T) {
	tests := []struct {
		src  config.Source
		want string
	}{
		{config.Source{Kind: config.KindFeed, URL: "https://News.Example.org:8443/x.rss"}, "news.example.org"},
		{config.Source{Kind: config.KindHTML, URL: "http://example.org/news/"}, "example.org"},
		{config.Source{Kind: config.KindFiles, Path: "./articles", URL: "https://x.example/"}, ""},
		{config.Source{Kind: config.KindFeed, URL: "::bad"}, ""},
	}
	for _, tt := range tests {
		if got := hostOf(&tt.src); got != tt.want {
			t.Errorf("hostOf(%+v) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(1)
	ctx := context.Background()
	if err := l.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	// A cancelled waiter gives up without taking a slot.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire on cancelled ctx = %v", err)
	}
	// Growing the limit wakes a waiter.
	got := make(chan error)
	go func() { got <- l.acquire(ctx) }()
	waitFor(t, "waiter queued", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return len(l.waiters) == 1
	})
	l.setLimit(2)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// Shrinking does not evict holders but holds back new ones.
	l.setLimit(1)
	l.release()
	go func() { got <- l.acquire(ctx) }()
	waitFor(t, "waiter queued", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return len(l.waiters) == 1
	})
	l.release()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	l.release()
	if l.used != 0 || len(l.waiters) != 0 {
		t.Errorf("used=%d waiters=%d, want 0 0", l.used, len(l.waiters))
	}
}

func TestSyncAppliesNewLimits(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", items("x"))
	if err := h.s.Sync(cfg(config.Fetch{Concurrency: 3, PerHost: 1}, "a-1")); err != nil {
		t.Fatal(err)
	}
	if h.s.global.limit != 3 || h.s.hosts.limit != 1 {
		t.Fatalf("limits %d/%d, want 3/1", h.s.global.limit, h.s.hosts.limit)
	}
	if err := h.s.Sync(cfg(config.Fetch{}, "a-1")); err != nil {
		t.Fatal(err)
	}
	if h.s.global.limit != config.DefaultConcurrency || h.s.hosts.limit != config.DefaultPerHost {
		t.Fatalf("limits %d/%d, want defaults", h.s.global.limit, h.s.hosts.limit)
	}
}

func TestJitterBound(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 7, 0, 0, time.UTC)
	tests := []struct {
		spec string
		want time.Duration
	}{
		{"@every 30m", 3 * time.Minute},
		{"@every 10s", time.Second},
		{"*/15 * * * *", 90 * time.Second},
		{"@hourly", 5 * time.Minute},
		{"@every 24h", 5 * time.Minute},
	}
	for _, tt := range tests {
		s, err := parseSchedule(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := jitterBound(s, now); got != tt.want {
			t.Errorf("jitterBound(%q) = %v, want %v", tt.spec, got, tt.want)
		}
	}
}

func TestJitterUsesRandWithinBound(t *testing.T) {
	var asked []int64
	h := newHarness(t, func(o *Options) {
		o.Rand = func(n int64) int64 { asked = append(asked, n); return 0 }
	})
	f := h.add("a-1", items("x"))
	c := cfg(config.Fetch{Schedule: "@every 30m"}, "a-1")
	if err := h.s.Sync(c); err != nil {
		t.Fatal(err)
	}
	h.s.scheduled(h.s.entries["a-1"])
	if len(asked) != 1 || asked[0] != int64(3*time.Minute) || f.calls.Load() != 1 {
		t.Fatalf("Rand asked for %v, fetched %d times; want one draw below 3m", asked, f.calls.Load())
	}
	// Manual runs are not jittered.
	h.clock.Add(time.Hour)
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 {
		t.Errorf("RunOnce drew jitter")
	}
	// A misbehaving Rand cannot push the delay out of bounds.
	h.s.opts.Rand = func(n int64) int64 { return n * 2 }
	if d := h.s.random(time.Minute); d != 0 {
		t.Errorf("out-of-range Rand gave %v", d)
	}
}

func TestParseScheduleIsUTC(t *testing.T) {
	s, err := parseSchedule("0 3 * * *")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.FixedZone("X", 5*3600))
	want := time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC)
	if got := s.Next(from); !got.Equal(want) {
		t.Errorf("Next = %v, want %v", got, want)
	}
	if _, err := parseSchedule("every day"); err == nil {
		t.Error("bad spec accepted")
	}
}

func TestKeepOf(t *testing.T) {
	if got := keepOf(&config.Source{Keep: 20}); got != 20 {
		t.Errorf("keepOf(20) = %d", got)
	}
	if got := keepOf(&config.Source{}); got != config.DefaultKeep {
		t.Errorf("keepOf(0) = %d, want the default %d", got, config.DefaultKeep)
	}
}
