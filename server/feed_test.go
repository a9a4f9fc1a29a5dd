package server

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/tributaryfeeds/tributary/feeds"
)

func TestFeed200Headers(t *testing.T) {
	fx := newFixture(t, "")
	for _, tt := range []struct {
		path string
		f    feeds.Format
	}{
		{"/feeds/world.rss", feeds.RSS},
		{"/feeds/world.atom", feeds.Atom},
		{"/feeds/world.json", feeds.JSON},
	} {
		t.Run(tt.path, func(t *testing.T) {
			rd := fx.feeds.Get("world", tt.f)
			w := fx.do("GET", tt.path)
			if w.Code != 200 {
				t.Fatalf("code %d", w.Code)
			}
			want := map[string]string{
				"Content-Type":     rd.ContentType,
				"Etag":             rd.ETag,
				"Last-Modified":    "Wed, 04 Mar 2026 05:06:07 GMT",
				"Cache-Control":    "public, max-age=900",
				"Content-Length":   itoa(len(rd.Body)),
				"Vary":             "Accept-Encoding",
				"Content-Encoding": "",
			}
			checkHeaders(t, w.Header(), want)
			if !bytes.Equal(w.Body.Bytes(), rd.Body) {
				t.Fatal("body differs from Rendered.Body")
			}
		})
	}
}

func TestFeedConditional(t *testing.T) {
	fx := newFixture(t, "")
	etag := fx.feeds.Get("world", feeds.Atom).ETag
	older := "Tue, 03 Mar 2026 05:06:07 GMT"
	newer := "Thu, 05 Mar 2026 05:06:07 GMT"
	same := "Wed, 04 Mar 2026 05:06:07 GMT"
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"none", nil, 200},
		{"inm exact", []string{"If-None-Match", etag}, 304},
		{"inm other", []string{"If-None-Match", `"nope"`}, 200},
		{"inm list", []string{"If-None-Match", `"a", "b",` + etag}, 304},
		{"inm list without", []string{"If-None-Match", `"a", W/"b"`}, 200},
		{"inm two lines", []string{"If-None-Match", `"a"`, "If-None-Match", etag}, 304},
		{"inm star", []string{"If-None-Match", "*"}, 304},
		{"inm weak", []string{"If-None-Match", "W/" + etag}, 304},
		{"inm malformed", []string{"If-None-Match", `abc, ` + etag}, 200},
		{"inm unterminated", []string{"If-None-Match", `"abc`}, 200},
		{"inm wins over ims", []string{"If-None-Match", `"nope"`, "If-Modified-Since", newer}, 200},
		{"inm match ims old", []string{"If-None-Match", etag, "If-Modified-Since", older}, 304},
		{"ims same", []string{"If-Modified-Since", same}, 304},
		{"ims newer", []string{"If-Modified-Since", newer}, 304},
		{"ims older", []string{"If-Modified-Since", older}, 200},
		{"ims rfc850", []string{"If-Modified-Since", "Wednesday, 04-Mar-26 05:06:07 GMT"}, 304},
		{"ims garbage", []string{"If-Modified-Since", "yesterday"}, 200},
	}
	// Uncached: a feed not rendered since the start is answered from its
	// validators, rendered only for a 200.
	for _, cached := range []bool{true, false} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("cached=%v/%s", cached, tt.name), func(t *testing.T) {
				if !cached {
					fx.feeds.uncache("world", feeds.Atom)
				}
				renders := fx.feeds.renders.Load()
				w := fx.do("GET", "/feeds/world.atom", tt.header...)
				if w.Code != tt.want {
					t.Fatalf("code %d, want %d", w.Code, tt.want)
				}
				rendered := fx.feeds.renders.Load() - renders
				if wantRenders := int64(0); !cached && tt.want == 200 {
					if rendered != 1 || !bytes.Equal(w.Body.Bytes(), fx.feeds.rendered[key("world", feeds.Atom)].Body) {
						t.Fatalf("uncached 200: %d renders, body %d bytes", rendered, w.Body.Len())
					}
				} else if rendered != wantRenders {
					t.Fatalf("%d renders for a %d", rendered, w.Code)
				}
				checkConditional(t, w, tt.want, etag, same)
			})
		}
	}
}

func checkConditional(t *testing.T, w *httptest.ResponseRecorder, want int, etag, same string) {
	t.Helper()
	if want != 304 {
		return
	}
	if w.Body.Len() != 0 {
		t.Fatalf("304 with body %q", w.Body.String())
	}
	checkHeaders(t, w.Header(), map[string]string{
		"Etag": etag, "Cache-Control": "public, max-age=900", "Last-Modified": same,
		"Vary": "Accept-Encoding", "Content-Length": "", "Content-Type": "",
	})
}

// TestFeedUncachedGzip checks that a feed not in memory answers a gzip
// client's conditional request with the gzip tag, without rendering.
func TestFeedUncachedGzip(t *testing.T) {
	fx := newFixture(t, "")
	rd := fx.feeds.Get("world", feeds.JSON)
	fx.feeds.uncache("world", feeds.JSON)
	for _, inm := range []string{rd.GzipETag, rd.ETag} {
		w := fx.do("GET", "/feeds/world.json", "Accept-Encoding", "gzip", "If-None-Match", inm)
		if w.Code != 304 || w.Header().Get("Etag") != rd.GzipETag {
			t.Errorf("If-None-Match %s: %d, ETag %s; want 304 with %s", inm, w.Code, w.Header().Get("Etag"), rd.GzipETag)
		}
	}
	if n := fx.feeds.renders.Load(); n != 0 {
		t.Errorf("%d renders for 304s", n)
	}
	w := fx.do("GET", "/feeds/world.json", "Accept-Encoding", "gzip")
	if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" || !bytes.Equal(w.Body.Bytes(), rd.Gzip) {
		t.Errorf("uncached gzip 200: %d %q", w.Code, w.Header().Get("Content-Encoding"))
	}
}

// TestFeedRenderFails checks that a feed that cannot be rendered (the
// store is gone) is a 503 that says when to come back, not a 500 or 404.
func TestFeedRenderFails(t *testing.T) {
	fx := newFixture(t, "")
	fx.feeds.uncache("world", feeds.RSS)
	fx.feeds.renderErr = errors.New("connection refused")
	w := fx.do("GET", "/feeds/world.rss")
	if w.Code != 503 || w.Header().Get("Retry-After") == "" || strings.Contains(w.Body.String(), "refused") {
		t.Errorf("got %d, Retry-After %q, body %q", w.Code, w.Header().Get("Retry-After"), w.Body.String())
	}
	if w := fx.do("GET", "/feeds/nope.rss"); w.Code != 404 {
		t.Errorf("unknown feed: %d", w.Code)
	}
}

// TestReadyzDrains checks that /readyz turns 503 when shutdown begins while
// feeds are still served.
func TestReadyzDrains(t *testing.T) {
	fx := newFixture(t, "")
	fx.feeds.ready.Store(true)
	if w := fx.do("GET", "/readyz"); w.Code != 200 {
		t.Fatalf("ready: %d", w.Code)
	}
	fx.srv.Drain()
	if w := fx.do("GET", "/readyz"); w.Code != 503 {
		t.Errorf("draining: /readyz %d, want 503", w.Code)
	}
	if w := fx.do("GET", "/feeds/world.rss"); w.Code != 200 {
		t.Errorf("draining: feed %d, want 200", w.Code)
	}
}

func TestFeedHead(t *testing.T) {
	fx := newFixture(t, "")
	rd := fx.feeds.Get("world", feeds.RSS)
	for _, enc := range []string{"", "gzip"} {
		w := fx.do("HEAD", "/feeds/world.rss", "Accept-Encoding", enc)
		want := len(rd.Body)
		if enc == "gzip" {
			want = len(rd.Gzip)
		}
		if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") != itoa(want) {
			t.Fatalf("HEAD (%q): code %d, body %d bytes, Content-Length %q, want %d",
				enc, w.Code, w.Body.Len(), w.Header().Get("Content-Length"), want)
		}
	}
}

func TestFeedGzip(t *testing.T) {
	fx := newFixture(t, "")
	rd := fx.feeds.Get("world", feeds.JSON)
	tests := []struct {
		accept string
		gzip   bool
	}{
		{"gzip", true},
		{"br, gzip;q=0.5", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"*", true},
		{"gzip;q=0", false},
		{"gzip;q=0.000", false},
		{"*;q=0", false},
		{"gzip;q=0, *", false},
		{"br, deflate", false},
		{"identity", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			w := fx.do("GET", "/feeds/world.json", "Accept-Encoding", tt.accept)
			body := w.Body.Bytes()
			if tt.gzip {
				if w.Header().Get("Content-Encoding") != "gzip" {
					t.Fatalf("Content-Encoding %q", w.Header().Get("Content-Encoding"))
				}
				if w.Header().Get("Content-Length") != itoa(len(rd.Gzip)) {
					t.Fatalf("Content-Length %q, want %d", w.Header().Get("Content-Length"), len(rd.Gzip))
				}
				if w.Header().Get("Etag") != rd.GzipETag {
					t.Fatalf("gzip body with ETag %q, want %q", w.Header().Get("Etag"), rd.GzipETag)
				}
				body = gunzip(t, body)
			} else {
				if ce := w.Header().Get("Content-Encoding"); ce != "" {
					t.Fatalf("Content-Encoding %q, want identity", ce)
				}
				if w.Header().Get("Etag") != rd.ETag {
					t.Fatalf("identity body with ETag %q, want %q", w.Header().Get("Etag"), rd.ETag)
				}
			}
			if !bytes.Equal(body, rd.Body) {
				t.Fatal("decoded body differs from Rendered.Body")
			}
		})
	}
}

// TestFeedGzipConditional checks that each coding has its own strong ETag,
// that If-None-Match accepts either, and that a 304 carries the tag of the
// representation Accept-Encoding selects.
func TestFeedGzipConditional(t *testing.T) {
	fx := newFixture(t, "")
	rd := fx.feeds.Get("world", feeds.Atom)
	if rd.GzipETag == rd.ETag {
		t.Fatal("fixture: one ETag for both codings")
	}
	tests := []struct {
		name, encoding, inm string
		want                int
		etag                string
	}{
		{"identity, no tag", "", "", 200, rd.ETag},
		{"gzip, no tag", "gzip", "", 200, rd.GzipETag},
		{"identity, identity tag", "", rd.ETag, 304, rd.ETag},
		{"identity, gzip tag", "", rd.GzipETag, 304, rd.ETag},
		{"gzip, gzip tag", "gzip", rd.GzipETag, 304, rd.GzipETag},
		{"gzip, identity tag", "gzip", rd.ETag, 304, rd.GzipETag},
		{"gzip, weak gzip tag", "gzip", "W/" + rd.GzipETag, 304, rd.GzipETag},
		{"gzip, other tag", "gzip", `"other", "x-gz"`, 200, rd.GzipETag},
		{"gzip refused, gzip tag", "gzip;q=0", rd.GzipETag, 304, rd.ETag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h []string
			if tt.encoding != "" {
				h = append(h, "Accept-Encoding", tt.encoding)
			}
			if tt.inm != "" {
				h = append(h, "If-None-Match", tt.inm)
			}
			w := fx.do("GET", "/feeds/world.atom", h...)
			if w.Code != tt.want || w.Header().Get("Etag") != tt.etag {
				t.Fatalf("code %d ETag %q, want %d %q", w.Code, w.Header().Get("Etag"), tt.want, tt.etag)
			}
			if tt.want == 304 && (w.Body.Len() != 0 || w.Header().Get("Content-Encoding") != "") {
				t.Fatalf("304 with %d body bytes, Content-Encoding %q", w.Body.Len(), w.Header().Get("Content-Encoding"))
			}
		})
	}
}

// TestGzipETagDerived checks that a Rendered without a GzipETag never has
// its identity tag sent with the gzip body.
func TestGzipETagDerived(t *testing.T) {
	fx := newFixture(t, "")
	rd := render(t, []byte("<rss>plain enough to compress</rss>"), "application/rss+xml; charset=utf-8")
	rd.GzipETag = ""
	fx.feeds.rendered[key("world", feeds.RSS)] = rd
	want := strings.TrimSuffix(rd.ETag, `"`) + `-gz"`
	w := fx.do("GET", "/feeds/world.rss", "Accept-Encoding", "gzip")
	if w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Etag") != want {
		t.Fatalf("Content-Encoding %q ETag %q, want gzip %q", w.Header().Get("Content-Encoding"), w.Header().Get("Etag"), want)
	}
	if w := fx.do("GET", "/feeds/world.rss", "Accept-Encoding", "gzip", "If-None-Match", want); w.Code != 304 {
		t.Fatalf("derived tag: code %d, want 304", w.Code)
	}
}

func TestFeedNegotiation(t *testing.T) {
	fx := newFixture(t, "")
	tests := []struct {
		accept string
		want   feeds.Format
	}{
		{"", feeds.Atom},
		{"*/*", feeds.Atom},
		// A reader that lists HTML beside the feed types, not above them.
		{"text/html, application/atom+xml", feeds.Atom},
		{"application/rss+xml, text/html;q=0.9", feeds.RSS},
		{"text/html;q=0.5, */*", feeds.Atom},
		{"application/rss+xml", feeds.RSS},
		{"application/atom+xml", feeds.Atom},
		{"application/feed+json", feeds.JSON},
		{"application/json", feeds.JSON},
		{"application/rss+xml, application/atom+xml", feeds.Atom},
		{"application/rss+xml;q=0.9, application/atom+xml;q=0.8", feeds.RSS},
		{"application/atom+xml;q=0.1, application/json", feeds.JSON},
		{"*/*, application/rss+xml", feeds.RSS},
		{"application/*;q=0.5, application/rss+xml;q=0.4", feeds.Atom},
		{"application/atom+xml;q=0, */*", feeds.RSS},
		{"application/atom+xml;q=0, application/rss+xml;q=0, */*", feeds.JSON},
		{"application/atom+xml;q=0", feeds.Atom}, // nothing acceptable: the default
		{"APPLICATION/RSS+XML", feeds.RSS},
		{"application/rss+xml;q=bogus, application/json;q=0.2", feeds.JSON},
		// Browsers, which prefer text/html, get the page: feedpage_test.go.
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			w := fx.do("GET", "/feeds/world", "Accept", tt.accept)
			want := fx.feeds.Get("world", tt.want)
			if w.Code != 200 || w.Header().Get("Content-Type") != want.ContentType {
				t.Fatalf("code %d, Content-Type %q, want %q", w.Code, w.Header().Get("Content-Type"), want.ContentType)
			}
			if v := w.Header().Get("Vary"); v != "Accept, Accept-Encoding" {
				t.Fatalf("Vary %q", v)
			}
		})
	}
}

func TestFeedNotFoundAndMethods(t *testing.T) {
	fx := newFixture(t, "")
	tests := []struct {
		method, path string
		want         int
		allow        string
	}{
		{"GET", "/feeds/nope.atom", 404, ""},
		{"GET", "/feeds/nope", 404, ""},
		{"GET", "/feeds/world.xml", 404, ""},
		{"GET", "/feeds/world.", 404, ""},
		{"GET", "/feeds/.atom", 404, ""},
		{"GET", "/feeds/", 404, ""},
		{"GET", "/feeds/world.atom/x", 404, ""},
		{"GET", "/feeds/empty.atom", 404, ""}, // in Feeds() but not rendered
		{"GET", "/nowhere", 404, ""},
		{"POST", "/feeds/world.atom", 405, "GET, HEAD"},
		{"DELETE", "/feeds/nope.atom", 405, "GET, HEAD"},
		{"PUT", "/", 405, "GET, HEAD"},
		{"POST", "/status.json", 405, "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			w := fx.do(tt.method, tt.path)
			if w.Code != tt.want || w.Header().Get("Allow") != tt.allow {
				t.Fatalf("code %d Allow %q, want %d %q", w.Code, w.Header().Get("Allow"), tt.want, tt.allow)
			}
		})
	}
}

// TestHeaderCacheFollowsRender checks that a new Rendered for the same feed
// is served with its own headers, not the cached ones of the old render.
func TestHeaderCacheFollowsRender(t *testing.T) {
	fx := newFixture(t, "")
	k := key("world", feeds.Atom)
	first := fx.do("GET", "/feeds/world.atom")
	fx.feeds.rendered[k] = render(t, []byte("<feed>changed</feed>"), "application/atom+xml; charset=utf-8")
	second := fx.do("GET", "/feeds/world.atom")
	if first.Header().Get("Etag") == second.Header().Get("Etag") {
		t.Fatal("ETag unchanged after a new render")
	}
	if second.Body.String() != "<feed>changed</feed>" || second.Header().Get("Content-Length") != "20" {
		t.Fatalf("stale response: %q, Content-Length %q", second.Body.String(), second.Header().Get("Content-Length"))
	}
}

func TestNoGzipBody(t *testing.T) {
	fx := newFixture(t, "")
	rd := render(t, []byte("plain"), "application/rss+xml; charset=utf-8")
	rd.Gzip = nil
	fx.feeds.rendered[key("world", feeds.RSS)] = rd
	w := fx.do("GET", "/feeds/world.rss", "Accept-Encoding", "gzip")
	if w.Header().Get("Content-Encoding") != "" || w.Body.String() != "plain" {
		t.Fatalf("got %q encoded %q", w.Body.String(), w.Header().Get("Content-Encoding"))
	}
}

func checkHeaders(t *testing.T, h http.Header, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
