package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

func TestRunOnceStoresItemsWithSource(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", items("x", "y"))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"x", "y"} {
		it, ok := h.store.item("a-1", id)
		if !ok || it.Source != "a-1" {
			t.Errorf("item %s: stored=%v source=%q", id, ok, it.Source)
		}
	}
	st := h.store.get(t, "a-1")
	now := h.clock.Now()
	if !st.LastFetch.Equal(now) || !st.LastSuccess.Equal(now) || st.ETag != `"v1"` || st.Failures != 0 {
		t.Errorf("state = %+v", st)
	}
}

func TestFailureBacksOffAndSuccessResets(t *testing.T) {
	h := newHarness(t, nil)
	var fail = true
	boom := errors.New("boom")
	h.add("a-1", func(ctx context.Context, req sources.Request) (*sources.Result, error) {
		if fail {
			return nil, boom
		}
		return items("x")(ctx, req)
	})
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	h.store.SetState(context.Background(), store.State{Source: "a-1", ETag: `"old"`, LastModified: "yesterday"})
	for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		err := h.s.RunOnce(context.Background(), "a-1")
		if !errors.Is(err, boom) {
			t.Fatalf("fetch %d: err = %v, want boom", i, err)
		}
		st := h.store.get(t, "a-1")
		now := h.clock.Now()
		if st.Failures != i+1 || !st.NotBefore.Equal(now.Add(want)) || !strings.Contains(st.LastError, "boom") {
			t.Errorf("after failure %d: failures=%d notBefore=+%v err=%q", i+1, st.Failures, st.NotBefore.Sub(now), st.LastError)
		}
		if st.ETag != `"old"` || st.LastModified != "yesterday" || !st.LastFetch.Equal(now) {
			t.Errorf("after failure %d: validators or LastFetch changed: %+v", i+1, st)
		}
		h.clock.Add(want)
	}
	fail = false
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	st := h.store.get(t, "a-1")
	if st.Failures != 0 || !st.NotBefore.IsZero() || st.LastError != "" || !st.LastSuccess.Equal(h.clock.Now()) {
		t.Errorf("after success: %+v", st)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, time.Minute}, {1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute},
		{9, 256 * time.Minute}, {10, 6 * time.Hour}, {1000, 6 * time.Hour},
	}
	for _, tt := range tests {
		if got := backoff(tt.failures); got != tt.want {
			t.Errorf("backoff(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

func TestBackoffJitterIsSmall(t *testing.T) {
	var asked int64
	h := newHarness(t, func(o *Options) {
		o.Rand = func(n int64) int64 { asked = n; return n - 1 }
	})
	h.add("a-1", failing(errors.New("down")))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	_ = h.s.RunOnce(context.Background(), "a-1")
	got := h.store.get(t, "a-1").NotBefore.Sub(h.clock.Now())
	if asked != int64(6*time.Second) || got != time.Minute+6*time.Second-1 {
		t.Errorf("jitter bound %v, delay %v; want bound 6s and delay just under 1m6s", time.Duration(asked), got)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		want  time.Duration
	}{
		{"later than backoff", 2 * time.Hour, 2 * time.Hour},
		{"earlier than backoff", 10 * time.Second, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			now := h.clock.Now()
			herr := &sources.HTTPError{URL: "https://a.example/1", StatusCode: 429, RetryAfter: now.Add(tt.after)}
			h.add("a-1", failing(fmt.Errorf("feed: %w", herr)))
			if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
				t.Fatal(err)
			}
			_ = h.s.RunOnce(context.Background(), "a-1")
			if got := h.store.get(t, "a-1").NotBefore.Sub(now); got != tt.want {
				t.Errorf("NotBefore = now+%v, want now+%v", got, tt.want)
			}
		})
	}
}

func TestSkipWhenNotBeforeInFuture(t *testing.T) {
	h := newHarness(t, nil)
	f := h.add("a-1", items("x"))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	h.store.SetState(context.Background(), store.State{Source: "a-1", NotBefore: h.clock.Now().Add(time.Hour)})
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	h.scheduled(t, "a-1") // an hour is beyond the jitter window of @every 1h
	if n := f.calls.Load(); n != 0 {
		t.Fatalf("fetched %d times before NotBefore", n)
	}
	h.clock.Add(time.Hour)
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	if n := f.calls.Load(); n != 1 {
		t.Fatalf("fetched %d times at NotBefore, want 1", n)
	}
}

func TestScheduledRunWaitsForNearNotBefore(t *testing.T) {
	h := newHarness(t, nil)
	f := h.add("a-1", items("x"))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	// Within the 6m jitter window of @every 1h: wait (2ms of real time)
	// rather than skip a whole interval.
	h.store.SetState(context.Background(), store.State{Source: "a-1", NotBefore: h.clock.Now().Add(2 * time.Millisecond)})
	h.scheduled(t, "a-1")
	if n := f.calls.Load(); n != 1 {
		t.Fatalf("fetched %d times, want 1", n)
	}
}

func TestConditionalRequestAndNotModified(t *testing.T) {
	h := newHarness(t, nil)
	var got sources.Request
	h.add("a-1", func(ctx context.Context, req sources.Request) (*sources.Result, error) {
		got = req
		return &sources.Result{NotModified: true, NotBefore: h.clock.Now().Add(time.Hour)}, nil
	})
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	h.store.Upsert(context.Background(), "a-1", []sources.Item{{ID: "old"}}, h.clock.Now())
	h.store.SetState(context.Background(), store.State{Source: "a-1", ETag: `"e"`, LastModified: "lm", Failures: 3, LastError: "x"})
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	if got.ETag != `"e"` || got.LastModified != "lm" || got.Known == nil {
		t.Fatalf("request = %+v", got)
	}
	if !got.Known(context.Background(), "old") || got.Known(context.Background(), "new") {
		t.Error("Known does not reflect the store")
	}
	st := h.store.get(t, "a-1")
	if st.ETag != `"e"` || st.LastModified != "lm" || st.Failures != 0 || st.LastError != "" ||
		!st.NotBefore.Equal(h.clock.Now().Add(time.Hour)) {
		t.Errorf("state after 304 = %+v", st)
	}
	if len(h.changed()) != 0 {
		t.Errorf("OnChange called after 304: %v", h.changed())
	}
}

func TestWarningsRecorded(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", func(context.Context, sources.Request) (*sources.Result, error) {
		return &sources.Result{Warnings: []string{"bad.md: unreadable", "page 2 failed"}}, nil
	})
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	if st := h.store.get(t, "a-1"); st.LastError != "bad.md: unreadable; page 2 failed" || st.Failures != 0 {
		t.Errorf("state = %+v", st)
	}
}

func TestStoreErrorIsAFailure(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", items("x"))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	h.store.SetState(context.Background(), store.State{Source: "a-1", ETag: `"old"`})
	h.store.err = errors.New("disk full")
	if err := h.s.RunOnce(context.Background(), "a-1"); err == nil {
		t.Fatal("no error")
	}
	// The new ETag must not be saved, or the next 304 would skip items
	// that were never stored.
	if st := h.store.get(t, "a-1"); st.ETag != `"old"` || st.Failures != 1 {
		t.Errorf("state = %+v", st)
	}
}

func TestOnChangeOnlyOnChange(t *testing.T) {
	h := newHarness(t, nil)
	title := "first"
	ids := []string{"1", "2"}
	h.add("a-1", func(context.Context, sources.Request) (*sources.Result, error) {
		res := &sources.Result{}
		for _, id := range ids {
			it := sources.Item{ID: id, Title: "same"}
			if id == "1" {
				it.Title = title
			}
			res.Items = append(res.Items, it)
		}
		return res, nil
	})
	c := cfg(config.Fetch{}, "a-1")
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	run := func() {
		t.Helper()
		if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
			t.Fatal(err)
		}
	}
	run() // new items
	run() // nothing changed
	title = "second"
	run() // one updated
	if got := len(h.changed()); got != 2 {
		t.Fatalf("OnChange called %d times, want 2", got)
	}
	c.Sources[0].Keep = 1
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	run() // keep 1 bounds the fetch: the newest is stored, item 2 pruned
	if got := len(h.changed()); got != 3 {
		t.Fatalf("OnChange called %d times, want 3: item 2 pruned", got)
	}
	run() // the same listing: nothing changes, nothing comes back
	if got := len(h.changed()); got != 3 {
		t.Fatalf("OnChange called %d times, want 3: a dropped item came back", got)
	}
	if _, ok := h.store.item("a-1", "2"); ok {
		t.Error("item 2 stored beyond keep")
	}
}

func TestPanickingSourceRecovered(t *testing.T) {
	h := newHarness(t, nil)
	panicking := true
	f := h.add("a-1", func(ctx context.Context, req sources.Request) (*sources.Result, error) {
		if panicking {
			panic("selector exploded")
		}
		return items("x")(ctx, req)
	})
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	h.scheduled(t, "a-1")
	if st := h.store.get(t, "a-1"); st.Failures != 1 || !strings.Contains(st.LastError, "selector exploded") {
		t.Errorf("state after panic = %+v", st)
	}
	if h.s.isRunning("a-1") {
		t.Fatal("running flag kept after panic")
	}
	panicking = false
	h.clock.Add(time.Hour)
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.store.item("a-1", "x"); !ok || f.calls.Load() != 2 {
		t.Errorf("not fetched again after a panic: calls=%d", f.calls.Load())
	}
}

func TestFetchDeadline(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		full    bool
		want    time.Duration
	}{
		{"configured", 10 * time.Second, false, 10*time.Second + fetchSlack},
		{"full text", 10 * time.Second, true, 50 * time.Second},
	}
	for _, tt := range tests {
		if got := deadline(tt.timeout, &config.Source{FullText: tt.full}); got != tt.want {
			t.Errorf("%s: deadline = %v, want %v", tt.name, got, tt.want)
		}
	}
	paged := []struct {
		name  string
		pages int
		full  bool
		want  time.Duration
	}{
		{"three pages", 3, false, 30*time.Second + fetchSlack},
		{"three pages, full text", 3, true, 70 * time.Second},
	}
	for _, tt := range paged {
		src := &config.Source{FullText: tt.full, Compiled: &config.CompiledSource{Pages: tt.pages}}
		if got := deadline(10*time.Second, src); got != tt.want {
			t.Errorf("%s: deadline = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSlowSourceTimesOut(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", func(ctx context.Context, _ sources.Request) (*sources.Result, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	c := cfg(config.Fetch{}, "a-1")
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	e := h.s.entries["a-1"]
	st := store.State{Source: "a-1"}
	if err := h.s.run(context.Background(), e, st, time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if st := h.store.get(t, "a-1"); st.Failures != 1 {
		t.Errorf("a timeout is not recorded as a failure: %+v", st)
	}
}

func TestClaim(t *testing.T) {
	for _, grant := range []bool{true, false} {
		t.Run(fmt.Sprint("grant=", grant), func(t *testing.T) {
			cs := &claimStore{memStore: newMemStore(), grant: grant}
			h := newHarness(t, func(o *Options) { o.Store = cs })
			h.store = cs.memStore
			f := h.add("a-1", items("x"))
			if err := h.s.Sync(compile(t, cfg(config.Fetch{Timeout: config.Duration(10 * time.Second)}, "a-1"))); err != nil {
				t.Fatal(err)
			}
			if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
				t.Fatal(err)
			}
			want := int32(0)
			if grant {
				want = 1
			}
			if f.calls.Load() != want {
				t.Errorf("fetched %d times, want %d", f.calls.Load(), want)
			}
			if len(cs.calls) != 1 || cs.calls[0] != "a-1" {
				t.Errorf("claim calls %v", cs.calls)
			}
		})
	}
}

// TestNextDueShared checks that a fetch records when the source's schedule
// next comes round, and that on a shared store no replica fetches it again
// before then (a takeover does not fetch twice), while a single process
// with its own store still fetches at start.
func TestNextDueShared(t *testing.T) {
	for _, isShared := range []bool{true, false} {
		t.Run(fmt.Sprint("shared=", isShared), func(t *testing.T) {
			mem := newMemStore()
			h := newHarness(t, func(o *Options) {
				if isShared {
					o.Store = &claimStore{memStore: mem, grant: true}
				} else {
					o.Store = mem
				}
			})
			h.store = mem
			f := h.add("a-1", items("x"))
			c := compile(t, cfg(config.Fetch{Schedule: "@every 30m"}, "a-1"))
			if err := h.s.Sync(c); err != nil {
				t.Fatal(err)
			}
			start := h.clock.Now()
			if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
				t.Fatal(err)
			}
			if due := h.store.get(t, "a-1").NextDue; !due.Equal(start.Add(30 * time.Minute)) {
				t.Fatalf("NextDue = %v, want %v", due, start.Add(30*time.Minute))
			}
			// Another replica (a scheduler on the same store) starts.
			other := New(Options{Store: h.s.opts.Store, Build: h.s.opts.Build, Now: h.clock.Now, Rand: func(int64) int64 { return 0 }})
			defer other.Stop(context.Background())
			if err := other.Sync(c); err != nil {
				t.Fatal(err)
			}
			if err := other.RunOnce(context.Background(), "a-1"); err != nil {
				t.Fatal(err)
			}
			want := int32(1)
			if !isShared {
				want = 2
			}
			if got := f.calls.Load(); got != want {
				t.Errorf("fetched %d times, want %d", got, want)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	m := metrics.New("test")
	h := newHarness(t, func(o *Options) { o.Metrics = m })
	h.add("a-1", items("x", "y"))
	h.add("b-1", failing(errors.New("down")))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1", "b-1"))); err != nil {
		t.Fatal(err)
	}
	_ = h.s.RunOnce(context.Background(), "a-1")
	_ = h.s.RunOnce(context.Background(), "b-1")
	checks := []struct {
		name string
		got  float64
		want float64
	}{
		{"ok", scraped(t, m, "tributary_fetches_total", "a-1", metrics.OutcomeOK), 1},
		{"error", scraped(t, m, "tributary_fetches_total", "b-1", metrics.OutcomeError), 1},
		{"a not modified", scraped(t, m, "tributary_fetches_total", "a-1", metrics.OutcomeNotModified), -1},
		{"new", scraped(t, m, "tributary_items_ingested_total", "a-1", "new"), 2},
		{"a duration", scraped(t, m, "tributary_fetch_duration_seconds", "a-1", ""), 1},
		{"b duration", scraped(t, m, "tributary_fetch_duration_seconds", "b-1", ""), 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// scraped reads, from a scrape of m, the counter of the series with the
// source (and the outcome or kind, if not ""), or the histogram's sample
// count; -1 when there is no such series.
func scraped(t *testing.T, m *metrics.Metrics, family, source, second string) float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != family {
			continue
		}
	series:
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				switch l.GetName() {
				case "source":
					if l.GetValue() != source {
						continue series
					}
				default:
					if l.GetValue() != second {
						continue series
					}
				}
			}
			if h := s.GetHistogram(); h != nil {
				return float64(h.GetSampleCount())
			}
			return s.GetCounter().GetValue()
		}
	}
	return -1
}

// TestKeepBoundsOneFetch: with more items upstream than keep, one fetch
// stores the newest keep (undated ones count as newest, in the upstream's
// order), says so in the status, and the next fetch changes nothing: the
// dropped items never come and go.
func TestKeepBoundsOneFetch(t *testing.T) {
	base := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	h := newHarness(t, nil)
	h.add("a-1", func(context.Context, sources.Request) (*sources.Result, error) {
		res := &sources.Result{}
		// Oldest first, as some upstreams list them, then two undated.
		for i := range 1000 {
			res.Items = append(res.Items, sources.Item{ID: fmt.Sprintf("d%04d", i), Title: "dated", Published: base.Add(time.Duration(i) * time.Hour)})
		}
		res.Items = append(res.Items, sources.Item{ID: "u1", Title: "undated"}, sources.Item{ID: "u2", Title: "undated"})
		return res, nil
	})
	c := cfg(config.Fetch{}, "a-1")
	c.Sources[0].Keep = 5
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	counts, _ := h.store.Counts(context.Background())
	if counts["a-1"] != 5 {
		t.Fatalf("%d items stored, want 5", counts["a-1"])
	}
	for _, id := range []string{"u1", "u2", "d0999", "d0998", "d0997"} {
		if _, ok := h.store.item("a-1", id); !ok {
			t.Errorf("item %s, among the newest, not stored", id)
		}
	}
	st := h.store.get(t, "a-1")
	if !strings.Contains(st.LastError, "the upstream listed 1002 items; stored the newest 5") {
		t.Errorf("status does not say the upstream listed more: %q", st.LastError)
	}
	first, _ := h.store.item("a-1", "d0997")
	h.clock.Add(time.Hour)
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	if n := len(h.changed()); n != 1 {
		t.Errorf("OnChange called %d times, want 1: the second fetch changed something", n)
	}
	again, ok := h.store.item("a-1", "d0997")
	if !ok || !again.FirstSeen.Equal(first.FirstSeen) {
		t.Errorf("item first seen %v, then %v (stored: %v)", first.FirstSeen, again.FirstSeen, ok)
	}
}

// TestUpstreamTextCapped: a warning or an error carrying megabytes of
// upstream text is stored and logged clipped.
func TestUpstreamTextCapped(t *testing.T) {
	huge := strings.Repeat("x", 4<<20)
	var logs strings.Builder
	var mu sync.Mutex
	h := newHarness(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))
	})
	warnings := []string{"date " + huge + " not understood"}
	for i := range 100 {
		warnings = append(warnings, fmt.Sprintf("warning %d", i))
	}
	var fail bool
	h.add("a-1", func(context.Context, sources.Request) (*sources.Result, error) {
		if fail {
			return nil, errors.New("parse: " + huge)
		}
		return &sources.Result{Warnings: warnings}, nil
	})
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	st := h.store.get(t, "a-1")
	if n := len(st.LastError); n > maxLastError || !strings.HasPrefix(st.LastError, "date xxx") ||
		!strings.Contains(st.LastError, "warning 18; 81 more warnings") {
		t.Errorf("last_error of %d bytes: %.400q", n, st.LastError)
	}
	if first, _, _ := strings.Cut(st.LastError, ";"); len(first) > maxWarning {
		t.Errorf("one warning of %d bytes", len(first))
	}
	fail = true
	if err := h.s.RunOnce(context.Background(), "a-1"); err == nil {
		t.Fatal("no error")
	}
	if st := h.store.get(t, "a-1"); len(st.LastError) > maxLastError || !strings.HasPrefix(st.LastError, "fetch a-1: parse: xxx") {
		t.Errorf("last_error of %d bytes: %.100q", len(st.LastError), st.LastError)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := logs.Len(); n > 3*maxLastError || !strings.Contains(logs.String(), "parse: xxx") {
		t.Errorf("%d bytes logged: %.300q", n, logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *strings.Builder
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestRefreshIgnoresNotBefore: an operator's refresh fetches even while
// backoff or an upstream cache hint says to wait; a scheduled run does not.
func TestRefreshIgnoresNotBefore(t *testing.T) {
	h := newHarness(t, nil)
	var calls atomic.Int32
	h.add("a-1", func(context.Context, sources.Request) (*sources.Result, error) {
		calls.Add(1)
		return &sources.Result{NotBefore: h.clock.Now().Add(24 * time.Hour)}, nil
	})
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("RunOnce fetched %d times within NotBefore, want 1", n)
	}
	if err := h.s.Refresh("a-1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the forced refresh", func() bool { return calls.Load() == 2 })
}
