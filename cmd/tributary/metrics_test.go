package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	up := newUpstream(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, e2eToken,
		"  - {name: wire, url: "+up.srv.URL+"/rss2.xml}\n",
		"  - {slug: news, title: News, sources: [wire]}\n"))
	m := open(t, &Main{ConfigPath: path})
	base := m.URL()
	waitFetched(t, base, "wire")
	stored := status(t, base).Sources[0].Items // rss2.xml has 3 distinct items
	if stored != 3 {
		t.Fatalf("wire stored %d items, want 3", stored)
	}
	// The publisher applies stored changes after its debounce window; until
	// then a feed is rendered from the versions it knew. The JSON Feed shows
	// when the fetch has been applied.
	waitFor(t, "the fetch applied to the feed", func() bool {
		_, body := get(t, base+"/feeds/news.json")
		return strings.Count(string(body), `"id":`) == 3
	})
	// Nothing asked for the Atom feed yet: it is rendered by this request,
	// from what is stored.
	resp, _ := get(t, base+"/feeds/news.atom")
	etag := resp.Header.Get("ETag")
	if r, _ := get(t, base+"/feeds/news.atom", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Fatalf("conditional GET: status %d, want 304", r.StatusCode)
	}

	fams := scrape(t, base)
	for _, tc := range []struct {
		name    string
		labels  map[string]string
		want    float64
		atLeast bool
	}{
		{"tributary_fetches_total", map[string]string{"source": "wire", "outcome": "ok"}, 1, false},
		{"tributary_items_ingested_total", map[string]string{"source": "wire", "kind": "new"}, float64(stored), false},
		{"tributary_feed_items", map[string]string{"feed": "news"}, float64(stored), false},
		// On the first request; perhaps again when the fetch's change
		// is applied after it.
		{"tributary_feed_renders_total", map[string]string{"feed": "news"}, 1, true},
		{"tributary_http_requests_total", map[string]string{"route": "feed", "format": "atom", "code": "304"}, 1, false},
		{"tributary_http_requests_total", map[string]string{"route": "feed", "format": "atom", "code": "200"}, 1, false},
		{"tributary_build_info", map[string]string{"version": version}, 1, false},
	} {
		got, ok := value(fams, tc.name, tc.labels)
		switch {
		case !ok:
			t.Errorf("%s%v: no such sample", tc.name, tc.labels)
		case tc.atLeast && got < tc.want:
			t.Errorf("%s%v = %v, want at least %v", tc.name, tc.labels, got, tc.want)
		case !tc.atLeast && got != tc.want:
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if _, ok := value(fams, "tributary_fetches_total", map[string]string{"source": "wire", "outcome": "error"}); ok {
		t.Error(`tributary_fetches_total{outcome="error"} exists after a good fetch`)
	}
	if ms := fams["tributary_fetch_duration_seconds"].GetMetric(); len(ms) != 1 || ms[0].GetHistogram().GetSampleCount() != 1 {
		t.Errorf("tributary_fetch_duration_seconds: want one series with one observation, got %v", ms)
	}
	if !strings.HasPrefix(fams["go_goroutines"].GetName(), "go_") {
		t.Error("Go runtime collector missing")
	}
}
