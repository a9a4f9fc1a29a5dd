package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/feeds"
)

// BenchmarkFeedPage serves the HTML page of a 50-item feed: rendered (a
// new minute each time, so never from the cache), from the page cache, and
// revalidated (304).
func BenchmarkFeedPage(b *testing.B) {
	for _, tc := range []struct {
		name   string
		inm    bool
		render bool
		want   int
	}{{"render", false, true, 200}, {"cached", false, false, 200}, {"304", true, false, 304}} {
		b.Run(tc.name, func(b *testing.B) {
			fx := newFixture(b, "")
			pg := *fx.feeds.pages["world"]
			pg.Entries = nil
			for i := range 50 {
				pg.Entries = append(pg.Entries, feeds.PageEntry{
					Title: fmt.Sprintf("Item %d: %s", i, strings.Repeat("word ", 10)), Link: fmt.Sprintf("https://news.example/%d", i),
					Date: testModified.Add(-time.Duration(i) * time.Hour), Source: "world-wire", Author: "Anna Berg",
					Summary: strings.Repeat("A sentence of a summary. ", 12), Image: fmt.Sprintf("https://news.example/%d.jpg", i),
				})
			}
			fx.feeds.pages["world"] = &pg
			if tc.render {
				n := 0
				fx.srv.clock = func() time.Time { n++; return testNow.Add(time.Duration(n) * time.Minute) }
			}
			r := httptest.NewRequest("GET", "/feeds/world", nil)
			r.Header.Set("Accept", browserAccept)
			if tc.inm {
				w := httptest.NewRecorder()
				fx.srv.ServeHTTP(w, r)
				r.Header.Set("If-None-Match", w.Header().Get("ETag"))
			}
			w := &benchWriter{h: make(http.Header, 8)}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				fx.srv.ServeHTTP(w, r)
			}
			if w.code != tc.want {
				b.Fatalf("code %d, want %d", w.code, tc.want)
			}
		})
	}
}
