package scheduler

import (
	"context"
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
	if err := h.s.Start(context.Background(), compile(t, c)); err != nil {
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
	if err := h.s.Start(context.Background(), compile(t, c)); err != nil {
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
	if n := h.s.hosts.Size(); n != 0 {
		t.Errorf("%d host limiters left after all fetches", n)
	}
}

func TestSyncAppliesNewLimits(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", items("x"))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{Concurrency: 3, PerHost: 1}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	if h.s.global.Limit() != 3 || h.s.hosts.Limit() != 1 {
		t.Fatalf("limits %d/%d, want 3/1", h.s.global.Limit(), h.s.hosts.Limit())
	}
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	if h.s.global.Limit() != config.DefaultConcurrency || h.s.hosts.Limit() != config.DefaultPerHost {
		t.Fatalf("limits %d/%d, want defaults", h.s.global.Limit(), h.s.hosts.Limit())
	}
}

func TestJitterBound(t *testing.T) {
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
		s, err := config.ParseSchedule(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := jitterBound(s); got != tt.want {
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
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	h.scheduled(t, "a-1")
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
