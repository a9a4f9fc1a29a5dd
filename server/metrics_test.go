package server

import (
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tributaryfeeds/tributary/feeds"
)

func TestRequestMetrics(t *testing.T) {
	fx := newFixture(t, "tok")
	etag := fx.feeds.Get("world", feeds.Atom).ETag
	for range 3 {
		fx.do("GET", "/feeds/world.atom", "If-None-Match", etag)
	}
	fx.do("GET", "/feeds/world.atom")
	fx.do("GET", "/feeds/world.rss")
	fx.do("GET", "/feeds/nope.rss")
	fx.do("GET", "/")
	fx.do("GET", "/healthz")
	fx.do("POST", "/admin/status")
	fx.do("GET", "/teapot")
	// A rare code goes through the uncached path.
	fx.srv.counters.inc(routeOther, noFormat, 418)

	w := fx.do("GET", "/metrics")
	if w.Code != 200 {
		t.Fatalf("metrics: %d", w.Code)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	mf := families["tributary_http_requests_total"]
	if mf == nil {
		t.Fatal("no tributary_http_requests_total")
	}
	got := map[[3]string]float64{}
	for _, m := range mf.GetMetric() {
		var k [3]string
		for _, l := range m.GetLabel() {
			switch l.GetName() {
			case "route":
				k[0] = l.GetValue()
			case "format":
				k[1] = l.GetValue()
			case "code":
				k[2] = l.GetValue()
			}
		}
		got[k] = m.GetCounter().GetValue()
	}
	want := map[[3]string]float64{
		{"feed", "atom", "304"}: 3,
		{"feed", "atom", "200"}: 1,
		{"feed", "rss", "200"}:  1,
		{"feed", "", "404"}:     1,
		{"index", "", "200"}:    1,
		{"health", "", "200"}:   1,
		{"admin", "", "401"}:    1,
		{"other", "", "404"}:    1,
		{"other", "", "418"}:    1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%v = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("series %v, want exactly %v", got, want)
	}
}
