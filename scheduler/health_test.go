package scheduler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/metrics"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

func TestHealthOf(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	ok := store.State{LastFetch: now, LastSuccess: now, LastNewItem: now.Add(-time.Hour)}
	tests := []struct {
		name   string
		st     store.State
		expect time.Duration
		want   Health
	}{
		{"never fetched", store.State{}, 48 * time.Hour, Pending},
		{"failing beats stale", store.State{LastFetch: now, LastSuccess: now.Add(-72 * time.Hour), Failures: 1}, 48 * time.Hour, Failing},
		{"fresh", ok, 2 * time.Hour, Healthy},
		{"no expect is never stale", store.State{LastFetch: now, LastSuccess: now}, 0, Healthy},
		{"older than expect", ok, 30 * time.Minute, Stale},
		{"exactly expect is not yet stale", ok, time.Hour, Healthy},
		{"succeeds but never brought an item", store.State{LastFetch: now, LastSuccess: now}, time.Hour, Stale},
	}
	for _, tt := range tests {
		if got := healthOf(tt.st, tt.expect, now); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestFetchHistoryRecorded runs a source through success, not-modified and
// failure and reads the history back as the status page would.
func TestFetchHistoryRecorded(t *testing.T) {
	h := newHarness(t, nil)
	step := 0
	h.add("a-1", func(ctx context.Context, req sources.Request) (*sources.Result, error) {
		step++
		switch step {
		case 1:
			return &sources.Result{Status: http.StatusOK, ETag: `"v1"`, Warnings: []string{"item 3: no date"},
				Matches: []sources.Match{{Selector: "item", Count: 2}},
				Items:   []sources.Item{{ID: "x", Title: "x"}, {ID: "y", Title: "y"}}}, nil
		case 2:
			return &sources.Result{Status: http.StatusNotModified, NotModified: true, ETag: `"v1"`}, nil
		}
		if step == 3 {
			return nil, fmt.Errorf("fetch: %w", &sources.HTTPError{URL: "https://a.example/1", StatusCode: http.StatusBadGateway})
		}
		return nil, &sources.PageError{Err: errors.New(`select.title "h2" matched nothing in any of the 2 items`),
			Page: sources.PageMatches{Matches: []sources.Match{{Selector: "item", Count: 2}, {Selector: "title"}}}}
	})
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for range 4 {
		times = append(times, h.clock.Now())
		_ = h.s.RunOnce(context.Background(), "a-1")
		h.clock.Add(time.Minute)
	}
	got, err := h.store.Fetches(context.Background(), "a-1", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d fetches recorded, want 4", len(got))
	}
	want := []store.Fetch{
		{Source: "a-1", At: times[3], Outcome: metrics.OutcomeError,
			Error:   `fetch a-1: select.title "h2" matched nothing in any of the 2 items`,
			Matches: []sources.Match{{Selector: "item", Count: 2}, {Selector: "title"}}},
		{Source: "a-1", At: times[2], Outcome: metrics.OutcomeError, Status: http.StatusBadGateway,
			Error: "fetch a-1: fetch: GET https://a.example/1: 502 Bad Gateway"},
		{Source: "a-1", At: times[1], Outcome: metrics.OutcomeNotModified, Status: http.StatusNotModified},
		{Source: "a-1", At: times[0], Outcome: metrics.OutcomeOK, Status: http.StatusOK, New: 2,
			Warnings: []string{"item 3: no date"}, Matches: []sources.Match{{Selector: "item", Count: 2}}},
	}
	for i := range got {
		got[i].Duration = 0 // the fake clock does not move during a fetch
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("fetch %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	// Only the fetch that brought new items moved LastNewItem.
	if st := h.store.get(t, "a-1"); !st.LastNewItem.Equal(times[0]) {
		t.Errorf("LastNewItem = %v, want %v", st.LastNewItem, times[0])
	}
}

func TestFetchHistoryBounded(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", items("x"))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	for range store.FetchHistory + 5 {
		if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
			t.Fatal(err)
		}
		h.clock.Add(time.Minute)
	}
	got, _ := h.store.Fetches(context.Background(), "a-1", 0)
	if len(got) != store.FetchHistory {
		t.Errorf("%d fetches kept, want %d", len(got), store.FetchHistory)
	}
}

// TestStaleStatusAndMetrics: a source whose fetches succeed but bring
// nothing new turns stale after expect, in Status and in /metrics.
func TestStaleStatusAndMetrics(t *testing.T) {
	m := metrics.New("test")
	h := newHarness(t, func(o *Options) { o.Metrics = m })
	h.add("a-1", items("x"))
	h.add("b-1", failing(errors.New("boom")))
	h.add("c-1", items("z"))
	c := cfg(config.Fetch{}, "a-1", "b-1", "c-1")
	c.Sources[0].Expect = config.Duration(48 * time.Hour)
	c.Sources[1].Expect = config.Duration(48 * time.Hour)
	if err := h.s.Sync(compile(t, c)); err != nil {
		t.Fatal(err)
	}
	first := h.clock.Now()
	for _, n := range []string{"a-1", "b-1", "c-1"} {
		_ = h.s.RunOnce(context.Background(), n)
	}
	health := func() map[string]Health {
		st, err := h.s.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]Health{}
		for _, s := range st {
			out[s.Name] = s.Health
		}
		return out
	}
	if got := health(); got["a-1"] != Healthy || got["b-1"] != Failing || got["c-1"] != Healthy {
		t.Errorf("at first: %v", got)
	}
	// Two days and an hour of fetches that bring the same item again.
	h.clock.Add(49 * time.Hour)
	for _, n := range []string{"a-1", "c-1"} {
		if err := h.s.RunOnce(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	if got := health(); got["a-1"] != Stale || got["b-1"] != Failing || got["c-1"] != Healthy {
		t.Errorf("after 49h: %v (c-1 has no expect)", got)
	}
	want := map[string]float64{
		`tributary_source_stale{source="a-1"}`:                           1,
		`tributary_source_stale{source="b-1"}`:                           0,
		`tributary_source_stale{source="c-1"}`:                           0,
		`tributary_source_last_new_item_timestamp_seconds{source="a-1"}`: float64(first.Unix()),
		`tributary_source_last_new_item_timestamp_seconds{source="c-1"}`: float64(first.Unix()),
		`tributary_source_consecutive_failures{source="a-1"}`:            0,
		`tributary_source_consecutive_failures{source="b-1"}`:            1,
		`tributary_source_consecutive_failures{source="c-1"}`:            0,
	}
	if got := gauges(t, m, "tributary_source_"); !reflect.DeepEqual(got, want) {
		t.Errorf("gauges:\n got %v\nwant %v", got, want)
	}
}

// gauges gathers every gauge whose name starts with prefix, keyed as
// name{label="value"}.
func gauges(t *testing.T, m *metrics.Metrics, prefix string) map[string]float64 {
	t.Helper()
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), prefix) || mf.GetType() != dto.MetricType_GAUGE {
			continue
		}
		for _, mt := range mf.GetMetric() {
			var labels []string
			for _, l := range mt.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			out[mf.GetName()+"{"+strings.Join(labels, ",")+"}"] = mt.GetGauge().GetValue()
		}
	}
	return out
}

func TestHistoryUnknownSource(t *testing.T) {
	h := newHarness(t, nil)
	h.add("a-1", items("x"))
	if err := h.s.Sync(compile(t, cfg(config.Fetch{}, "a-1"))); err != nil {
		t.Fatal(err)
	}
	// History of a source no longer configured stays hidden.
	if err := h.store.RecordFetch(context.Background(), store.Fetch{Source: "gone", Outcome: "ok"}, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.History(context.Background(), "gone"); !errors.Is(err, ErrUnknownSource) {
		t.Errorf("History(gone): err = %v, want ErrUnknownSource", err)
	}
	if err := h.s.RunOnce(context.Background(), "a-1"); err != nil {
		t.Fatal(err)
	}
	got, err := h.s.History(context.Background(), "a-1")
	if err != nil || len(got) != 1 || got[0].New != 1 {
		t.Errorf("History(a-1) = %+v, %v", got, err)
	}
}
