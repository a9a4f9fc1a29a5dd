package server

import (
	"errors"
	"testing"

	"github.com/tributaryfeeds/tributary/feeds"
)

func TestArchiveRoutes(t *testing.T) {
	fx := privateFixture(t)
	fx.feeds.archive = map[archiveKey]*feeds.Rendered{}
	for _, slug := range []string{"world", "secret"} {
		for _, f := range []feeds.Format{feeds.RSS, feeds.Atom, feeds.JSON} {
			rd := render(t, []byte(slug+" page 3 "+f.String()), f.ContentType())
			rd.CacheControl = "public, max-age=2592000"
			fx.feeds.archive[archiveKey{slug, 3, f}] = rd
		}
	}
	tests := []struct {
		target string
		header []string
		want   int
		ct     string
	}{
		{"/feeds/world/archive/3.rss", nil, 200, feeds.RSS.ContentType()},
		{"/feeds/world/archive/3.atom", nil, 200, feeds.Atom.ContentType()},
		{"/feeds/world/archive/3.json", nil, 200, feeds.JSON.ContentType()},
		{"/feeds/world/archive/2.rss", nil, 404, ""},
		{"/feeds/world/archive/03.rss", nil, 404, ""},
		{"/feeds/world/archive/+3.rss", nil, 404, ""},
		{"/feeds/world/archive/0.rss", nil, 404, ""},
		{"/feeds/world/archive/-1.rss", nil, 404, ""},
		{"/feeds/world/archive/3", nil, 404, ""},
		{"/feeds/world/archive/3.xml", nil, 404, ""},
		{"/feeds/world/archive/3.rss/x", nil, 404, ""},
		{"/feeds/world/archive/", nil, 404, ""},
		{"/feeds//archive/3.rss", nil, 404, ""},
		{"/feeds/a/b/archive/3.rss", nil, 404, ""},
		{"/feeds/secret/archive/3.rss", nil, 401, ""},
		{"/feeds/secret/archive/3.rss?token=" + secretToken, nil, 200, feeds.RSS.ContentType()},
		{"/feeds/secret/archive/3.json", []string{"Authorization", basic("x", secretToken)}, 200, feeds.JSON.ContentType()},
	}
	for _, tt := range tests {
		w := fx.do("GET", tt.target, tt.header...)
		if w.Code != tt.want {
			t.Errorf("GET %s = %d, want %d", tt.target, w.Code, tt.want)
			continue
		}
		if tt.want == 200 && (w.Header().Get("Content-Type") != tt.ct || w.Header().Get("Cache-Control") != "public, max-age=2592000") {
			t.Errorf("GET %s headers %v", tt.target, w.Header())
		}
	}
	w := fx.do("GET", "/feeds/world/archive/3.atom")
	etag := w.Header().Get("ETag")
	if w := fx.do("GET", "/feeds/world/archive/3.atom", "If-None-Match", etag); etag == "" || w.Code != 304 {
		t.Errorf("conditional GET of an archive page = %d (ETag %q), want 304", w.Code, etag)
	}
	if w := fx.do("HEAD", "/feeds/world/archive/3.atom"); w.Code != 200 || w.Body.Len() != 0 {
		t.Errorf("HEAD = %d with %d bytes", w.Code, w.Body.Len())
	}
	if w := fx.do("POST", "/feeds/world/archive/3.atom"); w.Code != 405 {
		t.Errorf("POST = %d, want 405", w.Code)
	}
	fx.feeds.archiveErr = errors.New("disk on fire")
	if w := fx.do("GET", "/feeds/world/archive/3.atom"); w.Code != 503 || w.Header().Get("Retry-After") == "" {
		t.Errorf("failing render = %d, want 503 with Retry-After", w.Code)
	}
}
