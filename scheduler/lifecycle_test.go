package scheduler

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

func TestRunOnStartFetchesEachSourceOnce(t *testing.T) {
	h := newHarness(t, nil)
	names := []string{"a-1", "a-2", "b-1"}
	var fakes []*fakeSource
	for _, n := range names {
		fakes = append(fakes, h.add(n, items(n+"-item")))
	}
	if err := h.s.Start(context.Background(), compile(t, cfg(config.Fetch{RunOnStart: true}, names...))); err != nil {
		t.Fatal(err)
	}
	stopNow(t, h.s)
	for i, n := range names {
		if got := fakes[i].calls.Load(); got != 1 {
			t.Errorf("%s fetched %d times, want 1", n, got)
		}
		if it, ok := h.store.item(n, n+"-item"); !ok || it.Source != n {
			t.Errorf("%s: item stored=%v source=%q", n, ok, it.Source)
		}
	}
}

func TestStartWithoutRunOnStartFetchesNothing(t *testing.T) {
	h := newHarness(t, nil)
	f := h.add("a-1", items("x"))
	if err := h.s.Start(context.Background(), compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	stopNow(t, h.s)
	if f.calls.Load() != 0 {
		t.Errorf("fetched at start without run_on_start")
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", items("x"))
	c := cfg(config.Fetch{}, "a-1", "zz-1") // no fake for zz-1: Build fails
	if err := h.s.Start(context.Background(), compile(t, c)); err == nil || !strings.Contains(err.Error(), "source zz-1") {
		t.Fatalf("Start = %v, want an error naming source zz-1, which cannot be built", err)
	}
	// A configuration that config did not compile is refused.
	if err := h.s.Sync(cfg(config.Fetch{}, "a-1")); err == nil || !strings.Contains(err.Error(), "source a-1: not compiled") {
		t.Fatalf("Sync = %v, want an error naming a-1 as not compiled", err)
	}
}

func entryIDs(s *Scheduler) map[string]cron.EntryID {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]cron.EntryID{}
	for n, e := range s.entries {
		out[n] = e.id
	}
	return out
}

func statusNames(t *testing.T, s *Scheduler) []string {
	t.Helper()
	st, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, x := range st {
		names = append(names, x.Name+"="+x.Schedule)
	}
	return names
}

func TestSyncAddsRemovesReschedules(t *testing.T) {
	h := newHarness(t, nil)
	for _, n := range []string{"a-1", "b-1", "c-1", "d-1"} {
		h.add(n, items("x"))
	}
	c1 := cfg(config.Fetch{}, "a-1", "b-1", "c-1")
	if err := h.s.Start(context.Background(), compile(t, c1)); err != nil {
		t.Fatal(err)
	}
	before := entryIDs(h.s)

	c2 := cfg(config.Fetch{}, "d-1", "a-1", "b-1")
	c2.Sources[1].Line = 40                // moved in the file: unchanged
	c2.Sources[2].Schedule = "*/5 * * * *" // rescheduled
	c2.Sources[2].Tags = []string{"world"} // and changed
	if err := h.s.Sync(compile(t, c2)); err != nil {
		t.Fatal(err)
	}
	after := entryIDs(h.s)
	if after["a-1"] != before["a-1"] {
		t.Error("unchanged source a-1 was rescheduled")
	}
	if after["b-1"] == before["b-1"] {
		t.Error("changed source b-1 kept its old entry")
	}
	if _, ok := after["c-1"]; ok {
		t.Error("removed source c-1 still scheduled")
	}
	want := []string{"d-1=@every 1h", "a-1=@every 1h", "b-1=*/5 * * * *"}
	if got := statusNames(t, h.s); !slices.Equal(got, want) {
		t.Errorf("status = %v, want %v", got, want)
	}
	if n := len(h.s.cron.Entries()); n != 3 {
		t.Errorf("%d cron entries, want 3", n)
	}
	if err := h.s.Refresh("c-1"); !errors.Is(err, ErrUnknownSource) {
		t.Errorf("Refresh(removed) = %v, want ErrUnknownSource", err)
	}

	// A changed default schedule reschedules sources that use it.
	c3 := cfg(config.Fetch{Schedule: "@every 2h"}, "d-1", "a-1", "b-1")
	c3.Sources[2] = c2.Sources[2]
	if err := h.s.Sync(compile(t, c3)); err != nil {
		t.Fatal(err)
	}
	again := entryIDs(h.s)
	if again["a-1"] == after["a-1"] || again["b-1"] != after["b-1"] {
		t.Errorf("default schedule change: ids %v -> %v", after, again)
	}

	// A failed sync leaves everything as it was.
	bad := cfg(config.Fetch{}, "a-1", "zz-1")
	if err := h.s.Sync(compile(t, bad)); err == nil {
		t.Fatal("Sync accepted an unbuildable source")
	}
	if got := entryIDs(h.s); len(got) != 3 || got["d-1"] != again["d-1"] {
		t.Errorf("failed sync changed the schedule: %v", got)
	}
}

func TestSyncRemovalCancelsInFlightFetch(t *testing.T) {
	h := newHarness(t, nil)
	entered := make(chan struct{})
	h.add("a-1", untilCancelled(entered))
	h.add("b-1", items("x"))
	if err := h.s.Start(context.Background(), compile(t, cfg(config.Fetch{}, "a-1", "b-1"))); err != nil {
		t.Fatal(err)
	}
	if err := h.s.Refresh("a-1"); err != nil {
		t.Fatal(err)
	}
	<-entered
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "b-1"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a-1 fetch to end", func() bool { return !h.s.isRunning("a-1") })
	if _, err := h.store.State(context.Background(), "a-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an abandoned fetch recorded state: %v", err)
	}
}

func TestRefresh(t *testing.T) {
	h := newHarness(t, nil)
	entered := make(chan struct{}, 10)
	gate := make(chan struct{})
	f := h.add("a-1", func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
		entered <- struct{}{}
		<-gate
		return &sources.Result{}, nil
	})
	if err := h.s.Refresh("a-1"); !errors.Is(err, ErrUnknownSource) {
		t.Fatalf("Refresh before configuration = %v", err)
	}
	if err := h.s.Start(context.Background(), compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	if err := h.s.Refresh("nope"); !errors.Is(err, ErrUnknownSource) {
		t.Errorf("Refresh(unknown) = %v", err)
	}
	if err := h.s.Refresh("a-1"); err != nil {
		t.Fatal(err)
	}
	<-entered
	// While it runs, neither a refresh, a scheduled run nor RunOnce starts
	// a second fetch.
	for range 2 {
		if err := h.s.Refresh("a-1"); err != nil {
			t.Fatal(err)
		}
	}
	h.s.scheduled(h.s.entries["a-1"])
	if err := h.s.RunOnce(context.Background(), "a-1"); err == nil {
		t.Error("RunOnce while running: no error")
	}
	if n := f.calls.Load(); n != 1 {
		t.Fatalf("%d fetches while one runs, want 1", n)
	}
	// The refreshes are not lost, though: the running fetch may predate
	// what the operator fixed, so one more fetch (one for both) follows.
	gate <- struct{}{}
	<-entered
	gate <- struct{}{}
	waitFor(t, "the refresh to end", func() bool { return !h.s.isRunning("a-1") })
	if n := f.calls.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2: the first and one for the refreshes made during it", n)
	}
	close(gate)
	if err := h.s.Refresh("a-1"); err != nil {
		t.Fatal(err)
	}
	stopNow(t, h.s)
	if n := f.calls.Load(); n != 3 {
		t.Errorf("%d fetches after another refresh, want 3", n)
	}
	if err := h.s.Refresh("a-1"); err == nil {
		t.Error("Refresh after Stop: no error")
	}
}

func TestStopCancelsInFlightFetches(t *testing.T) {
	h := newHarness(t, nil)
	entered := make(chan struct{}, 2)
	cancelled := make(chan struct{}, 2)
	block := func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
		entered <- struct{}{}
		<-ctx.Done()
		cancelled <- struct{}{}
		return nil, ctx.Err()
	}
	h.add("a-1", block)
	h.add("b-1", block)
	if err := h.s.Start(context.Background(), compile(t, cfg(config.Fetch{RunOnStart: true}, "a-1", "b-1"))); err != nil {
		t.Fatal(err)
	}
	<-entered
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if err := h.s.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v, want deadline exceeded", err)
	}
	if len(cancelled) != 2 {
		t.Fatalf("%d fetches saw cancellation, want 2", len(cancelled))
	}
	if states, _ := h.store.States(context.Background()); len(states) != 0 {
		t.Errorf("cancelled fetches recorded failures: %+v", states)
	}
	if err := h.s.Stop(context.Background()); err != nil {
		t.Errorf("second Stop = %v", err)
	}
}

// TestStopCancelsRunOnce: a RunOnce has its caller's context, and Stop
// cancels it too; a removal cancels it as it cancels a scheduled fetch.
func TestStopCancelsRunOnce(t *testing.T) {
	for _, how := range []string{"stop", "removal"} {
		t.Run(how, func(t *testing.T) {
			h := newHarness(t, nil)
			entered := make(chan struct{})
			h.add("a-1", untilCancelled(entered))
			h.add("b-1", items("x"))
			if err := h.s.Start(context.Background(), compile(t, cfg(config.Fetch{}, "a-1", "b-1"))); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- h.s.RunOnce(context.Background(), "a-1") }()
			<-entered
			switch how {
			case "stop":
				ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
				defer cancel()
				if err := h.s.Stop(ctx); !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("Stop = %v, want deadline exceeded", err)
				}
			case "removal":
				if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "b-1"))); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("RunOnce = %v, want cancelled", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("RunOnce not cancelled")
			}
		})
	}
}

func TestStopWaitsForFetchesThatFinish(t *testing.T) {
	h := newHarness(t, nil)
	entered := make(chan struct{})
	gate := make(chan struct{})
	h.add("a-1", func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
		close(entered)
		<-gate
		return &sources.Result{Items: []sources.Item{{ID: "x"}}}, nil
	})
	if err := h.s.Start(context.Background(), compile(t, cfg(config.Fetch{RunOnStart: true}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	<-entered
	stopped := make(chan error)
	go func() { stopped <- h.s.Stop(context.Background()) }()
	close(gate)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if _, ok := h.store.item("a-1", "x"); !ok {
		t.Error("fetch finishing during Stop was not stored")
	}
}

func TestStartContextCancelsFetches(t *testing.T) {
	h := newHarness(t, nil)
	entered := make(chan struct{})
	h.add("a-1", untilCancelled(entered))
	ctx, cancel := context.WithCancel(context.Background())
	if err := h.s.Start(ctx, compile(t, cfg(config.Fetch{RunOnStart: true}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	<-entered
	cancel()
	// The fetch must end on its own, before Stop could cancel it.
	waitFor(t, "a-1 fetch to end", func() bool { return !h.s.isRunning("a-1") })
	if _, err := h.store.State(context.Background(), "a-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a cancelled fetch recorded state: %v", err)
	}
	stopNow(t, h.s)
}

func TestStatus(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", items("x", "y"))
	h.add("b-1", items())
	c := cfg(config.Fetch{}, "a-1", "b-1")
	before := time.Now()
	if err := h.s.Start(context.Background(), compile(t, c)); err != nil {
		t.Fatal(err)
	}
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(5 * time.Hour)
	h.store.SetState(context.Background(), store.State{Source: "b-1", NotBefore: later, Failures: 2, LastError: "down"})
	st, err := h.s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 {
		t.Fatalf("%d statuses", len(st))
	}
	a, b := st[0], st[1]
	if a.Name != "a-1" || a.Items != 2 || !a.LastSuccess.Equal(h.clock.Now()) || a.Kind != "feed" {
		t.Errorf("a-1 = %+v", a)
	}
	if a.NextRun.Before(before) || a.NextRun.After(time.Now().Add(time.Hour+time.Second)) {
		t.Errorf("a-1 next run %v not within the next hour", a.NextRun)
	}
	if b.Kind != "feed" || b.Failures != 2 || b.LastError != "down" || !b.NextRun.Equal(later) {
		t.Errorf("b-1 = %+v", b)
	}
}

// TestSyncRebuildsOnClientSettings: the HTTP client is built from
// fetch.timeout, user_agent and max_body, so changing any of them must
// rebuild every source; other fetch settings leave sources alone.
func TestSyncRebuildsOnClientSettings(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", items("x"))
	h.add("b-1", items("y"))
	c := cfg(config.Fetch{UserAgent: "one"}, "a-1", "b-1")
	if err := h.s.Start(context.Background(), compile(t, c)); err != nil {
		t.Fatal(err)
	}
	before := entryIDs(h.s)

	c.Fetch.Concurrency = 3 // limits, not client settings
	c.Fetch.PerHost = 1
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	if after := entryIDs(h.s); !maps.Equal(before, after) {
		t.Errorf("concurrency or per_host change rebuilt sources: %v -> %v", before, after)
	}
	if h.s.hosts.Limit() != 1 {
		t.Errorf("per-host limit %d after the change, want 1", h.s.hosts.Limit())
	}

	c.Fetch.UserAgent = "two"
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	after := entryIDs(h.s)
	for name, id := range before {
		if after[name] == id {
			t.Errorf("source %s kept entry %d after the user agent changed", name, id)
		}
	}
}
