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
