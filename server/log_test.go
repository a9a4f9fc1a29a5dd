package server

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/tributaryfeeds/tributary/feeds"
)

func TestDebugLogOmitsToken(t *testing.T) {
	var buf bytes.Buffer
	fx := newFixture(t, "")
	fx.srv = New(Options{
		Feeds: fx.feeds, Sources: fx.sources, AdminToken: "hunter2",
		Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	fx.do("POST", "/admin/sources/world-wire/refresh", "Authorization", "Bearer hunter2")
	fx.do("GET", "/feeds/world.atom")
	out := buf.String()
	if strings.Contains(out, "hunter2") {
		t.Fatalf("token logged: %s", out)
	}
	for _, s := range []string{"path=/admin/sources/world-wire/refresh", "code=202", "path=/feeds/world.atom", "code=200"} {
		if !strings.Contains(out, s) {
			t.Errorf("log lacks %q:\n%s", s, out)
		}
	}
}

// TestConcurrentServing runs requests against token and render swaps so
// that -race can see the header cache and the token handling.
func TestConcurrentServing(t *testing.T) {
	fx := newFixture(t, "a")
	rds := []*feeds.Rendered{
		render(t, []byte("one"), "application/atom+xml; charset=utf-8"),
		render(t, []byte("two"), "application/atom+xml; charset=utf-8"),
	}
	var mu sync.Mutex
	fx.feeds.rendered = map[feedKey]*feeds.Rendered{key("world", feeds.Atom): rds[0]}
	getter := &lockedFeeds{fakeFeeds: fx.feeds, mu: &mu}
	fx.srv = New(Options{Feeds: getter, Sources: fx.sources, Metrics: fx.metrics, AdminToken: "a"})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 200 {
				w := fx.do("GET", "/feeds/world.atom", "Accept-Encoding", "gzip")
				if w.Code != 200 || w.Header().Get("Content-Length") != itoa(w.Body.Len()) {
					t.Errorf("code %d, Content-Length %q for %d bytes", w.Code, w.Header().Get("Content-Length"), w.Body.Len())
					return
				}
				if i == 0 && j%10 == 0 {
					mu.Lock()
					fx.feeds.rendered[key("world", feeds.Atom)] = rds[j/10%2]
					mu.Unlock()
					fx.srv.SetAdminToken([]string{"a", "b"}[j/10%2])
				}
			}
		})
	}
	wg.Wait()
}

type lockedFeeds struct {
	*fakeFeeds
	mu *sync.Mutex
}

func (l *lockedFeeds) Get(slug string, f feeds.Format) *feeds.Rendered {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fakeFeeds.Get(slug, f)
}
