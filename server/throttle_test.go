package server

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestAdminThrottles: a source is refreshed at most once per interval (429
// with Retry-After in between), and a client address that failed the token
// ten times in a minute is refused until the minute ends, right token or
// not, while other addresses are not.
func TestAdminThrottles(t *testing.T) {
	const token = "s3cret-token-0123"
	fx := newFixture(t, token)
	clock := &fakeClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	fx.srv = New(Options{Feeds: fx.feeds, Sources: fx.sources, BaseURL: "http://feeds.example/", AdminToken: token, Now: clock.Now})
	post := func(addr, auth string) (int, string) {
		r := httptest.NewRequest("POST", "/admin/sources/world-wire/refresh", nil)
		r.RemoteAddr = addr
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		fx.srv.ServeHTTP(w, r)
		return w.Code, w.Header().Get("Retry-After")
	}
	const admin, attacker = "192.0.2.1:1111", "198.51.100.7:2222"

	if code, _ := post(admin, "Bearer "+token); code != 202 {
		t.Fatalf("first refresh: %d", code)
	}
	clock.Add(4 * time.Second)
	if code, after := post(admin, "Bearer "+token); code != 429 || after != "6" {
		t.Errorf("refresh 4s later: %d, Retry-After %q; want 429, 6", code, after)
	}
	clock.Add(6 * time.Second)
	if code, _ := post(admin, "Bearer "+token); code != 202 {
		t.Errorf("refresh after the interval: %d", code)
	}
	if n := len(fx.sources.refreshed); n != 2 {
		t.Errorf("%d refreshes reached the scheduler, want 2", n)
	}

	for i := range maxAuthFailures {
		if code, _ := post(attacker, "Bearer guess"); code != 401 {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	clock.Add(30 * time.Second)
	if code, after := post(attacker+"9", "Bearer "+token); code != 429 || after != "30" {
		t.Errorf("blocked address with the right token: %d, Retry-After %q", code, after)
	}
	clock.Add(DefaultRefreshInterval)
	if code, _ := post(admin, "Bearer "+token); code != 202 {
		t.Errorf("another address is blocked too: %d", code)
	}
	clock.Add(30 * time.Second)
	if code, _ := post(attacker, "Bearer "+token); code != 202 {
		t.Errorf("after the window: %d", code)
	}
}
