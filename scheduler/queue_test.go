package scheduler

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// queueProbe runs a queue whose jobs block until released, recording what
// started and what was dropped.
type queueProbe struct {
	q   *queue
	ctx context.Context // the queue's: cancelling it closes the queue

	mu      sync.Mutex
	started []string
	dropped []string
	running map[string]int
	peak    map[string]int
	total   int
	peakAll int
	release map[string]chan struct{}
}

func newQueueProbe(t *testing.T, perHost, all int) (*queueProbe, context.CancelFunc) {
	p := &queueProbe{running: map[string]int{}, peak: map[string]int{}, release: map[string]chan struct{}{}}
	run := func(j *job) {
		name, host := j.e.cfg.Name, j.e.host
		p.mu.Lock()
		p.started = append(p.started, name)
		p.running[host]++
		p.peak[host] = max(p.peak[host], p.running[host])
		p.total++
		p.peakAll = max(p.peakAll, p.total)
		ch := p.release[name]
		p.mu.Unlock()
		go func() {
			<-ch
			p.mu.Lock()
			p.running[host]--
			p.total--
			p.mu.Unlock()
			p.q.finish(host)
		}()
	}
	drop := func(j *job) {
		p.mu.Lock()
		p.dropped = append(p.dropped, j.e.cfg.Name)
		p.mu.Unlock()
	}
	p.q = newQueue(run, drop, func() (int, int) { return perHost, all })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	p.ctx = ctx
	return p, cancel
}

func (p *queueProbe) push(t *testing.T, ctx context.Context, host, name string, wait time.Duration) {
	t.Helper()
	p.mu.Lock()
	p.release[name] = make(chan struct{})
	p.mu.Unlock()
	j := &job{e: &entry{cfg: config.Source{Name: name}, host: host}, ctx: ctx}
	if !p.q.push(p.ctx, j, wait) {
		t.Fatalf("push %s refused", name)
	}
}

func (p *queueProbe) finish(name string) {
	p.mu.Lock()
	ch := p.release[name]
	p.mu.Unlock()
	close(ch)
}

func (p *queueProbe) snapshot() (started, dropped []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.started), slices.Clone(p.dropped)
}

// TestQueueHostsInTurn: at most perHost of a host and all in all run at
// once, and a host with many jobs queued first does not hold up another
// host's.
func TestQueueHostsInTurn(t *testing.T) {
	p, _ := newQueueProbe(t, 1, 2)
	bg := context.Background()
	for i := range 5 {
		p.push(t, bg, "a", fmt.Sprint("a", i), 0)
	}
	p.push(t, bg, "b", "b0", 0)
	p.push(t, bg, "b", "b1", 0)
	waitFor(t, "a0 and b0 to start", func() bool { s, _ := p.snapshot(); return len(s) == 2 })
	if s, _ := p.snapshot(); !slices.Equal(s, []string{"a0", "b0"}) {
		t.Fatalf("started %v, want a0 and b0: one per host", s)
	}
	p.finish("b0")
	waitFor(t, "b1 to start", func() bool { s, _ := p.snapshot(); return len(s) == 3 })
	if s, _ := p.snapshot(); s[2] != "b1" {
		t.Fatalf("started %v: b1 should not wait behind a's queue", s)
	}
	for _, n := range []string{"a0", "b1", "a1", "a2", "a3"} {
		p.finish(n)
		if n == "b1" {
			continue
		}
		want := map[string]string{"a0": "a1", "a1": "a2", "a2": "a3", "a3": "a4"}[n]
		waitFor(t, want+" to start", func() bool { s, _ := p.snapshot(); return slices.Contains(s, want) })
	}
	p.finish("a4")
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.peak["a"] != 1 || p.peak["b"] != 1 || p.peakAll != 2 {
		t.Errorf("peaks: a %d, b %d, all %d; want 1, 1, 2", p.peak["a"], p.peak["b"], p.peakAll)
	}
}

// TestQueueWaitsForTime: a job starts once its wait is over, after one
// queued later with no wait.
func TestQueueWaitsForTime(t *testing.T) {
	p, _ := newQueueProbe(t, 0, 10)
	bg := context.Background()
	p.push(t, bg, "a", "late", 30*time.Millisecond)
	p.push(t, bg, "b", "now", 0)
	waitFor(t, "both to start", func() bool { s, _ := p.snapshot(); return len(s) == 2 })
	if s, _ := p.snapshot(); !slices.Equal(s, []string{"now", "late"}) {
		t.Errorf("started %v, want now, then late", s)
	}
}

// TestQueueDropsCancelledAndClosed: a job whose context is cancelled is
// dropped, not run; closing the queue drops what waits and refuses more.
func TestQueueDropsCancelledAndClosed(t *testing.T) {
	p, _ := newQueueProbe(t, 0, 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.push(t, ctx, "a", "cancelled", 0)
	waitFor(t, "the cancelled job to be dropped", func() bool { _, d := p.snapshot(); return len(d) == 1 })

	q, stop := newQueueProbe(t, 0, 10)
	q.push(t, context.Background(), "a", "waits", time.Hour)
	stop()
	waitFor(t, "the queue to drop what waits", func() bool { _, d := q.snapshot(); return len(d) == 1 })
	if q.q.push(q.ctx, &job{e: &entry{}, ctx: context.Background()}, 0) {
		t.Error("a closed queue took a job")
	}
	if s, _ := q.snapshot(); len(s) != 0 {
		t.Errorf("started %v after close", s)
	}
}

// TestRunOnStartBoundsGoroutines: thousands of sources due at once wait in
// the queue, not as goroutines: while the first fetches block, the
// goroutines stay a few dozen, and every source is fetched once in the end.
func TestRunOnStartBoundsGoroutines(t *testing.T) {
	h := newHarness(t, nil)
	gate := make(chan struct{})
	const n = 3000
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("h%d-%d", i%50, i)
		h.add(names[i], func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
			select {
			case <-gate:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return &sources.Result{}, nil
		})
	}
	before := runtime.NumGoroutine()
	c := cfg(config.Fetch{RunOnStart: true, Concurrency: 4, PerHost: 2}, names...)
	if err := h.s.Start(context.Background(), compile(t, c)); err != nil {
		t.Fatal(err)
	}
	if g := runtime.NumGoroutine() - before; g > 100 {
		t.Errorf("%d goroutines for %d sources due at once, want a few dozen", g, n)
	}
	close(gate)
	waitFor(t, "every source to be fetched", func() bool {
		for _, name := range names {
			if h.s.isRunning(name) {
				return false
			}
		}
		return true
	})
	calls := 0
	for _, name := range names {
		calls += int(h.srcs[name].calls.Load())
	}
	if calls != n {
		t.Errorf("%d fetches for %d sources, want one each", calls, n)
	}
}

// TestReplacedDuringJitterEndsAtOnce: a scheduled run waiting out its
// jitter in the queue is dropped as soon as a reload replaces its source,
// so the new entry can be fetched at once.
func TestReplacedDuringJitterEndsAtOnce(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Rand = func(n int64) int64 { return n - 1 } }) // 6 minutes
	h.add("a-1", items("x"))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	h.s.scheduled(h.entry("a-1"))
	if !h.s.isRunning("a-1") {
		t.Fatal("the scheduled run is not queued")
	}
	c := cfg(config.Fetch{}, "a-1")
	c.Sources[0].Keep = 7 // replaced
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replaced source's queued run to end", func() bool { return !h.s.isRunning("a-1") })
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatalf("RunOnce of the replaced source: %v", err)
	}
}

// TestReloadRaisesLimitsOfQueued: raising fetch.per_host or
// fetch.concurrency starts the fetches already queued behind the old
// limits, without waiting for a running one to end.
func TestReloadRaisesLimitsOfQueued(t *testing.T) {
	for _, c := range []struct {
		name       string
		names      []string
		before     config.Fetch
		after      config.Fetch
		started    int
		afterwards int
	}{
		{"per_host", []string{"a-1", "a-2", "a-3"},
			config.Fetch{RunOnStart: true, PerHost: 1, Concurrency: 8}, config.Fetch{RunOnStart: true, PerHost: 3, Concurrency: 8}, 1, 3},
		{"concurrency", []string{"a-1", "b-1", "c-1", "d-1"},
			config.Fetch{RunOnStart: true, PerHost: 2, Concurrency: 1}, config.Fetch{RunOnStart: true, PerHost: 2, Concurrency: 8}, 2, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil)
			entered := make(chan string, 10)
			for _, n := range c.names {
				h.add(n, func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
					entered <- n
					<-ctx.Done()
					return nil, ctx.Err()
				})
			}
			if err := h.s.Start(context.Background(), compile(t, cfg(c.before, c.names...))); err != nil {
				t.Fatal(err)
			}
			// Under the old limits, c.started fetches enter (the
			// concurrency case: two queued, one past the semaphore).
			<-entered
			if err := h.s.Sync(compile(t, cfg(c.after, c.names...))); err != nil {
				t.Fatal(err)
			}
			for i := 1; i < c.afterwards; i++ {
				select {
				case <-entered:
				case <-time.After(5 * time.Second):
					t.Fatalf("after raising %s, %d of %d fetches run", c.name, i, c.afterwards)
				}
			}
		})
	}
}

// TestNotBeforeWaitCountsQueueTime: a scheduled run whose not-before fell
// inside its jitter window, held behind a busy host past that time, is
// fetched as soon as the host is free, not made to wait again.
func TestNotBeforeWaitCountsQueueTime(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Now = time.Now })
	gate := make(chan struct{})
	h.add("a-1", func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
		<-gate
		return &sources.Result{}, nil
	})
	fetched := make(chan time.Time, 1)
	h.add("a-2", func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
		fetched <- time.Now()
		return &sources.Result{}, nil
	})
	if err := h.s.Sync(compile(t, cfg(config.Fetch{PerHost: 1}, "a-1", "a-2"))); err != nil {
		t.Fatal(err)
	}
	if err := h.s.Refresh("a-1"); err != nil { // holds host a
		t.Fatal(err)
	}
	h.store.SetState(context.Background(), store.State{Source: "a-2", NotBefore: time.Now().Add(300 * time.Millisecond)})
	h.s.scheduled(h.entry("a-2"))
	time.Sleep(time.Second) // past the not-before, still behind a-1
	released := time.Now()
	close(gate)
	select {
	case at := <-fetched:
		// Waiting again would be 300ms; this is a bound on that, not a
		// timing of the fetch.
		if d := at.Sub(released); d > 250*time.Millisecond {
			t.Errorf("a-2 fetched %v after its host was free, its not-before long past", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a-2 never fetched")
	}
}

// TestScheduledRecoversBeforeBegin: a panic in the scheduled job (here a
// misbehaving Rand) is logged, and leaves the source free to fetch.
func TestScheduledRecoversBeforeBegin(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Rand = func(int64) int64 { panic("rand exploded") } })
	h.add("a-1", items("x"))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	h.s.scheduled(h.entry("a-1"))
	if h.s.isRunning("a-1") {
		t.Fatal("running flag kept after a panic")
	}
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
}
