package server

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"strings"
	"testing"

	"github.com/tributaryfeeds/tributary/feeds"
)

const (
	secretToken = "0123456789abcdef-right"
	otherToken  = "fedcba9876543210-other"
)

// privateFixture adds the private feed "secret" (two tokens) to the fixture.
func privateFixture(t *testing.T) *fixture {
	fx := newFixture(t, "")
	for _, f := range []feeds.Format{feeds.RSS, feeds.Atom, feeds.JSON} {
		rd := render(t, []byte("<secret-body/>"), f.ContentType())
		rd.CacheControl = "private, max-age=900"
		fx.feeds.rendered[key("secret", f)] = rd
	}
	fx.feeds.infos = append(fx.feeds.infos, feeds.Info{Slug: "secret", Title: "Secret feed", Private: true})
	fx.feeds.access = map[string]*feeds.Access{"secret": feeds.NewAccess([]string{secretToken, otherToken})}
	return fx
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestPrivateFeedAccess(t *testing.T) {
	fx := privateFixture(t)
	tests := []struct {
		name, method, target string
		header               []string
		want                 int
	}{
		{"no credentials", "GET", "/feeds/secret.rss", nil, 401},
		{"negotiated, no credentials", "GET", "/feeds/secret", nil, 401},
		{"query token", "GET", "/feeds/secret.rss?token=" + secretToken, nil, 200},
		{"second token", "GET", "/feeds/secret.atom?token=" + otherToken, nil, 200},
		{"wrong query token", "GET", "/feeds/secret.rss?token=nope", nil, 401},
		{"token prefix", "GET", "/feeds/secret.rss?token=" + secretToken[:10], nil, 401},
		{"token with suffix", "GET", "/feeds/secret.rss?token=" + secretToken + "x", nil, 401},
		{"empty query token", "GET", "/feeds/secret.rss?token=", nil, 401},
		{"bearer", "GET", "/feeds/secret.json", []string{"Authorization", "Bearer " + secretToken}, 200},
		{"bearer, lower-case scheme", "GET", "/feeds/secret.json", []string{"Authorization", "bearer " + secretToken}, 200},
		{"wrong bearer", "GET", "/feeds/secret.json", []string{"Authorization", "Bearer " + secretToken[1:]}, 401},
		{"basic, any user", "GET", "/feeds/secret.rss", []string{"Authorization", basic("reader", secretToken)}, 200},
		{"basic, empty user", "GET", "/feeds/secret.rss", []string{"Authorization", basic("", secretToken)}, 200},
		{"basic, token as user", "GET", "/feeds/secret.rss", []string{"Authorization", basic(secretToken, "x")}, 401},
		{"wrong query, right bearer", "GET", "/feeds/secret.rss?token=nope", []string{"Authorization", "Bearer " + secretToken}, 200},
		{"HEAD with token", "HEAD", "/feeds/secret.rss?token=" + secretToken, nil, 200},
		{"HEAD without", "HEAD", "/feeds/secret.rss", nil, 401},
		{"public feed ignores credentials", "GET", "/feeds/world.rss", []string{"Authorization", "Bearer junk"}, 200},
		{"unknown slug", "GET", "/feeds/nope.rss?token=" + secretToken, nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := fx.do(tt.method, tt.target, tt.header...)
			if w.Code != tt.want {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.target, w.Code, tt.want)
			}
			h := w.Header()
			switch tt.want {
			case 401:
				if got := h.Values("WWW-Authenticate"); len(got) != 2 || !strings.HasPrefix(got[0], "Basic realm=") || !strings.HasPrefix(got[1], "Bearer realm=") {
					t.Errorf("WWW-Authenticate = %q", got)
				}
				if h.Get("ETag") != "" || h.Get("Last-Modified") != "" || strings.Contains(w.Body.String(), "secret-body") {
					t.Errorf("401 tells about the feed: %v %q", h, w.Body)
				}
			case 200:
				if strings.Contains(tt.target, "secret") && h.Get("Cache-Control") != "private, max-age=900" {
					t.Errorf("Cache-Control = %q, want private", h.Get("Cache-Control"))
				}
			}
		})
	}
}

func TestPrivateFeedConditional(t *testing.T) {
	fx := privateFixture(t)
	w := fx.do("GET", "/feeds/secret.rss", "Authorization", basic("me", secretToken))
	etag, lm := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
	if w.Code != 200 || etag == "" || lm == "" {
		t.Fatalf("first GET: %d, ETag %q, Last-Modified %q", w.Code, etag, lm)
	}
	if w := fx.do("GET", "/feeds/secret.rss", "Authorization", basic("me", secretToken), "If-None-Match", etag); w.Code != 304 {
		t.Errorf("If-None-Match with token = %d, want 304", w.Code)
	}
	if w := fx.do("GET", "/feeds/secret.rss?token="+secretToken, "If-Modified-Since", lm); w.Code != 304 {
		t.Errorf("If-Modified-Since with token = %d, want 304", w.Code)
	}
	// A validator is no credential: without the token it is 401, not 304.
	if w := fx.do("GET", "/feeds/secret.rss", "If-None-Match", etag); w.Code != 401 {
		t.Errorf("If-None-Match without token = %d, want 401", w.Code)
	}
}

func TestPrivateFeedListedNowhere(t *testing.T) {
	fx := privateFixture(t)
	for _, path := range []string{"/", "/opml", "/status", "/status.json"} {
		w := fx.do("GET", path)
		if w.Code != 200 {
			t.Fatalf("%s = %d", path, w.Code)
		}
		if body := w.Body.String(); strings.Contains(body, "secret") || !strings.Contains(body, "world") {
			t.Errorf("%s lists the private feed or misses the public one:\n%s", path, body)
		}
	}
}

func TestPrivateFeedTokenNeverLogged(t *testing.T) {
	fx := privateFixture(t)
	var logs bytes.Buffer
	fx.srv.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fx.do("GET", "/feeds/secret.rss?token="+secretToken)
	fx.do("GET", "/feeds/secret.rss?token="+otherToken+"x")
	fx.do("GET", "/feeds/secret.rss", "Authorization", "Bearer "+secretToken)
	if logs.Len() == 0 {
		t.Fatal("no debug log written; the check would prove nothing")
	}
	if s := logs.String(); strings.Contains(s, secretToken) || strings.Contains(s, otherToken) || strings.Contains(s, "token=") {
		t.Errorf("log holds a token:\n%s", s)
	}
}
