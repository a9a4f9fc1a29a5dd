package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store"
	"github.com/tributaryfeeds/tributary/store/sqlite"
)

// stuckUpstream answers nothing until the request's context ends, and says
// when a request arrives and when it is abandoned.
type stuckUpstream struct {
	srv       *httptest.Server
	entered   chan struct{}
	abandoned chan struct{}
	once      sync.Once
}

func newStuckUpstream(t *testing.T) *stuckUpstream {
	t.Helper()
	s := &stuckUpstream{entered: make(chan struct{}), abandoned: make(chan struct{})}
	release := make(chan struct{})
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.once.Do(func() { close(s.entered) })
		select {
		case <-r.Context().Done():
			close(s.abandoned)
		case <-release:
		}
	}))
	// Release a handler still blocked, or srv.Close would wait for it.
	t.Cleanup(func() { close(release); s.srv.Close() })
	return s
}

func TestCloseDuringBlockedFetch(t *testing.T) {
	up := newUpstream(t)
	stuck := newStuckUpstream(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	// The fetch timeout (30s) is far longer than the grace: only Close's
	// cancellation can end the stuck fetch in time.
	writeFile(t, path, daemonConfig(dir, "",
		"  - {name: wire, url: "+up.srv.URL+"/rss2.xml}\n  - {name: stuck, url: "+stuck.srv.URL+"/feed.xml}\n",
		"  - {slug: news, title: News, sources: [wire, stuck]}\n"))
	m := open(t, &Main{ConfigPath: path, ShutdownGrace: 200 * time.Millisecond})
	waitFetched(t, m.URL(), "wire")
	wait(t, stuck.entered, "the stuck fetch to reach its upstream")

	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	select {
	case err := <-closed:
		// Past the grace, Close says that it cancelled work in flight.
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("close: %v", err)
		}
	case <-time.After(5 * time.Second): // half the default grace
		t.Fatal("Close did not return while a fetch was blocked upstream")
	}
	wait(t, stuck.abandoned, "the stuck fetch's request to be cancelled")

	// The store was closed cleanly: it opens again with everything in it.
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "tributary.db"))
	if err != nil {
		t.Fatalf("reopen store: %v", err)
	}
	defer db.Close()
	items, err := db.Items(ctx, store.Query{Sources: []string{"wire"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Errorf("reopened store has %d wire items, want 3", len(items))
	}
}

func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}
