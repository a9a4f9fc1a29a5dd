package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tributaryfeeds/tributary/feeds"
)

// benchWriter is a ResponseWriter that keeps nothing, so that benchmarks
// measure the handler rather than httptest.ResponseRecorder.
type benchWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *benchWriter) Header() http.Header { return w.h }
func (w *benchWriter) WriteHeader(c int)   { w.code = c }
func (w *benchWriter) Write(b []byte) (int, error) {
	w.n += len(b)
	return len(b), nil
}

func benchFeed(b *testing.B, target string, want int, header ...string) {
	fx := newFixture(b, "")
	r := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := &benchWriter{h: make(http.Header, 8)}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		fx.srv.ServeHTTP(w, r)
	}
	if w.code != want {
		b.Fatalf("code %d, want %d", w.code, want)
	}
}

const benchPath = "/feeds/world.atom"

func BenchmarkFeed200(b *testing.B) { benchFeed(b, benchPath, 200) }

func BenchmarkFeed304(b *testing.B) {
	etag := newFakeFeeds(b).Get("world", feeds.Atom).ETag
	benchFeed(b, benchPath, 304, "If-None-Match", etag)
}

func BenchmarkFeedGzip200(b *testing.B) {
	benchFeed(b, benchPath, 200, "Accept-Encoding", "gzip, deflate, br, zstd")
}

func BenchmarkFeedGzip304(b *testing.B) {
	etag := newFakeFeeds(b).Get("world", feeds.Atom).GzipETag
	benchFeed(b, benchPath, 304, "Accept-Encoding", "gzip, deflate, br, zstd", "If-None-Match", etag)
}

func BenchmarkFeedNegotiated200(b *testing.B) {
	benchFeed(b, "/feeds/world", 200, "Accept", "application/rss+xml;q=0.9, application/atom+xml;q=0.8, */*;q=0.1")
}

// BenchmarkMinimal200 is the baseline the feed handler is held to: a
// handler writing the same bytes with the fewest headers net/http needs.
func BenchmarkMinimal200(b *testing.B) {
	rd := newFakeFeeds(b).Get("world", feeds.Atom)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = []string{rd.ContentType}
		_, _ = w.Write(rd.Body)
	})
	r := httptest.NewRequest("GET", benchPath, nil)
	w := &benchWriter{h: make(http.Header, 8)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// TestFeedDoesNotAllocate holds the hot path to the benchmarks' 0
// allocs/op in every test run, for both codings and 304s.
func TestFeedDoesNotAllocate(t *testing.T) {
	fx := newFixture(t, "")
	rd := fx.feeds.Get("world", feeds.Atom)
	for _, tc := range []struct {
		header []string
		want   int
	}{
		{nil, 200},
		{[]string{"Accept-Encoding", "gzip"}, 200},
		{[]string{"If-None-Match", rd.ETag}, 304},
		{[]string{"Accept-Encoding", "gzip", "If-None-Match", `"a", ` + rd.GzipETag}, 304},
	} {
		r := httptest.NewRequest("GET", benchPath, nil)
		for i := 0; i+1 < len(tc.header); i += 2 {
			r.Header.Set(tc.header[i], tc.header[i+1])
		}
		w := &benchWriter{h: make(http.Header, 8)}
		fx.srv.ServeHTTP(w, r) // warm the header cache
		if w.code != tc.want {
			t.Fatalf("%v: code %d, want %d", tc.header, w.code, tc.want)
		}
		if n := testing.AllocsPerRun(50, func() { clear(w.h); fx.srv.ServeHTTP(w, r) }); n != 0 {
			t.Errorf("%v: %v allocs per request", tc.header, n)
		}
	}
}
