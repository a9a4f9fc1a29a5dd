package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tributaryfeeds/tributary/feeds"
)

func TestFeedLinkHeader(t *testing.T) {
	fx := newFixture(t, "")
	rd := fx.feeds.Get("world", feeds.Atom)
	rd.Link = `<http://feeds.example/websub>; rel="hub", <http://feeds.example/feeds/world.atom>; rel="self"`
	w := fx.do("GET", "/feeds/world.atom")
	if w.Code != 200 || w.Header().Get("Link") != rd.Link {
		t.Errorf("200: code %d, Link %q", w.Code, w.Header().Get("Link"))
	}
	w = fx.do("GET", "/feeds/world.atom", "If-None-Match", rd.ETag)
	if w.Code != http.StatusNotModified || w.Header().Get("Link") != rd.Link {
		t.Errorf("304: code %d, Link %q", w.Code, w.Header().Get("Link"))
	}
	if w := fx.do("GET", "/feeds/world.rss"); w.Header().Get("Link") != "" {
		t.Errorf("Link without hubs: %q", w.Header().Get("Link"))
	}
}

type fakeWebSub struct{ hub, callback []string }

func (f *fakeWebSub) ServeHub(w http.ResponseWriter, r *http.Request) {
	f.hub = append(f.hub, r.URL.Path)
	w.WriteHeader(http.StatusAccepted)
}

func (f *fakeWebSub) ServeCallback(w http.ResponseWriter, r *http.Request) {
	f.callback = append(f.callback, r.URL.Path)
	w.WriteHeader(http.StatusNoContent)
}

func TestWebSubRoutes(t *testing.T) {
	fx := newFixture(t, "")
	if w := fx.do("POST", "/websub"); w.Code != http.StatusNotFound {
		t.Errorf("/websub without push: %d", w.Code)
	}
	ws := &fakeWebSub{}
	fx.srv.websub = ws
	for _, tt := range []struct {
		method, path string
		code         int
	}{
		{"POST", "/websub", http.StatusAccepted},
		{"GET", "/websub/callback/wire/tok", http.StatusNoContent},
		{"GET", "/websub/callback/", http.StatusNotFound},
		{"GET", "/websubx", http.StatusNotFound},
	} {
		if w := fx.do(tt.method, tt.path); w.Code != tt.code {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, w.Code, tt.code)
		}
	}
	if strings.Join(ws.hub, ",") != "/websub" || strings.Join(ws.callback, ",") != "/websub/callback/wire/tok" {
		t.Errorf("routed: hub %v, callback %v", ws.hub, ws.callback)
	}
}

// BenchmarkFeed200WithHubs is BenchmarkFeed200 for a feed that advertises
// WebSub hubs: the Link header is one more shared slice.
func BenchmarkFeed200WithHubs(b *testing.B) {
	fx := newFixture(b, "")
	fx.feeds.Get("world", feeds.Atom).Link = `<http://feeds.example/websub>; rel="hub", <http://feeds.example/feeds/world.atom>; rel="self"`
	r := httptest.NewRequest("GET", benchPath, nil)
	w := &benchWriter{h: make(http.Header, 8)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		fx.srv.ServeHTTP(w, r)
	}
	if w.code != 200 || len(w.h["Link"]) != 1 {
		b.Fatalf("code %d, Link %q", w.code, w.h["Link"])
	}
}

func TestFeedWithHubsDoesNotAllocate(t *testing.T) {
	fx := newFixture(t, "")
	fx.feeds.Get("world", feeds.Atom).Link = `<http://feeds.example/websub>; rel="hub"`
	r := httptest.NewRequest("GET", benchPath, nil)
	w := &benchWriter{h: make(http.Header, 8)}
	fx.srv.ServeHTTP(w, r) // fills the header cache
	if n := testing.AllocsPerRun(100, func() {
		clear(w.h)
		fx.srv.ServeHTTP(w, r)
	}); n != 0 {
		t.Errorf("%v allocations per request with a Link header", n)
	}
}

func TestLogPathHidesCallbackToken(t *testing.T) {
	for in, want := range map[string]string{
		"/websub/callback/wire/s3cret-token":   "/websub/callback/wire/…",
		"/websub/callback/wire/s3cret/more":    "/websub/callback/wire/…",
		"/websub/callback/s3cret-without-name": "/websub/callback/s3cret-without-name/…",
		"/feeds/world.atom":                    "/feeds/world.atom",
	} {
		if got := logPath(in); got != want {
			t.Errorf("logPath(%q) = %q, want %q", in, got, want)
		}
	}
}
