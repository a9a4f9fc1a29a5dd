package metrics

import (
	"testing"
	"time"
)

// series counts the series of each metric family in the registry.
func series(t *testing.T, m *Metrics) map[string]int {
	t.Helper()
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range families {
		out[f.GetName()] = len(f.GetMetric())
	}
	return out
}

func TestForget(t *testing.T) {
	m := New("test")
	m.Fetched("a", OutcomeOK, time.Second)
	m.Fetched("b", OutcomeError, time.Second)
	m.Ingested("a", 3, 0)
	m.FeedItems.WithLabelValues("world").Set(5)
	m.FeedRenders.WithLabelValues("world").Inc()
	m.FeedRenders.WithLabelValues("local").Inc()

	m.ForgetSource("a")
	m.ForgetFeed("world")

	n := series(t, m)
	for _, c := range []struct {
		name string
		got  int
		want int
	}{
		{"fetches", n["tributary_fetches_total"], 1},
		{"fetch duration", n["tributary_fetch_duration_seconds"], 1},
		{"items ingested", n["tributary_items_ingested_total"], 0},
		{"feed items", n["tributary_feed_items"], 0},
		{"feed renders", n["tributary_feed_renders_total"], 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d series left, want %d", c.name, c.got, c.want)
		}
	}
}
